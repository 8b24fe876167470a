"""Conventions, their signatories and their parties' commitments: written by the drafting committee."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.models import Partner, User
from plans import perms
from plans.models import Plan
from plans.models.conventions import Commitment, CommitmentStatus, Convention, ConventionParty
from plans.services.common import apply_fields

ENDING_SOON = datetime.timedelta(days=90)


def _check(by: User, plan: Plan) -> None:
    if not perms.can_edit(by, plan):
        raise PermissionDenied


@transaction.atomic
def convention_save(
    *, plan: Plan, by: User, parties: list[tuple[Partner, str]], convention: Convention | None = None, **fields
) -> Convention:
    """Create or change a convention and its signatories (partners of the plan, each with who signs)."""
    _check(by, plan)
    if convention is not None and convention.plan_id != plan.pk:
        raise PermissionDenied
    if not parties:
        raise ValidationError({"parties": _("Cochez au moins un signataire.")})
    allowed = set(plan.partners.values_list("pk", flat=True))
    if any(partner.pk not in allowed for partner, _signatory in parties):
        raise ValidationError({"parties": _("Un signataire doit être partenaire du plan : ajoutez-le d'abord.")})
    convention = convention or Convention(plan=plan)
    apply_fields(convention, fields, Convention.EDITABLE_FIELDS)
    convention.full_clean()
    convention._history_user = by
    convention.save()
    wanted = {partner.pk: signatory for partner, signatory in parties}
    committed = set(convention.commitments.values_list("partner_id", flat=True))
    if dropped := committed - set(wanted):
        names = ", ".join(Partner.objects.filter(pk__in=dropped).values_list("name", flat=True))
        raise ValidationError(
            {"parties": _("%(names)s a des engagements dans cette convention : gardez-le.") % {"names": names}}
        )
    convention.parties.exclude(partner_id__in=wanted).delete()
    for partner_id, signatory in wanted.items():
        ConventionParty.objects.update_or_create(
            convention=convention, partner_id=partner_id, defaults={"signatory": signatory.strip()[:120]}
        )
    return convention


@transaction.atomic
def convention_delete(*, convention: Convention, by: User) -> None:
    _check(by, convention.plan)
    convention._history_user = by
    convention.delete()


@transaction.atomic
def commitment_add(
    *, convention: Convention, by: User, partner: Partner, what: str, due_on=None, actions=()
) -> Commitment:
    """A party's commitment, on actions of the same plan."""
    _check(by, convention.plan)
    if not convention.parties.filter(partner=partner).exists():
        raise ValidationError({"partner": _("Seul un signataire de la convention s'engage.")})
    actions = list(actions)
    if any(action.plan_id != convention.plan_id for action in actions):
        raise ValidationError({"actions": _("Cette action appartient à un autre plan.")})
    commitment = Commitment(convention=convention, partner=partner, what=what, due_on=due_on)
    commitment.full_clean()
    commitment._history_user = by
    commitment.save()
    commitment.actions.set(actions)
    return commitment


@transaction.atomic
def commitment_set_status(
    *, commitment: Commitment, by: User, status: str, on: datetime.date | None = None
) -> Commitment:
    """Kept, not kept, or back to pending; the day it was found."""
    _check(by, commitment.convention.plan)
    if status not in CommitmentStatus.values:
        raise ValidationError({"status": _("État inconnu.")})
    commitment.status = status
    commitment.status_on = None if status == CommitmentStatus.PENDING else on
    commitment.full_clean()
    commitment._history_user = by
    commitment.save()
    return commitment


def convention_warnings(*, plan: Plan, today: datetime.date) -> list[str]:
    """A convention ending within 90 days; commitments past their date and still pending. One query."""
    conventions = Convention.objects.filter(plan=plan).annotate(
        late=Count(
            "commitments", filter=Q(commitments__status=CommitmentStatus.PENDING, commitments__due_on__lt=today)
        )
    )
    warnings = []
    for convention in conventions.order_by("starts_on", "pk"):
        end = convention.end
        if end and today <= end <= today + ENDING_SOON:
            warnings.append(
                _("La convention « %(title)s » prend fin le %(end)s : préparez son renouvellement ou sa suite.")
                % {"title": convention.title, "end": date_format(end, "SHORT_DATE_FORMAT")}
            )
        if convention.late:
            warnings.append(
                ngettext(
                    "Convention « %(title)s » : %(n)s engagement a passé son échéance sans être tenu.",
                    "Convention « %(title)s » : %(n)s engagements ont passé leur échéance sans être tenus.",
                    convention.late,
                )
                % {"title": convention.title, "n": convention.late}
            )
    return warnings
