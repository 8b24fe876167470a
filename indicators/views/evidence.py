"""Evidence pages: the files backing an action's quarter, an action or a meeting; the download; the removal.

Files are read only through `evidence_file`, for members of the plan: a signed-in outsider gets a 404 that says
nothing of whether the file exists, a visitor without a session (a share link's, say) the login page.
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.formats import file_size
from core.uploads import ACCEPT, KINDS, accepted_kinds
from indicators.enums import EvidenceHolder
from indicators.evidence import (
    UNKNOWN,
    Target,
    can_attach,
    can_remove,
    evidence_add,
    evidence_delete,
    frozen_reason,
    plan_usage,
)
from indicators.models import ActionReview, Evidence, Measurement, format_value
from plans import perms as plan_perms
from plans.models import Action
from plans.shortcuts import errors_to_form, form_page, get_plan, plan_context


class EvidenceForm(forms.Form):
    target = forms.ChoiceField(label=_lazy("Rattacher à"))
    file = forms.FileField(
        label=_lazy("Fichier"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        error_messages={
            "required": _lazy("Choisissez un fichier."),
            "empty": _lazy("Le fichier est vide."),
            "invalid": _lazy("Aucun fichier n'a été reçu : choisissez-le à nouveau."),
        },
    )

    def __init__(self, *args, targets: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.fields["target"].choices = [(key, label) for key, (label, _target) in targets.items()]
        self.fields["file"].help_text = _("%(kinds)s ; 10 Mo au plus. Le type est vérifié d'après le contenu.") % {
            "kinds": accepted_kinds()
        }
        if len(targets) == 1:
            self.fields["target"].widget = forms.HiddenInput()
            self.fields["target"].initial = next(iter(targets))


@dataclass
class Group:
    title: str
    note: str = ""
    files: list = field(default_factory=list)  # (evidence, removable)
    link: str = ""


def _files(user, plan, evidence, review=UNKNOWN) -> list:
    return [(item, can_remove(user, plan, item, review)) for item in evidence]


def _page(request, plan, *, title, intro, groups, targets, frozen, back, crumbs):
    form = EvidenceForm(request.POST if request.method == "POST" else None, request.FILES or None, targets=targets)
    if request.method == "POST":
        if not targets:
            raise PermissionDenied
        if form.is_valid():
            _label, target = targets[form.cleaned_data["target"]]
            try:
                evidence = evidence_add(plan=plan, by=request.user, target=target, upload=form.cleaned_data["file"])
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(
                    request,
                    _("« %(name)s » est ajouté (%(size)s).")
                    % {"name": evidence.name, "size": file_size(evidence.size)},
                )
                return redirect(request.path)
    used, quota = plan_usage(plan)
    context = plan_context(request, plan, crumbs=crumbs)
    context.update(
        {
            "title": title,
            "intro": intro,
            "groups": groups,
            "form": form if targets else None,
            "frozen": frozen,
            "back": back,
            "used": file_size(used),
            "quota": file_size(quota),
            "kinds": {key: kind.label for key, kind in KINDS.items()},
        }
    )
    return form_page(request, "indicators/evidence.html", context, form)


def _action(plan, action_pk) -> Action:
    return get_object_or_404(plan.actions.select_related("axis__pillar", "lead"), pk=action_pk)


@require_http_methods(["GET", "POST"])
def quarter_evidence(request, pk, year, quarter, action_pk):
    """The files backing an action's quarter: its progress, and each of its indicators' values."""
    plan = get_plan(request, pk)
    period = get_object_or_404(plan.periods, year=year, quarter=quarter)
    action = _action(plan, action_pk)
    review = ActionReview.objects.filter(action=action, period=period).first()
    indicators = list(action.indicators.order_by("order", "pk"))
    values = {m.indicator_id: m for m in Measurement.objects.filter(period=period, indicator__in=indicators)}
    evidence = list(
        Evidence.objects.filter(period=period, action=action).select_related(
            "uploaded_by", "action", "indicator", "period"
        )
    )
    progress = Target(EvidenceHolder.PROGRESS, action=action, period=period)
    groups = [
        Group(
            _("Avancement du trimestre"),
            files=_files(request.user, plan, [e for e in evidence if e.holder == EvidenceHolder.PROGRESS], review),
        )
    ]
    targets = {}
    if can_attach(request.user, plan, progress, review):
        targets["avancement"] = (_("l'avancement du trimestre"), progress)
    for indicator in indicators:
        value = values.get(indicator.pk)
        shown = format_value(indicator, value.value_number, value.value_text) if value else _("pas encore de valeur")
        label = f"{indicator.letter} · {indicator.label}"
        groups.append(
            Group(
                label,
                note=_("Valeur du trimestre : %(value)s") % {"value": shown},
                files=_files(request.user, plan, [e for e in evidence if e.indicator_id == indicator.pk], review),
            )
        )
        target = Target(EvidenceHolder.VALUE, action=action, indicator=indicator, period=period)
        if can_attach(request.user, plan, target, review):
            targets[f"i{indicator.pk}"] = (_("la valeur de %(label)s") % {"label": label}, target)
    quarter_url = reverse("indicators:quarter", args=[plan.pk, year, quarter])
    return _page(
        request,
        plan,
        title=_("Pièces justificatives — %(period)s") % {"period": period.label},
        intro=action.title,
        groups=groups,
        targets=targets,
        frozen=frozen_reason(plan, progress, review),
        back=(quarter_url, _("Retour au %(period)s") % {"period": period.label}),
        crumbs=[(_("Suivi"), quarter_url), (_("Pièces justificatives"), None)],
    )


@require_http_methods(["GET", "POST"])
def action_evidence(request, pk, action_pk):
    """The files backing an action itself (its convention, its programme), and a list of its quarters' files."""
    plan = get_plan(request, pk)
    action = _action(plan, action_pk)
    evidence = list(
        Evidence.objects.filter(action=action)
        .select_related("uploaded_by", "action", "indicator", "period")
        .order_by("period__year", "period__quarter", "uploaded_at")
    )
    own = Target(EvidenceHolder.ACTION, action=action)
    groups = [
        Group(_("Documents de l'action"), files=_files(request.user, plan, [e for e in evidence if e.period is None]))
    ]
    quarters = {}
    for item in evidence:
        if item.period is not None:
            quarters.setdefault(item.period, []).append(item)
    for period, files in quarters.items():
        groups.append(
            Group(
                period.label,
                note=_("Pièces de l'avancement et des valeurs du trimestre."),
                files=[(item, False) for item in files],
                link=reverse("indicators:quarter_evidence", args=[plan.pk, period.year, period.quarter, action.pk]),
            )
        )
    detail = reverse("plans:action_detail", args=[plan.pk, action.pk])
    return _page(
        request,
        plan,
        title=_("Pièces justificatives de l'action"),
        intro=action.title,
        groups=groups,
        targets={"action": (_("l'action"), own)} if can_attach(request.user, plan, own) else {},
        frozen=frozen_reason(plan, own),
        back=(detail, _("Retour à l'action")),
        crumbs=[(_("Actions"), reverse("plans:actions", args=[plan.pk])), (_("Pièces justificatives"), None)],
    )


@require_http_methods(["GET", "POST"])
def meeting_evidence(request, pk, meeting_pk):
    """Minutes, attendance sheets and slides of a meeting of the plan's committees."""
    plan = get_plan(request, pk)
    meeting = get_object_or_404(plan.meetings, pk=meeting_pk)
    target = Target(EvidenceHolder.MEETING, meeting=meeting)
    evidence = meeting.evidence.select_related("uploaded_by", "meeting")
    can = can_attach(request.user, plan, target)
    back = reverse("plans:meetings", args=[plan.pk]) if plan_perms.can_record_meetings(request.user, plan) else None
    return _page(
        request,
        plan,
        title=_("Pièces de la réunion"),
        intro=str(meeting),
        groups=[Group(_("Compte rendu, feuille d'émargement, supports"), files=_files(request.user, plan, evidence))],
        targets={"reunion": (_("la réunion"), target)} if can else {},
        frozen=frozen_reason(plan, target),
        back=(back, _("Retour aux réunions")) if back else None,
        crumbs=[(_("Réunions"), back), (_("Pièces"), None)],
    )


@require_http_methods(["GET", "POST"])
def convention_evidence(request, pk, convention_pk):
    """The signed convention, and its amendments."""
    plan = get_plan(request, pk)
    convention = get_object_or_404(plan.conventions, pk=convention_pk)
    target = Target(EvidenceHolder.CONVENTION, convention=convention)
    evidence = convention.evidence.select_related("uploaded_by", "convention")
    back = reverse("plans:conventions", args=[plan.pk])
    return _page(
        request,
        plan,
        title=_("Convention signée"),
        intro=convention.title,
        groups=[Group(_("Convention signée, avenants"), files=_files(request.user, plan, evidence))],
        targets={"convention": (_("la convention"), target)} if can_attach(request.user, plan, target) else {},
        frozen=frozen_reason(plan, target),
        back=(back, _("Retour aux conventions")),
        crumbs=[(_("Conventions"), back), (_("Document signé"), None)],
    )


def _evidence(request, pk, evidence_id) -> tuple:
    plan = get_plan(request, pk)
    evidence = get_object_or_404(
        Evidence.objects.filter(plan=plan).select_related("action", "indicator", "period", "meeting", "convention"),
        pk=evidence_id,
    )
    return plan, evidence


@require_GET
def evidence_file(request, pk, evidence_id):
    """The file itself, as an attachment, for members of the plan only."""
    _plan, evidence = _evidence(request, pk, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.name, content_type=KINDS[evidence.kind].content_type
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def holder_url(evidence: Evidence) -> str:
    if evidence.holder == EvidenceHolder.MEETING:
        return reverse("indicators:meeting_evidence", args=[evidence.plan_id, evidence.meeting_id])
    if evidence.holder == EvidenceHolder.CONVENTION:
        return reverse("indicators:convention_evidence", args=[evidence.plan_id, evidence.convention_id])
    if evidence.holder == EvidenceHolder.ACTION:
        return reverse("indicators:action_evidence", args=[evidence.plan_id, evidence.action_id])
    period = evidence.period
    return reverse(
        "indicators:quarter_evidence", args=[evidence.plan_id, period.year, period.quarter, evidence.action_id]
    )


@require_POST
def evidence_remove(request, pk, evidence_id):
    plan, evidence = _evidence(request, pk, evidence_id)
    then = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        then, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        then = holder_url(evidence)
    try:
        evidence_delete(evidence=evidence, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("« %(name)s » est supprimé ; l'historique du plan le garde.") % {"name": evidence.name}
        )
    return redirect(then)
