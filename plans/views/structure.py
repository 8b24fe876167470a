"""Pillars and axes: add, rename, reorder, delete an empty one."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans import perms, services
from plans.forms import AxisForm, PillarForm
from plans.models import Axis
from plans.views.common import errors_to_form, get_plan, plan_context

DIRECTIONS = {"up", "down"}


def _structure(plan):
    axes = Axis.objects.annotate(action_count=Count("actions")).order_by("number", "pk")
    return plan.pillars.order_by("order", "pk").prefetch_related(Prefetch("axes", queryset=axes))


def _render(request, plan, *, pillar_form=None, axis_form=None, status=200):
    context = plan_context(request, plan, step="structure", crumbs=[(_("Structure"), None)])
    context.update(
        {
            "pillars": _structure(plan),
            "pillar_form": pillar_form or PillarForm(prefix="pillar"),
            "axis_form": axis_form or AxisForm(prefix="axis", plan=plan),
        }
    )
    return render(request, "plans/structure.html", context, status=status)


@require_http_methods(["GET"])
def structure(request, pk):
    return _render(request, get_plan(request, pk))


@require_POST
def pillar_create(request, pk):
    plan = get_plan(request, pk, perms.can_edit)
    form = PillarForm(request.POST, prefix="pillar")
    if form.is_valid():
        pillar = services.pillar_create(plan=plan, by=request.user, **form.cleaned_data)
        messages.success(request, _("Le pilier « %(name)s » est ajouté.") % {"name": pillar.name})
        return redirect(reverse("plans:structure", args=[plan.pk]) + f"#pilier-{pillar.pk}")
    return _render(request, plan, pillar_form=form, status=400)


@require_http_methods(["GET", "POST"])
def pillar_edit(request, pk, pillar_pk):
    plan = get_plan(request, pk, perms.can_edit)
    pillar = get_object_or_404(plan.pillars, pk=pillar_pk)
    form = PillarForm(request.POST or None, instance=pillar, prefix="pillar")
    if request.method == "POST" and form.is_valid():
        services.pillar_update(pillar=pillar, by=request.user, **form.cleaned_data)
        messages.success(request, _("Le pilier est enregistré."))
        return redirect(reverse("plans:structure", args=[plan.pk]) + f"#pilier-{pillar.pk}")
    context = plan_context(
        request,
        plan,
        step="structure",
        crumbs=[(_("Structure"), reverse("plans:structure", args=[plan.pk])), (pillar.name, None)],
    )
    context.update({"form": form, "object": pillar, "title": _("Modifier le pilier")})
    return render(request, "plans/structure_edit.html", context, status=400 if form.errors else 200)


@require_POST
def pillar_delete(request, pk, pillar_pk):
    plan = get_plan(request, pk, perms.can_edit)
    pillar = get_object_or_404(plan.pillars, pk=pillar_pk)
    try:
        services.pillar_delete(pillar=pillar, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Le pilier « %(name)s » est supprimé.") % {"name": pillar.name})
    return redirect("plans:structure", plan.pk)


@require_POST
def pillar_move(request, pk, pillar_pk):
    plan = get_plan(request, pk, perms.can_edit)
    pillar = get_object_or_404(plan.pillars, pk=pillar_pk)
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        raise PermissionDenied
    services.pillar_move(pillar=pillar, by=request.user, direction=direction)
    return redirect(reverse("plans:structure", args=[plan.pk]) + f"#pilier-{pillar.pk}")


def _get_axis(plan, axis_pk):
    return get_object_or_404(Axis.objects.select_related("pillar__plan"), pillar__plan=plan, pk=axis_pk)


@require_POST
def axis_create(request, pk):
    plan = get_plan(request, pk, perms.can_edit)
    form = AxisForm(request.POST, prefix="axis", plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        axis = services.axis_create(
            pillar=data["pillar"],
            by=request.user,
            name=data["name"],
            description=data["description"],
            number=data["number"],
        )
        messages.success(request, _("L'axe « %(name)s » est ajouté.") % {"name": axis.name})
        return redirect(reverse("plans:structure", args=[plan.pk]) + f"#axe-{axis.pk}")
    return _render(request, plan, axis_form=form, status=400)


@require_http_methods(["GET", "POST"])
def axis_edit(request, pk, axis_pk):
    plan = get_plan(request, pk, perms.can_edit)
    axis = _get_axis(plan, axis_pk)
    form = AxisForm(request.POST or None, instance=axis, prefix="axis", plan=plan)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if not (k == "number" and v is None)}
        try:
            services.axis_update(axis=axis, by=request.user, **fields)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'axe est enregistré."))
            return redirect(reverse("plans:structure", args=[plan.pk]) + f"#axe-{axis.pk}")
    context = plan_context(
        request,
        plan,
        step="structure",
        crumbs=[(_("Structure"), reverse("plans:structure", args=[plan.pk])), (str(axis), None)],
    )
    context.update({"form": form, "object": axis, "title": _("Modifier l'axe")})
    return render(request, "plans/structure_edit.html", context, status=400 if form.errors else 200)


@require_POST
def axis_delete(request, pk, axis_pk):
    plan = get_plan(request, pk, perms.can_edit)
    axis = _get_axis(plan, axis_pk)
    try:
        services.axis_delete(axis=axis, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'axe « %(name)s » est supprimé.") % {"name": axis.name})
    return redirect("plans:structure", plan.pk)


@require_POST
def axis_move(request, pk, axis_pk):
    plan = get_plan(request, pk, perms.can_edit)
    axis = _get_axis(plan, axis_pk)
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        raise PermissionDenied
    services.axis_move(axis=axis, by=request.user, direction=direction)
    return redirect(reverse("plans:structure", args=[plan.pk]) + f"#axe-{axis.pk}")
