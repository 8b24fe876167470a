"""Indicator permissions reuse the plan's: editors define indicators while the plan is open."""

from plans.perms import can_edit

can_define_indicators = can_edit
