"""The plan itself: list, creation, the tree page, frame, partners, members, review, adoption, meetings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans import perms, services
from plans.enums import ActionStatus, PlanStatus
from plans.forms import (
    AdoptionForm,
    MeetingForm,
    MemberInviteForm,
    MemberRoleForm,
    PartnerAddForm,
    PlanCreateForm,
    PlanFrameForm,
)
from plans.models import Membership, Plan, PlanTemplate
from plans.views.common import errors_to_form, get_plan, plan_context


@require_GET
def home(request):
    plans = list(Plan.objects.visible_to(request.user).with_list_data().order_by("-period_start", "title"))
    return render(request, "plans/home.html", {"plans": plans})


@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            territory = services.territory_get_or_create(
                name=data["territory_name"],
                kind=data["territory_kind"],
                country=data["country"],
                official_code=data["official_code"],
                population=data["population"],
            )
            plan = services.plan_create(
                by=request.user,
                territory=territory,
                title=data["title"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                description=data["description"],
                template=data["template"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le plan est créé. Vous en êtes le coordinateur."))
            return redirect("plans:detail", plan.pk)
    return render(
        request,
        "plans/plan_create.html",
        {
            "form": form,
            "templates": PlanTemplate.objects.all(),
            "breadcrumbs": [(_("Mes plans"), reverse("home")), (_("Nouveau plan"), None)],
        },
    )


@require_GET
def plan_detail(request, pk):
    plan = get_plan(request, pk, queryset=Plan.objects.with_tree())
    today = timezone.localdate()
    status_counts = dict.fromkeys(ActionStatus.values, 0)
    late = 0
    for pillar in plan.pillars.all():
        for axis in pillar.axes.all():
            for action in axis.actions.all():
                status_counts[action.status] += 1
                action.is_late_today = action.is_late(today)
                late += action.is_late_today
    context = plan_context(request, plan, step=None)
    context.update(
        {
            "status_counts": [(ActionStatus(s).label, s, n) for s, n in status_counts.items()],
            "late_count": late,
            "breadcrumbs": context["breadcrumbs"][:-1] + [(plan.title, None)],
        }
    )
    return render(request, "plans/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_frame(request, pk):
    plan = get_plan(request, pk)
    can_edit = perms.can_edit(request.user, plan)
    form = PlanFrameForm(request.POST or None, instance=plan)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.plan_update(plan=plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Le cadre du plan est enregistré."))
                return redirect("plans:frame", plan.pk)
    if not can_edit:
        for field in form.fields.values():
            field.disabled = True
    memberships = plan.memberships.select_related("user__partner").order_by("role", "user__last_name")
    context = plan_context(request, plan, step="frame", crumbs=[(_("Cadre"), None)])
    context.update({"form": form, "memberships": memberships, "partners": plan.partners.all()})
    return render(request, "plans/frame.html", context)


@require_http_methods(["GET", "POST"])
def plan_partners(request, pk):
    plan = get_plan(request, pk)
    form = PartnerAddForm(request.POST or None)
    if request.method == "POST":
        if not perms.can_edit(request.user, plan):
            raise PermissionDenied
        if form.is_valid():
            try:
                partner = services.plan_partner_add(plan=plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("%(partner)s est partenaire du plan.") % {"partner": partner})
                return redirect("plans:partners", plan.pk)
    context = plan_context(
        request,
        plan,
        step="frame",
        crumbs=[(_("Cadre"), reverse("plans:frame", args=[plan.pk])), (_("Partenaires"), None)],
    )
    context.update({"form": form, "partners": plan.partners.order_by("name")})
    return render(request, "plans/partners.html", context, status=400 if form.errors else 200)


@require_POST
def plan_partner_remove(request, pk, partner_pk):
    plan = get_plan(request, pk, perms.can_edit)
    partner = get_object_or_404(plan.partners.all(), pk=partner_pk)
    try:
        services.plan_partner_remove(plan=plan, by=request.user, partner=partner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(partner)s n'est plus partenaire du plan.") % {"partner": partner})
    return redirect("plans:partners", plan.pk)


@require_http_methods(["GET", "POST"])
def plan_members(request, pk):
    plan = get_plan(request, pk)
    can_manage = perms.can_manage_members(request.user, plan)
    form = MemberInviteForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                membership = services.member_invite(
                    plan=plan, by=request.user, base_url=request.build_absolute_uri("/")[:-1], **form.cleaned_data
                )
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("%(user)s est %(role)s du plan ; une invitation lui a été envoyée.")
                    % {"user": membership.user, "role": membership.get_role_display().lower()},
                )
                return redirect("plans:members", plan.pk)
    memberships = plan.memberships.select_related("user__partner").order_by("role", "user__last_name", "user__email")
    context = plan_context(
        request,
        plan,
        step="frame",
        crumbs=[(_("Cadre"), reverse("plans:frame", args=[plan.pk])), (_("Membres"), None)],
    )
    context.update({"form": form, "memberships": memberships, "role_form": MemberRoleForm(), "can_manage": can_manage})
    return render(request, "plans/members.html", context, status=400 if form.errors else 200)


@require_POST
def plan_member_role(request, pk, membership_pk):
    plan = get_plan(request, pk, perms.can_manage_members)
    membership = get_object_or_404(Membership.objects.select_related("plan", "user"), plan=plan, pk=membership_pk)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.member_change_role(membership=membership, by=request.user, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Le rôle de %(user)s est modifié.") % {"user": membership.user})
    else:
        messages.error(request, _("Choisissez un rôle dans la liste."))
    return redirect("plans:members", plan.pk)


@require_POST
def plan_member_remove(request, pk, membership_pk):
    plan = get_plan(request, pk, perms.can_manage_members)
    membership = get_object_or_404(Membership.objects.select_related("plan", "user"), plan=plan, pk=membership_pk)
    try:
        services.member_remove(membership=membership, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(user)s n'est plus membre du plan.") % {"user": membership.user})
    return redirect("plans:members", plan.pk)


@require_GET
def plan_review(request, pk):
    plan = get_plan(request, pk)
    readiness = services.plan_readiness(plan)
    context = plan_context(request, plan, step="review", crumbs=[(_("Relecture"), None)])
    context["readiness"] = readiness
    return render(request, "plans/review.html", context)


@require_http_methods(["GET", "POST"])
def plan_adopt(request, pk):
    plan = get_plan(request, pk)
    form = AdoptionForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not perms.can_adopt(request.user, plan):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.plan_adopt(plan=plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Le plan est adopté."))
                return redirect("plans:detail", plan.pk)
    context = plan_context(request, plan, step="adoption", crumbs=[(_("Adoption"), None)])
    context.update({"form": form, "readiness": services.plan_readiness(plan) if plan.is_draft else None})
    return render(request, "plans/adopt.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def plan_status(request, pk):
    """Confirm, then apply, a status change: start tracking an adopted plan, or close it."""
    plan = get_plan(request, pk, perms.can_change_status)
    target = request.POST.get("status") or request.GET.get("vers")
    if target not in {PlanStatus.ACTIVE, PlanStatus.CLOSED}:
        target = PlanStatus.ACTIVE if plan.status == PlanStatus.ADOPTED else PlanStatus.CLOSED
    if request.method == "POST":
        try:
            services.plan_change_status(plan=plan, by=request.user, status=target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Le plan est maintenant « %(status)s ».") % {"status": plan.get_status_display()}
            )
        return redirect("plans:detail", plan.pk)
    context = plan_context(request, plan, crumbs=[(_("Statut"), None)])
    context.update({"target": target, "target_label": PlanStatus(target).label})
    return render(request, "plans/status_confirm.html", context)


@require_http_methods(["GET", "POST"])
def plan_meetings(request, pk):
    plan = get_plan(request, pk)
    form = MeetingForm(request.POST or None, plan=plan)
    if request.method == "POST":
        if not perms.can_record_meetings(request.user, plan):
            raise PermissionDenied
        if form.is_valid():
            services.meeting_record(plan=plan, by=request.user, **form.cleaned_data)
            messages.success(request, _("La réunion est enregistrée."))
            return redirect("plans:meetings", plan.pk)
    context = plan_context(request, plan, crumbs=[(_("Réunions"), None)])
    context.update({"form": form, "meetings": plan.meetings.all()})
    return render(request, "plans/meetings.html", context, status=400 if form.errors else 200)
