"""Read-only dashboards: one plan at a glance, and all the plans a user follows side by side."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from indicators.charts import Chart, Series
from indicators.enums import Unit
from indicators.models import Indicator, Measurement, ProgressUpdate, format_value
from indicators.reports.base import _on_target, _target_label
from plans.enums import ActionStatus, PillarKind
from plans.formats import percent
from plans.models import Action, BudgetExecution, BudgetLine, Plan, ReportingPeriod
from plans.selectors import budget_summary

FINISHED = [ActionStatus.DONE, ActionStatus.ABANDONED]
ZERO = Decimal("0")


def plan_dashboard(plan: Plan, *, today: datetime.date) -> dict:
    """Everything the plan's dashboard shows, in a fixed number of queries whatever the plan's size."""
    actions = list(
        plan.actions.select_related("axis__pillar", "lead")
        .only(
            "title",
            "status",
            "progress",
            "due_date",
            "axis__number",
            "axis__pillar__name",
            "axis__pillar__order",
            "lead__name",
            "lead__acronym",
        )  # fmt: skip
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )
    by_status = Counter(a.status for a in actions)
    by_pillar = defaultdict(Counter)
    progress_by_pillar = defaultdict(list)
    late = []
    for action in actions:
        by_pillar[action.axis.pillar.name][action.status] += 1
        progress_by_pillar[action.axis.pillar.name].append(action.progress)
        if action.due_date and action.due_date < today and action.status not in FINISHED:
            late.append(action)
    quarters = list(
        ProgressUpdate.objects.filter(action__plan=plan)
        .values("period__year", "period__quarter")
        .annotate(average=Avg("progress"), done=Count("pk", filter=Q(status=ActionStatus.DONE)))
        .order_by("period__year", "period__quarter")
    )
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period__year", "-period__quarter")
    key_indicators = []
    for indicator in (
        Indicator.objects.filter(plan=plan, is_key=True)
        .select_related("action")
        .annotate(
            latest_number=Subquery(latest.values("value_number")[:1]),
            latest_text=Subquery(latest.values("value_text")[:1]),
            latest_quarter=Subquery(latest.values("period__quarter")[:1]),
            latest_year=Subquery(latest.values("period__year")[:1]),
        )  # fmt: skip
        .order_by("order", "pk")
    ):
        value = indicator.latest_number if indicator.unit != Unit.TEXT else None
        key_indicators.append(
            {
                "indicator": indicator,
                "value": format_value(indicator, indicator.latest_number, indicator.latest_text)
                if indicator.latest_year
                else "—",
                "when": f"T{indicator.latest_quarter} {indicator.latest_year}" if indicator.latest_year else "",
                "target": format_value(indicator, indicator.target_value, "")
                if indicator.target_value is not None
                else "—",
                "reached": _target_label(_on_target(indicator, value)),
                "share": (value / indicator.target_value * 100)
                if value is not None and indicator.target_value
                else None,
            }
        )
    budget = budget_summary(plan, today=today)
    statuses = list(ActionStatus)
    charts = []
    if actions:
        charts.append(Chart(
            key="statuts", title=_("Actions par statut"),
            description=_("Nombre d'actions dans chaque statut ; le tableau suivant donne les valeurs."),
            categories=[str(s.label) for s in statuses] + [_("En retard")],
            series=[Series(_("Actions"), [by_status.get(s, 0) for s in statuses] + [len(late)])],
        ))  # fmt: skip
        charts.append(Chart(
            key="piliers", title=_("Avancement moyen par pilier"),
            description=_("Pourcentage moyen d'avancement des actions de chaque pilier."),
            categories=list(progress_by_pillar),
            series=[Series(_("Avancement moyen (%)"), [round(sum(v) / len(v)) for v in progress_by_pillar.values()])],
            unit="%", maximum=Decimal(100),
        ))  # fmt: skip
    if quarters:
        charts.append(Chart(
            key="trimestres", title=_("Avancement au fil des trimestres"),
            description=_("Avancement moyen des actions à chaque trimestre renseigné."),
            categories=[f"T{q['period__quarter']} {q['period__year']}" for q in quarters],
            series=[Series(_("Avancement moyen (%)"), [round(q["average"] or 0) for q in quarters])],
            unit="%", maximum=Decimal(100),
        ))  # fmt: skip
    if any(k["share"] is not None for k in key_indicators):
        charts.append(Chart(
            key="indicateurs", title=_("Indicateurs clés : part de la cible atteinte"),
            description=_("Dernière valeur de chaque indicateur clé, en pourcentage de sa cible."),
            categories=[k["indicator"].label for k in key_indicators if k["share"] is not None],
            series=[Series(_("% de la cible"), [round(k["share"]) for k in key_indicators if k["share"] is not None])],
            unit="%",
        ))  # fmt: skip
    if budget.by_funder:
        charts.append(Chart(
            key="budget", title=_("Exécution budgétaire par financeur"),
            description=_("Montants prévus, engagés et payés par financeur, en euros."),
            categories=[r["funder"].short_name for r in budget.by_funder],
            series=[Series(_("Prévu"), [r["money"].planned for r in budget.by_funder]),
                    Series(_("Engagé"), [r["money"].committed for r in budget.by_funder]),
                    Series(_("Payé"), [r["money"].paid for r in budget.by_funder])],
            unit="€",
        ))  # fmt: skip
    return {
        "action_count": len(actions),
        "done_share": percent(by_status.get(ActionStatus.DONE, 0), len(actions)),
        "status_rows": [(s.label, by_status.get(s, 0)) for s in statuses],
        "pillar_rows": [(name, [counts.get(s, 0) for s in statuses]) for name, counts in by_pillar.items()],
        "statuses": statuses,
        "late": late,
        "key_indicators": key_indicators,
        "budget": budget,
        "charts": charts,
    }


SORTS = {
    "titre": ("title", "pk"),
    "territoire": ("territory__name", "title"),
    "statut": ("status", "title"),
    "realisation": ("-done_rate", "title"),
    "retard": ("-late_count", "title"),
    "execution": ("-execution_rate", "title"),
}


def plans_overview(user, *, today: datetime.date, sort: str = "titre") -> tuple[list, list]:
    """One row per plan the user follows, and totals by pillar kind across them: four queries in all."""
    visible = Plan.objects.visible_to(user)
    money = DecimalField(max_digits=14, decimal_places=2)
    planned = (
        BudgetLine.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
        .annotate(total=Sum("planned_amount")).values("total")
    )  # fmt: skip
    committed = (
        BudgetExecution.objects.filter(line__plan=OuterRef("pk")).order_by().values("line__plan")
        .annotate(total=Sum("committed")).values("total")
    )  # fmt: skip
    last_closed = ReportingPeriod.objects.filter(plan=OuterRef("pk")).closed().order_by("-year", "-quarter")
    actions = Action.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
    plans = visible.select_related(
        "territory"
    ).annotate(
        action_count=Coalesce(Subquery(actions.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0),
        done_count=Coalesce(
            Subquery(
                actions.filter(status=ActionStatus.DONE).annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),  # fmt: skip
        late_count=Coalesce(
            Subquery(
                actions.filter(due_date__lt=today).exclude(status__in=FINISHED).annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        ),  # fmt: skip
        planned=Coalesce(Subquery(planned, output_field=money), Value(ZERO), output_field=money),
        committed=Coalesce(Subquery(committed, output_field=money), Value(ZERO), output_field=money),
        last_year=Subquery(last_closed.values("year")[:1]),
        last_quarter=Subquery(last_closed.values("quarter")[:1]),
    )
    rows = list(plans)
    for plan in rows:
        plan.done_rate = plan.done_count * 100 / plan.action_count if plan.action_count else 0
        plan.execution_rate = plan.committed * 100 / plan.planned if plan.planned else 0
        plan.done_share = percent(plan.done_count, plan.action_count)
        plan.execution_share = percent(plan.committed, plan.planned)
    fields = SORTS.get(sort, SORTS["titre"])
    for field in reversed(fields):
        reverse = field.startswith("-")
        name = field.lstrip("-")
        rows.sort(key=lambda p, name=name: _sort_key(p, name), reverse=reverse)
    kinds = (
        Action.objects.filter(plan__in=visible.values("pk"))
        .values("axis__pillar__kind")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            late=Count("pk", filter=Q(due_date__lt=today) & ~Q(status__in=FINISHED)),
            average=Avg("progress"),
        )
        .order_by("axis__pillar__kind")
    )
    by_kind = [
        {"kind": PillarKind(k["axis__pillar__kind"]).label, "total": k["total"], "done": k["done"], "late": k["late"],
         "average": round(k["average"] or 0)}
        for k in kinds
    ]  # fmt: skip
    return rows, by_kind


def _sort_key(plan, name):
    if name == "territory__name":
        return plan.territory.name.lower()
    value = getattr(plan, name)
    return value.lower() if isinstance(value, str) else value
