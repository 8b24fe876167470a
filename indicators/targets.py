"""Whether a value meets its indicator's target: the one rule the quarter page, reports and dashboards share."""

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.enums import Direction, Unit

NUMERIC = {Unit.COUNT, Unit.PERCENTAGE, Unit.EUROS}
# "Stable" is met within 5 % of the target.
HOLD_TOLERANCE = Decimal("0.05")


def on_target(indicator, value) -> bool | None:
    """True when the value meets the target in the desired direction; None when it cannot be said."""
    target = indicator.target_value
    if value is None or target is None or indicator.unit not in NUMERIC:
        return None
    if indicator.direction == Direction.UP:
        return value >= target
    if indicator.direction == Direction.DOWN:
        return value <= target
    return abs(value - target) <= abs(target) * HOLD_TOLERANCE


def target_label(reached: bool | None) -> str:
    if reached is None:
        return "—"
    return _("atteinte") if reached else _("non atteinte")
