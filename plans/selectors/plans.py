"""The plan's own pages: header counts, the tree page, the structure and the review before adoption."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.inputs import parse_id
from core.pagination import PageOf, paginate
from plans import hooks
from plans.enums import ActionStatus, Country
from plans.models import Action, Axis, Pillar, Plan


class SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def plan_counts(*, plan: Plan) -> dict:
    """One query, without multiplying joins: the sizes the stepper and the plan header show."""
    annotations = count_annotations(plan)
    row = Plan.objects.filter(pk=plan.pk).annotate(**annotations).values(*annotations).get()
    return counts_from(row)


def counts_from(row: dict) -> dict:
    """plan_counts' sizes from a row annotated with count_annotations."""
    return {name[2:]: value for name, value in row.items() if name.startswith("n_")}


def count_annotations(plan: Plan) -> dict:
    """The annotations on the plan's row that count its parts (`n_pillars`…): for plan_counts, and for a query
    on the plan that other pages make anyway (the report previews' data version)."""
    sizes = {
        "pillars": plan.pillars.values("pk"),
        "axes": Axis.objects.filter(pillar__plan=plan).values("pk"),
        "actions": plan.actions.values("pk"),
        "members": plan.memberships.values("pk"),
        "partners": plan.partners.values("pk"),
        "budget_lines": plan.budget_lines.values("pk"),
    }
    for provider in hooks.providers():
        sizes |= provider.plan_sizes(plan=plan)
    return {f"n_{name}": SubqueryCount(qs.order_by()) for name, qs in sizes.items()}


PLANS_PER_PAGE = 50


def filtered_plans(plans, *, q="", country="", department="", kind="", size="", status="", late=False, today):
    """The plans that the home page's and the overview's filters keep; an empty filter keeps every plan."""
    if q:
        plans = plans.filter(Q(title__icontains=q) | Q(territory__name__icontains=q))
    for name, value in (
        ("territory__country", country),
        ("territory__department", department),
        ("territory__kind", kind),
        ("territory__size_class", size),
        ("status", status),
    ):
        if value:
            plans = plans.filter(**{name: value})
    if late:
        plans = plans.filter(Exists(Action.objects.filter(plan=OuterRef("pk")).filter(Action.late_condition(today))))
    return plans


def plan_departments(*, user) -> list[str]:
    """The départements and provinces of the plans the user follows, for the filters: one query."""
    names = Plan.objects.visible_to(user).order_by().values_list("territory__department", flat=True).distinct()
    return sorted({name for name in names if name})


def plans_list(*, user, filters: dict, page, today: datetime.date) -> PageOf:
    """The home page: one page of the plans the user follows, newest period first, with their action counts."""
    plans = filtered_plans(Plan.objects.visible_to(user), **filters, today=today)
    ordered = plans.with_list_data().order_by("-period_start", "title", "pk")
    return paginate(ordered, per_page=PLANS_PER_PAGE, number=page)


# Above this many actions, the pages that show every action with its fields (the quarter page, the indicators
# step) open on one pillar at a time; "all" shows them all.
ONE_PILLAR_FROM = 60
ALL_PILLARS = "all"


@dataclass(frozen=True)
class PillarScope:
    pillars: list[Pillar]  # each with `action_count`
    pillar: Pillar | None  # None: every pillar
    chosen_for_size: bool  # the page chose one pillar because the plan is big: it says so
    action_count: int

    @property
    def value(self) -> str:
        """What the pillar filter shows as selected."""
        return str(self.pillar.pk) if self.pillar else ALL_PILLARS


def pillar_scope(*, plan: Plan, requested: str | None) -> PillarScope:
    """Which pillar a long page shows: the one asked for, every one ("all"), or for a big plan the first: one query.

    An unknown pillar is treated as not asked for.
    """
    pillars = list(plan.pillars.order_by("order", "pk").annotate(action_count=Count("axes__actions")))
    total = sum(p.action_count for p in pillars)
    asked = parse_id(requested or "")
    pillar = next((p for p in pillars if p.pk == asked), None)
    chosen = False
    if pillar is None and requested != ALL_PILLARS and total > ONE_PILLAR_FROM:
        pillar = next((p for p in pillars if p.action_count), None)
        chosen = pillar is not None
    return PillarScope(pillars=pillars, pillar=pillar, chosen_for_size=chosen, action_count=total)


@dataclass(frozen=True)
class PlanOverview:
    status_counts: list  # (label, status, count), in the statuses' order
    late_count: int


def plan_overview(*, plan: Plan, today: datetime.date | None = None) -> PlanOverview:
    """The plan page's counts, read from its prefetched tree (`Plan.objects.with_tree()`): no query.

    Each action of the tree gets `is_late_today`, which the page shows.
    """
    today = today or timezone.localdate()
    counts = dict.fromkeys(ActionStatus.values, 0)
    late = 0
    for pillar in plan.pillars.all():
        for axis in pillar.axes.all():
            for action in axis.actions.all():
                counts[action.status] += 1
                action.is_late_today = action.is_late(today)
                late += action.is_late_today
    return PlanOverview(status_counts=[(ActionStatus(s).label, s, n) for s, n in counts.items()], late_count=late)


@dataclass
class Readiness:
    """What is missing before a plan can be adopted."""

    pillar_count: int
    axis_count: int
    action_count: int
    empty_axes: list
    without_lead: list
    without_due_date: list
    without_indicator: list

    @property
    def blocking(self) -> list[str]:
        problems = []
        if not self.action_count:
            problems.append(_("Le plan ne contient encore aucune action."))
        if self.without_lead:
            problems.append(
                ngettext("%(n)d action sans gestionnaire.", "%(n)d actions sans gestionnaire.", len(self.without_lead))
                % {"n": len(self.without_lead)}
            )
        if self.without_due_date:
            problems.append(
                ngettext("%(n)d action sans échéance.", "%(n)d actions sans échéance.", len(self.without_due_date))
                % {"n": len(self.without_due_date)}
            )
        if self.without_indicator:
            problems.append(
                ngettext(
                    "%(n)d action sans indicateur.", "%(n)d actions sans indicateur.", len(self.without_indicator)
                )
                % {"n": len(self.without_indicator)}
            )
        return problems

    @property
    def ready(self) -> bool:
        return not self.blocking


def indicator_counts(*, plan: Plan) -> dict[int, int]:
    """Indicators per action, as the apps that keep indicators count them (see plans.hooks)."""
    counts: dict[int, int] = {}
    for provider in hooks.providers():
        for pk, n in provider.indicator_counts(plan=plan).items():
            counts[pk] = counts.get(pk, 0) + n
    return counts


def plan_readiness(*, plan: Plan) -> Readiness:
    """Four queries whatever the plan's size; which actions have indicators is the indicators app's to say."""
    pillar_count = plan.pillars.count()
    actions = list(
        plan.actions.select_related("axis__pillar")
        .only(
            "pk",
            "title",
            "lead_id",
            "due_date",
            "axis__number",
            "axis__name",
            "axis__pillar__order",
            "axis__pillar__name",
        )
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )
    axes = list(Axis.objects.filter(pillar__plan=plan).annotate(n=Count("actions")).select_related("pillar"))
    measured = {pk for pk, n in indicator_counts(plan=plan).items() if n}
    return Readiness(
        pillar_count=pillar_count,
        axis_count=len(axes),
        action_count=len(actions),
        empty_axes=[axis for axis in axes if not axis.n],
        without_lead=[a for a in actions if not a.lead_id],
        without_due_date=[a for a in actions if not a.due_date],
        without_indicator=[a for a in actions if a.pk not in measured],
    )


def plan_structure(*, plan: Plan):
    """The structure page: pillars with their axes, each axis with its number of actions (two queries)."""
    axes = Axis.objects.annotate(action_count=Count("actions")).order_by("number", "pk")
    return plan.pillars.order_by("order", "pk").prefetch_related(Prefetch("axes", queryset=axes))


def user_country(user) -> str:
    """The country a user most likely works in, for the forms' defaults: their organisation's, when its kind
    exists in one country only (a Belgian zone de police), else that of the plans they belong to, else France."""
    from partners.enums import KIND_COUNTRIES

    partner = getattr(user, "partner", None)
    countries = KIND_COUNTRIES.get(partner.kind, frozenset()) if partner else frozenset()
    if len(countries) == 1:
        return next(iter(countries))
    theirs = set(Plan.objects.filter(memberships__user=user).values_list("territory__country", flat=True)[:50])
    return theirs.pop() if len(theirs) == 1 else Country.FRANCE


def territory_of(data: dict):
    """The known territory a creation form (or a plan request) names by country, kind and official code, or None."""
    from plans.models import Territory

    return Territory.objects.filter(
        country=data["country"], kind=data["territory_kind"], official_code=data["official_code"].strip().upper()
    ).first()
