"""The budget: the plan's summary page, grants with their instalments, budget lines and their execution."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans import perms, services
from plans.forms import BudgetLineForm, ExecutionForm, FundingForm, InstalmentFormSet, instalments_from
from plans.models import Action, BudgetLine, Funding, ReportingPeriod, tree_prefetch
from plans.selectors import Money, budget_summary
from plans.views.common import errors_to_form, get_plan, plan_context


def _budget_crumb(plan):
    return (_("Budget"), reverse("plans:budget", args=[plan.pk]))


@require_GET
def budget(request, pk):
    plan = get_plan(request, pk)
    summary = budget_summary(plan, today=timezone.localdate())
    prefetch_related_objects([plan], tree_prefetch())
    tree = []
    for pillar in plan.pillars.all():
        axes = []
        for axis in pillar.axes.all():
            actions = [(a, summary.by_action[a.pk]) for a in axis.actions.all() if a.pk in summary.by_action]
            if actions:
                axes.append({"axis": axis, "actions": actions, "money": _sum(m for _a, m in actions)})
        if axes:
            tree.append({"pillar": pillar, "axes": axes, "money": _sum(a["money"] for a in axes)})
    context = plan_context(request, plan, step="budget", crumbs=[(_("Budget"), None)])
    context.update({"summary": summary, "tree": tree})
    return render(request, "plans/budget.html", context)


def _sum(moneys):
    total = Money()
    for money in moneys:
        total.planned += money.planned
        total.committed += money.committed
        total.paid += money.paid
    return total


def _funding_page(request, plan, form, formset, funding=None):
    crumbs = [_budget_crumb(plan), (str(funding) if funding else _("Nouveau financement"), None)]
    context = plan_context(request, plan, step="budget", crumbs=crumbs)
    context.update({"form": form, "formset": formset, "funding": funding})
    status = 400 if form.errors or any(formset.errors) or formset.non_form_errors() else 200
    return render(request, "plans/funding_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def funding_create(request, pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    form = FundingForm(request.POST or None, plan=plan)
    formset = InstalmentFormSet(request.POST or None, prefix="versements")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            funding = services.funding_create(
                plan=plan, by=request.user, instalments=instalments_from(formset), **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le financement « %(funding)s » est enregistré.") % {"funding": funding})
            return redirect(reverse("plans:budget", args=[plan.pk]) + "#financements")
    return _funding_page(request, plan, form, formset)


@require_http_methods(["GET", "POST"])
def funding_edit(request, pk, funding_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    funding = get_object_or_404(Funding.objects.select_related("funder"), plan=plan, pk=funding_pk)
    form = FundingForm(request.POST or None, instance=funding, plan=plan)
    initial = [
        {"amount": i.amount, "expected_on": i.expected_on, "received_on": i.received_on}
        for i in funding.instalments.all()
    ]
    formset = InstalmentFormSet(request.POST or None, initial=initial, prefix="versements")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.funding_update(
                funding=funding, by=request.user, instalments=instalments_from(formset), **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le financement est enregistré."))
            return redirect(reverse("plans:budget", args=[plan.pk]) + "#financements")
    return _funding_page(request, plan, form, formset, funding)


@require_POST
def funding_delete(request, pk, funding_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    funding = get_object_or_404(Funding.objects.select_related("funder"), plan=plan, pk=funding_pk)
    services.funding_delete(funding=funding, by=request.user)
    messages.success(request, _("Le financement « %(funding)s » est supprimé.") % {"funding": funding})
    return redirect(reverse("plans:budget", args=[plan.pk]) + "#financements")


def _get_action(plan, action_pk):
    return get_object_or_404(Action.objects.select_related("plan", "axis__pillar"), plan=plan, pk=action_pk)


def _get_line(plan, line_pk):
    return get_object_or_404(
        BudgetLine.objects.select_related("plan", "action__axis__pillar", "funder"), plan=plan, pk=line_pk
    )


def _line_page(request, plan, form, action, line=None):
    crumbs = [
        (_("Actions"), reverse("plans:actions", args=[plan.pk])),
        (action.title, reverse("plans:action_detail", args=[plan.pk, action.pk])),
        (_("Ligne budgétaire"), None),
    ]
    context = plan_context(request, plan, step="budget", crumbs=crumbs)
    context.update({"form": form, "action": action, "line": line})
    return render(request, "plans/budget_line_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def line_create(request, pk, action_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    action = _get_action(plan, action_pk)
    form = BudgetLineForm(request.POST or None, action=action, initial={"year": plan.period_start.year})
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_create(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La ligne budgétaire est ajoutée."))
            return redirect(reverse("plans:action_detail", args=[plan.pk, action.pk]) + "#budget")
    return _line_page(request, plan, form, action)


@require_http_methods(["GET", "POST"])
def line_edit(request, pk, line_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    line = _get_line(plan, line_pk)
    form = BudgetLineForm(request.POST or None, instance=line, action=line.action)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_update(line=line, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La ligne budgétaire est enregistrée."))
            return redirect(reverse("plans:action_detail", args=[plan.pk, line.action_id]) + "#budget")
    return _line_page(request, plan, form, line.action, line)


@require_POST
def line_delete(request, pk, line_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    line = _get_line(plan, line_pk)
    try:
        services.budget_line_delete(line=line, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("La ligne budgétaire est supprimée."))
    return redirect(reverse("plans:action_detail", args=[plan.pk, line.action_id]) + "#budget")


@require_http_methods(["GET", "POST"])
def line_execution(request, pk, line_pk):
    """Committed and paid per quarter: editors on any line, contributors on the actions they lead."""
    plan = get_plan(request, pk)
    line = _get_line(plan, line_pk)
    if not perms.can_enter_execution(request.user, plan, line):
        raise PermissionDenied
    closed = set(ReportingPeriod.objects.closed().filter(plan=plan, year=line.year).values_list("quarter", flat=True))
    form = ExecutionForm(request.POST or None, line=line, closed_quarters=closed)
    if request.method == "POST" and form.is_valid():
        try:
            services.execution_record(
                line=line, by=request.user, amounts=form.amounts(), overrun_reason=form.cleaned_data["overrun_reason"]
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'exécution de la ligne est enregistrée."))
            return redirect(reverse("plans:action_detail", args=[plan.pk, line.action_id]) + "#budget")
    crumbs = [
        (_("Actions"), reverse("plans:actions", args=[plan.pk])),
        (line.action.title, reverse("plans:action_detail", args=[plan.pk, line.action_id])),
        (_("Exécution"), None),
    ]
    context = plan_context(request, plan, step="budget", crumbs=crumbs)
    context.update({"form": form, "line": line})
    return render(request, "plans/execution_form.html", context, status=400 if form.errors else 200)
