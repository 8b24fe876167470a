"""The indicators step of the drafting journey: R / I indicators per action, and template suggestions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators import perms, services
from indicators.forms import IndicatorForm
from indicators.models import Indicator
from plans.views.common import errors_to_form, get_plan, plan_context


@require_GET
def plan_indicators(request, pk):
    plan = get_plan(request, pk)
    indicators = Indicator.objects.order_by("order", "pk")
    actions = (
        plan.actions.select_related("axis__pillar", "lead")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )
    suggestion_count = sum(len(a.indicator_suggestions) for a in actions)
    context_indicators = Indicator.objects.filter(plan=plan, action=None).order_by("order", "pk")
    context = plan_context(request, plan, step="indicators", crumbs=[(_("Indicateurs"), None)])
    context.update(
        {"actions": actions, "suggestion_count": suggestion_count, "context_indicators": context_indicators}
    )
    return render(request, "indicators/plan_indicators.html", context)


@require_POST
def accept_suggestions(request, pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    action_pk = request.POST.get("action", "")
    if action_pk and not action_pk.isdigit():
        raise Http404
    actions = plan.actions.filter(pk=action_pk) if action_pk else None
    created = services.indicators_accept_suggestions(plan=plan, by=request.user, actions=actions)
    messages.success(request, _("%(n)d indicateur(s) créé(s) à partir des suggestions.") % {"n": len(created)})
    return redirect("indicators:plan_indicators", plan.pk)


def _anchor(indicator) -> str:
    return f"#action-{indicator.action_id}" if indicator.action_id else "#contexte"


def _form_page(request, plan, form, indicator=None):
    crumbs = [(_("Indicateurs"), reverse("indicators:plan_indicators", args=[plan.pk]))]
    crumbs.append((indicator.label if indicator else _("Nouvel indicateur"), None))
    context = plan_context(request, plan, step="indicators", crumbs=crumbs)
    context.update({"form": form, "indicator": indicator})
    return render(request, "indicators/indicator_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def indicator_create(request, pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    initial = {
        "action": request.GET.get("action"),
        "kind": "context" if request.GET.get("kind") == "context" else "result",
    }
    form = IndicatorForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = services.indicator_create(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'indicateur « %(label)s » est créé.") % {"label": indicator.label})
            return redirect(reverse("indicators:plan_indicators", args=[plan.pk]) + _anchor(indicator))
    return _form_page(request, plan, form)


@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk, indicator_pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    indicator = get_object_or_404(Indicator, plan=plan, pk=indicator_pk)
    form = IndicatorForm(request.POST or None, instance=indicator, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'indicateur est enregistré."))
            return redirect(reverse("indicators:plan_indicators", args=[plan.pk]) + _anchor(indicator))
    return _form_page(request, plan, form, indicator)


@require_POST
def indicator_delete(request, pk, indicator_pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    indicator = get_object_or_404(Indicator, plan=plan, pk=indicator_pk)
    services.indicator_delete(indicator=indicator, by=request.user)
    messages.success(request, _("L'indicateur « %(label)s » est supprimé.") % {"label": indicator.label})
    return redirect("indicators:plan_indicators", plan.pk)
