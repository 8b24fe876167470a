"""The indicators step: each action of the plan (one pillar at a time for a big plan) with its indicators."""

from dataclasses import dataclass

from django.db.models import Prefetch

from core.pagination import PageOf, paginate
from indicators.models import Indicator
from plans.models import Plan
from plans.selectors import PillarScope, pillar_scope

# The indicators step shows this many actions at a time, each with its indicators and their buttons.
STEP_ACTIONS_PER_PAGE = 50


@dataclass(frozen=True)
class IndicatorsStep:
    pillars: PillarScope
    pages: PageOf  # of actions, each with its indicators prefetched, in plan order
    context_indicators: list
    suggestion_count: int  # over the actions of the pillar shown (every page)

    @property
    def actions(self) -> list:
        return self.pages.page.object_list


def indicators_step(*, plan: Plan, pillar: str | None, page: str | None = None) -> IndicatorsStep:
    """Six queries whatever the plan's size: pillars, suggestions, a page of actions, their indicators, context."""
    pillars = pillar_scope(plan=plan, requested=pillar)
    actions = plan.actions.all()
    if pillars.pillar is not None:
        actions = actions.filter(axis__pillar=pillars.pillar)
    suggestions = actions.exclude(indicator_suggestions=[]).values_list("indicator_suggestions", flat=True)
    ordered = (
        actions.select_related("axis__pillar", "lead")
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("order", "pk")))
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )
    return IndicatorsStep(
        pillars=pillars,
        pages=paginate(ordered, per_page=STEP_ACTIONS_PER_PAGE, number=page),
        context_indicators=list(Indicator.objects.filter(plan=plan, action=None).order_by("order", "pk")),
        suggestion_count=sum(len(s) for s in suggestions),
    )
