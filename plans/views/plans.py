"""The plan itself: list, creation (or its request), the tree page, frame, partners, members, review, adoption,
meetings."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.inputs import parse_id
from plans import perms, selectors, services
from plans.enums import PLAN_TRANSITIONS, PlanStatus
from plans.forms import (
    AdoptionForm,
    MeetingForm,
    MemberInviteForm,
    MemberRoleForm,
    PartnerAddForm,
    PlanCreateForm,
    PlanFilterForm,
    PlanFrameForm,
    PlanStatusForm,
)
from plans.models import Membership, Plan, PlanRequest, PlanTemplate, SpreadsheetImport
from plans.shortcuts import (
    form_page,
    get_plan,
    only_if,
    plan_context,
    posted,
    query_without,
    refused_or_done,
    save_form,
)


@require_GET
def home(request):
    """The plans the user follows, newest first, paginated and filterable (a préfecture follows thousands)."""
    form = PlanFilterForm(request.GET or None, departments=selectors.plan_departments(user=request.user))
    plans = selectors.plans_list(
        user=request.user,
        filters=form.filters() if form.is_bound else {},
        page=request.GET.get("page"),
        today=timezone.localdate(),
    )
    context = {
        "form": form,
        "page": plans.page,
        "page_note": plans.note,
        "query": query_without(request, "page"),
        "creates": perms.creates_plans_directly(request.user),
        "operator": perms.is_platform_operator(request.user),
        # The user's own requests still waiting, or decided in the last month.
        "requests": list(
            PlanRequest.objects.filter(requested_by=request.user)
            .filter(Q(state=PlanRequest.PENDING) | Q(decided_at__gte=timezone.now() - datetime.timedelta(days=30)))
            .select_related("plan")[:10]
        ),
    }
    return render(request, "plans/home.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def plan_create(request):
    """A new plan: created at once for a territory whose authority is the user's organisation (or by the
    platform's team); otherwise asked for, and the platform's team decides (plans.services.requests)."""
    asks = not perms.creates_plans_directly(request.user)
    form = PlanCreateForm(
        posted(request),
        request.FILES or None,
        asks=asks,
        initial={"country": selectors.user_country(request.user)},
    )

    def save(data):
        if not perms.can_create_plan(request.user, selectors.territory_of(data)):
            return services.plan_request_submit(by=request.user, base_url=request.build_absolute_uri("/"), **data)
        if data["spreadsheet"]:  # the plan is created with the import, once its preview is confirmed
            name, content = data["spreadsheet"]
            upload = services.plan_upload_spreadsheet(
                plan=None, new_plan=data, by=request.user, filename=name, content=content
            )
            return upload
        plan = services.plan_create_from(by=request.user, data=data)
        return reverse("plans:detail", args=[plan.pk])

    def said(result) -> str:
        if isinstance(result, PlanRequest):
            message = _(
                "Votre demande est envoyée à l'équipe de la plateforme : votre organisation n'est pas enregistrée "
                "comme l'autorité de ce territoire. Vous recevrez un message dès qu'elle sera examinée ; le plan "
                "apparaîtra alors dans « Mes plans »."
            )
            if request.FILES:
                message += " " + _("Le tableau joint n'est pas gardé : vous l'importerez une fois le plan créé.")
            return message
        if isinstance(result, SpreadsheetImport):
            return _("Vérifiez ce que le tableau créera : le plan est créé quand vous confirmez l'import.")
        return _("Le plan est créé. Vous en êtes le coordinateur.")

    done = save_form(
        request,
        form,
        save,
        success=said,
        then=lambda result: (
            reverse("home")
            if isinstance(result, PlanRequest)
            else reverse("indicators:new_plan_import", args=[result.pk])
            if isinstance(result, SpreadsheetImport)
            else result
        ),
    )
    context = {
        "form": form,
        "asks": asks,
        "templates": PlanTemplate.objects.all(),
        "breadcrumbs": [(_("Mes plans"), reverse("home")), (_("Nouveau plan"), None)],
    }
    return done or form_page(request, "plans/plan_create.html", context, form)


@require_http_methods(["GET", "POST"])
def plan_requests(request):
    """The platform's team: the plans asked for, to approve (the plan is created) or refuse with a reason."""
    if not perms.is_platform_operator(request.user):
        raise PermissionDenied
    errors = {}
    if request.method == "POST":
        asked = get_object_or_404(PlanRequest, pk=parse_id(request.POST.get("demande")) or 0)
        base_url = request.build_absolute_uri("/")
        try:
            if request.POST.get("decision") == "accepter":
                services.plan_request_approve(
                    request=asked,
                    by=request.user,
                    record_authority=bool(request.POST.get("autorite")),
                    base_url=base_url,
                )
                messages.success(request, _("La demande est acceptée : le plan est créé."))
            else:
                services.plan_request_refuse(
                    request=asked, by=request.user, reason=request.POST.get("motif", ""), base_url=base_url
                )
                messages.success(request, _("La demande est refusée ; son auteur en est informé."))
            return redirect("plans:requests")
        except ValidationError as error:
            if not PlanRequest.objects.filter(pk=asked.pk, state=PlanRequest.PENDING).exists():
                messages.error(request, " ".join(error.messages))  # decided meanwhile, by someone else
                return redirect("plans:requests")
            errors[asked.pk] = " ".join(error.messages)
    pending = PlanRequest.objects.filter(state=PlanRequest.PENDING).select_related("requested_by__partner", "template")
    decided = (
        PlanRequest.objects.exclude(state=PlanRequest.PENDING)
        .select_related("requested_by", "decided_by", "plan")
        .order_by("-decided_at")[:30]
    )
    context = {
        "pending": [(r, errors.get(r.pk, "")) for r in pending],
        "decided": decided,
        "typed": request.POST if errors else {},
        "breadcrumbs": [(_("Mes plans"), reverse("home")), (_("Demandes de plan"), None)],
    }
    return render(request, "plans/plan_requests.html", context, status=400 if errors else 200)


@require_GET
def plan_detail(request, pk):
    plan = get_plan(request, pk, queryset=Plan.objects.with_tree())
    overview = selectors.plan_overview(plan=plan)
    context = plan_context(request, plan, step=None)
    context.update(
        {
            "status_counts": overview.status_counts,
            "late_count": overview.late_count,
            "breadcrumbs": context["breadcrumbs"][:-1] + [(plan.title, None)],
        }
    )
    return render(request, "plans/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_frame(request, pk):
    plan = get_plan(request, pk)
    can_edit = perms.can_edit(request.user, plan)
    only_if(request, can_edit)
    form = PlanFrameForm(posted(request), instance=plan)
    done = save_form(
        request,
        form,
        lambda data: services.plan_update(plan=plan, by=request.user, **data),
        success=_("Le cadre du plan est enregistré."),
        then=reverse("plans:frame", args=[plan.pk]),
    )
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    memberships = plan.memberships.select_related("user__partner").order_by("role", "user__last_name")
    context = plan_context(request, plan, step="frame", crumbs=[(_("Cadre"), None)])
    context.update({"form": form, "memberships": memberships, "partners": plan.partners.all()})
    return done or form_page(request, "plans/frame.html", context, form)


def _frame_crumbs(plan, label):
    return [(_("Cadre"), reverse("plans:frame", args=[plan.pk])), (label, None)]


@require_http_methods(["GET", "POST"])
def plan_partners(request, pk):
    plan = get_plan(request, pk)
    only_if(request, perms.can_edit(request.user, plan))
    form = PartnerAddForm(posted(request), plan=plan)
    done = save_form(
        request,
        form,
        lambda data: services.plan_partner_add(plan=plan, by=request.user, **data),
        success=lambda partner: _("%(partner)s est partenaire du plan.") % {"partner": partner},
        then=reverse("plans:partners", args=[plan.pk]),
    )
    context = plan_context(request, plan, step="frame", crumbs=_frame_crumbs(plan, _("Partenaires")))
    context.update({"form": form, "partners": plan.partners.order_by("name")})
    return done or form_page(request, "plans/partners.html", context, form)


@require_POST
def plan_partner_remove(request, pk, partner_pk):
    plan = get_plan(request, pk, perms.can_edit)
    partner = get_object_or_404(plan.partners.all(), pk=partner_pk)
    return refused_or_done(
        request,
        lambda: services.plan_partner_remove(plan=plan, by=request.user, partner=partner),
        success=_("%(partner)s n'est plus partenaire du plan.") % {"partner": partner},
        then=reverse("plans:partners", args=[plan.pk]),
    )


@require_http_methods(["GET", "POST"])
def plan_members(request, pk):
    plan = get_plan(request, pk)
    can_manage = perms.can_manage_members(request.user, plan)
    only_if(request, can_manage)
    form = MemberInviteForm(posted(request), plan=plan)
    done = save_form(
        request,
        form,
        lambda data: services.member_invite(
            plan=plan, by=request.user, base_url=request.build_absolute_uri("/")[:-1], **data
        ),
        success=lambda membership: (
            # The role's name stays as written ("Lecteur"): a sentence around it would guess the person's gender.
            _("%(user)s a le rôle « %(role)s » sur le plan ; une invitation lui a été envoyée.")
            % {"user": membership.user, "role": membership.get_role_display()}
        ),
        then=reverse("plans:members", args=[plan.pk]),
    )
    memberships = plan.memberships.select_related("user__partner").order_by("role", "user__last_name", "user__email")
    context = plan_context(request, plan, step="frame", crumbs=_frame_crumbs(plan, _("Membres")))
    context.update({"form": form, "memberships": memberships, "role_form": MemberRoleForm(), "can_manage": can_manage})
    return done or form_page(request, "plans/members.html", context, form)


def _membership(plan, membership_pk):
    return get_object_or_404(Membership.objects.select_related("plan", "user"), plan=plan, pk=membership_pk)


@require_POST
def plan_member_role(request, pk, membership_pk):
    plan = get_plan(request, pk, perms.can_manage_members)
    membership = _membership(plan, membership_pk)
    form = MemberRoleForm(request.POST)
    back = reverse("plans:members", args=[plan.pk])
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle dans la liste."))
        return redirect(back)
    return refused_or_done(
        request,
        lambda: services.member_change_role(
            membership=membership,
            by=request.user,
            role=form.cleaned_data["role"],
            validator=form.cleaned_data["validator"],
        ),
        success=_("Le rôle de %(user)s est modifié.") % {"user": membership.user},
        then=back,
    )


@require_POST
def plan_member_remove(request, pk, membership_pk):
    plan = get_plan(request, pk, perms.can_manage_members)
    membership = _membership(plan, membership_pk)
    return refused_or_done(
        request,
        lambda: services.member_remove(membership=membership, by=request.user),
        success=_("%(user)s n'est plus membre du plan.") % {"user": membership.user},
        then=reverse("plans:members", args=[plan.pk]),
    )


@require_GET
def plan_review(request, pk):
    plan = get_plan(request, pk)
    context = plan_context(request, plan, step="review", crumbs=[(_("Relecture"), None)])
    context["readiness"] = selectors.plan_readiness(plan=plan)
    return render(request, "plans/review.html", context)


@require_http_methods(["GET", "POST"])
def plan_adopt(request, pk):
    plan = get_plan(request, pk)
    only_if(request, perms.can_adopt(request.user, plan))
    form = AdoptionForm(posted(request), plan=plan)
    done = save_form(
        request,
        form,
        lambda data: services.plan_adopt(plan=plan, by=request.user, **data),
        success=_("Le plan est adopté."),
        then=reverse("plans:detail", args=[plan.pk]),
    )
    context = plan_context(request, plan, step="adoption", crumbs=[(_("Adoption"), None)])
    context.update({"form": form, "readiness": selectors.plan_readiness(plan=plan) if plan.is_draft else None})
    return done or form_page(request, "plans/adopt.html", context, form)


@require_http_methods(["GET", "POST"])
def plan_status(request, pk):
    """Confirm, then apply, a status change: start tracking, close (confirmed), or reopen (with a reason)."""
    plan = get_plan(request, pk, perms.can_change_status)
    allowed = PLAN_TRANSITIONS.get(plan.status, ())
    wanted = request.GET.get("to")
    form = PlanStatusForm(posted(request), plan=plan, initial={"status": wanted if wanted in allowed else None})
    done = save_form(
        request,
        form,
        lambda data: services.plan_change_status(
            plan=plan,
            by=request.user,
            status=data["status"],
            confirm_open_quarters=data["confirm"],
            reason=data["reason"],
        ),
        success=lambda plan: _("Le plan est maintenant « %(status)s ».") % {"status": plan.get_status_display()},
        then=reverse("plans:detail", args=[plan.pk]),
    )
    target = form["status"].value()
    context = plan_context(request, plan, crumbs=[(_("Statut"), None)])
    context.update(
        {
            "form": form,
            "target": target if target in allowed else None,
            "target_label": PlanStatus(target).label if target in allowed else "",
            "open_quarters": [p for p in plan.periods.order_by("year", "quarter") if not p.is_closed],
        }
    )
    return done or form_page(request, "plans/status_confirm.html", context, form)


@require_http_methods(["GET", "POST"])
def plan_meetings(request, pk):
    plan = get_plan(request, pk)
    only_if(request, perms.can_record_meetings(request.user, plan))
    form = MeetingForm(posted(request), plan=plan)
    done = save_form(
        request,
        form,
        lambda data: services.meeting_record(plan=plan, by=request.user, **data),
        success=_("La réunion est enregistrée."),
        then=reverse("plans:meetings", args=[plan.pk]),
    )
    context = plan_context(request, plan, crumbs=[(_("Réunions"), None)])
    context.update({"form": form, "meetings": plan.meetings.all()})
    return done or form_page(request, "plans/meetings.html", context, form)
