"""Who may define indicators and report on a quarter. Built on the plan's roles (plans.perms)."""

from plans import perms as plan_perms
from plans.enums import MemberRole, PlanStatus

can_define_indicators = plan_perms.can_edit

TRACKED_STATUSES = {PlanStatus.ADOPTED, PlanStatus.ACTIVE}
REPORTING_ROLES = {MemberRole.COORDINATOR, MemberRole.EDITOR, MemberRole.CONTRIBUTOR}


def is_tracked(plan) -> bool:
    """Quarters are reported on once the plan is adopted, until it is closed."""
    return plan.status in TRACKED_STATUSES


def can_report(user, plan, period) -> bool:
    """Enter anything at all in this quarter (what exactly depends on the action, see can_report_on_action)."""
    if not is_tracked(plan) or period.is_closed:
        return False
    return plan_perms.role(user, plan) in REPORTING_ROLES


def can_report_on_action(user, plan, period, action) -> bool:
    return can_report(user, plan, period) and plan_perms.can_report_on_action(user, plan, action)


def can_close_quarter(user, plan) -> bool:
    return is_tracked(plan) and plan_perms.role(user, plan) == MemberRole.COORDINATOR


def can_share(user, plan) -> bool:
    """Read-only links to the dashboard: the coordinator decides who outside the platform sees it."""
    return plan_perms.role(user, plan) == MemberRole.COORDINATOR


class ReportingScope:
    """What one user may report in one quarter, with the role read once (not once per action)."""

    def __init__(self, user, plan, period):
        self.role = plan_perms.role(user, plan)
        self.partner_id = user.partner_id if user.is_authenticated else None
        self.open = can_report(user, plan, period) and not plan.is_closed
        self.edits_everything = self.open and self.role in plan_perms.EDITING_ROLES
        self.context = self.edits_everything

    def action(self, action) -> bool:
        """Editors on any action; contributors on the actions their organisation leads."""
        if self.edits_everything:
            return True
        return (
            self.open
            and self.role == MemberRole.CONTRIBUTOR
            and self.partner_id is not None
            and action.lead_id == self.partner_id
        )

    def indicator(self, indicator, action=None) -> bool:
        """Context indicators: the drafting committee; the others: whoever reports on their action."""
        if indicator.action_id is None:
            return self.context
        return self.action(action if action is not None else indicator.action)

    @property
    def any(self) -> bool:
        return self.open and self.role in REPORTING_ROLES
