"""Bringing a plan in from a spreadsheet: upload, preview (nothing written), confirm; and the blank template."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from indicators.forms import ImportConfirmForm, ImportUploadForm
from indicators.imports import blank_template, import_confirm, import_stalled, upload_summary
from plans import perms, services
from plans.models import SpreadsheetImport
from plans.shortcuts import errors_to_form, form_page, get_plan, plan_context, posted

MIME = {
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


DONE = _lazy(
    "Import terminé. Créés : actions %(actions)s, indicateurs %(indicators)s, lignes budgétaires %(budget_lines)s."
)


def _importable_plan(request, pk):
    """A draft plan the user may edit: the only kind that takes actions from a spreadsheet."""
    plan = get_plan(request, pk, perms.can_edit)
    if not plan.is_draft:
        raise PermissionDenied
    return plan


def _crumbs(plan, last):
    return [(_("Actions"), reverse("plans:actions", args=[plan.pk])), (last, None)]


@require_http_methods(["GET", "POST"])
def import_upload(request, pk):
    plan = _importable_plan(request, pk)
    form = ImportUploadForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, content = form.cleaned_data["spreadsheet"]
        upload = services.plan_upload_spreadsheet(plan=plan, by=request.user, filename=name, content=content)
        return redirect("indicators:import_preview", plan.pk, upload.pk)
    context = plan_context(request, plan, step="actions", crumbs=_crumbs(plan, _("Ajouter depuis un tableau")))
    context["form"] = form
    return form_page(request, "indicators/import_upload.html", context, form)


@require_http_methods(["GET", "POST"])
def import_preview(request, pk, import_pk):
    plan = _importable_plan(request, pk)
    upload = get_object_or_404(SpreadsheetImport.objects.filter(plan=plan), pk=import_pk)
    if upload.applied_at is not None:
        if upload.summary and upload.uploaded_by_id == request.user.pk and request.method == "GET":
            messages.success(request, DONE % {"budget_lines": 0, **upload.summary})
        else:
            messages.info(request, _("Ce fichier a déjà été importé."))
        return redirect("plans:actions", plan.pk)
    working = upload.status in {SpreadsheetImport.QUEUED, SpreadsheetImport.RUNNING} and not import_stalled(upload)
    summary = None if working else upload_summary(upload)
    if working or summary is None:
        if request.method == "POST":
            return redirect("indicators:import_preview", plan.pk, upload.pk)
        title = _("Import en cours") if working else _("Lecture du fichier")
        context = plan_context(request, plan, step="actions", crumbs=_crumbs(plan, title))
        context.update({"upload": upload, "reading": not working})
        return render(request, "indicators/import_running.html", context)
    form = ImportConfirmForm(posted(request), pillars=summary["pillars"])
    failure = upload.error if upload.status == SpreadsheetImport.FAILED else ""
    if upload.status == SpreadsheetImport.RUNNING:  # stalled: its worker died
        failure = _("L'import a été interrompu : rien n'a été enregistré. Vous pouvez le relancer.")
    if request.method == "POST" and form.is_valid() and not summary["blocking"]:
        try:
            done = import_confirm(upload=upload, by=request.user, kinds=form.kinds(), actions=summary["actions"])
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            if done is None:  # a big file: a worker imports it; this page follows it
                return redirect("indicators:import_preview", plan.pk, upload.pk)
            messages.success(request, DONE % {"budget_lines": 0, **done})
            return redirect("plans:actions", plan.pk)
    context = plan_context(request, plan, step="actions", crumbs=_crumbs(plan, _("Aperçu de l'import")))
    context.update({"form": form, "summary": summary, "upload": upload, "failure": failure})
    return form_page(request, "indicators/import_preview.html", context, form)


@require_GET
def import_template(request, fmt):
    if fmt not in MIME:
        raise Http404
    response = HttpResponse(blank_template(fmt), content_type=MIME[fmt])
    response["Content-Disposition"] = f'attachment; filename="modele-tableau-de-suivi.{fmt}"'
    return response
