"""What other apps keep about a plan's actions and quarters, and how the plans services ask them.

`plans` never imports `indicators` (the arrow goes the other way), yet deleting an action must not delete
the progress updates and indicator values a closed quarter holds, and shortening a plan must not drop a
quarter that holds values. An app that stores such data registers a provider here from its
`AppConfig.ready()`; the plans services ask every registered provider before they delete or move anything.
"""

from collections.abc import Iterable
from typing import Protocol


class QuarterDataProvider(Protocol):
    def periods_holding_data(self, *, periods: Iterable[int], actions: Iterable[int] | None = None) -> set[int]:
        """The ids, among `periods`, of the quarters where this app holds data (of `actions` when given)."""

    def delete_action_data(self, *, actions: Iterable[int]) -> None:
        """Delete what this app keeps about these actions; called once no closed quarter holds any of it."""

    def plan_sizes(self, *, plan) -> dict:
        """Querysets of `pk`s to count in the plan's header, counted in the same query: {"indicators": …}."""

    def indicator_counts(self, *, plan) -> dict[int, int]:
        """How many indicators each of the plan's actions has, by action id (the list, the review)."""

    def action_tracking(self, *, action) -> dict:
        """What the action's page shows of its tracking: {"indicators": [...], "quarters": [...],
        "evidence_count": n}."""

    def copy_action_definitions(self, *, source, copy) -> None:
        """Copy what defines an action (not what was reported on it) when the action is duplicated."""

    def spreadsheet_problem(self, *, sheets) -> str:
        """Why these sheets cannot be imported at all (no header this app recognises), or "": asked before a
        plan is created from a spreadsheet, so that a refused file creates nothing."""

    def history_sources(self, *, plan) -> list:
        """What the plan's history page lists besides the plans app's own objects: (label, historical records
        of the plan with their relations selected, a function giving each record's name[, a function giving
        what happened, when the operation says less than the record])."""


_providers: list[QuarterDataProvider] = []


def register(provider: QuarterDataProvider) -> None:
    if not any(type(existing) is type(provider) for existing in _providers):
        _providers.append(provider)


def providers() -> list[QuarterDataProvider]:
    return list(_providers)
