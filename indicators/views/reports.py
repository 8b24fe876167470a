"""Reports: an HTML preview, then PDF, ODS, XLSX and two CSV flavours. Every member may export what it reads."""

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from indicators import exports
from indicators.reports import annual_review, quarter_report, suivi_table
from plans.views.common import get_plan, plan_context

FORMAT_LABELS = {
    "pdf": "PDF",
    "ods": "ODS",
    "xlsx": "XLSX",
    "csv": _("CSV (tableur)"),
    "csv-opendata": _("CSV (données ouvertes)"),
}
MAIN_SECTION = {"quarter": "actions", "annual": "actions", "suivi": "suivi"}


def _problem(request, plan, message, status):
    context = plan_context(request, plan, crumbs=[(_("Rapports"), reverse("indicators:reports", args=[plan.pk]))])
    context["message"] = message
    return render(request, "indicators/reports/problem.html", context, status=status)


def _respond(request, plan, report, url):
    fmt = request.GET.get("format", "")
    report.generated_at = timezone.localtime()
    if not fmt:
        context = plan_context(
            request,
            plan,
            crumbs=[(_("Rapports"), reverse("indicators:reports", args=[plan.pk])), (report.title, None)],
        )
        context.update({"report": report, "url": url, "formats": FORMAT_LABELS, "main": MAIN_SECTION[report.kind]})
        return render(request, "indicators/reports/preview.html", context)
    if fmt not in exports.FORMATS:
        return _problem(
            request,
            plan,
            _("Le format « %(format)s » n'existe pas. Formats disponibles : %(formats)s.")
            % {"format": fmt[:20], "formats": ", ".join(str(v) for v in FORMAT_LABELS.values())},
            400,
        )
    section, stem = None, report.filename_stem
    if fmt.startswith("csv"):
        key = request.GET.get("section") or MAIN_SECTION[report.kind]
        section = report.section(key)
        if section is None:
            return _problem(request, plan, _("Cette partie du rapport n'existe pas."), 400)
        stem = f"{stem}-{section.key}" + ("-opendata" if fmt == "csv-opendata" else "")
    content_type, extension = exports.FORMATS[fmt]
    body = exports.render(report, fmt, section=section, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def reports(request, pk):
    plan = get_plan(request, pk)
    periods = list(plan.periods.order_by("-year", "-quarter"))
    context = plan_context(request, plan, crumbs=[(_("Rapports"), None)])
    context.update({"periods": periods, "years": list(reversed(plan.years)), "formats": FORMAT_LABELS})
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
    return _respond(request, plan, quarter_report(plan, period), url)


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
    return _respond(request, plan, annual_review(plan, year), url)


@require_GET
def suivi(request, pk):
    plan = get_plan(request, pk)
    return _respond(request, plan, suivi_table(plan), reverse("indicators:report_suivi", args=[plan.pk]))
