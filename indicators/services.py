import datetime
import secrets
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from indicators import breakdowns, perms
from indicators.enums import Frequency, IndicatorKind, ReviewState, Unit
from indicators.models import (
    ActionReview,
    Evidence,
    Indicator,
    Measurement,
    ProgressUpdate,
    ShareLink,
    fingerprint,
    format_value,
    measurement_fingerprint,
)
from indicators.reviews import locked_actions, locked_message, pending_reviews
from indicators.selectors import quarter_missing
from partners.models import User
from plans import perms as plan_perms
from plans import services as plan_services
from plans.enums import MemberRole
from plans.models import Action, PeriodEvent, Plan, ReportingPeriod, periods
from plans.services.common import apply_fields


def _check(by: User, plan):
    if not perms.can_define_indicators(by, plan):
        raise PermissionDenied


@transaction.atomic
def indicator_create(*, plan: Plan, by: User, **fields) -> Indicator:
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


# Changing these would re-attach or reinterpret values already reported.
MEANING_FIELDS = ("action", "kind", "unit", "frequency")


def _closed_values(indicator: Indicator) -> list[ReportingPeriod]:
    """The closed quarters holding a value of this indicator, read under the quarters' lock."""
    closed = {p.pk: p for p in plan_services.closed_quarters(indicator.plan).values()}
    held = set(indicator.measurements.filter(period__in=list(closed)).values_list("period_id", flat=True))
    held |= set(indicator.evidence.filter(period__in=list(closed)).values_list("period_id", flat=True))  # their files
    return [closed[pk] for pk in sorted(held, key=lambda pk: (closed[pk].year, closed[pk].quarter))]


def _reviewed_values(*, indicator: Indicator | None = None, actions=None, under=None) -> list[ReportingPeriod]:
    """The open quarters where these values (of an indicator, or of actions) are submitted or validated.
    `under`: the action the indicator's values would be reviewed with (its own by default)."""
    if indicator is not None:
        action_id = indicator.action_id if under is None else under.pk
        if action_id is None:
            return []
        reviews = ActionReview.objects.filter(action_id=action_id, period__measurements__indicator=indicator)
    else:
        reviews = ActionReview.objects.filter(action__in=list(actions))
    reviews = reviews.filter(state__in=ActionReview.LOCKED).select_related("period").order_by("period__year")
    return list({review.period_id: review.period for review in reviews}.values())


def _reviewed_error(periods: list[ReportingPeriod], what: str) -> ValidationError:
    return ValidationError(
        _("%(what)s sont soumis ou validés (%(quarters)s) : renvoyez-les ou rouvrez-les d'abord.")
        % {"what": what, "quarters": plan_services.quarter_list(p.label for p in periods)},
        code="reviewed",
    )


@transaction.atomic
def indicator_update(*, indicator: Indicator, by: User, **fields) -> Indicator:
    """Change an indicator; what gives its values their meaning stays while a closed quarter holds one."""
    _check(by, indicator.plan)
    saved = Indicator.objects.get(pk=indicator.pk)
    changed = [name for name in MEANING_FIELDS if name in fields and fields[name] != getattr(saved, name)]
    if changed and (held := _closed_values(saved)):
        raise plan_services.closed_data_error(
            held,
            _("des valeurs de cet indicateur"),
            _("Son action, son type, son unité et sa fréquence ne peuvent donc plus changer."),
            field=changed[0],
        )
    if changed and (reviewed := _reviewed_values(indicator=saved)):
        raise _reviewed_error(reviewed, _("Des valeurs de cet indicateur"))
    # Moved under an action whose quarter is submitted or validated, its values would read as validated with it.
    if (
        "action" in changed
        and fields["action"] is not None
        and _reviewed_values(indicator=saved, under=fields["action"])
    ):
        raise ValidationError(
            {
                "action": _(
                    "Cette action est soumise ou validée pour un trimestre où cet indicateur a une valeur : ses "
                    "valeurs ne peuvent pas la rejoindre sans avoir été relues. Renvoyez d'abord ce trimestre de "
                    "l'action."
                )
            },
            code="reviewed",
        )
    regrouped = [
        name
        for name in ("breakdown", "breakdown_second")
        if name in fields and getattr(fields[name], "pk", fields[name]) != getattr(saved, f"{name}_id")
    ]
    if regrouped and saved.measurements.exclude(parts={}).exists():
        raise ValidationError(
            {
                regrouped[0]: _(
                    "Des valeurs sont déjà saisies par catégorie : la ventilation ne peut plus changer (créez un "
                    "autre indicateur pour une autre ventilation)."
                )
            },
            code="breakdown_used",
        )
    apply_fields(indicator, fields, Indicator.EDITABLE_FIELDS)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by: User) -> None:
    """Delete an indicator and its values; refused while a closed quarter holds one of them."""
    _check(by, indicator.plan)
    if held := _closed_values(indicator):
        raise plan_services.closed_data_error(
            held, _("des valeurs de cet indicateur"), _("Il ne peut donc pas être supprimé.")
        )
    if reviewed := _reviewed_values(indicator=indicator):
        raise _reviewed_error(reviewed, _("Des valeurs de cet indicateur"))
    indicator.measurements.all().delete()
    indicator.delete()


class QuarterData:
    """What the indicators app keeps about actions and quarters, for the plans services (see plans.hooks)."""

    def periods_holding_data(self, *, periods, actions=None) -> set[int]:
        values = Measurement.objects.filter(period__in=list(periods))
        updates = ProgressUpdate.objects.filter(period__in=list(periods))
        evidence = Evidence.objects.filter(period__in=list(periods))  # files backing the quarter's reports
        if actions is not None:
            values = values.filter(indicator__action__in=list(actions))
            updates = updates.filter(action__in=list(actions))
            evidence = evidence.filter(action__in=list(actions))
        held = set(values.values_list("period_id", flat=True)) | set(updates.values_list("period_id", flat=True))
        return held | set(evidence.values_list("period_id", flat=True))

    def delete_action_data(self, *, actions) -> None:
        actions = list(actions)
        # What a validator has (or is asked to check) is not deleted from under them.
        if reviewed := _reviewed_values(actions=actions):
            raise _reviewed_error(reviewed, _("L'avancement et les valeurs de cette action"))
        Measurement.objects.filter(indicator__action__in=actions).delete()
        ProgressUpdate.objects.filter(action__in=actions).delete()
        Indicator.objects.filter(action__in=actions).delete()

    def plan_sizes(self, *, plan) -> dict:
        return {"indicators": Indicator.objects.filter(plan=plan).values("pk")}

    def indicator_counts(self, *, plan) -> dict[int, int]:
        rows = Indicator.objects.filter(plan=plan).exclude(action=None).values("action").annotate(n=Count("pk"))
        return {row["action"]: row["n"] for row in rows.order_by()}

    def action_tracking(self, *, action) -> dict:
        # Values come ordered by quarter (Measurement's default ordering), read through the relation.
        indicators = Indicator.objects.filter(action=action).order_by("order", "pk")
        return {
            "indicators": list(indicators.prefetch_related("measurements__period")),
            "quarters": list(
                ProgressUpdate.objects.filter(action=action)
                .select_related("period", "entered_by")
                .order_by("period__year", "period__quarter")
            ),
            "evidence_count": Evidence.objects.filter(action=action).count(),
        }

    def history_sources(self, *, plan) -> list:
        """The validations of the actions' quarters (who submitted, validated, returned or reopened what), and the
        evidence files added and deleted."""
        records = ActionReview.history.filter(action__plan=plan).select_related("action", "period")

        def name(record) -> str:  # the action may have been deleted since
            return f"{record.action.title} — {record.period.label}" if record.action and record.period else ""

        def decision(record) -> str:
            if record.history_type == "-":
                return ""
            return REVIEW_VERBS.get(record.state, "")

        # Evidence files, their deletion included: the record keeps the name, who and when.
        files = Evidence.history.filter(plan_id=plan.pk)
        # Values and progress updates entered or changed: the value itself is in the entry.
        values = Measurement.history.filter(indicator__plan=plan).select_related("indicator", "period")
        updates = ProgressUpdate.history.filter(action__plan=plan).select_related("action", "period")

        def value_name(record) -> str:
            try:
                shown = format_value(record.indicator, record.value_number, record.value_text)
                return f"{record.indicator.label} — {record.period.label} : {shown}"
            except ObjectDoesNotExist:  # the indicator was deleted since
                return ""

        def update_name(record) -> str:
            try:
                where = f"{record.action.title} — {record.period.label}"
            except ObjectDoesNotExist:  # the action was deleted since
                return ""
            return f"{where} : {record.get_status_display()}, {record.progress} %"

        return [
            (_lazy("Trimestre d'une action"), records, name, decision),
            (_lazy("Pièce justificative"), files, lambda r: r.name),
            (_lazy("Valeur"), values, value_name),
            (_lazy("Avancement"), updates, update_name),
        ]

    def spreadsheet_problem(self, *, sheets) -> str:
        """No sheet has a header the import recognises: the message the preview would give, before any plan."""
        from indicators.imports import find_header, no_header_message

        return "" if any(find_header(sheet) for sheet in sheets) else no_header_message()

    def copy_action_definitions(self, *, source, copy) -> None:
        """An action's indicators are copied as definitions, never with their values."""
        indicators = list(Indicator.objects.filter(action=source))
        for indicator in indicators:
            indicator.pk = indicator.id = None
            indicator.action = copy
        Indicator.objects.bulk_create(indicators)


# What a quarter's review record means in the history, by the state it was saved in.
REVIEW_VERBS = {
    ReviewState.DRAFT: _lazy("remis en brouillon"),
    ReviewState.SUBMITTED: _lazy("soumis pour validation"),
    ReviewState.VALIDATED: _lazy("validé"),
    ReviewState.RETURNED: _lazy("renvoyé"),
}


@transaction.atomic
def indicators_accept_suggestions(*, plan: Plan, by: User, actions=None) -> list[Indicator]:
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


def not_started_error(period: ReportingPeriod) -> ValidationError:
    """Why a quarter to come holds no value yet (code "not_started": a 403 through the API)."""
    return ValidationError(
        _("Le %(period)s n'a pas commencé : il se renseigne à partir du %(start)s.")
        % {"period": period.label, "start": date_format(period.start, "SHORT_DATE_FORMAT")},
        code="not_started",
    )


def closed_quarter_error(period: ReportingPeriod) -> ValidationError:
    """Why nothing in a closed quarter changes (code "closed": a 403 through the API)."""
    return ValidationError(
        _("Le %(period)s est clos : rien ne peut y être modifié. Le coordinateur peut le rouvrir avec un motif.")
        % {"period": period.label},
        code="closed",
    )


@dataclass(frozen=True)
class QuarterSaved:
    progress: int
    measurements: int


def _conflict(what: str, who, current: str) -> str:
    return _(
        "Pendant votre saisie, %(who)s a enregistré autre chose pour %(what)s : %(current)s. Votre saisie est "
        "conservée ci-dessous : vérifiez-la, puis enregistrez à nouveau pour la confirmer."
    ) % {"who": who or _("quelqu'un"), "what": what, "current": current or "—"}


def _should_write(item: dict, *, mine: str, saved: str, exists: bool, saved_version: int = 0) -> bool | None:
    """Whether to write an item posted from a page loaded with fingerprint `item["loaded"]`; None on a conflict.

    Unchanged by the user: nothing to write (someone else's save stays). Changed by the user, but the saved
    state is no longer what the page showed: a conflict, unless both now agree. Without `loaded` (the API,
    commands), the value is written; unless the client said it saw no item (`expect_new`, an API POST without a
    version) and one `exists` now: someone created it meanwhile, a conflict. With `version` (the API's update or
    deletion: the item's version as read), written only if the item is still at that version.
    """
    loaded = item.get("loaded")
    if item.get("expect_new") and exists:
        return None
    if "version" in item:
        return True if exists and item["version"] == saved_version else None
    if loaded is None:
        return True
    if mine == loaded:
        return False
    if saved != loaded and saved != mine:
        return None
    return True


def _update_values(measurements: list[Measurement], by: User) -> None:
    """Save changed values in one statement run for each (Django's bulk_update compiles a CASE per field and row:
    three seconds for 1,500 values), each one version up, with their history."""
    if not measurements:
        return
    now = timezone.now()
    fields = [Measurement._meta.get_field(name) for name in ("value_number", "value_text", "comment", "parts")]
    fields += [Measurement._meta.get_field("entered_by"), Measurement._meta.get_field("entered_at")]
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    rows = []
    for measurement in measurements:
        measurement.entered_at, measurement.version = now, measurement.version + 1
        rows.append(
            [field.get_db_prep_save(getattr(measurement, field.attname), connection) for field in fields]
            + [measurement.pk]
        )
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(Measurement._meta.db_table)} SET {assignments}, {quote('version')} = {quote('version')} + 1 "
        f"WHERE {quote('id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    Measurement.history.bulk_history_create(measurements, update=True, default_user=by)


@transaction.atomic
def progress_update_delete(*, update: ProgressUpdate, by: User, version: int) -> None:
    """Remove an action's point for a quarter, as read at `version`: the rules of writing one (an open quarter of a
    tracked plan, the reporter's scope, not submitted or validated); the action's own status then follows its
    latest remaining quarter. A version no longer the point's is a conflict (nothing removed)."""
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=update.period_id)
    if period.is_closed:
        raise closed_quarter_error(period)
    update = ProgressUpdate.objects.select_related("action").filter(pk=update.pk).first()
    if update is None or update.version != version:
        raise ValidationError(
            {"__all__": [ValidationError(_("Ce point d'avancement a changé depuis votre lecture."), code="conflict")]}
        )
    if not perms.ReportingScope(by, period.plan, period).action(update.action):
        raise PermissionDenied
    locks = locked_actions(period, {update.action_id})
    if update.action_id in locks:
        raise ValidationError(locked_message(locks[update.action_id]), code="locked")
    action = update.action
    update._history_user = by
    update.delete()
    latest = ProgressUpdate.objects.filter(action=action).order_by("-period__year", "-period__quarter").first()
    if latest is not None and (latest.status, latest.progress) != (action.status, action.progress):
        plan_services.actions_report_progress(
            plan=period.plan, by=by, states={action.pk: (latest.status, latest.progress)}
        )


@transaction.atomic
def quarter_save(
    *, period: ReportingPeriod, by: User, progress: list[dict] = (), measurements: list[dict] = ()
) -> QuarterSaved:
    """Save a quarter page in one go: progress updates and indicator values, all or nothing.

    `progress`: dicts with action, status, progress, note, blockers. `measurements`: dicts with indicator,
    value_number, value_text, comment; an empty value and comment removes what was there. Either may carry
    `loaded`, the fingerprint of what the page showed: an item the user did not change is left as saved, and
    one changed meanwhile by someone else is refused (never silently overwritten).
    """
    period = ReportingPeriod.objects.select_for_update().select_related("plan").get(pk=period.pk)
    plan = period.plan
    if period.is_closed:
        raise closed_quarter_error(period)
    if period.start > timezone.localdate():
        raise not_started_error(period)
    if not perms.is_tracked(plan):
        raise ValidationError(_("Le suivi trimestriel commence une fois le plan adopté."), code="not_tracked")
    scope = perms.ReportingScope(by, plan, period)
    errors, saved_progress, saved_values, reported = {}, 0, 0, {}
    actions = [item["action"] for item in progress]
    updates = {
        u.action_id: u
        for u in ProgressUpdate.objects.filter(period=period, action__in=actions).select_related("entered_by")
    }
    # Submitted or validated: what an action reported this quarter no longer changes (indicators.reviews).
    locks = locked_actions(
        period, {item["action"].pk for item in progress} | {item["indicator"].action_id for item in measurements}
    )
    for item in progress:
        action = item["action"]
        if action.plan_id != plan.pk or not scope.action(action):
            raise PermissionDenied
        update = updates.get(action.pk)
        status = item["status"]
        values = {
            "status": status,
            "progress": Action.progress_for(status, item["progress"]),
            "note": item.get("note", ""),
            "blockers": item.get("blockers", ""),
        }
        saved = update.fingerprint if update else fingerprint(action.status, action.progress, "", "")
        mine = fingerprint(*values.values())
        decision = _should_write(
            item, mine=mine, saved=saved, exists=update is not None, saved_version=update.version if update else 0
        )
        if decision is None:
            current = (
                f"{update.get_status_display()}, {update.progress} %" + (f" — {update.note}" if update.note else "")
                if update
                else f"{action.get_status_display()}, {action.progress} %"
            )
            conflict = _conflict(_("cette action"), update and update.entered_by, current)
            errors[f"a{action.pk}.__all__"] = [ValidationError(conflict, code="conflict")]
            continue
        if not decision:
            continue
        if action.pk in locks:
            errors[f"a{action.pk}.__all__"] = [ValidationError(locked_message(locks[action.pk]), code="locked")]
            continue
        update = update or ProgressUpdate(action=action, period=period)
        for name, value in values.items():
            setattr(update, name, value)
        update.entered_by = by
        try:
            update.full_clean()
        except ValidationError as error:
            errors.update(_keyed(f"a{action.pk}", error))
            continue
        update._history_user = by
        update.save()
        saved_progress += 1
        reported[action.pk] = (update.status, update.progress)
    # The actions' own status and progress follow their most recent quarter.
    later = set(
        ProgressUpdate.objects.filter(action__in=list(reported))
        .filter(periods.after(period))
        .values_list("action_id", flat=True)
    )
    latest = {pk: state for pk, state in reported.items() if pk not in later}
    if latest:
        plan_services.actions_report_progress(plan=plan, by=by, states=latest)
    indicators = [item["indicator"] for item in measurements]
    existing = {
        m.indicator_id: m
        for m in Measurement.objects.filter(period=period, indicator__in=indicators).select_related("entered_by")
    }
    breakdowns.attach_grids(plan, indicators, existing)  # no query unless one is broken down
    new_values, changed_values = [], []
    for item in measurements:
        indicator = item["indicator"]
        if indicator.plan_id != plan.pk or not scope.indicator(indicator):
            raise PermissionDenied
        number, text, comment = item.get("value_number"), item.get("value_text", ""), item.get("comment", "")
        measurement = existing.get(indicator.pk)
        # Parts not sent (the API, say, sending a total only) stay as saved, and the total must still match them.
        parts = item["parts"] if "parts" in item else breakdowns.as_numbers(measurement.parts if measurement else {})
        try:
            number, parts = breakdowns.check_parts(indicator, indicator.grid, number, parts)
        except ValidationError as error:
            errors.update(_keyed(f"m{indicator.pk}", error))
            continue
        saved = measurement.fingerprint if measurement else fingerprint(None, "", "")
        mine = measurement_fingerprint(number, text, comment, parts)
        decision = _should_write(
            item,
            mine=mine,
            saved=saved,
            exists=measurement is not None,
            saved_version=measurement.version if measurement else 0,
        )
        if decision is None:
            measurement.indicator = indicator
            conflict = (
                _conflict(_("cet indicateur"), measurement.entered_by, measurement.display)
                if measurement
                else _conflict(_("cet indicateur"), None, _("la valeur a été effacée"))
            )
            errors[f"m{indicator.pk}.__all__"] = [ValidationError(conflict, code="conflict")]
            continue
        if not decision:
            continue
        if indicator.action_id in locks:
            errors[f"m{indicator.pk}.__all__"] = [
                ValidationError(locked_message(locks[indicator.action_id]), code="locked")
            ]
            continue
        if number is None and not text and not comment:
            if measurement:
                measurement._history_user = by
                measurement.delete()
                saved_values += 1
            continue
        measurement = measurement or Measurement(indicator=indicator, period=period)
        measurement.indicator, measurement.period = indicator, period  # the objects at hand, not looked up again
        measurement.value_number, measurement.value_text, measurement.comment = number, text, comment
        measurement.parts = parts
        measurement.entered_by = by
        try:
            # One value per indicator and quarter: `existing`, read under the quarter's lock, says whether it is
            # new (the database's constraint holds it anyway); not asked again for each of 2,000 values.
            # Its indicator, quarter and author are objects read above, not ids to look up again.
            measurement.full_clean(
                exclude=["indicator", "period", "entered_by"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors.update(_keyed(f"m{indicator.pk}", error))
            continue
        # Written together, below: 2,000 values in a few queries (the quarter's lock keeps versions in order).
        (new_values if measurement.pk is None else changed_values).append(measurement)
        saved_values += 1
    if errors:
        raise ValidationError(errors)
    bulk_create_with_history(new_values, Measurement, default_user=by)
    _update_values(changed_values, by)
    return QuarterSaved(progress=saved_progress, measurements=saved_values)


def _keyed(prefix: str, error: ValidationError) -> dict:
    """`a12.progress`, `m7.value_number`: which item and field each message is about."""
    return {f"{prefix}.{field}": messages for field, messages in error.message_dict.items()}


@transaction.atomic
def quarter_close(*, period: ReportingPeriod, by: User, confirm_pending: bool = False) -> PeriodEvent:
    """Close a quarter, recording who, when and what was still missing.

    Submissions not yet validated hold the closing back, unless the coordinator confirms closing with them
    (`confirm_pending`): they are then named in the record.
    """
    period = ReportingPeriod.objects.select_for_update().select_related("plan__territory").get(pk=period.pk)
    if not perms.can_close_quarter(by, period.plan):
        raise PermissionDenied
    if period.is_closed:
        raise closed_quarter_error(period)
    today = timezone.localdate(timezone=period.plan.territory.timezone)
    if period.end >= today:
        raise ValidationError(
            _("Le %(period)s n'est pas terminé (il finit le %(end)s) : il ne peut être clos qu'à partir du lendemain.")
            % {"period": period.label, "end": period.end.strftime("%d/%m/%Y")},
            code="not_ended",
        )
    pending = pending_reviews(period)
    titles = ", ".join(f"« {review.action.title} »" for review in pending)
    if pending and not confirm_pending:
        raise ValidationError(
            ngettext(
                "%(n)d action soumise attend encore d'être validée ou renvoyée : %(titles)s. Validez-la, "
                "ou confirmez la clôture avec elle.",
                "%(n)d actions soumises attendent encore d'être validées ou renvoyées : %(titles)s. Validez-les, "
                "ou confirmez la clôture avec elles.",
                len(pending),
            )
            % {"n": len(pending), "titles": titles},
            code="pending",
        )
    missing = quarter_missing(period)
    summary = _("Manquaient : %(indicators)s et %(actions)s.") % {
        "indicators": ngettext("%(n)d valeur d'indicateur", "%(n)d valeurs d'indicateur", len(missing.indicators))
        % {"n": len(missing.indicators)},
        "actions": ngettext("%(n)d point d'avancement", "%(n)d points d'avancement", len(missing.actions))
        % {"n": len(missing.actions)},
    }
    if pending:
        summary += " " + ngettext(
            "Clos avec %(n)d soumission non validée : %(titles)s.",
            "Clos avec %(n)d soumissions non validées : %(titles)s.",
            len(pending),
        ) % {"n": len(pending), "titles": titles}
    returned = pending_reviews(period, ReviewState.RETURNED)
    if returned:
        summary += " " + ngettext(
            "%(n)d action renvoyée et pas soumise à nouveau : %(titles)s.",
            "%(n)d actions renvoyées et pas soumises à nouveau : %(titles)s.",
            len(returned),
        ) % {"n": len(returned), "titles": ", ".join(f"« {review.action.title} »" for review in returned)}
    period.closed_at, period.closed_by = timezone.now(), by
    period.save()
    return PeriodEvent.objects.create(period=period, kind=PeriodEvent.CLOSED, by=by, summary=summary)


@transaction.atomic
def quarter_reopen(*, period: ReportingPeriod, by: User, reason: str) -> PeriodEvent:
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
def share_link_create(*, plan: Plan, by: User, label: str, days: int) -> tuple[ShareLink, str]:
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
def share_link_revoke(*, link: ShareLink, by: User) -> ShareLink:
    if not perms.can_share(by, link.plan):
        raise PermissionDenied
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
    return link


@transaction.atomic
def annual_review_send(*, plan: Plan, by: User, year: int, recipients, sent_on: datetime.date):
    """Record that the annual review of `year` was sent to these funders on `sent_on`, with the exact PDF; the
    instalments they pay "after the review of `year`" get their expected date (sent_on + their delay)."""
    from django.core.files.base import ContentFile

    from indicators import exports, jobs
    from indicators.models import ExportJob, ReviewSending
    from plans.models import FundingInstalment

    if plan_perms.role(by, plan) != MemberRole.COORDINATOR:
        raise PermissionDenied
    errors = {}
    if year not in plan.years:
        errors["year"] = _("L'année %(year)s n'est pas dans la période du plan.") % {"year": year}
    if sent_on > timezone.localdate():
        errors["sent_on"] = _("Un envoi déjà fait : la date ne peut pas être à venir.")
    recipients = list(recipients)
    if not recipients:
        errors["recipients"] = _("Cochez au moins un destinataire.")
    elif {p.pk for p in recipients} - set(plan.partners.values_list("pk", flat=True)):
        errors["recipients"] = _("Un destinataire doit être partenaire du plan.")
    if errors:
        raise ValidationError(errors)
    # The exact file: the one already prepared for these data if there is one, else built now.
    prepared = ExportJob.objects.filter(
        plan=plan,
        report="bilan",
        params={"year": year},
        fmt="pdf",
        section="",
        status=ExportJob.DONE,
        data_version=jobs.plan_data_version(plan),
    ).first()
    if prepared is not None:
        with prepared.file.open("rb") as stored:
            body, filename = stored.read(), prepared.filename
    else:
        report = jobs.build_report(plan, "bilan", {"year": year}, today=sent_on)
        report.generated_at = timezone.localtime()
        body, filename = exports.render(report, "pdf", section=None, base_url=""), report.filename("pdf")
    sending = ReviewSending(plan=plan, year=year, sent_on=sent_on, filename=filename, sent_by=by)
    sending.file.save(filename, ContentFile(body), save=False)
    sending.save()
    sending.recipients.set(recipients)
    released = 0
    for instalment in FundingInstalment.objects.select_for_update().filter(
        funding__plan=plan,
        funding__funder__in=recipients,
        after_review_year=year,
        expected_on=None,
        received_on=None,
    ):
        instalment.expected_on = sent_on + datetime.timedelta(days=instalment.after_review_days)
        instalment._history_user = by
        instalment.save(update_fields=["expected_on"])
        released += 1
    sending.released = released
    sending.save(update_fields=["released"])
    return sending
