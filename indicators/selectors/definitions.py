"""The indicators step: each action of the plan (one pillar at a time for a big plan) with its indicators."""

from dataclasses import dataclass

from django.db.models import Prefetch

from indicators.models import Indicator
from plans.models import Plan
from plans.selectors import PillarScope, pillar_scope


@dataclass(frozen=True)
class IndicatorsStep:
    pillars: PillarScope
    actions: list  # each with its indicators prefetched, in plan order
    context_indicators: list
    suggestion_count: int  # over the actions shown


def indicators_step(*, plan: Plan, pillar: str | None) -> IndicatorsStep:
    """Four queries whatever the plan's size: pillars, actions, their indicators, context indicators."""
    pillars = pillar_scope(plan=plan, requested=pillar)
    actions = plan.actions.select_related("axis__pillar", "lead").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order", "pk"))
    )
    if pillars.pillar is not None:
        actions = actions.filter(axis__pillar=pillars.pillar)
    actions = list(actions.order_by("axis__pillar__order", "axis__number", "order", "pk"))
    return IndicatorsStep(
        pillars=pillars,
        actions=actions,
        context_indicators=list(Indicator.objects.filter(plan=plan, action=None).order_by("order", "pk")),
        suggestion_count=sum(len(a.indicator_suggestions) for a in actions),
    )
