"""Who may do what on a plan. Used by views, templates and the API alike.

Every function takes a plan fetched through `Plan.objects.visible_to(user)`, which annotates `user_role`;
for a plan fetched otherwise the role is looked up.
"""

from plans.enums import MemberRole, PlanStatus

EDITING_ROLES = {MemberRole.COORDINATOR, MemberRole.EDITOR}


def role(user, plan) -> str | None:
    if not user.is_authenticated:
        return None
    if hasattr(plan, "user_role"):
        return plan.user_role
    membership = plan.memberships.filter(user=user).only("role").first()
    return membership.role if membership else None


def is_validator(user, plan) -> bool:
    """Validates what contributors submit each quarter: the coordinator, and the members the coordinator names."""
    if role(user, plan) == MemberRole.COORDINATOR:
        return True
    if not user.is_authenticated:
        return False
    if hasattr(plan, "user_validator"):
        return bool(plan.user_validator)
    return plan.memberships.filter(user=user, validator=True).exists()


def can_edit(user, plan) -> bool:
    """Draft and change the structure, the actions and the partners, while the plan is not closed."""
    return role(user, plan) in EDITING_ROLES and not plan.is_closed


def can_manage_members(user, plan) -> bool:
    return role(user, plan) == MemberRole.COORDINATOR


def can_adopt(user, plan) -> bool:
    return role(user, plan) == MemberRole.COORDINATOR and plan.is_draft


def can_change_status(user, plan) -> bool:
    """Start tracking an adopted plan, close it at the end of its period, or reopen a closed one."""
    return role(user, plan) == MemberRole.COORDINATOR and plan.status != PlanStatus.DRAFT


def can_record_meetings(user, plan) -> bool:
    return role(user, plan) == MemberRole.COORDINATOR and not plan.is_closed


def can_edit_budget(user, plan) -> bool:
    """Fundings and budget lines: coordinators and editors while the plan is open."""
    return can_edit(user, plan)


def can_enter_execution(user, plan, line) -> bool:
    """Committed and paid amounts: editors on any line; contributors on the actions their organisation leads."""
    return can_report_on_action(user, plan, line.action)


def can_report_on_action(user, plan, action) -> bool:
    """Editors on any action; contributors on those their organisation leads; nobody once the plan is closed."""
    if plan.is_closed:
        return False
    member_role = role(user, plan)
    if member_role in EDITING_ROLES:
        return True
    leads_it = user.partner_id is not None and action.lead_id == user.partner_id
    return member_role == MemberRole.CONTRIBUTOR and leads_it


def summary(user, plan) -> dict[str, bool]:
    """The flags templates need, computed once per request."""
    return {
        "edit": can_edit(user, plan),
        "members": can_manage_members(user, plan),
        "adopt": can_adopt(user, plan),
        "meetings": can_record_meetings(user, plan),
        "status": can_change_status(user, plan),
        "budget": can_edit_budget(user, plan),
        "contribute": role(user, plan) == MemberRole.CONTRIBUTOR and not plan.is_closed,
    }


def is_platform_operator(user) -> bool:
    """The platform's team: approves plans asked for by people who are not a territory's authority."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_create_plan(user, territory) -> bool:
    """A plan for `territory` (None: one not known yet) is created at once by a member of an organisation that
    is its authority (town hall, EPCI, police zone, préfecture), or by the platform's team; others ask."""
    if is_platform_operator(user):
        return True
    if territory is None or not user.is_authenticated or not user.partner_id:
        return False
    return territory.authorities.filter(pk=user.partner_id).exists()


def creates_plans_directly(user) -> bool:
    """Whether "Créer un plan" creates one (some territory is the user's organisation's), or asks for one."""
    if is_platform_operator(user):
        return True
    return bool(user.is_authenticated and user.partner_id and user.partner.governed_territories.exists())
