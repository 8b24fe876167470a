"""A report's preview in the browser: built once per state of the plan's data, then served from the cache.

Building a 400-action annual review takes about half a second (its rows, their values, its charts); reading it
again while nothing changed should not. The preview is kept under a key made of the plan, the report, its
parameters, the language and the plan's data version (indicators.jobs.plan_data_version: its last change
anywhere, and the day): any change to the plan, or a new day, is a new key. Each table shows PREVIEW_ROWS rows;
the files hold them all.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from indicators import jobs
from plans.models import Plan, ReportingPeriod

PREVIEW_ROWS = 60


@dataclass(frozen=True)
class ReportPreview:
    title: str
    sections: list[tuple[str, str]]  # (key, title) of each part, for its CSV links
    body: str  # the report as its PDF reads, with PREVIEW_ROWS rows a table


def report_preview(
    *,
    plan: Plan,
    name: str,
    params: dict,
    today: datetime.date,
    period: ReportingPeriod | None = None,
    counts: dict | None = None,
) -> ReportPreview:
    """The preview of report `name` ("trimestre", "bilan", "suivi"): one query when it is cached, else the build.

    `counts`: a dict that the same query fills with the plan's sizes, for the page's header."""
    version = jobs.plan_data_version(plan, today=today, counts=counts)
    identity = json.dumps([plan.pk, name, params, get_language(), version, PREVIEW_ROWS], sort_keys=True)
    key = "report-preview:" + hashlib.sha256(identity.encode()).hexdigest()
    preview = cache.get(key)
    if preview is None:
        report = jobs.build_report(plan, name, params, today=today, period=period)
        report.generated_at = timezone.localtime()
        body = render_to_string(
            "indicators/reports/_report_body.html", {"report": report, "plan": plan, "preview_rows": PREVIEW_ROWS}
        )
        preview = ReportPreview(
            title=str(report.title), sections=[(s.key, str(s.title)) for s in report.sections], body=str(body)
        )
        cache.set(key, preview, settings.REPORT_PREVIEW_CACHE_SECONDS)
    return preview
