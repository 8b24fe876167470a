"""What every plan page shares: the scoped fetch, the stepper and the breadcrumbs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import IntegerField, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from plans import perms
from plans.models import Axis, Plan


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


STEPS = [
    ("frame", _("Cadre"), "plans:frame"),
    ("structure", _("Structure"), "plans:structure"),
    ("actions", _("Actions"), "plans:actions"),
    ("budget", _("Budget"), "plans:budget"),
    ("indicators", _("Indicateurs"), "indicators:plan_indicators"),
    ("review", _("Relecture"), "plans:review"),
    ("adoption", _("Adoption"), "plans:adopt"),
]


def errors_to_form(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the form fields it names; the rest at the top of the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


class SubqueryCount(Subquery):
    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def plan_counts(plan: Plan) -> dict:
    """One query, without multiplying joins: the sizes the stepper and the plan header show."""
    sizes = {
        "pillars": plan.pillars.values("pk"),
        "axes": Axis.objects.filter(pillar__plan=plan).values("pk"),
        "actions": plan.actions.values("pk"),
        "indicators": plan.indicators.values("pk"),
        "members": plan.memberships.values("pk"),
        "partners": plan.partners.values("pk"),
        "budget_lines": plan.budget_lines.values("pk"),
    }
    row = (
        Plan.objects.filter(pk=plan.pk)
        .annotate(**{f"n_{name}": SubqueryCount(qs.order_by()) for name, qs in sizes.items()})
        .values(*(f"n_{name}" for name in sizes))
        .get()
    )
    return {name: row[f"n_{name}"] for name in sizes}


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


def plan_context(request, plan: Plan, *, step: str | None = None, crumbs=(), counts=None) -> dict:
    counts = counts if counts is not None else plan_counts(plan)
    breadcrumbs = [(_("Mes plans"), reverse("home")), (plan.title, reverse("plans:detail", args=[plan.pk]))]
    breadcrumbs.extend(crumbs)
    return {
        "plan": plan,
        "can": perms.summary(request.user, plan),
        "role": plan.user_role,
        "counts": counts,
        "steps": stepper(plan, step, counts) if step else None,
        "breadcrumbs": breadcrumbs,
    }
