"""Pillars and axes: add, rename, reorder, delete an empty one."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans import perms, selectors, services
from plans.forms import AxisForm, PillarForm
from plans.models import Axis
from plans.shortcuts import form_page, get_plan, plan_context, posted, refused_or_done, save_form

DIRECTIONS = {"up", "down"}


def _render(request, plan, *, pillar_form=None, axis_form=None):
    context = plan_context(request, plan, step="structure", crumbs=[(_("Structure"), None)])
    context.update(
        {
            "pillars": selectors.plan_structure(plan=plan),
            "pillar_form": pillar_form or PillarForm(prefix="pillar"),
            "axis_form": axis_form or AxisForm(prefix="axis", plan=plan),
        }
    )
    return form_page(request, "plans/structure.html", context, pillar_form, axis_form)


def _structure_url(plan, anchor=""):
    return reverse("plans:structure", args=[plan.pk]) + anchor


def _direction(request) -> str:
    direction = request.POST.get("direction")
    if direction not in DIRECTIONS:
        raise PermissionDenied
    return direction


@require_http_methods(["GET"])
def structure(request, pk):
    return _render(request, get_plan(request, pk))


@require_POST
def pillar_create(request, pk):
    plan = get_plan(request, pk, perms.can_edit)
    form = PillarForm(request.POST, prefix="pillar")
    done = save_form(
        request,
        form,
        lambda data: services.pillar_create(plan=plan, by=request.user, **data),
        success=lambda pillar: _("Le pilier « %(name)s » est ajouté.") % {"name": pillar.name},
        then=lambda pillar: _structure_url(plan, f"#pilier-{pillar.pk}"),
    )
    return done or _render(request, plan, pillar_form=form)


def _edit_page(request, plan, form, obj, title):
    crumbs = [(_("Structure"), _structure_url(plan)), (str(obj), None)]
    context = plan_context(request, plan, step="structure", crumbs=crumbs)
    context.update({"form": form, "object": obj, "title": title})
    return form_page(request, "plans/structure_edit.html", context, form)


@require_http_methods(["GET", "POST"])
def pillar_edit(request, pk, pillar_pk):
    plan = get_plan(request, pk, perms.can_edit)
    pillar = get_object_or_404(plan.pillars, pk=pillar_pk)
    form = PillarForm(posted(request), instance=pillar, prefix="pillar")
    done = save_form(
        request,
        form,
        lambda data: services.pillar_update(pillar=pillar, by=request.user, **data),
        success=_("Le pilier est enregistré."),
        then=_structure_url(plan, f"#pilier-{pillar.pk}"),
    )
    return done or _edit_page(request, plan, form, pillar, _("Modifier le pilier"))


@require_POST
def pillar_delete(request, pk, pillar_pk):
    plan = get_plan(request, pk, perms.can_edit)
    pillar = get_object_or_404(plan.pillars, pk=pillar_pk)
    return refused_or_done(
        request,
        lambda: services.pillar_delete(pillar=pillar, by=request.user),
        success=_("Le pilier « %(name)s » est supprimé.") % {"name": pillar.name},
        then=_structure_url(plan),
    )


@require_POST
def pillar_move(request, pk, pillar_pk):
    plan = get_plan(request, pk, perms.can_edit)
    pillar = get_object_or_404(plan.pillars, pk=pillar_pk)
    services.pillar_move(pillar=pillar, by=request.user, direction=_direction(request))
    return redirect(_structure_url(plan, f"#pilier-{pillar.pk}"))


def _get_axis(plan, axis_pk):
    return get_object_or_404(Axis.objects.select_related("pillar__plan"), pillar__plan=plan, pk=axis_pk)


@require_POST
def axis_create(request, pk):
    plan = get_plan(request, pk, perms.can_edit)
    form = AxisForm(request.POST, prefix="axis", plan=plan)
    done = save_form(
        request,
        form,
        lambda data: services.axis_create(
            pillar=data["pillar"],
            by=request.user,
            name=data["name"],
            description=data["description"],
            number=data["number"],
        ),
        success=lambda axis: _("L'axe « %(name)s » est ajouté.") % {"name": axis.name},
        then=lambda axis: _structure_url(plan, f"#axe-{axis.pk}"),
    )
    return done or _render(request, plan, axis_form=form)


@require_http_methods(["GET", "POST"])
def axis_edit(request, pk, axis_pk):
    plan = get_plan(request, pk, perms.can_edit)
    axis = _get_axis(plan, axis_pk)
    form = AxisForm(posted(request), instance=axis, prefix="axis", plan=plan)
    done = save_form(
        request,
        form,
        # An empty number keeps the axis's number (or numbers it at the end of another pillar).
        lambda data: services.axis_update(
            axis=axis, by=request.user, **{k: v for k, v in data.items() if not (k == "number" and v is None)}
        ),
        success=_("L'axe est enregistré."),
        then=_structure_url(plan, f"#axe-{axis.pk}"),
    )
    return done or _edit_page(request, plan, form, axis, _("Modifier l'axe"))


@require_POST
def axis_delete(request, pk, axis_pk):
    plan = get_plan(request, pk, perms.can_edit)
    axis = _get_axis(plan, axis_pk)
    return refused_or_done(
        request,
        lambda: services.axis_delete(axis=axis, by=request.user),
        success=_("L'axe « %(name)s » est supprimé.") % {"name": axis.name},
        then=_structure_url(plan),
    )


@require_POST
def axis_move(request, pk, axis_pk):
    plan = get_plan(request, pk, perms.can_edit)
    axis = _get_axis(plan, axis_pk)
    services.axis_move(axis=axis, by=request.user, direction=_direction(request))
    return redirect(_structure_url(plan, f"#axe-{axis.pk}"))
