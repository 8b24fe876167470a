"""Evidence: files that back up a value, a quarter's progress, an action or a meeting.

Who may attach (and remove) a file follows who may enter what it backs up: a value or a quarter's progress,
whoever reports on the action in that quarter; an action, whoever reports on it; a meeting, the coordinator.
A file backing a quarter that is closed, or an action's quarter submitted or validated (indicators.reviews), stays
as it is until that is reopened: it is part of what was checked. Every member of the plan can read the files;
nobody else, and never through a shared dashboard link. Each file: 10 MB at most and of a known kind told by its
content (core.uploads); each plan: settings.EVIDENCE_PLAN_QUOTA in all.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from core.formats import file_size
from core.uploads import UploadError, read_upload
from indicators import perms
from indicators.enums import EvidenceHolder
from indicators.models import ActionReview, Evidence, Indicator
from indicators.reviews import locked_message
from partners.models import User
from plans import perms as plan_perms
from plans.models import Action, Convention, Meeting, Plan, ReportingPeriod

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    """What a file is attached to: the fields of Evidence that say it."""

    holder: str
    action: Action | None = None
    indicator: Indicator | None = None
    period: ReportingPeriod | None = None
    meeting: Meeting | None = None
    convention: Convention | None = None

    @classmethod
    def of(cls, evidence: Evidence) -> "Target":
        return cls(
            evidence.holder,
            evidence.action,
            evidence.indicator,
            evidence.period,
            evidence.meeting,
            evidence.convention,
        )


def _may_attach(user: User, plan: Plan, target: Target) -> bool:
    if target.holder == EvidenceHolder.MEETING:
        return plan_perms.can_record_meetings(user, plan)
    if target.holder == EvidenceHolder.CONVENTION:  # the signed convention: the drafting committee's
        return plan_perms.can_edit(user, plan)
    if target.period is not None and not perms.is_tracked(plan):
        return False  # quarters are reported on once the plan is adopted
    if target.action is None:  # a context indicator's value: the drafting committee keeps those
        return plan_perms.can_edit(user, plan)
    # Whether the quarter is still open is frozen_reason's, so that the refusal says why.
    return plan_perms.can_report_on_action(user, plan, target.action)


UNKNOWN = object()  # the action's review for the quarter was not looked up (None: looked up, there is none)


def frozen_reason(plan: Plan, target: Target, review=UNKNOWN) -> str:
    """Why files backing this cannot be added or removed now, or "" if they can. `review`: the action's review
    for the quarter when the caller has read it (None if there is none): one query saved per file listed."""
    if plan.is_closed:
        return _("Le plan est clos : ses pièces ne changent plus.")
    if target.period is None:
        return ""
    if target.period.is_closed:
        return _("Le %(period)s est clos : ses pièces ne changent plus.") % {"period": target.period.label}
    if target.action is not None:
        if review is UNKNOWN:
            review = ActionReview.objects.filter(action=target.action, period=target.period).first()
        if review is not None and review.locked:
            return locked_message(review)
    return ""


def can_attach(user: User, plan: Plan, target: Target, review=UNKNOWN) -> bool:
    return _may_attach(user, plan, target) and not frozen_reason(plan, target, review)


def can_remove(user: User, plan: Plan, evidence: Evidence, review=UNKNOWN) -> bool:
    """Whoever attached it, or the drafting committee, as long as what it backs can change."""
    if not can_attach(user, plan, Target.of(evidence), review):
        return False
    return evidence.uploaded_by_id == user.pk or plan_perms.role(user, plan) in plan_perms.EDITING_ROLES


def _check_target(plan: Plan, target: Target) -> None:
    """Everything named belongs to this plan, and hangs together (a value's indicator is the action's)."""
    parts = [target.action, target.indicator, target.period, target.meeting, target.convention]
    if any(part is not None and part.plan_id != plan.pk for part in parts):
        raise PermissionDenied
    if target.indicator is not None and target.indicator.action_id != (target.action.pk if target.action else None):
        raise PermissionDenied


def _quota_error(used: int, size: int) -> ValidationError:
    quota = settings.EVIDENCE_PLAN_QUOTA
    return ValidationError(
        {
            "file": _(
                "Le plan a atteint sa place pour les pièces justificatives (%(used)s utilisés sur %(quota)s) : "
                "ce fichier de %(size)s n'y tient pas. Supprimez des pièces devenues inutiles ou demandez "
                "plus de place à l'administrateur."
            )
            % {"used": file_size(used), "quota": file_size(quota), "size": file_size(size)}
        },
        code="quota",
    )


def evidence_add(*, plan: Plan, by: User, target: Target, upload) -> Evidence:
    """Check the file (kind by content, size, name), then store it; ValidationError on "file" when refused."""
    _check_target(plan, target)
    if not _may_attach(by, plan, target):
        raise PermissionDenied
    try:
        data, kind, name = read_upload(upload)
    except UploadError as error:
        raise ValidationError({"file": str(error)}, code="file") from error
    # The file is stored before the transaction (a bucket upload takes its time; no lock is held meanwhile), the
    # row inside it; whatever refuses the row removes the file: never a row without its file, nor a file left.
    evidence = Evidence(plan=plan, name=name, kind=kind, size=len(data), uploaded_by=by)  # plan: the folder
    evidence.file.save(f"{evidence.pk.hex}.{name.rpartition('.')[2]}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            # The plan's row lock makes the quota hold when two people upload at the same time.
            plan = Plan.objects.select_for_update().get(pk=plan.pk)
            if target.period is not None:
                target = Target(
                    target.holder,
                    target.action,
                    target.indicator,
                    ReportingPeriod.objects.get(pk=target.period.pk),
                    target.meeting,
                    target.convention,
                )
            if reason := frozen_reason(plan, target):
                raise ValidationError({"file": reason}, code="frozen")
            used = Evidence.objects.filter(plan=plan).aggregate(total=Sum("size"))["total"] or 0
            if used + len(data) > settings.EVIDENCE_PLAN_QUOTA:
                raise _quota_error(used, len(data))
            evidence.plan, evidence.holder = plan, target.holder
            evidence.action, evidence.indicator, evidence.period = target.action, target.indicator, target.period
            evidence.meeting, evidence.convention = target.meeting, target.convention
            evidence.full_clean(exclude=["file"])
            evidence._history_user = by
            evidence.save()
    except BaseException:
        evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User) -> None:
    plan = Plan.objects.select_for_update().get(pk=evidence.plan_id)
    evidence = Evidence.objects.select_related("action", "indicator", "period", "meeting", "convention").get(
        pk=evidence.pk
    )
    if not _may_attach(by, plan, Target.of(evidence)):
        raise PermissionDenied
    if reason := frozen_reason(plan, Target.of(evidence)):
        raise ValidationError(reason, code="frozen")
    if not can_remove(by, plan, evidence):
        raise PermissionDenied
    evidence._history_user = by
    evidence.delete()


@receiver(post_delete, sender=Evidence)
def _remove_file(sender, instance: Evidence, **kwargs):
    """The stored file goes once the deletion is committed (the history keeps its name, who and when)."""
    name, storage = instance.file.name, instance.file.storage

    def remove():
        try:
            storage.delete(name)
        except Exception:  # a storage outage must not undo a deletion already committed
            logger.exception("Evidence file %s could not be removed from storage", name)

    if name:
        transaction.on_commit(remove)


def plan_usage(plan: Plan) -> tuple[int, int]:
    """Bytes used by the plan's evidence, and its quota."""
    used = Evidence.objects.filter(plan=plan).aggregate(total=Sum("size"))["total"] or 0
    return used, settings.EVIDENCE_PLAN_QUOTA
