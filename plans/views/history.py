"""The plan's change history: who changed what and when, visible to every member (money included)."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from plans import selectors
from plans.shortcuts import get_plan, plan_context


@require_GET
def plan_history(request, pk):
    plan = get_plan(request, pk)
    context = plan_context(request, plan, crumbs=[(_("Historique"), None)])
    context.update({"entries": selectors.plan_history(plan=plan), "limit": selectors.HISTORY_LIMIT})
    return render(request, "plans/history.html", context)
