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

    def context(title):
        page = plan_context(request, plan, step="actions", crumbs=_crumbs(plan, title))
        return {**page, "frame": "plans/base_plan.html", "plan_title": plan.title}

    return _preview_page(request, upload, context, again=reverse("indicators:import_upload", args=[plan.pk]))


@require_http_methods(["GET", "POST"])
def new_plan_import(request, import_pk):
    """The preview of a spreadsheet sent with a new plan's frame: the plan is created with the import, once
    confirmed. Only whoever sent it sees it; once imported, it leads to the plan."""
    upload = get_object_or_404(
        SpreadsheetImport.objects.filter(uploaded_by=request.user).select_related("plan"), pk=import_pk
    )
    if upload.plan_id is not None and upload.applied_at is None:  # a plan's upload: its own page
        return redirect("indicators:import_preview", upload.plan_id, upload.pk)

    def context(title):
        crumbs = [(_("Mes plans"), reverse("home")), (_("Nouveau plan"), reverse("plans:create")), (title, None)]
        return {
            "breadcrumbs": crumbs,
            "frame": "indicators/_new_plan_frame.html",
            "new_plan": upload.new_plan,
            "plan_title": upload.new_plan["title"],
        }

    return _preview_page(request, upload, context, again=reverse("plans:create"))


def _preview_page(request, upload, context, *, again):
    """The preview of an upload, the confirmation that imports it, and the pages that follow a worker's reading
    or import. `context(title)`: the page's frame (the plan's, or the new plan's)."""
    if upload.applied_at is not None:
        if upload.summary and upload.uploaded_by_id == request.user.pk and request.method == "GET":
            messages.success(request, DONE % {"budget_lines": 0, **upload.summary})
        else:
            messages.info(request, _("Ce fichier a déjà été importé."))
        return redirect("plans:actions", upload.plan_id)
    working = upload.status in {SpreadsheetImport.QUEUED, SpreadsheetImport.RUNNING} and not import_stalled(upload)
    summary = None if working else upload_summary(upload)
    if working or summary is None:
        if request.method == "POST":
            return redirect(request.path)
        page = context(_("Import en cours") if working else _("Lecture du fichier"))
        page.update({"upload": upload, "reading": not working})
        return render(request, "indicators/import_running.html", page)
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
                return redirect(request.path)
            messages.success(request, DONE % {"budget_lines": 0, **done})
            upload.refresh_from_db(fields=["plan"])  # a new plan: created by the import
            return redirect("plans:actions", upload.plan_id)
    page = context(_("Aperçu de l'import"))
    page.update({"form": form, "summary": summary, "upload": upload, "failure": failure, "again_url": again})
    return form_page(request, "indicators/import_preview.html", page, form)


@require_GET
def import_template(request, fmt):
    if fmt not in MIME:
        raise Http404
    response = HttpResponse(blank_template(fmt), content_type=MIME[fmt])
    response["Content-Disposition"] = f'attachment; filename="modele-tableau-de-suivi.{fmt}"'
    return response
