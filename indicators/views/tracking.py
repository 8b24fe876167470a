"""The quarter page: every action's status, progress and note, and every indicator due, saved in one go."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.inputs import clean_text, parse_id
from indicators import perms, reviews, selectors, services
from indicators.forms import MeasurementForm, ProgressForm, ReopenForm
from indicators.models import ActionReview, fingerprint
from indicators.perms import ReportingScope
from indicators.reviews import pending_reviews
from indicators.selectors import current_period, quarter_missing
from plans.forms.keyed import KeyedForms, posted_keys
from plans.shortcuts import form_page, get_plan, plan_context, posted, query_without, refused_or_done, save_form


def _period(plan, year, quarter):
    periods = list(plan.periods.order_by("year", "quarter"))
    period = next((p for p in periods if (p.year, p.quarter) == (year, quarter)), None)
    if period is None:
        raise Http404
    return periods, period


def _quarter_url(plan, period):
    return reverse("indicators:quarter", args=[plan.pk, period.year, period.quarter])


@require_GET
def tracking(request, pk):
    """The tracking tab opens on the current quarter, or on the one chosen in the phone's quarter menu."""
    plan = get_plan(request, pk)
    periods = list(plan.periods.order_by("year", "quarter"))
    asked = request.GET.get("period", "")  # the phone's quarter menu: "2026-4"
    period = next((p for p in periods if f"{p.year}-{p.quarter}" == asked), None) or current_period(
        periods, today=timezone.localdate()
    )
    if period is None:
        raise Http404
    return redirect(_quarter_url(plan, period))


@require_http_methods(["GET", "POST"])
def quarter(request, pk, year, quarter):
    """One quarter: every action's status and note, every indicator due; forms keyed by each object's id."""
    plan = get_plan(request, pk)
    periods, period = _period(plan, year, quarter)
    user = request.user
    filters = {
        "pillar": request.GET.get("pillar"),
        "mine": request.GET.get("mine") == "1",
        "page": request.GET.get("page"),
    }
    if request.method == "GET":
        sheet = selectors.quarter_sheet(
            plan=plan, period=period, periods=periods, user=user, today=timezone.localdate(), **filters
        )
        _attach_forms(sheet, None, None)
        return _render(request, sheet, status=200)

    data = request.POST
    posted_actions, _malformed = posted_keys(data, "a")
    posted_indicators, _malformed = posted_keys(data, "m")
    targets = selectors.quarter_targets(
        plan=plan, period=period, user=user, action_ids=posted_actions, indicator_ids=posted_indicators
    )
    progress_forms = KeyedForms(
        ProgressForm,
        data,
        key="a",
        objects=targets.actions.values(),
        initial=lambda a: selectors.progress_initial(a, targets.updates.get(a.pk)),
    )
    measurement_forms = KeyedForms(
        MeasurementForm, data, key="m", objects=targets.indicators.values(), initial=lambda i: {}
    )
    # What was posted stays on the page, whatever the filters, so that nothing typed disappears.
    also = frozenset(targets.actions) | frozenset(i.action_id for i in targets.indicators.values() if i.action_id)
    # The page is assembled only if it must be shown again (a refusal): a successful save just redirects.
    sheet = SimpleLazyObject(
        lambda: selectors.quarter_sheet(
            plan=plan, period=period, periods=periods, user=user, today=timezone.localdate(), also=also, **filters
        )
    )
    redirect_to = _save(request, plan, period, sheet, targets, progress_forms, measurement_forms)
    if redirect_to is not None:
        return redirect_to
    _attach_forms(sheet, progress_forms, measurement_forms)
    return _render(request, sheet, status=400)


def _render(request, sheet, *, status):
    period = sheet.period
    context = plan_context(request, sheet.plan, crumbs=[(_("Suivi"), None), (period.label, None)])
    context.update(
        {
            "sheet": sheet,
            "period": period,
            "page": sheet.page,
            "page_note": sheet.pages.note,
            "query": query_without(request, "page"),
        }
    )
    return render(request, "indicators/quarter.html", context, status=status)


def _save(request, plan, period, sheet, targets, progress_forms, measurement_forms):
    """Validate and save a posted quarter page: a redirect when it is saved, else None (the page says why)."""
    if ReportingScope(request.user, plan, period).role not in perms.REPORTING_ROLES:
        raise PermissionDenied
    unknown = progress_forms.unknown + measurement_forms.unknown
    if not unknown and not progress_forms.bound and not measurement_forms.bound:
        if not sheet.can_save:
            raise PermissionDenied
        if request.POST.get("soumettre") == "tout":
            return _submit_all(request, period, _quarter_url(plan, period))
        messages.info(request, _("Rien à enregistrer : aucune ligne de ce trimestre n'a été envoyée."))
        return redirect(_quarter_url(plan, period))
    if unknown:
        sheet.unsaved = selectors.unsaved_input(
            plan=plan, data=request.POST, keys=_unknown_keys(progress_forms, measurement_forms)
        )
        messages.error(
            request,
            ngettext(
                "Rien n'a été enregistré : %(n)d ligne envoyée ne peut pas être saisie ici (supprimée, "
                "déplacée hors de votre périmètre, ou ce trimestre n'est plus ouvert). Vos autres saisies sont "
                "conservées ci-dessous : vérifiez-les, puis enregistrez à nouveau.",
                "Rien n'a été enregistré : %(n)d lignes envoyées ne peuvent pas être saisies ici (supprimées, "
                "déplacées hors de votre périmètre, ou ce trimestre n'est plus ouvert). Vos autres saisies sont "
                "conservées ci-dessous : vérifiez-les, puis enregistrez à nouveau.",
                len(unknown),
            )
            % {"n": len(unknown)},
        )
        # The forms still validate, so that each shows its own errors too.
        progress_forms.is_valid()
        measurement_forms.is_valid()
        return None
    if not (progress_forms.is_valid() and measurement_forms.is_valid()):
        messages.error(request, _("Rien n'a été enregistré : corrigez les champs signalés ci-dessous."))
        return None
    progress = [form.item() for form in progress_forms.bound]
    measured = [form.item() for form in measurement_forms.bound]
    try:
        saved = services.quarter_save(period=period, by=request.user, progress=progress, measurements=measured)
    except ValidationError as error:
        _spread_errors(error, progress_forms, measurement_forms, targets)
        messages.error(request, _("Rien n'a été enregistré : corrigez les lignes signalées ci-dessous."))
        return None
    messages.success(
        request,
        _("Le %(period)s est enregistré : %(a)s, %(m)s.")
        % {
            "period": period.label,
            "a": ngettext("%(n)d point d'avancement", "%(n)d points d'avancement", saved.progress)
            % {"n": saved.progress},
            "m": ngettext("%(n)d valeur", "%(n)d valeurs", saved.measurements) % {"n": saved.measurements},
        },
    )
    back = _quarter_url(plan, period) + (f"?{request.GET.urlencode()}" if request.GET else "")
    # "Soumettre pour validation" belongs to the quarter's form: what was typed is saved first, then submitted.
    if request.POST.get("soumettre") == "tout":
        return _submit_all(request, period, back)
    if (submitted := parse_id(request.POST.get("soumettre", ""))) is not None:
        action = plan.actions.filter(pk=submitted).first()
        try:
            if action is None:
                raise PermissionDenied
            reviews.review_submit(
                action=action, period=period, by=request.user, base_url=request.build_absolute_uri("/")[:-1]
            )
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else ""
            messages.error(request, _("Enregistré, mais pas soumis. %(reason)s") % {"reason": reason})
        else:
            messages.success(request, str(REVIEW_DONE["soumettre"]))
        return redirect(f"{back}#action-{submitted}")
    return redirect(back)


def _submit_all(request, period, back):
    try:
        submitted = reviews.review_submit_all(
            period=period, by=request.user, base_url=request.build_absolute_uri("/")[:-1]
        )
    except ValidationError as error:
        messages.error(request, _("Enregistré, mais pas soumis. %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        if submitted:
            messages.success(
                request,
                ngettext(
                    "%(n)d action soumise pour validation : les validateurs sont prévenus.",
                    "%(n)d actions soumises pour validation : les validateurs sont prévenus.",
                    len(submitted),
                )
                % {"n": len(submitted)},
            )
        else:
            messages.info(request, _("Aucune action à soumettre : renseignez d'abord leur avancement."))
    return redirect(back)


def _unknown_keys(progress_forms, measurement_forms) -> dict[str, list[str]]:
    return {"a": progress_forms.unknown, "m": measurement_forms.unknown}


def _attach_forms(sheet, progress_forms, measurement_forms) -> None:
    """Each editable row gets its form: the posted one (with what was typed) or one showing what is saved."""
    for row in sheet.rows:
        if row.editable:
            posted = progress_forms.get(row.action.pk) if progress_forms else None
            row.form = posted or ProgressForm(obj=row.action, prefix=f"a-{row.action.pk}", initial=row.initial)
    for row in sheet.indicator_rows:
        if row.editable:
            posted = measurement_forms.get(row.indicator.pk) if measurement_forms else None
            row.form = posted or MeasurementForm(
                obj=row.indicator, prefix=f"m-{row.indicator.pk}", initial=row.initial
            )


def _spread_errors(error: ValidationError, progress_forms, measurement_forms, targets):
    """Put the service's errors (keyed `a<action>.<field>` or `m<indicator>.<field>`) next to their fields.

    A conflict (someone saved the same line meanwhile) keeps what was typed and takes the saved state as the
    new reference, so that saving again knowingly confirms this user's version.
    """
    forms_by_key = {f"a{pk}": f for pk, f in progress_forms.by_pk().items()}
    forms_by_key |= {f"m{pk}": f for pk, f in measurement_forms.by_pk().items()}
    if not hasattr(error, "error_dict"):
        (progress_forms.bound or measurement_forms.bound)[0].add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        item, _dot, name = key.partition(".")
        form = forms_by_key[item]
        field = {"value_number": "value", "value_text": "value"}.get(name, name)
        form.add_error(field if field in form.fields else None, messages_)
        if name == "__all__":
            pk = int(item[1:])
            if item.startswith("a"):
                saved = selectors.progress_initial(targets.actions[pk], targets.updates.get(pk))["loaded"]
            else:
                measurement = targets.measurements.get(pk)
                saved = measurement.fingerprint if measurement else fingerprint(None, "", "")
            form.data = form.data.copy()
            form.data[form.add_prefix("loaded")] = saved


def _close_crumbs(plan, period, label):
    return [(_("Suivi"), None), (period.label, _quarter_url(plan, period)), (label, None)]


@require_http_methods(["GET", "POST"])
def quarter_close(request, pk, year, quarter):
    plan = get_plan(request, pk, perms.can_close_quarter)
    _periods, period = _period(plan, year, quarter)
    refused = None
    if request.method == "POST":
        try:
            event = services.quarter_close(
                period=period, by=request.user, confirm_pending=request.POST.get("avec_soumissions") == "1"
            )
        except ValidationError as error:
            refused = " ".join(error.messages)  # said on this page, beside the box to tick
        else:
            messages.success(
                request, _("Le %(period)s est clos. %(summary)s") % {"period": period.label, "summary": event.summary}
            )
            return redirect(_quarter_url(plan, period))
    context = plan_context(request, plan, crumbs=_close_crumbs(plan, period, _("Clôture")))
    context.update(
        {
            "period": period,
            "missing": quarter_missing(period),
            "pending": pending_reviews(period),
            "ended": period.end < timezone.localdate(),
            "refused": refused,
        }
    )
    return render(request, "indicators/quarter_close.html", context, status=400 if refused else 200)


@require_http_methods(["GET", "POST"])
def quarter_reopen(request, pk, year, quarter):
    plan = get_plan(request, pk, perms.can_close_quarter)
    _periods, period = _period(plan, year, quarter)
    form = ReopenForm(posted(request))
    done = save_form(
        request,
        form,
        lambda data: services.quarter_reopen(period=period, by=request.user, reason=data["reason"]),
        success=_("Le %(period)s est rouvert.") % {"period": period.label},
        then=_quarter_url(plan, period),
    )
    context = plan_context(request, plan, crumbs=_close_crumbs(plan, period, _("Réouverture")))
    context.update({"period": period, "form": form})
    return done or form_page(request, "indicators/quarter_reopen.html", context, form)


REVIEW_DONE = {
    "soumettre": _lazy("Soumis pour validation : les validateurs sont prévenus."),
    "valider": _lazy("Validé."),
    "renvoyer": _lazy("Renvoyé pour correction, avec votre motif."),
    "rouvrir": _lazy("Rouvert : l'avancement et les valeurs de cette action peuvent de nouveau changer."),
}


@require_POST
def review_decide(request, pk, year, quarter, action_pk):
    """Submit, validate, return or reopen one action's quarter (indicators.reviews says who may)."""
    plan = get_plan(request, pk)
    _periods, period = _period(plan, year, quarter)
    action = get_object_or_404(plan.actions.select_related("axis"), pk=action_pk)
    decision = request.POST.get("decision", "")
    if decision not in REVIEW_DONE:
        raise Http404
    # Back to the quarter page filtered as it was (its pillar, "mine", its page), at the action.
    kept = {name: request.POST[name][:20] for name in ("pillar", "mine", "page") if request.POST.get(name)}
    back = f"{_quarter_url(plan, period)}{'?' + urlencode(kept) if kept else ''}#action-{action.pk}"
    by, base_url = request.user, request.build_absolute_uri("/")[:-1]
    reason = clean_text(request.POST.get("reason", ""))[:2000]
    review = ActionReview.objects.filter(action=action, period=period).first()
    if decision != "soumettre" and review is None:
        messages.error(request, _("Rien n'a été soumis pour cette action ce trimestre."))
        return redirect(back)

    def act():
        if decision == "soumettre":
            reviews.review_submit(action=action, period=period, by=by, base_url=base_url)
        elif decision == "valider":
            reviews.review_validate(review=review, by=by, base_url=base_url)
        elif decision == "renvoyer":
            reviews.review_return(review=review, by=by, reason=reason, base_url=base_url)
        else:
            reviews.review_reopen(review=review, by=by, reason=reason)

    return refused_or_done(request, act, success=str(REVIEW_DONE[decision]), then=back)
