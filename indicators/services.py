import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import perms
from indicators.enums import Frequency, IndicatorKind, Unit
from indicators.models import Indicator, Measurement, ProgressUpdate, ShareLink
from indicators.selectors import quarter_missing
from plans.enums import ActionStatus
from plans.models import Action, PeriodEvent, Plan, ReportingPeriod


def _check(by, plan):
    if not perms.can_define_indicators(by, plan):
        raise PermissionDenied


@transaction.atomic
def indicator_create(*, plan: Plan, by, **fields) -> Indicator:
    _check(by, plan)
    action = fields.get("action")
    if action is not None and action.plan_id != plan.pk:
        raise ValidationError({"action": _("Cette action appartient à un autre plan.")})
    if "order" not in fields:
        siblings = Indicator.objects.filter(plan=plan, action=action)
        fields["order"] = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    indicator = Indicator(plan=plan, **fields)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, by, **fields) -> Indicator:
    _check(by, indicator.plan)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by) -> None:
    _check(by, indicator.plan)
    indicator.delete()


@transaction.atomic
def indicators_accept_suggestions(*, plan: Plan, by, actions=None) -> list[Indicator]:
    """Turn the suggestions a template or catalogue measure left on actions into real indicators."""
    _check(by, plan)
    actions = list((actions if actions is not None else plan.actions.all()).exclude(indicator_suggestions=[]))
    created = []
    kinds, units, frequencies = set(IndicatorKind.values), set(Unit.values), set(Frequency.values)
    for action in actions:
        for order, suggestion in enumerate(action.indicator_suggestions, start=1):
            kind = suggestion.get("kind") if suggestion.get("kind") in kinds - {IndicatorKind.CONTEXT} else "result"
            indicator = Indicator(
                plan=plan,
                action=action,
                kind=kind,
                label=suggestion["label"][:250],
                unit=suggestion.get("unit") if suggestion.get("unit") in units else Unit.COUNT,
                frequency=suggestion.get("frequency") if suggestion.get("frequency") in frequencies else "quarterly",
                order=order,
            )
            indicator.full_clean()
            created.append(indicator)
    Indicator.objects.bulk_create(created)
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(indicator_suggestions=[])
    return created


# --- Quarterly tracking ---------------------------------------------------------------------------------------


def _closed_error(period: ReportingPeriod) -> ValidationError:
    return ValidationError(
        _("Le %(period)s est clos : rien ne peut y être modifié. Le coordinateur peut le rouvrir avec un motif.")
        % {"period": period.label},
        code="closed",
    )


@transaction.atomic
def quarter_save(*, period: ReportingPeriod, by, progress: list[dict] = (), measurements: list[dict] = ()) -> None:
    """Save a quarter page in one go: progress updates and indicator values, all or nothing.

    `progress`: dicts with action, status, progress, note, blockers. `measurements`: dicts with indicator,
    value_number, value_text, comment; an empty value and comment removes what was there.
    """
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    plan = period.plan
    if period.is_closed:
        raise _closed_error(period)
    if not perms.is_tracked(plan):
        raise ValidationError(_("Le suivi trimestriel commence une fois le plan adopté."), code="not_tracked")
    errors = {}
    actions = [item["action"] for item in progress]
    updates = {u.action_id: u for u in ProgressUpdate.objects.filter(period=period, action__in=actions)}
    for item in progress:
        action = item["action"]
        if action.plan_id != plan.pk or not perms.can_report_on_action(by, plan, period, action):
            raise PermissionDenied
        update = updates.get(action.pk) or ProgressUpdate(action=action, period=period)
        done = item["status"] == ActionStatus.DONE
        update.status, update.progress = item["status"], 100 if done else item["progress"]
        update.note, update.blockers, update.entered_by = item.get("note", ""), item.get("blockers", ""), by
        try:
            update.full_clean()
        except ValidationError as error:
            errors.update(_keyed(f"a{action.pk}", error))
            continue
        update._history_user = by
        update.save()
        _sync_action(action, period, update, by)
    indicators = [item["indicator"] for item in measurements]
    existing = {m.indicator_id: m for m in Measurement.objects.filter(period=period, indicator__in=indicators)}
    for item in measurements:
        indicator = item["indicator"]
        allowed = (
            perms.can_report_on_context(by, plan, period)
            if indicator.action_id is None
            else perms.can_report_on_action(by, plan, period, indicator.action)
        )
        if indicator.plan_id != plan.pk or not allowed:
            raise PermissionDenied
        number, text, comment = item.get("value_number"), item.get("value_text", ""), item.get("comment", "")
        measurement = existing.get(indicator.pk)
        if number is None and not text and not comment:
            if measurement:
                measurement.delete()
            continue
        measurement = measurement or Measurement(indicator=indicator, period=period)
        measurement.value_number, measurement.value_text, measurement.comment = number, text, comment
        measurement.entered_by = by
        try:
            measurement.full_clean()
        except ValidationError as error:
            errors.update(_keyed(f"m{indicator.pk}", error))
            continue
        measurement._history_user = by
        measurement.save()
    if errors:
        raise ValidationError(errors)


def _keyed(prefix: str, error: ValidationError) -> dict:
    """`a12.progress`, `m7.value_number`: which item and field each message is about."""
    return {f"{prefix}.{field}": messages for field, messages in error.message_dict.items()}


def _sync_action(action: Action, period: ReportingPeriod, update: ProgressUpdate, by) -> None:
    """The action's own status and progress follow its most recent quarter."""
    later = ProgressUpdate.objects.filter(action=action).filter(
        Q(period__year__gt=period.year) | Q(period__year=period.year, period__quarter__gt=period.quarter)
    )
    if later.exists() or (action.status, action.progress) == (update.status, update.progress):
        return
    action.status, action.progress = update.status, update.progress
    action.version += 1
    action._history_user = by  # attributed even outside a request (commands, imports)
    action.save(update_fields=["status", "progress", "version", "updated_at"])


@transaction.atomic
def quarter_close(*, period: ReportingPeriod, by) -> PeriodEvent:
    """Close a quarter, recording who, when and what was still missing."""
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    if not perms.can_close_quarter(by, period.plan):
        raise PermissionDenied
    if period.is_closed:
        raise _closed_error(period)
    missing = quarter_missing(period)
    summary = _("%(indicators)d valeur(s) d'indicateur et %(actions)d point(s) d'avancement manquants.") % {
        "indicators": len(missing.indicators),
        "actions": len(missing.actions),
    }
    period.closed_at, period.closed_by = timezone.now(), by
    period.save()
    return PeriodEvent.objects.create(period=period, kind=PeriodEvent.CLOSED, by=by, summary=summary)


@transaction.atomic
def quarter_reopen(*, period: ReportingPeriod, by, reason: str) -> PeriodEvent:
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    if not perms.can_close_quarter(by, period.plan):
        raise PermissionDenied
    if not period.is_closed:
        raise ValidationError(_("Ce trimestre est déjà ouvert."), code="open")
    if not reason.strip():
        raise ValidationError({"reason": _("Indiquez pourquoi le trimestre est rouvert.")}, code="reason")
    period.closed_at = period.closed_by = None
    period.save()
    return PeriodEvent.objects.create(period=period, kind=PeriodEvent.REOPENED, by=by, reason=reason.strip())


# --- Share links --------------------------------------------------------------------------------------------


@transaction.atomic
def share_link_create(*, plan: Plan, by, label: str, days: int) -> tuple[ShareLink, str]:
    """A new read-only link; the token is returned once and only its hash is kept."""
    if not perms.can_share(by, plan):
        raise PermissionDenied
    if not 1 <= days <= 365:
        raise ValidationError({"days": _("Un lien de partage dure entre 1 et 365 jours.")})
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        plan=plan,
        label=label.strip(),
        token_hash=ShareLink.hash(token),
        created_by=by,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    link.full_clean()
    link.save()
    return link, token


@transaction.atomic
def share_link_revoke(*, link: ShareLink, by) -> ShareLink:
    if not perms.can_share(by, link.plan):
        raise PermissionDenied
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link
