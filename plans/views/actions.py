"""Actions: list with filters, create, edit (with conflict detection), duplicate, move, delete, catalogue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans import perms, services
from plans.enums import SizeClass
from plans.forms import ActionFilterForm, ActionForm, CatalogueFilterForm, CataloguePickForm
from plans.models import Action, Axis, CatalogueMeasure
from plans.views.common import errors_to_form, get_plan, plan_context

PAGE_SIZE = 100
SORTS = {
    "tree": ["axis__pillar__order", "axis__number", "order", "pk"],
    "due_date": [F("due_date").asc(nulls_last=True), "pk"],
    "status": ["status", "axis__pillar__order", "axis__number", "order"],
    "lead": [F("lead__name").asc(nulls_last=True), "pk"],
    "title": ["title", "pk"],
}


def _get_action(plan, action_pk):
    return get_object_or_404(
        Action.objects.select_related("plan__territory", "axis__pillar", "lead"), plan=plan, pk=action_pk
    )


def _actions_crumb(plan):
    return (_("Actions"), reverse("plans:actions", args=[plan.pk]))


@require_GET
def action_list(request, pk):
    plan = get_plan(request, pk)
    pillars = plan.pillars.order_by("order", "pk")
    axes = Axis.objects.filter(pillar__plan=plan).select_related("pillar")
    partners = plan.partners.order_by("name")
    form = ActionFilterForm(request.GET or None, plan=plan, pillars=pillars, axes=axes, partners=partners)
    actions = plan.actions.with_list_data()
    sort = "tree"
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            actions = actions.filter(Q(title__icontains=data["q"]) | Q(summary__icontains=data["q"]))
        if data["pillar"]:
            actions = actions.filter(axis__pillar=data["pillar"])
        if data["axis"]:
            actions = actions.filter(axis=data["axis"])
        if data["lead"]:
            actions = actions.filter(lead=data["lead"])
        if data["status"]:
            actions = actions.filter(status=data["status"])
        if data["late"]:
            actions = actions.late()
        sort = data["sort"] or "tree"
    page = Paginator(actions.order_by(*SORTS[sort]), PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for action in page.object_list:
        action.is_late_today = action.is_late(today)
    query = request.GET.copy()
    query.pop("page", None)
    context = plan_context(request, plan, step="actions", crumbs=[(_("Actions"), None)])
    context.update({"form": form, "page": page, "query": query.urlencode(), "sort": sort})
    return render(request, "plans/action_list.html", context)


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
    initial = {}
    if axis_pk := request.GET.get("axe"):
        initial["axis"] = axis_pk
    form = ActionForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                plan=plan, by=request.user, partners=form.partner_roles(), **form.action_fields()
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'action « %(title)s » est créée.") % {"title": action.title})
            if "save_and_new" in request.POST:
                return redirect(reverse("plans:action_create", args=[plan.pk]) + f"?axe={action.axis_id}")
            return redirect("plans:action_detail", plan.pk, action.pk)
    status = 400 if form.errors else 200
    return render(request, "plans/action_form.html", _action_form_context(request, plan, form), status=status)


@require_GET
def action_detail(request, pk, action_pk):
    plan = get_plan(request, pk)
    action = _get_action(plan, action_pk)
    links = action.partner_links.select_related("partner").order_by("role", "partner__name")
    history = list(action.history.select_related("history_user").order_by("-history_date")[:21])
    labels = {f.name: f.verbose_name for f in Action._meta.fields}
    changes = []
    for newer, older in zip(history, history[1:], strict=False):
        delta = newer.diff_against(older)
        if delta.changes:
            changes.append({"record": newer, "fields": [str(labels.get(c.field, c.field)) for c in delta.changes]})
    if history and len(history) < 21:
        changes.append({"record": history[-1], "fields": None})
    # Values come ordered by quarter (Measurement's default ordering), read through the relation.
    indicators = list(action.indicators.order_by("order", "pk").prefetch_related("measurements__period"))
    context = plan_context(request, plan, step="actions", crumbs=[_actions_crumb(plan), (action.title, None)])
    context.update(
        {
            "action": action,
            "links": links,
            "indicators": indicators,
            "quarters": action.progress_updates.select_related("period", "entered_by").order_by(
                "period__year", "period__quarter"
            ),
            "budget_lines": action.budget_lines.with_execution().select_related("funder").order_by("year", "pk"),
            "can_execute": perms.can_report_on_action(request.user, plan, action),
            "changes": changes[:20],
            "is_late": action.is_late(),
        }
    )
    return render(request, "plans/action_detail.html", context)


@require_http_methods(["GET", "POST"])
def action_edit(request, pk, action_pk):
    plan = get_plan(request, pk, perms.can_edit)
    action = _get_action(plan, action_pk)
    form = ActionForm(request.POST or None, instance=action, plan=plan)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action,
                by=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                partners=form.partner_roles(),
                **form.action_fields(),
            )
        except services.ActionConflict as error:
            conflict = error
            # Keep what was typed; saving again now knowingly replaces the other person's version.
            data: QueryDict = form.data.copy()
            data["version"] = str(error.current.version)
            form = ActionForm(data, instance=_get_action(plan, action_pk), plan=plan)
            form.is_valid()
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'action est enregistrée."))
            return redirect("plans:action_detail", plan.pk, action.pk)
    status = 409 if conflict else 400 if form.errors else 200
    context = _action_form_context(request, plan, form, action=action, conflict=conflict)
    return render(request, "plans/action_form.html", context, status=status)


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
    context = plan_context(
        request,
        plan,
        step="actions",
        crumbs=[
            _actions_crumb(plan),
            (action.title, reverse("plans:action_detail", args=[plan.pk, action.pk])),
            (_("Supprimer"), None),
        ],
    )
    context.update({"action": action, "indicator_count": action.indicators.count()})
    return render(request, "plans/action_confirm_delete.html", context)


@require_http_methods(["GET", "POST"])
def catalogue(request, pk):
    plan = get_plan(request, pk)
    size = plan.territory.size_class
    filters = CatalogueFilterForm(request.GET or {"size": size})
    measures = CatalogueMeasure.objects.all()
    if filters.is_valid():
        data = filters.cleaned_data
        if data["size"] in SizeClass.values:
            measures = measures.suited_to(data["size"])
        if data["pillar_kind"]:
            measures = measures.filter(pillar_kind=data["pillar_kind"])
        if data["first_year"]:
            measures = measures.filter(first_year=True)
        if data["max_cost"] is not None:
            measures = measures.filter(cost_class__lte=data["max_cost"])
        if data["q"]:
            measures = measures.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
    pick = CataloguePickForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not perms.can_edit(request.user, plan):
            raise PermissionDenied
        if pick.is_valid():
            created = services.actions_add_from_catalogue(
                plan=plan,
                by=request.user,
                axis=pick.cleaned_data["axis"],
                measures=list(pick.cleaned_data["measures"]),
            )
            messages.success(
                request,
                _("%(n)d action(s) ajoutée(s) dans %(axis)s. Complétez le gestionnaire et l'échéance.")
                % {"n": len(created), "axis": pick.cleaned_data["axis"]},
            )
            return redirect(reverse("plans:actions", args=[plan.pk]) + f"?axis={pick.cleaned_data['axis'].pk}")
    used = set(plan.actions.exclude(source_measure=None).values_list("source_measure_id", flat=True))
    context = plan_context(
        request, plan, step="actions", crumbs=[_actions_crumb(plan), (_("Catalogue de mesures"), None)]
    )
    checked = {int(pk) for pk in request.POST.getlist("measures") if pk.isdigit()}
    context.update({"filters": filters, "pick": pick, "measures": measures, "used": used, "checked": checked})
    return render(request, "plans/catalogue.html", context, status=400 if pick.errors else 200)
