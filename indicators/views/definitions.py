"""The indicators step of the drafting journey: R / I indicators per action, and template suggestions."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators import perms, services
from indicators.forms import IndicatorForm
from indicators.models import Indicator
from indicators.selectors import indicators_step
from indicators.selectors.definitions import STEP_ACTIONS_PER_PAGE
from plans.inputs import parse_id
from plans.models import Action
from plans.shortcuts import form_page, get_plan, plan_context, posted, query_without, refused_or_done, save_form


@require_GET
def plan_indicators(request, pk):
    plan = get_plan(request, pk)
    context = plan_context(request, plan, step="indicators", crumbs=[(_("Indicateurs"), None)])
    step = indicators_step(plan=plan, pillar=request.GET.get("pilier"), page=request.GET.get("page"))
    context.update(
        {"step": step, "page": step.pages.page, "page_note": step.pages.note, "query": query_without(request, "page")}
    )
    return render(request, "indicators/plan_indicators.html", context)


@require_POST
def accept_suggestions(request, pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    action_pk = request.POST.get("action", "")
    if action_pk and parse_id(action_pk) is None:
        raise Http404
    pillar_pk = request.POST.get("pilier", "")
    if pillar_pk and parse_id(pillar_pk) is None:
        raise Http404
    actions = None
    if action_pk:
        actions = plan.actions.filter(pk=parse_id(action_pk))
    elif pillar_pk:  # what the page showed: one pillar of a big plan
        actions = plan.actions.filter(axis__pillar=parse_id(pillar_pk))
    created = services.indicators_accept_suggestions(plan=plan, by=request.user, actions=actions)
    messages.success(request, _("%(n)d indicateur(s) créé(s) à partir des suggestions.") % {"n": len(created)})
    url = reverse("indicators:plan_indicators", args=[plan.pk])
    return redirect(f"{url}?pilier={pillar_pk}" if pillar_pk else url)


def _form_page(request, plan, form, indicator=None):
    crumbs = [(_("Indicateurs"), reverse("indicators:plan_indicators", args=[plan.pk]))]
    crumbs.append((indicator.label if indicator else _("Nouvel indicateur"), None))
    context = plan_context(request, plan, step="indicators", crumbs=crumbs)
    context.update({"form": form, "indicator": indicator})
    return form_page(request, "indicators/indicator_form.html", context, form)


def _indicators_url(plan, indicator):
    """Back to the indicators step, on the action's pillar (a big plan shows one at a time) and at the action."""
    url = reverse("indicators:plan_indicators", args=[plan.pk])
    if not indicator.action_id:
        return url + "#contexte"
    pillar = Action.objects.filter(pk=indicator.action_id).values_list("axis__pillar", flat=True).first()
    in_order = list(
        plan.actions.filter(axis__pillar=pillar)
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
        .values_list("pk", flat=True)
    )
    page = in_order.index(indicator.action_id) // STEP_ACTIONS_PER_PAGE + 1 if indicator.action_id in in_order else 1
    return f"{url}?pilier={pillar}{f'&page={page}' if page > 1 else ''}#action-{indicator.action_id}"


@require_http_methods(["GET", "POST"])
def indicator_create(request, pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    initial = {
        "action": parse_id(request.GET.get("action", "")),
        "kind": "context" if request.GET.get("kind") == "context" else "result",
    }
    form = IndicatorForm(posted(request), plan=plan, initial=initial)
    done = save_form(
        request,
        form,
        lambda data: services.indicator_create(plan=plan, by=request.user, **data),
        success=lambda indicator: _("L'indicateur « %(label)s » est créé.") % {"label": indicator.label},
        then=lambda indicator: _indicators_url(plan, indicator),
    )
    return done or _form_page(request, plan, form)


@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk, indicator_pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    indicator = get_object_or_404(Indicator, plan=plan, pk=indicator_pk)
    form = IndicatorForm(posted(request), instance=indicator, plan=plan)
    done = save_form(
        request,
        form,
        lambda data: services.indicator_update(indicator=indicator, by=request.user, **data),
        success=_("L'indicateur est enregistré."),
        then=_indicators_url(plan, indicator),
    )
    return done or _form_page(request, plan, form, indicator)


@require_POST
def indicator_delete(request, pk, indicator_pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    indicator = get_object_or_404(Indicator, plan=plan, pk=indicator_pk)
    return refused_or_done(
        request,
        lambda: services.indicator_delete(indicator=indicator, by=request.user),
        success=_("L'indicateur « %(label)s » est supprimé.") % {"label": indicator.label},
        then=reverse("indicators:plan_indicators", args=[plan.pk]),
    )
