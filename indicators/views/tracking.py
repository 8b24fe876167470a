"""The quarter page: every action's status, progress and note, and every indicator due, saved in one go."""

from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from indicators import perms, services
from indicators.forms import MeasurementFormSet, ProgressFormSet, ReopenForm
from indicators.models import Indicator, Measurement, ProgressUpdate, format_value
from indicators.selectors import current_period, quarter_missing
from plans.enums import ActionStatus
from plans.views.common import errors_to_form, get_plan, plan_context

FINISHED = {ActionStatus.DONE, ActionStatus.ABANDONED}


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
    """The tracking tab opens on the current quarter."""
    plan = get_plan(request, pk)
    period = current_period(list(plan.periods.order_by("year", "quarter")))
    if period is None:
        raise Http404
    return redirect(_quarter_url(plan, period))


@require_http_methods(["GET", "POST"])
def quarter(request, pk, year, quarter):
    plan = get_plan(request, pk)
    periods, period = _period(plan, year, quarter)
    mine = request.GET.get("moi") == "1"
    user = request.user

    actions = plan.actions.select_related("axis__pillar", "lead").order_by(
        "axis__pillar__order", "axis__number", "order", "pk"
    )
    indicators = Indicator.objects.filter(plan=plan).due_in(period.quarter).with_previous_value(period)
    pillars = list(plan.pillars.order_by("order", "pk"))
    pillar = next((p for p in pillars if str(p.pk) == request.GET.get("pilier")), None)
    if pillar:
        actions = actions.filter(axis__pillar=pillar)
    if mine:
        actions = actions.filter(lead_id=user.partner_id) if user.partner_id else actions.none()
    if mine or pillar:
        indicators = indicators.filter(action__in=actions)
    actions = list(actions)
    indicators = list(indicators.order_by("order", "pk"))
    updates = {u.action_id: u for u in ProgressUpdate.objects.filter(period=period, action__plan=plan)}
    values = {m.indicator_id: m for m in Measurement.objects.filter(period=period, indicator__plan=plan)}
    actions_by_pk = {a.pk: a for a in actions}
    for indicator in indicators:
        if indicator.action_id in actions_by_pk:
            indicator.action = actions_by_pk[indicator.action_id]

    editable_actions = [a for a in actions if perms.can_report_on_action(user, plan, period, a)]
    editable_pks = {a.pk for a in editable_actions}
    can_context = perms.can_report_on_context(user, plan, period)
    editable_indicators = [
        i for i in indicators if (can_context if i.action_id is None else i.action_id in editable_pks)
    ]
    progress_initial = [
        {"status": u.status, "progress": u.progress, "note": u.note, "blockers": u.blockers}
        if (u := updates.get(a.pk))
        else {"status": a.status, "progress": a.progress}
        for a in editable_actions
    ]
    measurement_initial = [_measurement_initial(i, values.get(i.pk)) for i in editable_indicators]
    data = request.POST if request.method == "POST" else None
    progress_forms = ProgressFormSet(data, objects=editable_actions, initial=progress_initial, prefix="a")
    measurement_forms = MeasurementFormSet(data, objects=editable_indicators, initial=measurement_initial, prefix="m")

    if request.method == "POST":
        if not editable_actions and not editable_indicators:
            raise PermissionDenied
        if progress_forms.is_valid() and measurement_forms.is_valid():
            progress = [
                {"action": form.obj, **form.cleaned_data} for form in progress_forms.forms if form.has_changed()
            ]
            measured = [form.item() for form in measurement_forms.forms if form.has_changed()]
            try:
                services.quarter_save(period=period, by=user, progress=progress, measurements=measured)
            except ValidationError as error:
                _spread_errors(error, progress_forms, measurement_forms)
            else:
                messages.success(
                    request,
                    _("Le %(period)s est enregistré : %(a)d point(s) d'avancement, %(m)d valeur(s).")
                    % {"period": period.label, "a": len(progress), "m": len(measured)},
                )
                return redirect(_quarter_url(plan, period) + (f"?{request.GET.urlencode()}" if request.GET else ""))
        messages.error(request, _("Rien n'a été enregistré : corrigez les champs signalés ci-dessous."))

    today = timezone.localdate()
    reference = min(today, period.end)
    progress_by_pk, measurement_by_pk = progress_forms.by_pk(), measurement_forms.by_pk()
    indicators_by_action = defaultdict(list)
    context_rows = []
    for indicator in indicators:
        measurement = values.get(indicator.pk)
        row = {
            "indicator": indicator,
            "form": measurement_by_pk.get(indicator.pk),
            "value": measurement.display if measurement else "—",
            "measurement": measurement,
            "previous": format_value(indicator, indicator.previous_number, indicator.previous_text)
            if indicator.previous_year
            else "—",
            "previous_period": f"T{indicator.previous_label} {indicator.previous_year}"
            if indicator.previous_year
            else "",
            "target": format_value(indicator, indicator.target_value, "")
            if indicator.target_value is not None
            else "—",
            "missing": period.is_closed and measurement is None,
        }
        (indicators_by_action[indicator.action_id] if indicator.action_id else context_rows).append(row)
    tree, current_pillar, current_axis = [], None, None
    for action in actions:
        update = updates.get(action.pk)
        status = update.status if update else action.status
        row = {
            "action": action,
            "update": update,
            "status_label": ActionStatus(status).label,
            "status": status,
            "progress": update.progress if update else action.progress,
            "late": bool(action.due_date and action.due_date < reference and status not in FINISHED),
            "form": progress_by_pk.get(action.pk),
            "indicators": indicators_by_action.get(action.pk, []),
        }
        if action.axis.pillar_id != current_pillar:
            tree.append({"pillar": action.axis.pillar, "axes": []})
            current_pillar, current_axis = action.axis.pillar_id, None
        if action.axis_id != current_axis:
            tree[-1]["axes"].append({"axis": action.axis, "rows": []})
            current_axis = action.axis_id
        tree[-1]["axes"][-1]["rows"].append(row)

    context = plan_context(request, plan, crumbs=[(_("Suivi"), None), (period.label, None)])
    context.update(
        {
            "period": period,
            "periods": periods,
            "mine": mine,
            "pillars": pillars,
            "pillar": pillar,
            "query": request.GET.urlencode(),
            "tree": tree,
            "context_rows": context_rows,
            "progress_forms": progress_forms,
            "measurement_forms": measurement_forms,
            "can_save": bool(editable_actions or editable_indicators),
            "can_close": perms.can_close_quarter(user, plan),
            "tracked": perms.is_tracked(plan),
            "events": period.events.select_related("by")[:5],
            "late_count": sum(1 for p in tree for a in p["axes"] for r in a["rows"] if r["late"]),
            "missing_count": sum(1 for r in context_rows if r["missing"])
            + sum(1 for rows in indicators_by_action.values() for r in rows if r["missing"]),
        }
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "indicators/quarter.html", context, status=status)


def _measurement_initial(indicator, measurement):
    if measurement is None:
        return {}
    value = measurement.value_text if indicator.unit == "text" else measurement.value_number
    if indicator.unit == "yes_no" and value is not None:
        value = "1" if value else "0"
    elif isinstance(value, Decimal) and value == value.to_integral_value():
        value = value.quantize(Decimal(1))  # 45, not 45,00, for a count
    return {"value": value, "comment": measurement.comment}


def _spread_errors(error: ValidationError, progress_forms, measurement_forms):
    """Put the service's errors (keyed `a<action>.<field>` or `m<indicator>.<field>`) next to their fields."""
    forms_by_key = {f"a{pk}": f for pk, f in progress_forms.by_pk().items()}
    forms_by_key |= {f"m{pk}": f for pk, f in measurement_forms.by_pk().items()}
    fallback = (progress_forms.forms or measurement_forms.forms)[0]
    if not hasattr(error, "error_dict"):
        fallback.add_error(None, error)
        return
    for key, messages_ in error.message_dict.items():
        item, _dot, name = key.partition(".")
        form = forms_by_key.get(item, fallback)
        field = {"value_number": "value", "value_text": "value"}.get(name, name)
        form.add_error(field if field in form.fields else None, messages_)


@require_http_methods(["GET", "POST"])
def quarter_close(request, pk, year, quarter):
    plan = get_plan(request, pk, perms.can_close_quarter)
    _periods, period = _period(plan, year, quarter)
    if request.method == "POST":
        try:
            event = services.quarter_close(period=period, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Le %(period)s est clos. %(summary)s") % {"period": period.label, "summary": event.summary}
            )
        return redirect(_quarter_url(plan, period))
    context = plan_context(
        request, plan, crumbs=[(_("Suivi"), None), (period.label, _quarter_url(plan, period)), (_("Clôture"), None)]
    )
    context.update({"period": period, "missing": quarter_missing(period)})
    return render(request, "indicators/quarter_close.html", context)


@require_http_methods(["GET", "POST"])
def quarter_reopen(request, pk, year, quarter):
    plan = get_plan(request, pk, perms.can_close_quarter)
    _periods, period = _period(plan, year, quarter)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.quarter_reopen(period=period, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le %(period)s est rouvert.") % {"period": period.label})
            return redirect(_quarter_url(plan, period))
    context = plan_context(
        request,
        plan,
        crumbs=[(_("Suivi"), None), (period.label, _quarter_url(plan, period)), (_("Réouverture"), None)],
    )
    context.update({"period": period, "form": form})
    return render(request, "indicators/quarter_reopen.html", context, status=400 if form.errors else 200)
