"""Actions: the filtered list, and the action's page with its changes."""

import datetime
from dataclasses import dataclass, field

from django.db.models import F

from core.pagination import paginate
from plans import hooks
from plans.models import Action, Plan
from plans.selectors.plans import indicator_counts
from plans.timeline import Timeline, build_timeline

# --- Actions ----------------------------------------------------------------------------------------------------

ACTION_SORTS = {
    "tree": ["axis__pillar__order", "axis__number", "order", "pk"],
    "due_date": [F("due_date").asc(nulls_last=True), "pk"],
    "status": ["status", "axis__pillar__order", "axis__number", "order"],
    "lead": [F("lead__name").asc(nulls_last=True), "pk"],
    "title": ["title", "pk"],
}
ACTIONS_PER_PAGE = 100


def action_list(*, plan: Plan, filters: dict | None, sort: str, page: str | None, today: datetime.date):
    """One page of the plan's actions, filtered and sorted, each with `is_late_today` and `indicator_count`."""
    actions = plan.actions.with_list_data()
    if filters:
        actions = actions.filtered(**filters, today=today)
    result = paginate(
        actions.order_by(*ACTION_SORTS.get(sort, ACTION_SORTS["tree"])), per_page=ACTIONS_PER_PAGE, number=page
    )
    counts = indicator_counts(plan=plan)
    for action in result.page.object_list:
        action.is_late_today = action.is_late(today)
        action.indicator_count = counts.get(action.pk, 0)
    return result


@dataclass(frozen=True)
class ActionChange:
    record: object  # a historical row: who, when
    fields: list[str] | None  # None: the action's creation


@dataclass(frozen=True)
class ActionPage:
    action: Action
    links: list
    budget_lines: list
    indicators: list
    quarters: list
    changes: list[ActionChange]
    is_late: bool
    evidence_count: int = 0  # files backing the action and its quarters
    commitments: list = field(default_factory=list)  # what the conventions' parties promised for it


HISTORY_SHOWN = 20


def action_changes(*, action: Action) -> list[ActionChange]:
    """The action's last changes, each with the fields it changed, diffed in memory: one query."""
    history = list(action.history.select_related("history_user").order_by("-history_date")[: HISTORY_SHOWN + 1])
    labels = {f.name: str(f.verbose_name) for f in Action._meta.fields}
    changes = [
        ActionChange(record=newer, fields=[labels.get(c.field, c.field) for c in delta.changes])
        for newer, older in zip(history, history[1:], strict=False)
        if (delta := newer.diff_against(older)).changes
    ]
    if history and len(history) <= HISTORY_SHOWN:
        changes.append(ActionChange(record=history[-1], fields=None))
    return changes[:HISTORY_SHOWN]


def action_page(*, action: Action, today: datetime.date) -> ActionPage:
    tracking = {"indicators": [], "quarters": [], "evidence_count": 0}
    for provider in hooks.providers():
        for key, rows in provider.action_tracking(action=action).items():
            tracking[key] = tracking.get(key, type(rows)()) + rows
    return ActionPage(
        action=action,
        links=list(action.partner_links.select_related("partner").order_by("role", "partner__name")),
        budget_lines=list(action.budget_lines.with_execution().select_related("funder").order_by("year", "pk")),
        indicators=tracking["indicators"],
        quarters=tracking["quarters"],
        evidence_count=tracking["evidence_count"],
        commitments=list(action.commitments.select_related("convention", "partner").order_by("due_on", "pk")),
        changes=action_changes(action=action),
        is_late=action.is_late(today),
    )


def action_timeline(*, plan: Plan, filters: dict | None, today: datetime.date) -> Timeline:
    """The plan's actions on its months, filtered like the actions list: one query."""
    actions = plan.actions.select_related("axis__pillar", "lead")
    if filters:
        actions = actions.filtered(**filters, today=today)
    return build_timeline(actions=actions.in_plan_order(), first=plan.period_start, last=plan.period_end, today=today)
