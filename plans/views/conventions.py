"""Conventions: the agreements the plan runs on, their signatories, and each party's commitments."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from plans import perms
from plans.forms.conventions import CommitmentForm, ConventionForm
from plans.models import Action
from plans.models.conventions import Commitment, CommitmentStatus, ConventionParty
from plans.services import conventions as services
from plans.shortcuts import form_page, get_plan, only_if, plan_context, posted, refused_or_done, save_form


def _list_url(plan):
    return reverse("plans:conventions", args=[plan.pk])


def _anchor(plan, convention_id):
    return f"{_list_url(plan)}#convention-{convention_id}"


def _saved(convention) -> str:
    return _("La convention « %(title)s » est enregistrée.") % {"title": convention.title}


def _page(request, plan, *, form, commitment_forms=None):
    today = timezone.localdate()
    conventions = list(
        plan.conventions.prefetch_related(
            Prefetch("parties", queryset=ConventionParty.objects.select_related("partner").order_by("partner__name")),
            Prefetch(
                "commitments",
                queryset=Commitment.objects.select_related("partner")
                .prefetch_related(Prefetch("actions", queryset=Action.objects.only("title", "plan_id")))
                .order_by("due_on", "pk"),
            ),
        ).order_by("starts_on", "pk")
    )
    editing = perms.can_edit(request.user, plan)
    commitment_forms = commitment_forms or {}
    for convention in conventions:
        convention.rows = [(c, c.state(today), c.state_label(today)) for c in convention.commitments.all()]
        if editing:
            convention.commitment_form = commitment_forms.get(convention.pk) or CommitmentForm(
                convention=convention, prefix=f"c{convention.pk}"
            )
    context = plan_context(request, plan, crumbs=[(_("Conventions"), None)])
    context.update(
        {
            "conventions": conventions,
            "form": form if editing else None,
            "warnings": services.convention_warnings(plan=plan, today=today),
            "statuses": CommitmentStatus,
            "today": today,
        }
    )
    return form_page(request, "plans/conventions.html", context, form, *commitment_forms.values())


@require_http_methods(["GET", "POST"])
def conventions(request, pk):
    plan = get_plan(request, pk)
    only_if(request, perms.can_edit(request.user, plan))
    form = ConventionForm(posted(request), plan=plan)
    done = save_form(
        request,
        form,
        lambda data: services.convention_save(plan=plan, by=request.user, **form.service_fields()),
        success=_saved,
        then=lambda convention: _anchor(plan, convention.pk),
    )
    return done or _page(request, plan, form=form)


@require_http_methods(["GET", "POST"])
def convention_edit(request, pk, convention_pk):
    plan = get_plan(request, pk, perms.can_edit)
    convention = get_object_or_404(plan.conventions, pk=convention_pk)
    form = ConventionForm(posted(request), instance=convention, plan=plan)
    done = save_form(
        request,
        form,
        lambda data: services.convention_save(
            plan=plan, by=request.user, convention=convention, **form.service_fields()
        ),
        success=_saved,
        then=lambda saved: _anchor(plan, saved.pk),
    )
    if done:
        return done
    crumbs = [(_("Conventions"), _list_url(plan)), (convention.title, None)]
    context = plan_context(request, plan, crumbs=crumbs)
    context.update({"form": form, "convention": convention})
    return form_page(request, "plans/convention_form.html", context, form)


@require_POST
def convention_delete(request, pk, convention_pk):
    plan = get_plan(request, pk, perms.can_edit)
    convention = get_object_or_404(plan.conventions, pk=convention_pk)
    return refused_or_done(
        request,
        lambda: services.convention_delete(convention=convention, by=request.user),
        success=_("La convention « %(title)s » est supprimée.") % {"title": convention.title},
        then=_list_url(plan),
    )


@require_POST
def commitment_add(request, pk, convention_pk):
    plan = get_plan(request, pk, perms.can_edit)
    convention = get_object_or_404(plan.conventions, pk=convention_pk)
    form = CommitmentForm(request.POST, convention=convention, prefix=f"c{convention.pk}")
    done = save_form(
        request,
        form,
        lambda data: services.commitment_add(convention=convention, by=request.user, **data),
        success=_("L'engagement est ajouté."),
        then=_anchor(plan, convention.pk),
    )
    return done or _page(request, plan, form=ConventionForm(plan=plan), commitment_forms={convention.pk: form})


@require_POST
def commitment_status(request, pk, commitment_pk):
    plan = get_plan(request, pk, perms.can_edit)
    commitment = get_object_or_404(Commitment.objects.filter(convention__plan=plan), pk=commitment_pk)
    status = request.POST.get("status", "")
    if status not in CommitmentStatus.values:
        raise PermissionDenied
    return refused_or_done(
        request,
        lambda: services.commitment_set_status(
            commitment=commitment, by=request.user, status=status, on=timezone.localdate()
        ),
        success=_("L'engagement est noté « %(state)s ».") % {"state": CommitmentStatus(status).label},
        then=_anchor(plan, commitment.convention_id),
    )
