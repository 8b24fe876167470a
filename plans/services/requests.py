"""Plans asked for by people whose organisation is not the territory's authority, and the platform team's
decision on them (plans.perms.can_create_plan)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partners.models import User
from plans import perms
from plans.models import PlanRequest
from plans.services.plans import NEW_PLAN_FIELDS, plan_create_for_frame

REQUEST_FIELDS = (
    "territory_name",
    "territory_kind",
    "country",
    "official_code",
    "population",
    "department",
    "arrondissement",
    "title",
    "description",
    "period_start",
    "period_end",
    "template",
    "reason",
)


def _base_url(base_url: str) -> str:
    return (base_url or settings.SITE_URL).rstrip("/")


@transaction.atomic
def plan_request_submit(*, by: User, base_url: str = "", **fields) -> PlanRequest:
    """Record the request and tell the platform's team (every active staff account with an address)."""
    text = {name: fields.get(name) or "" for name in REQUEST_FIELDS if name not in {"population", "template"}}
    request = PlanRequest(
        requested_by=by, population=fields.get("population"), template=fields.get("template"), **text
    )
    request.full_clean()
    request.save()
    operators = list(
        User.objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    if operators:
        url = _base_url(base_url) + reverse("plans:requests")
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Demande de plan : %(title)s (%(territory)s)") % {
                "title": request.title,
                "territory": request.territory_name,
            }
            body = render_to_string("plans/emails/plan_request.txt", {"request": request, "url": url})
        transaction.on_commit(
            lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=operators)
        )
    return request


def _decided(request: PlanRequest, by: User) -> PlanRequest:
    if not perms.is_platform_operator(by):
        raise PermissionDenied
    request = (
        PlanRequest.objects.select_for_update(of=("self",))
        .select_related("requested_by", "template")
        .get(pk=request.pk)
    )
    if not request.is_pending:
        raise ValidationError(
            _("Cette demande a déjà été %(state)s.") % {"state": request.get_state_display()}, code="decided"
        )
    return request


def _tell_requester(request: PlanRequest, base_url: str) -> None:
    context = {"request": request, "base_url": _base_url(base_url)}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Votre demande de plan « %(title)s »") % {"title": request.title}
        body = render_to_string("plans/emails/plan_request_decision.txt", context)
    recipient = request.requested_by.email
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[recipient])
    )


@transaction.atomic
def plan_request_approve(
    *, request: PlanRequest, by: User, record_authority: bool = False, base_url: str = ""
) -> PlanRequest:
    """Create the plan asked for, its requester coordinating it; `record_authority`: the requester's
    organisation becomes the territory's authority (its next plans need no request)."""
    request = _decided(request, by)
    plan = plan_create_for_frame(
        by=request.requested_by, data={name: getattr(request, name) for name in NEW_PLAN_FIELDS}
    )
    if record_authority and request.requested_by.partner_id:
        plan.territory.authorities.add(request.requested_by.partner_id)
    request.state, request.decided_by, request.decided_at, request.plan = (
        PlanRequest.APPROVED,
        by,
        timezone.now(),
        plan,
    )
    request.save()
    _tell_requester(request, base_url)
    return request


@transaction.atomic
def plan_request_refuse(*, request: PlanRequest, by: User, reason: str, base_url: str = "") -> PlanRequest:
    """Refuse the request, saying why (the requester reads it)."""
    request = _decided(request, by)
    if not reason.strip():
        raise ValidationError({"decision_note": _("Dites pourquoi la demande est refusée.")}, code="reason")
    request.state, request.decided_by, request.decided_at = PlanRequest.REFUSED, by, timezone.now()
    request.decision_note = reason.strip()
    request.full_clean()
    request.save()
    _tell_requester(request, base_url)
    return request
