"""Submission and validation of what is reported each quarter, one action at a time.

A contributor (or an editor) fills an action's quarter (its progress update and its indicators' values) and
submits it; a validator (the coordinator, or a member the coordinator names) validates it or returns it with a
reason; a returned one goes back to whoever submitted it, who corrects and submits again. Submitted or validated,
its progress and values no longer change, on any page or through the API (indicators.services.quarter_save asks
`locked_actions`); the coordinator reopens a validated one with a reason. Every step is in the history, and mailed
to whoever must act next.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import perms
from indicators.enums import ReviewState
from indicators.models import ActionReview, ProgressUpdate
from partners.models import User
from plans import perms as plan_perms
from plans.enums import MemberRole
from plans.models import Action, ReportingPeriod


def locked_actions(period: ReportingPeriod, action_ids) -> dict[int, ActionReview]:
    """The reviews that keep these actions' quarter from changing (submitted or validated): one query."""
    reviews = ActionReview.objects.filter(period=period, action__in=list(action_ids), state__in=ActionReview.LOCKED)
    return {review.action_id: review for review in reviews.order_by()}


def locked_message(review: ActionReview) -> str:
    if review.state == ReviewState.VALIDATED:
        return _("Validé : ce trimestre de l'action ne change plus. Le coordinateur peut le rouvrir, avec un motif.")
    return _("Soumis pour validation : il ne change plus, sauf s'il vous est renvoyé.")


def _open_period(period: ReportingPeriod) -> ReportingPeriod:
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    if period.is_closed:
        raise ValidationError(
            _("Le %(period)s est clos : rien n'y change plus.") % {"period": period.label}, code="closed"
        )
    return period


def _review(action: Action, period: ReportingPeriod) -> ActionReview:
    """The action's review, locked; a new (unsaved) draft if none. The period's row lock serialises them."""
    review = ActionReview.objects.select_for_update().filter(action=action, period=period).first()
    return review or ActionReview(action=action, period=period)


def _save(review: ActionReview, by: User, **fields) -> ActionReview:
    for name, value in fields.items():
        setattr(review, name, value)
    review.full_clean()
    review._history_user = by
    review.save()
    return review


def _check_state(review: ActionReview, *expected: str) -> None:
    if review.state not in expected:
        raise ValidationError(
            _("Cette action est « %(state)s » pour ce trimestre : cette décision ne s'applique pas.")
            % {"state": review.get_state_display()},
            code="state",
        )


@transaction.atomic
def review_submit(*, action: Action, period: ReportingPeriod, by: User, base_url: str = "") -> ActionReview:
    """Submit an action's quarter for validation: whoever may report on it, once its progress is entered."""
    period = _open_period(period)
    if action.plan_id != period.plan_id or not perms.can_report_on_action(by, period.plan, period, action):
        raise PermissionDenied
    review = _review(action, period)
    _check_state(review, ReviewState.DRAFT, ReviewState.RETURNED)
    if not ProgressUpdate.objects.filter(action=action, period=period).exists():
        raise ValidationError(
            _("Renseignez et enregistrez l'avancement de l'action avant de la soumettre."), code="empty"
        )
    review = _save(review, by, state=ReviewState.SUBMITTED, submitted_by=by, submitted_at=timezone.now(), reason="")
    _mail_on_commit("submitted", review, to=_validators(period.plan, but=by), base_url=base_url)
    return review


@transaction.atomic
def review_submit_all(*, period: ReportingPeriod, by: User, base_url: str = "") -> list[ActionReview]:
    """Submit every action this person reports on whose quarter is entered and still a draft (or returned): one
    mail to the validators for all of them. The others (nothing entered yet, already submitted) are left."""
    period = _open_period(period)
    scope = perms.ReportingScope(by, period.plan, period)
    if not scope.any:
        raise PermissionDenied
    actions = [action for action in period.plan.actions.order_by("axis__pillar__order", "axis__number", "order", "pk")
               if scope.action(action)]  # fmt: skip
    entered = set(ProgressUpdate.objects.filter(period=period, action__in=actions).values_list("action_id", flat=True))
    reviews = {
        review.action_id: review
        for review in ActionReview.objects.select_for_update().filter(period=period, action__in=actions).order_by()
    }
    submitted, now = [], timezone.now()
    for action in actions:
        review = reviews.get(action.pk) or ActionReview(action=action, period=period)
        if action.pk not in entered or review.state not in (ReviewState.DRAFT, ReviewState.RETURNED):
            continue
        review.action = action
        submitted.append(_save(review, by, state=ReviewState.SUBMITTED, submitted_by=by, submitted_at=now, reason=""))
    if submitted:
        _mail_on_commit(
            "submitted_many", submitted[0], to=_validators(period.plan, but=by), base_url=base_url, reviews=submitted
        )
    return submitted


def _decide(review: ActionReview, by: User) -> tuple[ActionReview, ReportingPeriod]:
    period = _open_period(review.period)
    if not plan_perms.is_validator(by, period.plan) or not perms.is_tracked(period.plan):
        raise PermissionDenied
    return _review(review.action, period), period


@transaction.atomic
def review_validate(*, review: ActionReview, by: User, base_url: str = "") -> ActionReview:
    review, _period = _decide(review, by)
    _check_state(review, ReviewState.SUBMITTED)
    if review.submitted_by_id == by.pk:
        # Four eyes: what someone reported is validated by someone else, whatever their roles.
        raise ValidationError(
            _(
                "Vous avez soumis ce trimestre de l'action : un autre validateur du plan doit le valider (le "
                "coordinateur peut en désigner un sur la page Membres)."
            ),
            code="own_submission",
        )
    review = _save(review, by, state=ReviewState.VALIDATED, decided_by=by, decided_at=timezone.now(), reason="")
    _mail_on_commit("validated", review, to=[review.submitted_by], base_url=base_url)
    return review


@transaction.atomic
def review_return(*, review: ActionReview, by: User, reason: str, base_url: str = "") -> ActionReview:
    review, _period = _decide(review, by)
    _check_state(review, ReviewState.SUBMITTED)
    if not reason.strip():
        raise ValidationError({"reason": _("Dites ce qui est à corriger.")}, code="reason")
    review = _save(
        review, by, state=ReviewState.RETURNED, decided_by=by, decided_at=timezone.now(), reason=reason.strip()
    )
    _mail_on_commit("returned", review, to=[review.submitted_by], base_url=base_url)
    return review


@transaction.atomic
def review_reopen(*, review: ActionReview, by: User, reason: str) -> ActionReview:
    """A validated quarter of an action open again for changes: the coordinator only, with a reason."""
    period = _open_period(review.period)
    if plan_perms.role(by, period.plan) != MemberRole.COORDINATOR:
        raise PermissionDenied
    review = _review(review.action, period)
    _check_state(review, ReviewState.VALIDATED)
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez pourquoi vous rouvrez cette validation.")}, code="reason")
    return _save(review, by, state=ReviewState.DRAFT, decided_by=by, decided_at=timezone.now(), reason=reason.strip())


def pending_reviews(period: ReportingPeriod, state: str = ReviewState.SUBMITTED) -> list[ActionReview]:
    """What was submitted in this quarter and not yet validated or returned (or, with `state`, what is in it:
    the returned ones not submitted again)."""
    return list(
        ActionReview.objects.filter(period=period, state=state)
        .select_related("action")
        .order_by("action__axis__pillar__order", "action__axis__number", "action__order", "action__pk")
    )


# --- Mails ----------------------------------------------------------------------------------------------------


def _validators(plan, *, but: User) -> list[User]:
    members = plan.memberships.filter(Q(role=MemberRole.COORDINATOR) | Q(validator=True), user__is_active=True)
    return [m.user for m in members.select_related("user") if m.user_id != but.pk]


def _subject(event: str) -> str:
    return {
        "submitted": _("À valider : « %(action)s », %(period)s"),
        "validated": _("Validé : « %(action)s », %(period)s"),
        "returned": _("Renvoyé pour correction : « %(action)s », %(period)s"),
        "submitted_many": _("À valider : %(count)s actions, %(period)s"),
    }[event]


def _mail_on_commit(event: str, review: ActionReview, *, to: list, base_url: str, reviews=()) -> None:
    """`base_url`: the site's address as the request reached it, for the link in the mail; `reviews`: all those
    submitted at once ("submitted_many")."""
    recipients = sorted({user.email for user in to if user is not None and user.email})
    if not recipients:
        return
    period, action = review.period, review.action
    base_url = base_url or settings.SITE_URL.rstrip("/")
    url = base_url + reverse("indicators:quarter", args=[period.plan_id, period.year, period.quarter])
    context = {"event": event, "review": review, "action": action, "period": period, "reviews": reviews}
    context["url"] = url if reviews else f"{url}#action-{action.pk}"
    subject = _subject(event) % {"action": action.title[:80], "period": period.label, "count": len(reviews)}
    message = render_to_string("indicators/emails/review.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=message, from_email=None, recipient_list=recipients)
    )
