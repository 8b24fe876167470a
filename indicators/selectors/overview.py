"""All the plans a user follows, side by side: filtered, sorted and paginated in the database.

A préfecture or MILDECA follows hundreds of plans, a national deployment thousands: only one page of plans is
read and annotated; the totals, the pillar kinds and the roll-up by département or province are computed by the
database over every plan the filters keep. A fixed number of queries whatever the number of plans.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Avg,
    Case,
    Count,
    DecimalField,
    F,
    FloatField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from plans.enums import ActionStatus, PillarKind
from plans.formats import percent
from plans.models import Action, BudgetExecution, BudgetLine, Plan, ReportingPeriod
from plans.pagination import PageOf, paginate
from plans.selectors import PLANS_PER_PAGE, filtered_plans

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=16, decimal_places=2)

# ?tri= value → database ordering (ties broken by title, then id, so pages are stable).
SORTS = {
    "titre": ("title", "pk"),
    "territoire": ("territory__name", "title", "pk"),
    "statut": ("status", "title", "pk"),
    "realisation": ("-done_rate", "title", "pk"),
    "retard": ("-late_count", "title", "pk"),
    "execution": ("-execution_rate", "title", "pk"),
}


def _count(queryset) -> Coalesce:
    return Coalesce(Subquery(queryset.order_by().values("plan").annotate(n=Count("pk")).values("n")), 0)


def with_progress(plans, *, today: datetime.date):
    """Each plan with its actions (all, done, late), its budget (planned, committed) and last closed quarter."""
    actions = Action.objects.filter(plan=OuterRef("pk"))
    planned = (
        BudgetLine.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(t=Sum("planned_amount"))
    )
    committed = (
        BudgetExecution.objects.filter(line__plan=OuterRef("pk"))
        .order_by()
        .values("line__plan")
        .annotate(t=Sum("committed"))
    )
    last_closed = ReportingPeriod.objects.filter(plan=OuterRef("pk")).closed().order_by("-year", "-quarter")
    return plans.select_related("territory").annotate(
        action_count=_count(actions),
        done_count=_count(actions.filter(status=ActionStatus.DONE)),
        late_count=_count(actions.filter(Action.late_condition(today))),
        planned=Coalesce(Subquery(planned.values("t"), output_field=MONEY), Value(ZERO), output_field=MONEY),
        committed=Coalesce(Subquery(committed.values("t"), output_field=MONEY), Value(ZERO), output_field=MONEY),
        last_year=Subquery(last_closed.values("year")[:1]),
        last_quarter=Subquery(last_closed.values("quarter")[:1]),
        done_rate=Case(
            When(action_count=0, then=Value(0.0)),
            default=Cast(F("done_count"), FloatField()) * 100.0 / Cast(F("action_count"), FloatField()),
            output_field=FloatField(),
        ),
        execution_rate=Case(
            When(planned=0, then=Value(0.0)),
            default=Cast(F("committed"), FloatField()) * 100.0 / Cast(F("planned"), FloatField()),
            output_field=FloatField(),
        ),
    )


@dataclass
class Totals:
    plans: int = 0
    actions: int = 0
    done: int = 0
    late: int = 0
    planned: Decimal = ZERO
    committed: Decimal = ZERO

    @property
    def done_share(self) -> str:
        return percent(self.done, self.actions)

    @property
    def execution_share(self) -> str:
        return percent(self.committed, self.planned)


@dataclass
class OverviewPage:
    page: PageOf
    totals: Totals
    by_kind: list = field(default_factory=list)
    by_department: list = field(default_factory=list)  # (département or province, Totals), when there are several


def _totals_by(plans, key: str | None, *, today) -> dict:
    """Totals of the given plans, grouped by `key` (a path from Plan) or all together: three queries."""
    action_key, line_key, spent_key = (f"plan__{key}", f"plan__{key}", f"line__plan__{key}") if key else (None,) * 3
    late = Action.late_condition(today)
    actions = Action.objects.filter(plan__in=plans.values("pk"))
    rows = {}

    def group(queryset, name):
        return queryset.values(name).order_by() if name else queryset.annotate(_all=Value(1)).values("_all").order_by()

    for row in group(actions, action_key).annotate(
        n=Count("pk"), done=Count("pk", filter=Q(status=ActionStatus.DONE)), late=Count("pk", filter=late)
    ):
        totals = rows.setdefault(row.get(action_key) if key else None, Totals())
        totals.actions, totals.done, totals.late = row["n"], row["done"], row["late"]
    for row in group(BudgetLine.objects.filter(plan__in=plans.values("pk")), line_key).annotate(
        t=Sum("planned_amount")
    ):
        rows.setdefault(row.get(line_key) if key else None, Totals()).planned = row["t"] or ZERO
    for row in group(BudgetExecution.objects.filter(line__plan__in=plans.values("pk")), spent_key).annotate(
        t=Sum("committed")
    ):
        rows.setdefault(row.get(spent_key) if key else None, Totals()).committed = row["t"] or ZERO
    return rows


def plans_overview(*, user, filters: dict | None, sort: str, page: str | None, today: datetime.date) -> OverviewPage:
    """One page of the plans the user follows, with totals, pillar kinds and départements over all of them."""
    visible = Plan.objects.visible_to(user)
    plans = filtered_plans(visible, **(filters or {}), today=today)
    ordered = with_progress(plans, today=today).order_by(*SORTS.get(sort, SORTS["titre"]))
    result = OverviewPage(page=paginate(ordered, per_page=PLANS_PER_PAGE, number=page), totals=Totals())
    for row in result.page.page.object_list:
        row.done_share = percent(row.done_count, row.action_count)
        row.execution_share = percent(row.committed, row.planned)
    departments = list(
        plans.order_by()
        .values("territory__department")
        .annotate(n=Count("pk", distinct=True))
        .order_by("territory__department")
    )
    if len(departments) > 1:
        by_department = _totals_by(plans, "territory__department", today=today)
        for row in departments:
            totals = by_department.get(row["territory__department"], Totals())
            totals.plans = row["n"]
            result.by_department.append((row["territory__department"], totals))
        result.totals = Totals(
            **{name: sum(getattr(t, name) for _, t in result.by_department) for name in Totals.__dataclass_fields__}
        )
    else:
        result.totals = _totals_by(plans, None, today=today).get(None, Totals())
        result.totals.plans = result.page.page.paginator.count
    kinds = (
        Action.objects.filter(plan__in=plans.values("pk"))
        .values("axis__pillar__kind")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            late=Count("pk", filter=Action.late_condition(today)),
            average=Avg("progress"),
        )
        .order_by("axis__pillar__kind")
    )
    result.by_kind = [
        {
            "kind": PillarKind(k["axis__pillar__kind"]).label,
            "total": k["total"],
            "done": k["done"],
            "late": k["late"],
            "average": round(k["average"] or 0),
        }
        for k in kinds
    ]
    return result


__all__ = ["SORTS", "OverviewPage", "plans_overview", "with_progress"]
