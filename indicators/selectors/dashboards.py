"""Dashboards: one plan at a glance, and all the plans a user follows side by side."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Exists, Q
from django.utils.translation import gettext as _

from core.formats import percent
from indicators import breakdowns
from indicators.charts import NARROW_WIDTH, Chart, Reference, Series
from indicators.enums import ReviewState, Unit
from indicators.models import ActionReview, Indicator, Measurement, ProgressUpdate, format_value
from indicators.targets import NUMERIC, on_target, target_label
from plans.enums import ActionStatus
from plans.models import Plan, periods
from plans.selectors import budget_summary

ZERO = Decimal("0")
VALIDATED = frozenset({ReviewState.VALIDATED})
VALIDATED_OR_SUBMITTED = frozenset({ReviewState.VALIDATED, ReviewState.SUBMITTED})


def published_states(plan: Plan, *, include_submitted: bool = False) -> frozenset[str] | None:
    """The review states a dashboard shows values in: every value (None) unless the plan publishes validated ones
    only (Plan.validated_only); then validated ones, and the submitted ones too when the reader asks."""
    if not plan.validated_only:
        return None
    return VALIDATED_OR_SUBMITTED if include_submitted else VALIDATED


@dataclass(frozen=True)
class KeyIndicator:
    indicator: Indicator
    value: str
    when: str
    target: str
    reached: str
    share: Decimal | None  # the latest value as a percentage of the target
    review: str = ""  # where the latest value stands with the validators: "" (draft), submitted, validated…
    breakdown: object = None  # indicators.breakdowns.Broken: the latest value by category, when broken down

    @property
    def submitted(self) -> bool:
        return self.review == ReviewState.SUBMITTED

    @property
    def review_label(self) -> str:
        labels = {
            ReviewState.SUBMITTED: _("soumise"),
            ReviewState.VALIDATED: _("validée"),
            ReviewState.RETURNED: _("renvoyée"),
        }
        return str(labels.get(self.review, ""))


@dataclass(frozen=True)
class PlanDashboard:
    action_count: int
    done_share: str
    status_rows: list  # (label, count)
    pillar_rows: list  # (pillar name, [count per status])
    statuses: list
    late: list
    key_indicators: list[KeyIndicator]
    budget: object
    charts: list[Chart]
    key_charts: list[Chart]  # small multiples: one line per key indicator
    breakdown_charts: list[Chart] = field(default_factory=list)  # the latest parts of broken-down key indicators
    validated_only: bool = False  # the plan publishes validated values only (Plan.validated_only)
    include_submitted: bool = False  # …and the reader asked for the submitted ones too


def _dashboard_actions(plan: Plan) -> list:
    return list(
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
        )
        .in_plan_order()
    )


def _review_states(indicators) -> dict[tuple[int, int, int], str]:
    """{(action id, year, quarter): review state} of these indicators' actions, drafts left out: one query."""
    actions = {indicator.action_id for indicator in indicators if indicator.action_id}
    if not actions:
        return {}
    rows = (
        ActionReview.objects.filter(action__in=actions)
        .exclude(state=ReviewState.DRAFT)
        .order_by()
        .values_list("action_id", "period__year", "period__quarter", "state")
    )
    return {(action, year, quarter): state for action, year, quarter, state in rows}


def _latest_breakdowns(plan: Plan, indicators, *, publish: bool) -> dict:
    """{indicator id: breakdowns.Broken} for the latest value of the broken-down ones: no query if there is none."""
    broken = [i for i in indicators if i.breakdown_id and i.latest_year is not None]
    if not broken:
        return {}
    latest = Q(pk__in=[])
    for indicator in broken:
        latest |= Q(indicator=indicator, period__year=indicator.latest_year, period__quarter=indicator.latest_quarter)
    values = dict(Measurement.objects.filter(latest).exclude(parts={}).order_by().values_list("indicator_id", "parts"))
    if not values:
        return {}
    dimensions = breakdowns.plan_dimensions(plan)
    items = {}
    for indicator in broken:
        parts = values.get(indicator.pk)
        grid = breakdowns.grid_for(indicator, dimensions, parts) if parts else None
        if grid is not None:
            table = breakdowns.breakdown_table(indicator, grid, parts, publish=publish)
            items[indicator.pk] = breakdowns.Broken(indicator, grid, parts, table)
    return items


def key_indicators(*, plan: Plan, reviewed: frozenset[str] | None = None, publish: bool = False) -> list[KeyIndicator]:
    """The indicators the coordinator marked as key, with their latest value against their target; `reviewed`:
    only values in these review states (published_states); `publish`: small counts of breakdowns masked."""
    rows = []
    indicators = list(
        Indicator.objects.filter(plan=plan, is_key=True)
        .select_related("action")
        .with_latest_value(reviewed=reviewed)
        .order_by("order", "pk")
    )
    states = _review_states(indicators)  # each latest value says where it stands with the validators
    broken = _latest_breakdowns(plan, indicators, publish=publish)
    for indicator in indicators:
        value = indicator.latest_number if indicator.unit != Unit.TEXT else None
        has_value = indicator.latest_year is not None
        shown = format_value(indicator, indicator.latest_number, indicator.latest_text) if has_value else "—"
        hidden = broken[indicator.pk].table.total_hidden if indicator.pk in broken else None
        if hidden:  # published, a total that would give away its small parts is masked like them
            value, shown = None, hidden
        rows.append(
            KeyIndicator(
                indicator=indicator,
                value=shown,
                when=f"T{indicator.latest_quarter} {indicator.latest_year}" if has_value else "",
                target=format_value(indicator, indicator.target_value, "")
                if indicator.target_value is not None
                else "—",
                reached=target_label(on_target(indicator, value)),
                share=value / indicator.target_value * 100 if value is not None and indicator.target_value else None,
                review=states.get((indicator.action_id, indicator.latest_year, indicator.latest_quarter), ""),
                breakdown=broken.get(indicator.pk),
            )
        )
    return rows


def plan_charts(*, by_pillar, progress_by_pillar, quarters, budget) -> list[Chart]:
    """The charts of a plan: the dashboard's, and the reports' (the same SVG in HTML and PDF)."""
    statuses = list(ActionStatus)
    charts = []
    if by_pillar:
        charts.append(
            Chart(
                key="statuts",
                kind="stacked",
                title=_("Actions par pilier et par statut"),
                description=_(
                    "Pour chaque pilier, ses actions réparties par statut ; le tableau suivant donne les valeurs."
                ),
                categories=list(by_pillar),
                series=[Series(str(s.label), [counts.get(s, 0) for counts in by_pillar.values()]) for s in statuses],
            )
        )
    if quarters:
        charts.append(
            Chart(
                key="trimestres",
                kind="lines",
                title=_("Avancement au fil des trimestres"),
                description=_(
                    "Avancement moyen des actions et part des actions réalisées à chaque trimestre renseigné."
                ),
                categories=[f"T{q['period__quarter']} {q['period__year']}" for q in quarters],
                series=[
                    Series(_("Avancement moyen (%)"), [round(q["average"] or 0) for q in quarters]),
                    Series(
                        _("Actions réalisées (%)"),
                        [round(q["done"] * 100 / q["n"]) if q["n"] else 0 for q in quarters],
                    ),
                ],
                unit="%",
                maximum=Decimal(100),
            )
        )
    if progress_by_pillar:
        charts.append(
            Chart(
                key="piliers",
                title=_("Avancement moyen par pilier"),
                description=_("Pourcentage moyen d'avancement des actions de chaque pilier."),
                categories=list(progress_by_pillar),
                series=[
                    Series(_("Avancement moyen (%)"), [round(sum(v) / len(v)) for v in progress_by_pillar.values()])
                ],
                unit="%",
                maximum=Decimal(100),
            )
        )
    if budget is not None and budget.by_funder:
        charts.append(
            Chart(
                key="budget",
                title=_("Exécution budgétaire par financeur"),
                description=_("Montants prévus, engagés et payés par financeur, en euros."),
                categories=[r["funder"].short_name for r in budget.by_funder],
                series=[
                    Series(_("Prévu"), [r["money"].planned for r in budget.by_funder]),
                    Series(_("Engagé"), [r["money"].committed for r in budget.by_funder]),
                    Series(_("Payé"), [r["money"].paid for r in budget.by_funder]),
                ],
                unit="€",
            )
        )
    return charts


def plan_quarters(plan: Plan, *, upto: tuple[int, int] | None = None) -> list[tuple[int, int]]:
    """The plan's calendar quarters, (year, quarter), from its start up to `upto` included: no query."""
    quarter = (plan.period_start.year, (plan.period_start.month + 2) // 3)
    last = (plan.period_end.year, (plan.period_end.month + 2) // 3)
    if upto is not None:
        last = min(last, upto)
    quarters = []
    while quarter <= last:
        quarters.append(quarter)
        quarter = (quarter[0] + 1, 1) if quarter[1] == 4 else (quarter[0], quarter[1] + 1)
    return quarters


def _progress_updates(plan: Plan, reviewed: frozenset[str] | None):
    """The plan's progress updates, only those of quarters in the `reviewed` states when given."""
    updates = ProgressUpdate.objects.filter(action__plan=plan)
    if reviewed is None:
        return updates
    return updates.filter(Exists(ActionReview.objects.of_row().filter(state__in=reviewed)))


def _as_published(plan: Plan, actions: list, reviewed: frozenset[str]) -> None:
    """Each action's status and progress as its latest quarter in the `reviewed` states says (one query), not as
    it is being entered: an action no such quarter covers yet is shown as planned, at 0 %. In memory only."""
    updates = (
        _progress_updates(plan, reviewed)
        .order_by("period__year", "period__quarter")
        .values_list("action_id", "status", "progress")
    )
    latest = {action_id: (status, progress) for action_id, status, progress in updates}
    for action in actions:
        action.status, action.progress = latest.get(action.pk, (ActionStatus.PLANNED, 0))


def progress_by_quarter(*, plan: Plan, upto=None, reviewed: frozenset[str] | None = None) -> list[dict]:
    """Average progress, actions done and actions reported, per quarter reported (up to `upto`; in the `reviewed`
    states only, if given): one query."""
    updates = _progress_updates(plan, reviewed)
    if upto is not None:
        updates = updates.filter(periods.up_to(upto))
    return list(
        updates.values("period__year", "period__quarter")
        .annotate(average=Avg("progress"), done=Count("pk", filter=Q(status=ActionStatus.DONE)), n=Count("pk"))
        .order_by("period__year", "period__quarter")
    )


def actions_by_pillar(
    actions,
    status_of=lambda a: a.status,
    progress_of=lambda a: a.progress,
    pillar_of=lambda a: a.axis.pillar.name,
):
    """{pillar: Counter of statuses}, {pillar: [progress, …]}, in plan order."""
    by_pillar, progress = defaultdict(Counter), defaultdict(list)
    for action in actions:
        name = pillar_of(action)
        by_pillar[name][status_of(action)] += 1
        progress[name].append(progress_of(action))
    return by_pillar, progress


def key_indicator_charts(
    *,
    indicators,
    quarters: list[tuple[int, int]],
    values: dict | None = None,
    reviewed: frozenset[str] | None = None,
) -> list[Chart]:
    """One small line chart per key numeric indicator: its values over `quarters` (year, quarter), its baseline
    and its target. One query, none when `values` ({indicator id: {(year, quarter): value}}) are given;
    `reviewed`: only values in these review states (published_states)."""
    numeric = [indicator for indicator in indicators if indicator.is_key and indicator.unit in NUMERIC]
    if not numeric:
        return []
    if values is None:
        values = defaultdict(dict)
        measurements = Measurement.objects.filter(indicator__in=numeric)
        if reviewed is not None:
            measurements = measurements.published(reviewed)
        for m in measurements.order_by().values("indicator_id", "period__year", "period__quarter", "value_number"):
            values[m["indicator_id"]][(m["period__year"], m["period__quarter"])] = m["value_number"]
    unit = {Unit.PERCENTAGE: "%", Unit.EUROS: "€"}
    charts = []
    for indicator in numeric:
        references = []
        if indicator.baseline_value is not None:
            references.append(Reference(_("référence"), indicator.baseline_value))
        if indicator.target_value is not None:
            references.append(Reference(_("cible"), indicator.target_value, "#D55E00"))
        charts.append(
            Chart(
                key=f"indicateur-{indicator.pk}",
                kind="lines",
                small=True,
                width=NARROW_WIDTH,  # fits a third of a wide screen as a phone
                title=indicator.label,
                description=_("Valeurs de l'indicateur à chaque trimestre, avec sa valeur de référence et sa cible."),
                categories=[f"T{q} {y}" for y, q in quarters],
                series=[Series(_("Valeur"), [values[indicator.pk].get(key) for key in quarters])],
                references=references,
                unit=unit.get(indicator.unit, ""),
                maximum=Decimal(100) if indicator.unit == Unit.PERCENTAGE else None,
            )
        )
    return charts


def plan_dashboard(
    *, plan: Plan, today: datetime.date, include_submitted: bool = False, publish: bool = False
) -> PlanDashboard:
    """Everything the plan's dashboard shows, in a fixed number of queries whatever the plan's size.

    A plan that publishes validated values only (Plan.validated_only) shows the values and progress of validated
    quarters, and of submitted ones too when `include_submitted` (each marked)."""
    reviewed = published_states(plan, include_submitted=include_submitted)
    actions = _dashboard_actions(plan)
    if reviewed is not None:
        _as_published(plan, actions, reviewed)
    by_status = Counter(a.status for a in actions)
    by_pillar, progress_by_pillar = actions_by_pillar(actions)
    late = [action for action in actions if action.is_late(today)]
    quarters = progress_by_quarter(plan=plan, reviewed=reviewed)
    keys = key_indicators(plan=plan, reviewed=reviewed, publish=publish)
    budget = budget_summary(plan=plan, today=today)
    statuses = list(ActionStatus)
    return PlanDashboard(
        action_count=len(actions),
        done_share=percent(by_status.get(ActionStatus.DONE, 0), len(actions)),
        status_rows=[(s.label, by_status.get(s, 0)) for s in statuses],
        pillar_rows=[(name, [counts.get(s, 0) for s in statuses]) for name, counts in by_pillar.items()],
        statuses=statuses,
        late=late,
        key_indicators=keys,
        budget=budget,
        charts=plan_charts(
            by_pillar=by_pillar, progress_by_pillar=progress_by_pillar, quarters=quarters, budget=budget
        ),
        key_charts=key_indicator_charts(
            indicators=[k.indicator for k in keys],
            quarters=plan_quarters(plan, upto=(today.year, (today.month + 2) // 3)),
            reviewed=reviewed,
        ),
        breakdown_charts=[
            breakdowns.breakdown_chart(k.breakdown, key="dash-ventilation") for k in keys if k.breakdown is not None
        ],
        validated_only=plan.validated_only,
        include_submitted=reviewed is not None and include_submitted,
    )
