"""All the plans a user follows, side by side: filtered, sorted and paginated in the database.

A préfecture or MILDECA follows hundreds of plans, a national deployment thousands: only one page of plans is
read and annotated; the totals, the pillar kinds and the roll-up by département or province are computed by the
database over every plan the filters keep. A fixed number of queries whatever the number of plans. Those
totals read every action of every plan kept: they are kept a few minutes per user and filters (the page says
when they were computed), while the page of plans is read live.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
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
from django.utils import timezone

from core.formats import percent
from core.pagination import PageOf, paginate
from plans.enums import ActionStatus, PillarKind
from plans.models import Action, BudgetExecution, BudgetLine, Plan, ReportingPeriod
from plans.selectors import PLANS_PER_PAGE, filtered_plans

ZERO = Decimal("0")
MONEY = DecimalField(max_digits=16, decimal_places=2)

# ?sort= value → database ordering (ties broken by title, then id, so pages are stable).
SORTS = {
    "title": ("title", "pk"),
    "territory": ("territory__name", "title", "pk"),
    "status": ("status", "title", "pk"),
    "done": ("-done_rate", "title", "pk"),
    "late": ("-late_count", "title", "pk"),
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
    # What by_department groups by: départements and provinces, or a province's arrondissements once one is chosen.
    by_arrondissement: bool = False
    rollups_at: datetime.datetime | None = None  # when the totals and roll-ups were computed (they are cached)


DEPARTMENT = "territory__department"
ARRONDISSEMENT = "territory__arrondissement"


def _rollups(plans, *, today: datetime.date, place: str = DEPARTMENT) -> tuple[dict, dict]:
    """Totals per place (département, or arrondissement) and per pillar kind over every plan kept, in four queries.

    The actions are read once, grouped by place and pillar kind; money by place. Returns
    ({place: Totals}, {pillar kind: [actions, done, late, progress sum]}).
    """
    kept = plans.values("pk")
    by_place: dict = {}
    for row in plans.order_by().values(place).annotate(n=Count("pk", distinct=True)):
        by_place.setdefault(row[place], Totals()).plans = row["n"]
    by_kind: dict = {}
    actions = (
        Action.objects.filter(plan__in=kept)
        .values(f"plan__{place}", "axis__pillar__kind")
        .annotate(
            n=Count("pk"),
            done=Count("pk", filter=Q(status=ActionStatus.DONE)),
            late=Count("pk", filter=Action.late_condition(today)),
            progress=Sum("progress"),
        )
        .order_by()
    )
    for row in actions:
        totals = by_place.setdefault(row[f"plan__{place}"], Totals())
        totals.actions += row["n"]
        totals.done += row["done"]
        totals.late += row["late"]
        kind = by_kind.setdefault(row["axis__pillar__kind"], [0, 0, 0, 0])
        for index, value in enumerate((row["n"], row["done"], row["late"], row["progress"] or 0)):
            kind[index] += value
    money = (
        (BudgetLine.objects.filter(plan__in=kept), f"plan__{place}", "planned_amount", "planned"),
        (BudgetExecution.objects.filter(line__plan__in=kept), f"line__plan__{place}", "committed", "committed"),
    )
    for queryset, key, amount, name in money:
        for row in queryset.values(key).annotate(t=Sum(amount)).order_by():
            setattr(by_place.setdefault(row[key], Totals()), name, row["t"] or ZERO)
    return by_place, by_kind


def _cached_rollups(user, plans, filters, *, today: datetime.date, place: str):
    """_rollups, kept ROLLUPS_CACHE_SECONDS for this user and these filters: over thousands of plans they read
    every action (70 ms for 120,000), while the page of plans above them stays live. Returns them with when they
    were computed, which the page says."""
    identity = json.dumps([user.pk, place, sorted((filters or {}).items()), today.isoformat()], default=str)
    key = "overview-rollups:" + hashlib.sha256(identity.encode()).hexdigest()
    cached = cache.get(key)
    if cached is None:
        cached = (*_rollups(plans, today=today, place=place), timezone.now())
        cache.set(key, cached, settings.OVERVIEW_ROLLUPS_CACHE_SECONDS)
    return cached


def plans_overview(*, user, filters: dict | None, sort: str, page: str | None, today: datetime.date) -> OverviewPage:
    """One page of the plans the user follows, with totals, pillar kinds and départements over all of them."""
    visible = Plan.objects.visible_to(user)
    plans = filtered_plans(visible, **(filters or {}), today=today)
    ordered = with_progress(plans, today=today).order_by(*SORTS.get(sort, SORTS["title"]))
    result = OverviewPage(page=paginate(ordered, per_page=PLANS_PER_PAGE, number=page), totals=Totals())
    for row in result.page.page.object_list:
        row.done_share = percent(row.done_count, row.action_count)
        row.execution_share = percent(row.committed, row.planned)
    # One province chosen: its plans by arrondissement (Belgium), the next level down.
    place = ARRONDISSEMENT if (filters or {}).get("department") else DEPARTMENT
    by_department, by_kind, result.rollups_at = _cached_rollups(user, plans, filters, today=today, place=place)
    result.by_arrondissement = place == ARRONDISSEMENT
    result.totals = Totals(
        **{name: sum(getattr(t, name) for t in by_department.values()) for name in Totals.__dataclass_fields__}
    )
    if len(by_department) > 1:
        result.by_department = sorted(by_department.items(), key=lambda item: item[0] or "")
    result.by_kind = [
        {
            "kind": PillarKind(kind).label,
            "total": total,
            "done": done,
            "late": late,
            "average": round(progress / total) if total else 0,
        }
        for kind, (total, done, late, progress) in sorted(by_kind.items())
    ]
    return result


__all__ = ["SORTS", "OverviewPage", "plans_overview", "with_progress"]
