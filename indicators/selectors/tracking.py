"""Reads for the quarterly tracking: the quarter page, what is due, what is missing."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from core.inputs import parse_id
from core.pagination import PageOf, paginate
from indicators.breakdowns import as_numbers, attach_grids
from indicators.enums import ReviewState
from indicators.models import (
    ActionReview,
    Evidence,
    Indicator,
    Measurement,
    ProgressUpdate,
    fingerprint,
    format_value,
)
from indicators.perms import ReportingScope, can_close_quarter, is_tracked
from plans.enums import ActionStatus, MemberRole
from plans.models import Action, Pillar, Plan, ReportingPeriod
from plans.perms import is_validator
from plans.selectors import PillarScope, pillar_scope

# The quarter page shows this many actions at a time (each with its indicators' fields).
QUARTER_ACTIONS_PER_PAGE = 25


@dataclass
class Missing:
    indicators: list
    actions: list

    @property
    def count(self) -> int:
        return len(self.indicators) + len(self.actions)


def quarter_missing(period: ReportingPeriod) -> Missing:
    """Indicators due without a value and actions still running without a progress update: two queries."""
    indicators = list(
        Indicator.objects.filter(plan=period.plan)
        .due_in(period.quarter)
        .exclude(Exists(Measurement.objects.filter(indicator=OuterRef("pk"), period=period)))
        .select_related("action")
        .order_by("action__axis__pillar__order", "action__axis__number", "action__order", "order", "pk")
    )
    actions = list(
        Action.objects.filter(plan=period.plan)
        .running()
        .exclude(Exists(ProgressUpdate.objects.filter(action=OuterRef("pk"), period=period)))
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )
    return Missing(indicators=indicators, actions=actions)


def current_period(periods: list[ReportingPeriod], *, today: datetime.date) -> ReportingPeriod | None:
    """The quarter containing today, else the last one before today, else the first."""
    for period in periods:
        if period.contains(today):
            return period
    past = [p for p in periods if p.end < today]
    return past[-1] if past else (periods[0] if periods else None)


# --- The quarter page -----------------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    measurement: Measurement | None
    value: str
    previous: str
    previous_period: str
    target: str
    missing: bool
    editable: bool
    form: object = None  # set by the view when the row is editable
    parts: list = field(default_factory=list)  # a broken-down value's (category, value), when shown read-only

    @property
    def initial(self) -> dict:
        """What the value form shows before anything is typed, and the fingerprint of it."""
        measurement, indicator = self.measurement, self.indicator
        if measurement is None:
            return {"loaded": fingerprint(None, "", "")}
        value = measurement.value_text if indicator.unit == "text" else measurement.value_number
        if indicator.unit == "yes_no" and value is not None:
            value = "1" if value else "0"
        elif value is not None and indicator.unit != "text" and value == value.to_integral_value():
            value = value.quantize(1)  # 45, not 45,00, for a count
        parts = {f"part_{key.replace('-', '_')}": number for key, number in as_numbers(measurement.parts).items()}
        return {"value": value, "comment": measurement.comment, "loaded": measurement.fingerprint, **parts}


@dataclass
class ActionRow:
    action: Action
    update: ProgressUpdate | None
    status: str
    progress: int
    late: bool
    editable: bool
    indicators: list[IndicatorRow] = field(default_factory=list)
    form: object = None
    review: ActionReview | None = None  # where this quarter of the action stands with its validator
    can_submit: bool = False
    can_decide: bool = False  # validate or return
    own_submission: bool = False  # submitted by the reader: someone else validates it (indicators.reviews)
    can_reopen: bool = False
    evidence_count: int = 0  # files backing its progress and values this quarter (indicators.evidence)

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label

    @property
    def review_state(self) -> str:
        return self.review.state if self.review else ReviewState.DRAFT

    @property
    def review_label(self) -> str:
        return str(ReviewState(self.review_state).label)

    @property
    def initial(self) -> dict:
        return progress_initial(self.action, self.update)


def progress_initial(action: Action, update: ProgressUpdate | None) -> dict:
    """The progress form before anything is typed: the quarter's update, else the action's own state."""
    if update is not None:
        values = {
            "status": update.status,
            "progress": update.progress,
            "note": update.note,
            "blockers": update.blockers,
        }
    else:
        values = {"status": action.status, "progress": action.progress, "note": "", "blockers": ""}
    return {**values, "loaded": fingerprint(*values.values())}


@dataclass
class AxisBlock:
    axis: object
    rows: list[ActionRow] = field(default_factory=list)


@dataclass
class PillarBlock:
    pillar: Pillar
    axes: list[AxisBlock] = field(default_factory=list)


@dataclass
class QuarterSheet:
    """Everything the quarter page shows, in plan order, with the user's rights computed once."""

    plan: Plan
    period: ReportingPeriod
    periods: list[ReportingPeriod]
    pillars: PillarScope
    mine: bool
    scope: ReportingScope
    tree: list[PillarBlock]
    context_rows: list[IndicatorRow]
    events: list
    can_close: bool
    tracked: bool
    ended: bool
    pages: PageOf
    late_count: int  # over every action the filters keep, not only this page's
    missing_count: int  # values missing in a closed quarter, idem
    unsaved: list = field(default_factory=list)  # what was typed on lines that can no longer be saved here

    @property
    def rows(self) -> list[ActionRow]:
        return [row for block in self.tree for axis in block.axes for row in axis.rows]

    @property
    def indicator_rows(self) -> list[IndicatorRow]:
        return self.context_rows + [i for row in self.rows for i in row.indicators]

    @property
    def can_save(self) -> bool:
        return any(r.editable for r in self.rows) or any(r.editable for r in self.indicator_rows)

    @property
    def can_submit_any(self) -> bool:
        """Two or more actions of this page ready to submit: one button submits them all."""
        return sum(r.can_submit for r in self.rows) > 1

    @property
    def page(self):
        return self.pages.page


def quarter_sheet(
    *,
    plan: Plan,
    period: ReportingPeriod,
    periods: list[ReportingPeriod],
    user,
    today: datetime.date,
    pillar: str | None = None,
    mine: bool = False,
    page: str | None = None,
    also: frozenset[int] = frozenset(),
) -> QuarterSheet:
    """The quarter page in seven queries, whatever the plan's size and however much it has reported.

    `pillar` (the pillar asked for, "all" or None: a big plan then opens on its first pillar) and `mine`
    filter the actions shown, `page` picks a page of them; actions in `also` are shown whatever the filters and
    the page (what the user just posted, so that nothing typed disappears from the page when it is shown again).
    The header's counts (late actions, missing values) are over every action the filters keep.
    """
    scope = ReportingScope(user, plan, period)
    pillars = pillar_scope(plan=plan, requested=pillar)
    filters = Q()
    if pillars.pillar is not None:
        filters &= Q(axis__pillar=pillars.pillar)
    if mine:
        filters &= Q(lead_id=user.partner_id) if user.partner_id else Q(pk__in=[])
    filtered = bool(filters)
    if filtered and also:
        filters |= Q(pk__in=also)
    # How many files back each action's quarter (indicators.evidence): counted by the index, in the same query.
    files = (
        Evidence.objects.filter(action=OuterRef("pk"), period=period)
        .order_by()
        .values("action")
        .annotate(n=Count("pk"))
        .values("n")
    )
    every_action = list(
        plan.actions.filter(filters)
        .annotate(evidence_count=Subquery(files))
        .select_related("axis__pillar", "lead")
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )
    updates = {u.action_id: u for u in ProgressUpdate.objects.filter(period=period, action__plan=plan).order_by()}
    reference = min(today, period.end)
    late_count = sum(a.is_late(reference, status=_status(a, updates.get(a.pk))) for a in every_action)
    # A page of actions at a time; what was just posted stays on the page it was posted from.
    pages = paginate(every_action, per_page=QUARTER_ACTIONS_PER_PAGE, number=page)
    shown = {a.pk for a in pages.page.object_list} | set(also)
    actions = [a for a in every_action if a.pk in shown]
    actions_by_pk = {a.pk: a for a in actions}
    indicators = Indicator.objects.filter(plan=plan).due_in(period.quarter)
    if filtered or pages.page.paginator.num_pages > 1:
        in_scope = Q(action__in=list(actions_by_pk))
        if not filtered and pages.page.number == 1:
            in_scope |= Q(action=None)  # context indicators open the first page
        indicators = indicators.filter(in_scope)
    missing_count = _missing_count(plan, period, None if not filtered else every_action)
    indicators = list(indicators.with_latest_value(before=period).order_by("order", "pk"))
    values = {
        m.indicator_id: m for m in Measurement.objects.filter(period=period, indicator__in=indicators).order_by()
    }

    attach_grids(plan, indicators, values)  # the categories of broken-down values: no query if there is none
    indicators_by_action = defaultdict(list)
    context_rows = []
    for indicator in indicators:
        action = actions_by_pk.get(indicator.action_id)
        if action is not None:
            indicator.action = action  # no query per row for the label or the rights
        measurement = values.get(indicator.pk)
        if measurement is not None:
            measurement.indicator = indicator  # its display reads the unit: no query per value
        row = IndicatorRow(
            indicator=indicator,
            measurement=measurement,
            value=measurement.display if measurement else "—",
            previous=format_value(indicator, indicator.latest_number, indicator.latest_text)
            if indicator.latest_year
            else "—",
            previous_period=f"T{indicator.latest_quarter} {indicator.latest_year}" if indicator.latest_year else "",
            target=format_value(indicator, indicator.target_value, "") if indicator.target_value is not None else "—",
            missing=period.is_closed and measurement is None,
            editable=scope.indicator(indicator, action),
            parts=[
                (indicator.grid.label(key), format_value(indicator, number, ""))
                for key, number in as_numbers(measurement.parts).items()
            ]
            if measurement is not None and indicator.grid is not None
            else [],
        )
        (indicators_by_action[indicator.action_id] if indicator.action_id else context_rows).append(row)

    reviews = {
        r.action_id: r
        for r in ActionReview.objects.filter(period=period, action__in=list(actions_by_pk))
        .select_related("submitted_by", "decided_by")
        .order_by()
    }
    # A validator may otherwise only read the plan (the préfecture, say): not `scope.open`, which is for reporters.
    deciding = is_tracked(plan) and not period.is_closed and not plan.is_closed and is_validator(user, plan)
    tree: list[PillarBlock] = []
    for action in actions:
        update = updates.get(action.pk)
        status = update.status if update else action.status
        review = reviews.get(action.pk)
        locked = review is not None and review.locked
        rows = indicators_by_action.get(action.pk, [])
        if locked:  # submitted or validated: shown, no longer typed in
            for indicator_row in rows:
                indicator_row.editable = False
        state = review.state if review else ReviewState.DRAFT
        row = ActionRow(
            action=action,
            update=update,
            status=status,
            progress=update.progress if update else action.progress,
            late=action.is_late(reference, status=status),
            editable=scope.action(action) and not locked,
            indicators=rows,
            review=review,
            can_submit=scope.action(action) and update is not None and not locked,
            can_decide=deciding and state == ReviewState.SUBMITTED,
            own_submission=review is not None and review.submitted_by_id == user.pk,
            can_reopen=scope.open and scope.role == MemberRole.COORDINATOR and state == ReviewState.VALIDATED,
            evidence_count=action.evidence_count or 0,
        )
        if not tree or tree[-1].pillar.pk != action.axis.pillar_id:
            tree.append(PillarBlock(pillar=action.axis.pillar))
        if not tree[-1].axes or tree[-1].axes[-1].axis.pk != action.axis_id:
            tree[-1].axes.append(AxisBlock(axis=action.axis))
        tree[-1].axes[-1].rows.append(row)

    return QuarterSheet(
        plan=plan,
        period=period,
        periods=periods,
        pillars=pillars,
        mine=mine,
        scope=scope,
        tree=tree,
        context_rows=context_rows,
        events=list(period.events.select_related("by")[:5]),
        can_close=can_close_quarter(user, plan),
        ended=period.end < today,
        tracked=is_tracked(plan),
        pages=pages,
        late_count=late_count,
        missing_count=missing_count,
    )


def _status(action: Action, update: ProgressUpdate | None) -> str:
    return update.status if update else action.status


def _missing_count(plan: Plan, period: ReportingPeriod, actions: list | None) -> int:
    """Indicators due in a closed quarter with no value: over the actions given, or the whole plan. One query."""
    if not period.is_closed:
        return 0
    due = Indicator.objects.filter(plan=plan).due_in(period.quarter)
    if actions is not None:
        due = due.filter(action__in=[a.pk for a in actions])
    return due.exclude(Exists(Measurement.objects.filter(indicator=OuterRef("pk"), period=period))).count()


@dataclass(frozen=True)
class QuarterTargets:
    """The objects a posted quarter page names that the user may report on, with their saved state."""

    actions: dict[int, Action]
    updates: dict[int, ProgressUpdate]
    indicators: dict[int, Indicator]
    measurements: dict[int, Measurement]


def quarter_targets(*, plan: Plan, period: ReportingPeriod, user, action_ids, indicator_ids) -> QuarterTargets:
    """Among the posted ids, what this user may report on in this quarter: four queries."""
    scope = ReportingScope(user, plan, period)
    actions = {
        a.pk: a
        for a in plan.actions.select_related("axis__pillar", "lead").filter(pk__in=set(action_ids))
        if scope.action(a)
    }
    indicators = {}
    for indicator in (
        Indicator.objects.filter(plan=plan, pk__in=set(indicator_ids)).due_in(period.quarter).select_related("action")
    ):
        if scope.indicator(indicator):
            indicators[indicator.pk] = indicator
    updates = {u.action_id: u for u in ProgressUpdate.objects.filter(period=period, action__in=actions).order_by()}
    measurements = {
        m.indicator_id: m for m in Measurement.objects.filter(period=period, indicator__in=indicators).order_by()
    }
    for measurement in measurements.values():
        measurement.indicator = indicators[measurement.indicator_id]
    attach_grids(plan, list(indicators.values()), measurements)
    return QuarterTargets(actions=actions, updates=updates, indicators=indicators, measurements=measurements)


UNSAVED_FIELDS = {
    "a": {
        "status": _("Statut"),
        "progress": _("Avancement (%)"),
        "note": _("Ce qui a été fait"),
        "blockers": _("Ce qui bloque"),
    },
    "m": {"value": _("Valeur"), "comment": _("Commentaire")},
}


def unsaved_input(*, plan: Plan, data, keys: dict[str, list[str]]) -> list[dict]:
    """What was typed on lines that cannot be saved (deleted, out of reach): shown back so nothing is lost."""
    ids = {kind: [i for pk in pks if (i := parse_id(pk))] for kind, pks in keys.items()}
    titles = dict(plan.actions.filter(pk__in=ids.get("a", [])).values_list("pk", "title"))
    labels = dict(Indicator.objects.filter(plan=plan, pk__in=ids.get("m", [])).values_list("pk", "label"))
    names = {"a": titles, "m": labels}
    unsaved = []
    for kind, pks in keys.items():
        for pk in pks:
            for name, label in UNSAVED_FIELDS[kind].items():
                value = data.get(f"{kind}-{pk}-{name}", "")
                if value.strip():
                    line = names[kind].get(parse_id(pk))
                    unsaved.append({"line": line or _("ligne %(id)s") % {"id": pk}, "field": label, "value": value})
    return unsaved
