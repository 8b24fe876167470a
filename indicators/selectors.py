"""Reads for the quarterly tracking: what is due, what is missing."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.utils import timezone

from indicators.models import Indicator, Measurement, ProgressUpdate
from plans.enums import ActionStatus
from plans.models import Action, ReportingPeriod


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
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.ABANDONED])
        .exclude(Exists(ProgressUpdate.objects.filter(action=OuterRef("pk"), period=period)))
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )
    return Missing(indicators=indicators, actions=actions)


def current_period(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    """The quarter containing today, else the last one before today, else the first."""
    today = timezone.localdate()
    for period in periods:
        if period.contains(today):
            return period
    past = [p for p in periods if p.end < today]
    return past[-1] if past else (periods[0] if periods else None)
