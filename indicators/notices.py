"""Reminders: one daily digest per person, from rules read against a given day.

Each rule fires on one day only (a quarter's first reporting day, its deadline minus 7 days, an action's due date
minus 30 days…) or on what happened the day before (a quarter closed, a new lead): running the digest every day
reminds once. `send_digests` sends each person one mail with everything for them that day, skipping the kinds
they turned off on their account page; a DigestSent row written before the mail makes a second run the same day
send nothing twice. A failing address is logged and the others go on. Called daily by
`manage.py send_digests` (cron), through Django's tasks framework.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.models import DigestSent
from indicators.perms import REPORTING_ROLES, TRACKED_STATUSES
from indicators.selectors.tracking import quarter_missing
from partners.enums import NoticeKind
from partners.models import User
from partners.tokens import unsubscribe_token
from plans.enums import MemberRole
from plans.models import Action, Commitment, CommitmentStatus, PeriodEvent, Plan

logger = logging.getLogger(__name__)

KINDS = dict(NoticeKind.choices)


@dataclass(frozen=True)
class Notice:
    kind: str
    plan: str
    text: str
    path: str  # the page to open


def _day_bounds(day: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)
    return start, start + datetime.timedelta(days=1)


def notices_for(today: datetime.date) -> dict[int, list[Notice]]:
    """{user id: [Notice]} for `today`, over every tracked plan; a fixed number of queries per plan."""
    found: dict[int, list[Notice]] = defaultdict(list)
    yesterday = _day_bounds(today - datetime.timedelta(days=1))
    for plan in Plan.objects.filter(status__in=TRACKED_STATUSES).order_by("pk"):
        _plan_notices(plan, today, yesterday, found)
    return found


def _plan_notices(plan: Plan, today: datetime.date, yesterday: tuple, found: dict) -> None:
    yesterday_start, today_start = yesterday
    members = list(plan.memberships.filter(user__is_active=True).select_related("user"))
    if not members:
        return

    def add(kind, text, path, who):
        for membership in who:
            found[membership.user_id].append(Notice(kind, plan.title, text, path))

    reporters = [m for m in members if m.role in REPORTING_ROLES]
    editors = [m for m in members if m.role in {MemberRole.COORDINATOR, MemberRole.EDITOR}]
    coordinators = [m for m in members if m.role == MemberRole.COORDINATOR]

    def leading(partner_id):
        return [m for m in reporters if m.user.partner_id == partner_id]

    for period in plan.periods.order_by("year", "quarter"):
        quarter = reverse("indicators:quarter", args=[plan.pk, period.year, period.quarter])
        if period.end + datetime.timedelta(days=1) == today and not period.is_closed:
            add("quarter_open", _("Le %(p)s est ouvert à la saisie.") % {"p": period.label}, quarter, reporters)
        deadline = period.end + datetime.timedelta(days=plan.reporting_deadline_days)
        if deadline - datetime.timedelta(days=7) == today and not period.is_closed:
            missing = quarter_missing(period)
            text = ngettext(
                "Le %(p)s est à renseigner avant le %(d)s : %(n)s élément manque.",
                "Le %(p)s est à renseigner avant le %(d)s : %(n)s éléments manquent.",
                missing.count,
            )
            if missing.count:
                add("deadline", text % {"p": period.label, "d": date_format(deadline, "SHORT_DATE_FORMAT"),
                                        "n": missing.count}, quarter, editors)  # fmt: skip
            by_lead = defaultdict(int)
            for action in missing.actions:
                by_lead[action.lead_id] += 1
            for indicator in missing.indicators:
                if indicator.action_id:
                    by_lead[indicator.action.lead_id] += 1
            for partner_id, count in by_lead.items():
                contributors = [m for m in leading(partner_id) if m.role == MemberRole.CONTRIBUTOR]
                add("deadline", text % {"p": period.label, "d": date_format(deadline, "SHORT_DATE_FORMAT"),
                                        "n": count}, quarter, contributors)  # fmt: skip
    for action in plan.actions.running().filter(
        Q(due_date=today + datetime.timedelta(days=30)) | Q(due_date=today - datetime.timedelta(days=1))
    ):
        page = reverse("plans:action_detail", args=[plan.pk, action.pk])
        if action.due_date < today:
            text = _("« %(a)s » est en retard : son échéance était hier.") % {"a": action.title}
        else:
            text = _("« %(a)s » arrive à échéance le %(d)s.") % {
                "a": action.title,
                "d": date_format(action.due_date, "SHORT_DATE_FORMAT"),
            }
        add("action_due", text, page, leading(action.lead_id))
    # New leads yesterday: the action's history, compared with its previous version.
    records = list(
        Action.history.filter(plan_id=plan.pk, history_date__gte=yesterday_start, history_date__lt=today_start)
        .exclude(lead_id=None)
        .order_by("history_date")
    )
    for record in records:
        previous = record.prev_record
        if previous is None or previous.lead_id != record.lead_id:
            page = reverse("plans:action_detail", args=[plan.pk, record.id])
            text = _("Votre organisation pilote désormais « %(a)s ».") % {"a": record.title}
            add("lead", text, page, leading(record.lead_id))
    for event in PeriodEvent.objects.filter(
        period__plan=plan, at__gte=yesterday_start, at__lt=today_start
    ).select_related("period"):
        verb = _("a été clos") if event.kind == PeriodEvent.CLOSED else _("a été rouvert")
        page = reverse("indicators:quarter", args=[plan.pk, event.period.year, event.period.quarter])
        add("quarter_closed", _("Le %(p)s %(v)s.") % {"p": event.period.label, "v": verb}, page, members)
    conventions = reverse("plans:conventions", args=[plan.pk])
    for convention in plan.conventions.all():
        if convention.end == today + datetime.timedelta(days=90):
            text = _("La convention « %(t)s » prend fin dans 90 jours.") % {"t": convention.title}
            add("convention", text, conventions, coordinators)
    for commitment in Commitment.objects.filter(
        convention__plan=plan, status=CommitmentStatus.PENDING, due_on=today - datetime.timedelta(days=1)
    ).select_related("partner"):
        text = _("L'engagement de %(p)s « %(w)s » a passé son échéance.") % {
            "p": commitment.partner.short_name,
            "w": commitment.what[:80],
        }
        add("convention", text, conventions, coordinators)


def send_digests(*, today: datetime.date, base_url: str = "") -> dict:
    """Send each person their digest for `today`, once: {"sent": n, "skipped": n, "failed": n}."""
    base_url = base_url or settings.SITE_URL
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    notices = notices_for(today)
    for user in User.objects.filter(pk__in=list(notices), is_active=True).order_by("pk"):
        wanted = [n for n in notices[user.pk] if n.kind not in (user.notices_off or [])]
        if not wanted or not user.email:
            counts["skipped"] += 1
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(user=user, day=today, items=len(wanted))
        except IntegrityError:
            counts["skipped"] += 1  # already sent today
            continue
        try:
            with translation.override(settings.LANGUAGE_CODE):
                subject = ngettext(
                    "Plans locaux : %(n)s rappel pour aujourd'hui",
                    "Plans locaux : %(n)s rappels pour aujourd'hui",
                    len(wanted),
                ) % {"n": len(wanted)}
                body = render_to_string(
                    "indicators/emails/digest.txt",
                    {
                        "user": user,
                        "groups": _grouped(wanted),
                        "base_url": base_url.rstrip("/"),
                        "account": base_url.rstrip("/") + reverse("account"),
                        "unsubscribe": base_url.rstrip("/") + reverse("unsubscribe", args=[unsubscribe_token(user)]),
                    },
                )
            send_mail(subject=subject, message=body, from_email=None, recipient_list=[user.email])
        except Exception:  # a bounced address or a mail server down: logged, the others go on, retried later
            logger.exception("Digest for user %s could not be sent", user.pk)
            DigestSent.objects.filter(user=user, day=today).delete()
            counts["failed"] += 1
            continue
        counts["sent"] += 1
    return counts


def _grouped(notices: list[Notice]) -> list[tuple[str, list[Notice]]]:
    groups: dict[str, list[Notice]] = {}
    for notice in notices:
        groups.setdefault(notice.plan, []).append(notice)
    return list(groups.items())


@task()
def send_digests_task(day: str, base_url: str = "") -> dict:
    return send_digests(today=datetime.date.fromisoformat(day), base_url=base_url)
