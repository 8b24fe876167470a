"""What every plan page's view starts and ends with: the scoped fetch, the page frame, a service's errors
on its form, and the form-handling pattern itself. Shortcuts, not views: views and API call them.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans import perms
from plans.models import Plan
from plans.selectors import plan_counts


def get_plan(request, pk, check=None, queryset=None) -> Plan:
    """The plan if the user is a member (else 404), and allowed to do `check` (else 403).

    `queryset` lets a page fetch what it needs (its tree, say) in the same scoped query.
    """
    base = queryset if queryset is not None else Plan.objects.select_related("territory")
    plan = get_object_or_404(base.visible_to(request.user), pk=pk)
    if check is not None and not check(request.user, plan):
        raise PermissionDenied
    # Dates and times show in the territory's zone (Paris or Brussels); they are stored in UTC.
    timezone.activate(plan.territory.timezone)
    return plan


def as_context(page) -> dict:
    """A selector's dataclass as template variables, one per field (no deep copy: charts stay charts)."""
    return {field.name: getattr(page, field.name) for field in dataclass_fields(page)}


def posted(request):
    """The POST data of a form page, or None for a GET: an empty POST is still a POST (and its form invalid)."""
    return request.POST if request.method == "POST" else None


def only_if(request, allowed: bool) -> None:
    """A page anyone on the plan reads, but only some may post: 403 for the others' POSTs."""
    if request.method == "POST" and not allowed:
        raise PermissionDenied


def form_page(request, template: str, context: dict, *forms):
    """Render a form page: 400 when one of its forms shows errors, so that clients and tests can tell."""
    status = 400 if any(form is not None and form.errors for form in forms) else 200
    return render(request, template, context, status=status)


def errors_to_form(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form fields it names; the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def save_form(request, form, save: Callable, *, success: str | Callable, then: str | Callable) -> object | None:
    """The pattern of every form page: a valid form goes to its service; the service's refusals go next to
    the fields they name; success is said and the user sent on.

    `save(data)` calls the service with the form's cleaned data; `success` and `then` (a URL) may be callables
    of what it returned. Returns the redirect, or None when the page must show the form again.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.cleaned_data)
    except ValidationError as error:
        errors_to_form(form, error)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return redirect(then(result) if callable(then) else then)


def refused_or_done(request, act: Callable, *, success: str, then: str):
    """For buttons without a form (delete, revoke…): do it, or say why not, and go back."""
    try:
        act()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(then)


STEPS = [
    ("frame", _("Cadre"), "plans:frame"),
    ("structure", _("Structure"), "plans:structure"),
    ("actions", _("Actions"), "plans:actions"),
    ("budget", _("Budget"), "plans:budget"),
    ("indicators", _("Indicateurs"), "indicators:plan_indicators"),
    ("review", _("Relecture"), "plans:review"),
    ("adoption", _("Adoption"), "plans:adopt"),
]


# What the button at the foot of each drafting page says: the next step of STEPS, never another one.
NEXT_STEP_LABELS = {
    "structure": _("Étape suivante : la structure"),
    "actions": _("Étape suivante : les actions"),
    "budget": _("Étape suivante : le budget"),
    "indicators": _("Étape suivante : les indicateurs"),
    "review": _("Étape suivante : la relecture"),
    "adoption": _("Étape suivante : l’adoption"),
}


def next_step(steps: list[dict] | None) -> dict | None:
    """The step after the current one in the stepper, with the button's label; None on the last step."""
    for step, following in itertools.pairwise(steps or []):
        if step["current"]:
            return {**following, "button": NEXT_STEP_LABELS[following["key"]]}
    return None


def stepper(plan: Plan, current: str, counts: dict) -> list[dict]:
    done = {
        "frame": counts["members"] > 0,
        "structure": counts["axes"] > 0,
        "actions": counts["actions"] > 0,
        "budget": counts["budget_lines"] > 0,
        "indicators": counts["indicators"] > 0,
        "review": not plan.is_draft,
        "adoption": not plan.is_draft,
    }
    return [
        {
            "key": key,
            "number": n,
            "label": label,
            "url": reverse(url_name, args=[plan.pk]),
            "done": done[key],
            "current": key == current,
        }
        for n, (key, label, url_name) in enumerate(STEPS, start=1)
    ]


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    current: bool
    count: int | None = None


# The plan's tabs, and the pages (URL names) each one stands for.
TABS = [
    ("detail", _("Le plan"), "plans:detail", {"plans:detail", "plans:status"}),
    ("dashboard", _("Tableau de bord"), "indicators:dashboard",
     {"indicators:dashboard", "indicators:share_links", "indicators:share_link_revoke"}),
    ("frame", _("Cadre"), "plans:frame", {"plans:frame", "plans:partners", "plans:partner_remove", "plans:members",
                                          "plans:member_role", "plans:member_remove"}),
    ("structure", _("Structure"), "plans:structure", {"plans:structure", "plans:pillar_create", "plans:pillar_edit",
                                                      "plans:axis_create", "plans:axis_edit"}),
    ("actions", _("Actions"), "plans:actions", {"plans:actions", "plans:action_create", "plans:catalogue",
                                                "plans:action_detail", "plans:action_edit", "plans:action_delete"}),
    ("timeline", _("Calendrier"), "plans:timeline", {"plans:timeline"}),
    ("budget", _("Budget"), "plans:budget", {"plans:budget", "plans:funding_create", "plans:funding_edit",
                                             "plans:line_create", "plans:line_edit", "plans:line_execution"}),
    ("conventions", _("Conventions"), "plans:conventions", {"plans:conventions", "plans:convention_edit"}),
    ("indicators", _("Indicateurs"), "indicators:plan_indicators",
     {"indicators:plan_indicators", "indicators:indicator_create", "indicators:indicator_edit"}),
    ("tracking", _("Suivi trimestriel"), "indicators:tracking",
     {"indicators:tracking", "indicators:quarter", "indicators:quarter_close", "indicators:quarter_reopen"}),
    ("reports", _("Rapports"), "indicators:reports", {"indicators:reports", "indicators:report_quarter",
                                                      "indicators:report_annual", "indicators:report_suivi",
                                                      "indicators:opendata_dictionary", "indicators:export_status"}),
    ("review", _("Relecture et adoption"), "plans:review", {"plans:review", "plans:adopt"}),
    ("meetings", _("Réunions"), "plans:meetings", {"plans:meetings"}),
    ("history", _("Historique"), "plans:history", {"plans:history"}),
]  # fmt: skip


def plan_tabs(request, plan: Plan, counts: dict) -> list[Tab]:
    """The tabs, the current one read from the URL's name (never from a piece of the path)."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    return [
        Tab(
            label=label,
            url=reverse(url_name, args=[plan.pk]),
            current=view_name in pages,
            count=counts["actions"] if key == "actions" else None,
        )
        for key, label, url_name, pages in TABS
    ]


def plan_context(request, plan: Plan, *, step: str | None = None, crumbs=(), counts=None) -> dict:
    """What every plan page's frame shows: header, tabs, stepper, breadcrumbs and the user's rights."""
    counts = counts if counts is not None else plan_counts(plan=plan)
    steps = stepper(plan, step, counts) if step else None
    breadcrumbs = [(_("Mes plans"), reverse("home")), (plan.title, reverse("plans:detail", args=[plan.pk]))]
    breadcrumbs.extend(crumbs)
    return {
        "plan": plan,
        "can": perms.summary(request.user, plan),
        "role": plan.user_role,
        "counts": counts,
        "tabs": plan_tabs(request, plan, counts),
        "steps": steps,
        "next_step": next_step(steps),
        "breadcrumbs": breadcrumbs,
    }


def query_without(request, *names) -> str:
    """The page's query string without the given parameters: for pagination and sorting links."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
