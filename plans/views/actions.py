"""Actions: list with filters, create, edit (with conflict detection), duplicate, move, delete, catalogue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.inputs import parse_id
from plans import perms, selectors, services
from plans.enums import SizeClass
from plans.forms import ActionBulkForm, ActionFilterForm, ActionForm, CatalogueFilterForm, CataloguePickForm
from plans.forms.fields import list_choices
from plans.models import Action, Axis, CatalogueMeasure
from plans.shortcuts import as_context, form_page, get_plan, only_if, plan_context, posted, query_without, save_form


def _get_action(plan, action_pk):
    return get_object_or_404(
        Action.objects.select_related("plan__territory", "axis__pillar", "lead", "source_measure"),
        plan=plan,
        pk=action_pk,
    )


def _actions_crumb(plan):
    return (_("Actions"), reverse("plans:actions", args=[plan.pk]))


@require_GET
def action_list(request, pk):
    plan = get_plan(request, pk)
    return render(request, "plans/action_list.html", _list_context(request, plan))


def _list_context(request, plan, bulk=None, selected=()) -> dict:
    """The list with its filters (from the query string) and, for editors, the form that changes the ticked
    actions at once (`bulk`, bound when it came back with errors, `selected` the ids ticked)."""
    pillars = plan.pillars.order_by("order", "pk")
    axes = Axis.objects.filter(pillar__plan=plan).select_related("pillar")
    partners = plan.partners.order_by("name")
    form = ActionFilterForm(request.GET or None, plan=plan, pillars=pillars, axes=axes, partners=partners)
    filters = {k: v for k, v in form.cleaned_data.items() if k != "sort"} if form.is_valid() else None
    sort = (form.cleaned_data["sort"] if filters is not None else "") or "tree"
    actions = selectors.action_list(
        plan=plan, filters=filters, sort=sort, page=request.GET.get("page"), today=timezone.localdate()
    )
    context = plan_context(request, plan, step="actions", crumbs=[(_("Actions"), None)])
    context.update(
        {
            "form": form,
            "page": actions.page,
            "page_note": actions.note,
            "query": query_without(request, "page"),
            "sort": sort,
            "filtering": bool(set(request.GET) - {"page"}),
        }
    )
    if context["can"]["edit"]:
        context["bulk"] = bulk = bulk or ActionBulkForm(plan=plan, partners=partners, axes=axes)
        context["selected"] = set(selected)
    # The filters' and the selection's selects share one read of the partners, axes and pillars.
    shared = {"lead": list(partners), "axis": list(axes), "pillar": list(pillars)}
    for name, objects in shared.items():
        list_choices(form.fields[name], objects)
        if bulk is not None and name in bulk.fields:
            list_choices(bulk.fields[name], objects)
    if bulk is not None:
        list_choices(bulk.fields["partner"], shared["lead"])
    return context


@require_POST
def action_bulk(request, pk):
    """Change the ticked actions at once: all of them, or none with the reason named (plans.services)."""
    plan = get_plan(request, pk, perms.can_edit)
    form = ActionBulkForm(request.POST, plan=plan)
    selected = {pk for pk in (parse_id(v) for v in request.POST.getlist("actions")) if pk is not None}
    back = reverse("plans:actions", args=[plan.pk]) + (f"?{request.GET.urlencode()}" if request.GET else "")
    if form.is_valid():
        versions = {a.pk: parse_id(request.POST.get(f"version-{a.pk}")) for a in form.cleaned_data["actions"]}
        partner = form.cleaned_data["partner"]
        try:
            saved = services.actions_bulk_update(
                plan=plan,
                by=request.user,
                versions={pk: version if version is not None else -1 for pk, version in versions.items()},
                fields=form.changes(),
                add_partner=(partner, form.cleaned_data["partner_role"] or "contributor") if partner else None,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                ngettext("%(n)d action modifiée.", "%(n)d actions modifiées.", len(saved)) % {"n": len(saved)},
            )
            return redirect(back)
    messages.error(request, _("Rien n'a été modifié : corrigez ce qui est signalé dans « Modifier la sélection »."))
    context = _list_context(request, plan, bulk=form, selected=selected)
    return render(request, "plans/action_list.html", context, status=400)


@require_GET
def timeline(request, pk):
    """Every action from its start to its due date, by pillar and axis, with today's line: members read it all."""
    plan = get_plan(request, pk)
    # A big plan opens on its first pillar; the filter's "Tous" (an empty pillar) shows every one.
    asked = (request.GET.get("pillar") or selectors.ALL_PILLARS) if "pillar" in request.GET else None
    scope = selectors.pillar_scope(plan=plan, requested=asked)
    data = request.GET.copy() if request.GET else None
    if scope.chosen_for_size:
        data = data or request.GET.copy()
        data["pillar"] = str(scope.pillar.pk)
    axes = Axis.objects.filter(pillar__plan=plan).select_related("pillar")
    form = ActionFilterForm(
        data,
        plan=plan,
        pillars=plan.pillars.order_by("order", "pk"),
        axes=axes,
        partners=plan.partners.order_by("name"),
    )
    filters = {k: v for k, v in form.cleaned_data.items() if k != "sort"} if form.is_valid() else None
    context = plan_context(request, plan, crumbs=[_actions_crumb(plan), (_("Calendrier"), None)])
    all_url = "?" + "&".join(filter(None, [query_without(request, "pillar"), "pillar="]))
    context.update(
        {
            "form": form,
            "scope": scope,
            "all_url": all_url,
            "timeline": selectors.action_timeline(plan=plan, filters=filters, today=timezone.localdate()),
        }
    )
    return render(request, "plans/timeline.html", context)


def _action_form_context(request, plan, form, *, action=None, conflict=None):
    crumbs = [_actions_crumb(plan)]
    if action:
        crumbs += [(action.title, reverse("plans:action_detail", args=[plan.pk, action.pk])), (_("Modifier"), None)]
    else:
        crumbs.append((_("Nouvelle action"), None))
    context = plan_context(request, plan, step="actions", crumbs=crumbs)
    context.update({"form": form, "action": action, "conflict": conflict})
    return context


@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    plan = get_plan(request, pk, perms.can_edit)
    if not Axis.objects.filter(pillar__plan=plan).exists():
        messages.warning(request, _("Créez d'abord au moins un pilier et un axe."))
        return redirect("plans:structure", plan.pk)
    initial = {"axis": axis_pk} if (axis_pk := parse_id(request.GET.get("axis", ""))) else {}
    form = ActionForm(posted(request), plan=plan, initial=initial)

    def then(action):
        if "save_and_new" in request.POST:
            return reverse("plans:action_create", args=[plan.pk]) + f"?axis={action.axis_id}"
        return reverse("plans:action_detail", args=[plan.pk, action.pk])

    done = save_form(
        request,
        form,
        lambda data: services.action_create(
            plan=plan, by=request.user, partners=form.partner_roles(), **form.action_fields()
        ),
        success=lambda action: _("L'action « %(title)s » est créée.") % {"title": action.title},
        then=then,
    )
    return done or form_page(request, "plans/action_form.html", _action_form_context(request, plan, form), form)


@require_GET
def action_detail(request, pk, action_pk):
    plan = get_plan(request, pk)
    action = _get_action(plan, action_pk)
    page = selectors.action_page(action=action, today=timezone.localdate())
    context = plan_context(request, plan, step="actions", crumbs=[_actions_crumb(plan), (action.title, None)])
    context.update(as_context(page))
    context["can_execute"] = perms.can_report_on_action(request.user, plan, action)
    return render(request, "plans/action_detail.html", context)


@require_http_methods(["GET", "POST"])
def action_edit(request, pk, action_pk):
    plan = get_plan(request, pk, perms.can_edit)
    action = _get_action(plan, action_pk)
    form = ActionForm(posted(request), instance=action, plan=plan)
    conflict = None
    try:
        done = save_form(
            request,
            form,
            lambda data: services.action_update(
                action=action,
                by=request.user,
                expected_version=data["version"] or 0,
                partners=form.partner_roles(),
                **form.action_fields(),
            ),
            success=_("L'action est enregistrée."),
            then=reverse("plans:action_detail", args=[plan.pk, action.pk]),
        )
    except services.ActionConflict as error:
        done, conflict = None, error
        # Keep what was typed; saving again now knowingly replaces the other person's version.
        data: QueryDict = form.data.copy()
        data["version"] = str(error.current.version)
        form = ActionForm(data, instance=_get_action(plan, action_pk), plan=plan)
        form.is_valid()
    context = _action_form_context(request, plan, form, action=action, conflict=conflict)
    if conflict:
        return render(request, "plans/action_form.html", context, status=409)
    return done or form_page(request, "plans/action_form.html", context, form)


@require_POST
def action_duplicate(request, pk, action_pk):
    plan = get_plan(request, pk, perms.can_edit)
    copy = services.action_duplicate(action=_get_action(plan, action_pk), by=request.user)
    messages.success(request, _("L'action est dupliquée : vérifiez la copie."))
    return redirect("plans:action_edit", plan.pk, copy.pk)


@require_POST
def action_move(request, pk, action_pk):
    plan = get_plan(request, pk, perms.can_edit)
    action = _get_action(plan, action_pk)
    direction = request.POST.get("direction")
    if direction not in {"up", "down"}:
        raise PermissionDenied
    services.action_move(action=action, by=request.user, direction=direction)
    # Back where the button was: the actions list or the plan page, never a URL taken from the request.
    target = "plans:actions" if request.POST.get("back") == "list" else "plans:detail"
    return redirect(reverse(target, args=[plan.pk]) + f"#action-{action.pk}")


@require_http_methods(["GET", "POST"])
def action_delete(request, pk, action_pk):
    plan = get_plan(request, pk, perms.can_edit)
    action = _get_action(plan, action_pk)
    if request.method == "POST":
        try:
            services.action_delete(action=action, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:action_detail", plan.pk, action.pk)
        messages.success(request, _("L'action « %(title)s » est supprimée.") % {"title": action.title})
        return redirect("plans:actions", plan.pk)
    crumbs = [
        _actions_crumb(plan),
        (action.title, reverse("plans:action_detail", args=[plan.pk, action.pk])),
        (_("Supprimer"), None),
    ]
    context = plan_context(request, plan, step="actions", crumbs=crumbs)
    context.update({"action": action, "indicator_count": selectors.indicator_counts(plan=plan).get(action.pk, 0)})
    return render(request, "plans/action_confirm_delete.html", context)


@require_http_methods(["GET", "POST"])
def catalogue(request, pk):
    plan = get_plan(request, pk)
    only_if(request, perms.can_edit(request.user, plan))
    filters = CatalogueFilterForm(request.GET or {"size": plan.territory.size_class})
    measures = CatalogueMeasure.objects.all()
    size_without_own = ""
    if filters.is_valid():
        measures = measures.filtered(**filters.cleaned_data)
        size = filters.cleaned_data["size"]
        # Say so when no measure is meant for this size alone: those shown suit every commune (or several sizes).
        if size in SizeClass.values and not CatalogueMeasure.objects.filter(commune_size=size).exists():
            size_without_own = SizeClass(size).label
    pick = CataloguePickForm(posted(request), plan=plan)
    done = save_form(
        request,
        pick,
        lambda data: services.actions_add_from_catalogue(
            plan=plan, by=request.user, axis=data["axis"], measures=list(data["measures"])
        ),
        success=lambda created: (
            ngettext(
                "%(n)d action ajoutée dans %(axis)s. Complétez son gestionnaire et son échéance.",
                "%(n)d actions ajoutées dans %(axis)s. Complétez leur gestionnaire et leur échéance.",
                len(created),
            )
            % {"n": len(created), "axis": pick.cleaned_data["axis"]}
        ),
        then=lambda created: reverse("plans:actions", args=[plan.pk]) + f"?axis={pick.cleaned_data['axis'].pk}",
    )
    used = set(plan.actions.exclude(source_measure=None).values_list("source_measure_id", flat=True))
    context = plan_context(
        request, plan, step="actions", crumbs=[_actions_crumb(plan), (_("Catalogue de mesures"), None)]
    )
    checked = {pk for value in request.POST.getlist("measures") if (pk := parse_id(value))}
    context.update(
        {
            "filters": filters,
            "pick": pick,
            "measures": measures,
            "used": used,
            "checked": checked,
            "size_without_own": size_without_own,
        }
    )
    return done or form_page(request, "plans/catalogue.html", context, pick)
