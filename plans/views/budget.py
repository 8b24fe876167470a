"""The budget: the plan's summary page, grants with their instalments, budget lines and their execution."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans import perms, selectors, services
from plans.forms import BudgetLineForm, ExecutionForm, FundingForm, InstalmentForms
from plans.models import Action, BudgetLine, Funding, ReportingPeriod
from plans.services.conventions import convention_warnings
from plans.shortcuts import form_page, get_plan, plan_context, posted, refused_or_done, save_form


def _budget_url(plan, anchor=""):
    return reverse("plans:budget", args=[plan.pk]) + anchor


def _budget_crumb(plan):
    return (_("Budget"), _budget_url(plan))


@require_GET
def budget(request, pk):
    plan = get_plan(request, pk)
    page = selectors.budget_page(plan=plan, today=timezone.localdate())
    context = plan_context(request, plan, step="budget", crumbs=[(_("Budget"), None)])
    context.update({"summary": page.summary, "tree": page.tree})
    # The conventions' warnings beside the money's: an agreement ending, a commitment past its date.
    page.summary.warnings = page.summary.warnings + convention_warnings(plan=plan, today=timezone.localdate())
    return render(request, "plans/budget.html", context)


def _funding_page(request, plan, form, instalments, funding=None):
    crumbs = [_budget_crumb(plan), (str(funding) if funding else _("Nouveau financement"), None)]
    context = plan_context(request, plan, step="budget", crumbs=crumbs)
    context.update({"form": form, "instalments": instalments, "funding": funding})
    return form_page(request, "plans/funding_form.html", context, form, *instalments.forms)


def _instalments_ok(request, form, instalments) -> bool:
    """Every instalment form is valid and names an instalment of this grant (and the form was posted)."""
    if request.method != "POST":
        return False
    form.is_valid()  # so that the grant's own errors show too
    if instalments.unknown:
        form.add_error(
            None,
            _(
                "Un versement a été supprimé entre-temps par quelqu'un d'autre : rien n'a été enregistré. "
                "Vérifiez les versements ci-dessous, puis enregistrez à nouveau."
            ),
        )
        return False
    return instalments.is_valid()


@require_http_methods(["GET", "POST"])
def funding_create(request, pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    form = FundingForm(posted(request), plan=plan)
    instalments = InstalmentForms(posted(request), years=plan.years)
    done = _instalments_ok(request, form, instalments) and save_form(
        request,
        form,
        lambda data: services.funding_create(plan=plan, by=request.user, instalments=instalments.items(), **data),
        success=lambda funding: _("Le financement « %(funding)s » est enregistré.") % {"funding": funding},
        then=_budget_url(plan, "#financements"),
    )
    return done or _funding_page(request, plan, form, instalments)


@require_http_methods(["GET", "POST"])
def funding_edit(request, pk, funding_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    funding = get_object_or_404(Funding.objects.select_related("funder"), plan=plan, pk=funding_pk)
    instalments = InstalmentForms(posted(request), funding=funding, years=plan.years)
    form = FundingForm(posted(request), instance=funding, plan=plan)
    done = _instalments_ok(request, form, instalments) and save_form(
        request,
        form,
        lambda data: services.funding_update(
            funding=funding, by=request.user, instalments=instalments.items(), **data
        ),
        success=_("Le financement est enregistré."),
        then=_budget_url(plan, "#financements"),
    )
    return done or _funding_page(request, plan, form, instalments, funding)


@require_POST
def funding_delete(request, pk, funding_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    funding = get_object_or_404(Funding.objects.select_related("funder"), plan=plan, pk=funding_pk)
    return refused_or_done(
        request,
        lambda: services.funding_delete(funding=funding, by=request.user),
        success=_("Le financement « %(funding)s » est supprimé.") % {"funding": funding},
        then=_budget_url(plan, "#financements"),
    )


def _get_action(plan, action_pk):
    return get_object_or_404(Action.objects.select_related("plan", "axis__pillar"), plan=plan, pk=action_pk)


def _get_line(plan, line_pk):
    return get_object_or_404(
        BudgetLine.objects.select_related("plan", "action__axis__pillar", "funder"), plan=plan, pk=line_pk
    )


def _action_budget_url(plan, action_id):
    return reverse("plans:action_detail", args=[plan.pk, action_id]) + "#budget"


def _line_crumbs(plan, action, label):
    return [
        (_("Actions"), reverse("plans:actions", args=[plan.pk])),
        (action.title, reverse("plans:action_detail", args=[plan.pk, action.pk])),
        (label, None),
    ]


def _line_page(request, plan, form, action, line=None):
    context = plan_context(request, plan, step="budget", crumbs=_line_crumbs(plan, action, _("Ligne budgétaire")))
    context.update({"form": form, "action": action, "line": line})
    return form_page(request, "plans/budget_line_form.html", context, form)


@require_http_methods(["GET", "POST"])
def line_create(request, pk, action_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    action = _get_action(plan, action_pk)
    form = BudgetLineForm(posted(request), action=action, initial={"year": plan.period_start.year})
    done = save_form(
        request,
        form,
        lambda data: services.budget_line_create(action=action, by=request.user, **data),
        success=_("La ligne budgétaire est ajoutée."),
        then=_action_budget_url(plan, action.pk),
    )
    return done or _line_page(request, plan, form, action)


@require_http_methods(["GET", "POST"])
def line_edit(request, pk, line_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    line = _get_line(plan, line_pk)
    form = BudgetLineForm(posted(request), instance=line, action=line.action)
    done = save_form(
        request,
        form,
        lambda data: services.budget_line_update(line=line, by=request.user, **data),
        success=_("La ligne budgétaire est enregistrée."),
        then=_action_budget_url(plan, line.action_id),
    )
    return done or _line_page(request, plan, form, line.action, line)


@require_POST
def line_delete(request, pk, line_pk):
    plan = get_plan(request, pk, perms.can_edit_budget)
    line = _get_line(plan, line_pk)
    return refused_or_done(
        request,
        lambda: services.budget_line_delete(line=line, by=request.user),
        success=_("La ligne budgétaire est supprimée."),
        then=_action_budget_url(plan, line.action_id),
    )


@require_http_methods(["GET", "POST"])
def line_execution(request, pk, line_pk):
    """Committed and paid per quarter: editors on any line, contributors on the actions they lead."""
    plan = get_plan(request, pk)
    line = _get_line(plan, line_pk)
    if not perms.can_enter_execution(request.user, plan, line):
        raise PermissionDenied
    closed = set(ReportingPeriod.objects.closed().filter(plan=plan, year=line.year).values_list("quarter", flat=True))
    form = ExecutionForm(posted(request), line=line, closed_quarters=closed)
    done = save_form(
        request,
        form,
        lambda data: services.execution_record(
            line=line, by=request.user, amounts=form.amounts(), overrun_reason=data["overrun_reason"]
        ),
        success=_("L'exécution de la ligne est enregistrée."),
        then=_action_budget_url(plan, line.action_id),
    )
    context = plan_context(request, plan, step="budget", crumbs=_line_crumbs(plan, line.action, _("Exécution")))
    context.update({"form": form, "line": line})
    return done or form_page(request, "plans/execution_form.html", context, form)
