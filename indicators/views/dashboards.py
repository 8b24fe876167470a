"""Dashboards: a plan's, the overview of every plan a user follows, and the public read-only share link."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from indicators import perms, services
from indicators.models import ShareLink
from indicators.selectors import SORTS, plan_dashboard, plans_overview
from plans.forms import PlanFilterForm
from plans.selectors import plan_departments
from plans.services.conventions import convention_warnings
from plans.shortcuts import as_context, errors_to_form, get_plan, plan_context, query_without

NOINDEX = "noindex, nofollow, noarchive"


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Destinataire"),
        max_length=120,
        help_text=gettext_lazy("Pour vous y retrouver : « Préfecture », « réunion du 12 mars »…"),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Durée de validité"),
        coerce=int,
        choices=[
            (7, gettext_lazy("7 jours")),
            (30, gettext_lazy("30 jours")),
            (90, gettext_lazy("90 jours")),
            (180, gettext_lazy("180 jours")),
        ],
        initial=30,
    )


@require_GET
def dashboard(request, pk):
    plan = get_plan(request, pk)
    context = plan_context(request, plan, crumbs=[(_("Tableau de bord"), None)])
    include = request.GET.get("submitted") == "1"
    dashboard = plan_dashboard(plan=plan, today=timezone.localdate(), include_submitted=include)
    # The conventions' warnings beside the money's (never on a share link): an agreement ending, a commitment late.
    dashboard.budget.warnings = dashboard.budget.warnings + convention_warnings(plan=plan, today=timezone.localdate())
    context.update(as_context(dashboard))
    context["can_share"] = perms.can_share(request.user, plan)
    return render(request, "indicators/dashboard.html", context)


@require_http_methods(["GET", "POST"])
def share_links(request, pk):
    plan = get_plan(request, pk, perms.can_share)
    form = ShareLinkForm(request.POST if request.method == "POST" else None)
    new_url = None
    if request.method == "POST" and form.is_valid():
        try:
            link, token = services.share_link_create(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            # Shown once: only the token's hash is stored.
            new_url = request.build_absolute_uri(reverse("shared_dashboard", args=[token]))
            form = ShareLinkForm()
            messages.success(request, _("Le lien pour « %(label)s » est créé.") % {"label": link.label})
    crumbs = [(_("Tableau de bord"), reverse("indicators:dashboard", args=[plan.pk])), (_("Liens de partage"), None)]
    context = plan_context(request, plan, crumbs=crumbs)
    context.update(
        {
            "form": form,
            "links": plan.share_links.select_related("created_by"),
            "new_url": new_url,
            "now": timezone.now(),
        }
    )
    return render(request, "indicators/share_links.html", context, status=400 if form.errors else 200)


@require_POST
def share_link_revoke(request, pk, link_pk):
    plan = get_plan(request, pk, perms.can_share)
    link = get_object_or_404(plan.share_links, pk=link_pk)
    services.share_link_revoke(link=link, by=request.user)
    messages.success(request, _("Le lien pour « %(label)s » est révoqué.") % {"label": link.label})
    return redirect("indicators:share_links", plan.pk)


@login_not_required
@require_GET
def shared_dashboard(request, token):
    """The dashboard for a partner without an account: read-only, no names of people, not indexed."""
    link = ShareLink.objects.for_token(token).select_related("plan__territory").first()
    if link is None:
        raise Http404
    if link.is_revoked or link.is_expired():
        response = render(request, "indicators/share_unavailable.html", {"link": link}, status=410)
    else:
        context = {"plan": link.plan, "link": link, "shared": True}
        include = request.GET.get("submitted") == "1"
        dashboard = plan_dashboard(plan=link.plan, today=timezone.localdate(), include_submitted=include, publish=True)
        context.update(as_context(dashboard))
        response = render(request, "indicators/dashboard_public.html", context)
    response["X-Robots-Tag"] = NOINDEX
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def overview(request):
    """Every plan the user follows, filtered and paginated, with totals and a roll-up per département."""
    form = PlanFilterForm(request.GET or None, departments=plan_departments(user=request.user))
    sort = request.GET.get("sort", "title")
    sort = sort if sort in SORTS else "title"
    result = plans_overview(
        user=request.user,
        filters=form.filters() if form.is_bound else {},
        sort=sort,
        page=request.GET.get("page"),
        today=timezone.localdate(),
    )
    context = {
        "form": form,
        "result": result,
        "page": result.page.page,
        "page_note": result.page.note,
        "sort": sort,
        "query": query_without(request, "page"),
        "sort_query": query_without(request, "page", "sort"),
        "breadcrumbs": [(_("Mes plans"), reverse("home")), (_("Vue d'ensemble"), None)],
    }
    return render(request, "indicators/overview.html", context, status=400 if form.errors else 200)
