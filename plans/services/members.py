"""Writes on who takes part: the plan's partner organisations and its members' roles."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from partners.enums import kind_in_country
from partners.models import Partner
from plans import perms
from plans.enums import MemberRole
from plans.models import (
    Membership,
    Plan,
)

User = get_user_model()


# --- Partners and members -----------------------------------------------------------------------------------


@transaction.atomic
def plan_partner_add(
    *, plan: Plan, by: User, name: str, kind: str, acronym: str = "", contact_email: str = ""
) -> Partner:
    """Attach an organisation to the plan, reusing the existing record with the same name and kind."""
    if not perms.can_edit(by, plan):
        raise PermissionDenied
    if not kind_in_country(kind, plan.territory.country):
        raise ValidationError(
            {
                "kind": _("Ce type d'organisation n'existe pas en %(country)s : choisissez-en un de la liste.")
                % {"country": plan.territory.get_country_display()}
            },
            code="kind_country",
        )
    # The plan's row lock: two people adding the same organisation at once get one record.
    plan = Plan.objects.select_for_update().select_related("territory").get(pk=plan.pk)
    return partner_for_plan(plan=plan, name=name, kind=kind, acronym=acronym, contact_email=contact_email)


def territory_partners(plan: Plan):
    """The organisations a plan may reuse by name: those of the plans of its territory (its own included). Never
    another territory's (their names, acronyms and contact addresses are theirs)."""
    return Partner.objects.filter(plans__territory_id=plan.territory_id).distinct()


def partner_for_plan(*, plan: Plan, name: str, kind: str, acronym: str = "", contact_email: str = "") -> Partner:
    """The plan's organisation of this name and kind: one of its territory's, reused, or a new one; attached to the
    plan. The caller holds the plan's row lock (plan_partner_add, the import), so that two people adding the same
    organisation at once get one record."""
    name = name.strip()
    partner = territory_partners(plan).filter(name__iexact=name, kind=kind).order_by("pk").first()
    if partner is None:
        partner = Partner(name=name, kind=kind, acronym=acronym.strip(), contact_email=contact_email.strip())
        partner.full_clean()
        partner.save()
    plan.partners.add(partner)
    return partner


@transaction.atomic
def plan_partner_remove(*, plan: Plan, by: User, partner: Partner) -> None:
    if not perms.can_edit(by, plan):
        raise PermissionDenied
    in_use = plan.actions.filter(Q(lead=partner) | Q(partner_links__partner=partner)).exists()
    if in_use:
        raise ValidationError(
            _("%(partner)s pilote ou accompagne encore des actions du plan : retirez-le d'abord de ces actions.")
            % {"partner": partner}
        )
    plan.partners.remove(partner)


@transaction.atomic
def member_invite(
    *,
    plan: Plan,
    by: User,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    partner: Partner | None = None,
    base_url: str = "",
    notify: bool = True,
) -> Membership:
    """Give someone a role on the plan; a new account gets an email to choose its password."""
    if not perms.can_manage_members(by, plan):
        raise PermissionDenied
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), partner=partner)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif Membership.objects.filter(plan=plan, user=user).exists():
        raise ValidationError({"email": _("Cette personne est déjà membre du plan.")})
    membership = Membership(plan=plan, user=user, role=role)
    membership.full_clean()
    membership.save()
    # A member's organisation is not made a partner of the plan: partners (leads, funders) are chosen on their own
    # page, never as a side effect of an invitation.
    if notify:
        _send_invitation(
            plan=plan, user=user, by=by, role=membership.get_role_display(), new=created, base_url=base_url
        )
    return membership


def _send_invitation(*, plan, user, by: User, role, new, base_url) -> None:
    base_url = base_url or settings.SITE_URL.rstrip("/")
    context = {"plan": plan, "user": user, "by": by, "role": role, "new": new, "base_url": base_url}
    if new:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context["set_password_url"] = base_url + reverse("password_reset_confirm", args=[uid, token])
    else:
        context["plan_url"] = base_url + reverse("plans:detail", args=[plan.pk])
    send_mail(
        subject=_("Invitation au plan « %(plan)s »") % {"plan": plan.title},
        message=render_to_string("plans/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def _ensure_a_coordinator_remains(plan: Plan, membership: Membership) -> None:
    others = plan.memberships.filter(role=MemberRole.COORDINATOR).exclude(pk=membership.pk)
    if membership.role == MemberRole.COORDINATOR and not others.exists():
        raise ValidationError(_("Le plan doit garder au moins un coordinateur."))


@transaction.atomic
def member_change_role(*, membership: Membership, by: User, role: str, validator: bool | None = None) -> Membership:
    """Change a member's role; `validator`: whether they also validate the quarters' submissions."""
    if not perms.can_manage_members(by, membership.plan):
        raise PermissionDenied
    if role != MemberRole.COORDINATOR:
        _ensure_a_coordinator_remains(membership.plan, membership)
    membership.role = role
    if validator is not None:
        membership.validator = validator
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by: User) -> None:
    if not perms.can_manage_members(by, membership.plan):
        raise PermissionDenied
    _ensure_a_coordinator_remains(membership.plan, membership)
    membership.delete()
