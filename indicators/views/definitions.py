"""The indicators step of the drafting journey: R / I indicators per action, and template suggestions."""

from collections import Counter

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.inputs import parse_id
from indicators import breakdowns, perms, services
from indicators.forms import DimensionCreateForm, DimensionEditForm, IndicatorForm
from indicators.models import Indicator
from indicators.selectors import indicators_step
from indicators.selectors.definitions import STEP_ACTIONS_PER_PAGE
from plans.models import Action
from plans.shortcuts import (
    form_page,
    get_plan,
    plan_context,
    posted,
    query_without,
    refused_or_done,
    save_form,
)


@require_GET
def plan_indicators(request, pk):
    plan = get_plan(request, pk)
    context = plan_context(request, plan, step="indicators", crumbs=[(_("Indicateurs"), None)])
    step = indicators_step(plan=plan, pillar=request.GET.get("pillar"), page=request.GET.get("page"))
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
    pillar_pk = request.POST.get("pillar", "")
    if pillar_pk and parse_id(pillar_pk) is None:
        raise Http404
    actions = None
    if action_pk:
        actions = plan.actions.filter(pk=parse_id(action_pk))
    elif pillar_pk:  # what the page showed: one pillar of a big plan
        actions = plan.actions.filter(axis__pillar=parse_id(pillar_pk))
    created = services.indicators_accept_suggestions(plan=plan, by=request.user, actions=actions)
    messages.success(
        request,
        ngettext(
            "%(n)d indicateur créé à partir des suggestions.",
            "%(n)d indicateurs créés à partir des suggestions.",
            len(created),
        )
        % {"n": len(created)},
    )
    url = reverse("indicators:plan_indicators", args=[plan.pk])
    return redirect(f"{url}?pillar={pillar_pk}" if pillar_pk else url)


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
    return f"{url}?pillar={pillar}{f'&page={page}' if page > 1 else ''}#action-{indicator.action_id}"


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


# --- Breakdowns: the plan's list (indicators.breakdowns) -----------------------------------------------------


def _dimensions_page(request, plan, *, create=None, edited=None, status=200):
    dimensions = breakdowns.plan_dimensions(plan)
    used = Counter()
    for first, second in Indicator.objects.filter(plan=plan, breakdown__isnull=False).values_list(
        "breakdown", "breakdown_second"
    ):
        used.update(pk for pk in (first, second) if pk)
    forms = []
    for dimension in dimensions.values():
        form = edited if edited is not None and edited.dimension.pk == dimension.pk else None
        form = form or DimensionEditForm(dimension=dimension, prefix=f"d{dimension.pk}")
        form.dimension.indicator_count = used[dimension.pk]
        forms.append(form)
    crumbs = [
        (_("Indicateurs"), reverse("indicators:plan_indicators", args=[plan.pk])),
        (_("Ventilations"), None),
    ]
    context = plan_context(request, plan, step="indicators", crumbs=crumbs)
    context.update(
        {
            "forms": forms,
            "create": create or DimensionCreateForm(),
            "presets": [str(name) for name, _c in breakdowns.PRESETS],
        }
    )
    return render(request, "indicators/dimensions.html", context, status=status)


@require_http_methods(["GET", "POST"])
def dimensions(request, pk):
    """The ways the plan breaks its values down, each with its categories; editors add and change them."""
    plan = get_plan(request, pk)
    if request.method == "GET":
        return _dimensions_page(request, plan)
    if not perms.can_define_indicators(request.user, plan):
        raise PermissionDenied
    url = reverse("indicators:dimensions", args=[plan.pk])
    if request.POST.get("courantes"):
        added = breakdowns.presets_add(plan=plan, by=request.user)
        messages.success(
            request,
            ngettext("%(n)d ventilation ajoutée.", "%(n)d ventilations ajoutées.", len(added)) % {"n": len(added)},
        )
        return redirect(url)
    form = DimensionCreateForm(request.POST)
    done = save_form(
        request,
        form,
        lambda data: breakdowns.dimension_create(plan=plan, by=request.user, **form.cleaned()),
        success=lambda dimension: _("La ventilation « %(name)s » est créée.") % {"name": dimension.name},
        then=url,
    )
    return done or _dimensions_page(request, plan, create=form, status=400)


@require_POST
def dimension_edit(request, pk, dimension_pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    dimension = breakdowns.plan_dimensions(plan).get(dimension_pk)
    if dimension is None:
        raise Http404
    form = DimensionEditForm(request.POST, dimension=dimension, prefix=f"d{dimension.pk}")
    done = save_form(
        request,
        form,
        lambda data: breakdowns.dimension_update(dimension=dimension, by=request.user, **form.cleaned()),
        success=lambda saved: _("La ventilation « %(name)s » est enregistrée.") % {"name": saved.name},
        then=reverse("indicators:dimensions", args=[plan.pk]) + f"#ventilation-{dimension.pk}",
    )
    return done or _dimensions_page(request, plan, edited=form, status=400)


@require_POST
def dimension_delete(request, pk, dimension_pk):
    plan = get_plan(request, pk, perms.can_define_indicators)
    dimension = get_object_or_404(plan.dimensions, pk=dimension_pk)
    return refused_or_done(
        request,
        lambda: breakdowns.dimension_delete(dimension=dimension, by=request.user),
        success=_("La ventilation « %(name)s » est supprimée.") % {"name": dimension.name},
        then=reverse("indicators:dimensions", args=[plan.pk]),
    )
