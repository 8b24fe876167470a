"""Reports: an HTML preview, then PDF, ODS, XLSX and two CSV flavours. Every member may export what it reads."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from indicators import exports, jobs, opendata, services
from indicators.models import ExportJob, ReviewSending
from indicators.selectors import report_preview
from plans import perms as plan_perms
from plans.enums import MemberRole
from plans.forms import FrenchDateField, IdsChoiceField
from plans.shortcuts import get_plan, plan_context, save_form

FORMAT_LABELS = {
    "pdf": "PDF",
    "ods": "ODS",
    "xlsx": "XLSX",
    "csv": _lazy("CSV (tableur)"),
    "csv-opendata": _lazy("CSV (données ouvertes)"),
}


def _problem(request, plan, message, status):
    context = plan_context(request, plan, crumbs=[(_("Rapports"), reverse("indicators:reports", args=[plan.pk]))])
    context["message"] = message
    return render(request, "indicators/reports/problem.html", context, status=status)


# The parts of each report, for the CSV of one part (checked before anything is built).
SECTIONS = {
    "trimestre": {"synthese", "piliers", "actions", "indicateurs", "ventilations", "budget", "decisions"},
    "bilan": {"synthese", "piliers", "actions", "tendances", "financeurs", "engagements", "rythme", "decisions"},
    "suivi": {"suivi", "indicateurs"},
}


def _respond(request, plan, name: str, params: dict, url: str, period=None):
    """The preview, or the file: built here when it is quick, else prepared in the background (indicators.jobs)."""
    fmt = request.GET.get("format", "")
    if not fmt:
        counts = {}
        preview = report_preview(
            plan=plan, name=name, params=params, today=timezone.localdate(), period=period, counts=counts
        )
        context = plan_context(
            request,
            plan,
            crumbs=[(_("Rapports"), reverse("indicators:reports", args=[plan.pk])), (preview.title, None)],
            counts=counts,
        )
        context.update({"preview": preview, "url": url, "formats": FORMAT_LABELS})
        if name == "bilan":
            context.update(_sending_context(request, plan, params["year"]))
        return render(request, "indicators/reports/preview.html", context)
    if fmt not in exports.FORMATS:
        return _problem(
            request,
            plan,
            _("Le format « %(format)s » n'existe pas. Formats disponibles : %(formats)s.")
            % {"format": fmt[:20], "formats": ", ".join(str(v) for v in FORMAT_LABELS.values())},
            400,
        )
    key = ""
    if fmt.startswith("csv"):
        key = request.GET.get("section") or jobs.MAIN_SECTION[name]
        if key not in SECTIONS[name]:
            return _problem(request, plan, _("Cette partie du rapport n'existe pas."), 400)
    if jobs.needs_background(plan, fmt):
        job = jobs.export_request(plan=plan, by=request.user, report=name, params=params, fmt=fmt, section=key)
        if job.is_done:
            return _serve(job)
        return redirect("indicators:export_status", plan.pk, job.pk)
    report = jobs.build_report(plan, name, params, today=timezone.localdate(), period=period)
    report.generated_at = timezone.localtime()
    section = report.section(key) if key else None
    if key and section is None:  # a part only some quarters have (values broken down by group)
        return _problem(request, plan, _("Cette partie du rapport est vide pour cette période."), 404)
    content_type, extension = exports.FORMATS[fmt]
    body = exports.render(report, fmt, section=section, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type=content_type)
    filename = report.filename(extension, section=section, opendata=fmt == "csv-opendata")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


class SendForm(forms.Form):
    recipients = IdsChoiceField(
        label=_lazy("Destinataires"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _lazy("Cochez au moins un destinataire.")},
    )
    sent_on = FrenchDateField(label=_lazy("Envoyé le"))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = plan.partners.order_by("name")


def _sending_context(request, plan, year, form=None) -> dict:
    """The annual review's sendings to funders, and the form to record one (the coordinator's)."""
    can_send = plan_perms.role(request.user, plan) == MemberRole.COORDINATOR
    # The sendings with their recipients in one query (through the recipients' table; a sending has at least one).
    links = (
        ReviewSending.recipients.through.objects.filter(reviewsending__plan=plan, reviewsending__year=year)
        .select_related("reviewsending__sent_by", "partner")
        .order_by("-reviewsending__sent_on", "-reviewsending_id", "partner__name")
    )
    sendings = {}
    for link in links:
        sending = sendings.setdefault(link.reviewsending_id, link.reviewsending)
        sending.__dict__.setdefault("recipient_list", []).append(link.partner)
    if can_send and form is None:
        form = SendForm(plan=plan, initial={"sent_on": timezone.localdate()})
    return {"sendings": list(sendings.values()), "send_form": form if can_send else None, "send_year": year}


@require_POST
def annual_send(request, pk, year):
    """Record that the annual review was sent (the date, the recipients, the exact file)."""
    plan = get_plan(request, pk)
    if plan_perms.role(request.user, plan) != MemberRole.COORDINATOR:
        raise PermissionDenied
    form = SendForm(request.POST, plan=plan)
    url = reverse("indicators:report_annual", args=[plan.pk, year])
    done = save_form(
        request,
        form,
        lambda data: services.annual_review_send(plan=plan, by=request.user, year=year, **data),
        success=lambda sending: _sent_message(sending),
        then=f"{url}#envois",
    )
    if done:
        return done
    preview = report_preview(plan=plan, name="bilan", params={"year": year}, today=timezone.localdate())
    context = plan_context(request, plan, crumbs=[(_("Rapports"), reverse("indicators:reports", args=[plan.pk]))])
    context.update({"preview": preview, "url": url, "formats": FORMAT_LABELS})
    context.update(_sending_context(request, plan, year, form))
    return render(request, "indicators/reports/preview.html", context, status=400)


def _sent_message(sending) -> str:
    message = _("L'envoi du bilan %(year)s est enregistré avec le fichier envoyé.") % {"year": sending.year}
    if sending.released:
        message += " " + ngettext(
            "%(n)s versement a maintenant une date attendue.",
            "%(n)s versements ont maintenant une date attendue.",
            sending.released,
        ) % {"n": sending.released}
    return message


@require_GET
def sending_file(request, pk, sending_pk):
    """The exact file sent, for the plan's members."""
    plan = get_plan(request, pk)
    sending = get_object_or_404(plan.review_sendings, pk=sending_pk)
    with sending.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sending.filename}"'
    return response


def _serve(job: ExportJob):
    """The prepared file (a few megabytes at most), through this view only: it checks the plan's membership."""
    with job.file.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def export_status(request, pk, job_pk):
    """Where a background export stands: queued, being prepared, ready (with its link) or failed (with why)."""
    plan = get_plan(request, pk)
    jobs.exports_reap()
    job = get_object_or_404(plan.export_jobs, pk=job_pk)
    waited = timezone.now() - job.requested_at
    context = plan_context(
        request, plan, crumbs=[(_("Rapports"), reverse("indicators:reports", args=[plan.pk])), (_("Export"), None)]
    )
    context.update(
        {
            "job": job,
            "waited_minutes": int(waited.total_seconds() // 60),
            # Refresh while it may still come; stop and say so when no worker seems to take it.
            "refresh": job.is_pending and waited.total_seconds() < STALLED_AFTER,
            # Reached by the page's own refresh while the file was being prepared: start the download once it is
            # ready (a link opened later, or shared, does not download by itself).
            "auto_download": request.GET.get("ready") == "1",
            "waited_seconds": int(waited.total_seconds()),
            "stalled": job.status == ExportJob.QUEUED and waited.total_seconds() >= STALLED_AFTER,
        }
    )
    return render(request, "indicators/reports/export_status.html", context, status=200 if not job.is_pending else 202)


@require_GET
def export_file(request, pk, job_pk):
    """A prepared file, for the plan's members only: never reachable by a public or guessable URL."""
    plan = get_plan(request, pk)
    job = get_object_or_404(plan.export_jobs, pk=job_pk, status=ExportJob.DONE)
    return _serve(job)


STALLED_AFTER = 5 * 60  # seconds a file may wait in the queue before the page says no worker seems to run


@require_GET
def reports(request, pk):
    plan = get_plan(request, pk)
    # The quarters begun, latest first (a quarter still to come has nothing to report); each says if it is closed.
    today = timezone.localdate()
    periods = [p for p in plan.periods.order_by("-year", "-quarter") if p.start <= today]
    years = [year for year in reversed(plan.years) if year <= today.year]
    context = plan_context(request, plan, crumbs=[(_("Rapports"), None)])
    context.update({"periods": periods, "years": years, "formats": FORMAT_LABELS})
    return render(request, "indicators/reports/index.html", context)


@require_GET
def quarter(request, pk, year, quarter):
    plan = get_plan(request, pk)
    period = plan.periods.filter(year=year, quarter=quarter).first()
    if period is None:
        return _problem(
            request,
            plan,
            _("Le T%(q)s %(y)s n'est pas dans la période du plan (%(period)s).")
            % {"q": quarter, "y": year, "period": plan.period_label},
            404,
        )
    url = reverse("indicators:report_quarter", args=[plan.pk, year, quarter])
    return _respond(request, plan, "trimestre", {"year": year, "quarter": quarter}, url, period=period)


@require_GET
def annual(request, pk, year):
    plan = get_plan(request, pk)
    if year not in plan.years:
        return _problem(
            request,
            plan,
            _("L'année %(y)s n'est pas dans la période du plan (%(period)s).")
            % {"y": year, "period": plan.period_label},
            404,
        )
    url = reverse("indicators:report_annual", args=[plan.pk, year])
    return _respond(request, plan, "bilan", {"year": year}, url)


@require_GET
def suivi(request, pk):
    plan = get_plan(request, pk)
    return _respond(request, plan, "suivi", {}, reverse("indicators:report_suivi", args=[plan.pk]))


@require_GET
def opendata_dictionary(request, pk):
    """What each column of the open-data CSV files means, in HTML or as CSV (`?format=csv`)."""
    plan = get_plan(request, pk)
    if request.GET.get("format") == "csv":
        response = HttpResponse(opendata.dictionary_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="plan-{plan.slug}-dictionnaire-des-donnees.csv"'
        return response
    crumbs = [(_("Rapports"), reverse("indicators:reports", args=[plan.pk])), (_("Dictionnaire des données"), None)]
    context = plan_context(request, plan, crumbs=crumbs)
    context.update({"specs": list(opendata.SPECS.values()), "kinds": opendata.KIND_LABELS})
    return render(request, "indicators/reports/dictionary.html", context)
