"""Report files prepared in the background, with Django's tasks framework and the database as the queue.

`export_request` finds or creates the job for a file (the same report, format and language, and the same
state of the plan's data, is the same job: asking twice never builds twice) and enqueues it; `build_export`
is the task a worker (`python manage.py db_worker`) runs. A job that a crashed worker left running is
retried (`exports_reap`), up to `EXPORTS_MAX_ATTEMPTS`, then fails with a message; prepared files older than
`EXPORTS_MAX_AGE_DAYS` are removed (`exports_prune`, run by `manage.py prune_exports`).
"""

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from indicators import exports
from indicators.models import ExportJob, Indicator, Measurement, ProgressUpdate
from indicators.reports import annual_review, quarter_report, suivi_table
from partners.models import User
from plans.models import (
    Action,
    ActionPartner,
    Axis,
    BudgetExecution,
    BudgetLine,
    Funding,
    FundingInstalment,
    Pillar,
    Plan,
    ReportingPeriod,
)
from plans.selectors.plans import count_annotations, counts_from

logger = logging.getLogger(__name__)

MAIN_SECTION = {"trimestre": "actions", "bilan": "actions", "suivi": "suivi"}


def build_report(
    plan: Plan, report: str, params: dict, *, today: datetime.date, period: ReportingPeriod | None = None
):
    """The report a job or a page asks for: "trimestre" (year, quarter), "bilan" (year) or "suivi", as it stands
    on `today` (which actions are late): the request's day, or the day a background export was asked for."""
    if report == "trimestre":
        period = period or plan.periods.get(year=params["year"], quarter=params["quarter"])
        return quarter_report(plan, period, today=today)
    if report == "bilan":
        return annual_review(plan, params["year"], today=today)
    return suivi_table(plan, today=today)


def plan_data_version(plan: Plan, *, today: datetime.date | None = None, counts: dict | None = None) -> str:
    """A digest of the plan's last change anywhere (its history) and of the day: one query.

    The day is part of it because reports say which actions are late, and that changes with the date. Given a
    dict as `counts`, the same query fills it with the plan's sizes (plans.selectors.plan_counts), which the
    page's header shows.
    """

    def latest(history, **filters):
        return Subquery(history.filter(**filters).order_by("-history_date").values("history_date")[:1])

    actions = Action.objects.filter(plan=OuterRef("pk")).values("pk")
    indicators = Indicator.objects.filter(plan=OuterRef("pk")).values("pk")
    lines = BudgetLine.objects.filter(plan=OuterRef("pk")).values("pk")
    fundings = Funding.objects.filter(plan=OuterRef("pk")).values("pk")
    pillars = Pillar.objects.filter(plan=OuterRef("pk")).values("pk")
    sizes = count_annotations(plan) if counts is not None else {}
    row = (
        Plan.objects.filter(pk=plan.pk)
        .annotate(
            **sizes,
            changed_plan=latest(Plan.history, id=OuterRef("pk")),
            changed_pillars=latest(Pillar.history, plan_id=OuterRef("pk")),
            changed_axes=latest(Axis.history, pillar_id__in=pillars),
            changed_actions=latest(Action.history, plan_id=OuterRef("pk")),
            changed_partners=latest(ActionPartner.history, action_id__in=actions),
            changed_indicators=latest(Indicator.history, plan_id=OuterRef("pk")),
            changed_values=latest(Measurement.history, indicator_id__in=indicators),
            changed_updates=latest(ProgressUpdate.history, action_id__in=actions),
            changed_periods=latest(ReportingPeriod.history, plan_id=OuterRef("pk")),
            changed_fundings=latest(Funding.history, plan_id=OuterRef("pk")),
            changed_instalments=latest(FundingInstalment.history, funding_id__in=fundings),
            changed_lines=latest(BudgetLine.history, plan_id=OuterRef("pk")),
            changed_executions=latest(BudgetExecution.history, line_id__in=lines),
        )
        .values_list(
            "changed_plan",
            "changed_pillars",
            "changed_axes",
            "changed_actions",
            "changed_partners",
            "changed_indicators",
            "changed_values",
            "changed_updates",
            "changed_periods",
            "changed_fundings",
            "changed_instalments",
            "changed_lines",
            "changed_executions",
            *sizes,
        )
        .get()
    )
    if sizes:
        changes, sizes_read = row[: -len(sizes)], row[-len(sizes) :]
        counts.update(counts_from(dict(zip(sizes, sizes_read, strict=True))))
        row = changes
    day = today or timezone.localdate()
    return hashlib.sha256(repr((row, day.isoformat())).encode()).hexdigest()[:32]


def needs_background(plan: Plan, fmt: str) -> bool:
    """Every PDF, and any spreadsheet of a plan over EXPORTS_INLINE_MAX_ACTIONS actions, may take over a second."""
    return fmt == "pdf" or plan.actions.count() > settings.EXPORTS_INLINE_MAX_ACTIONS


def export_request(*, plan: Plan, by: User, report: str, params: dict, fmt: str, section: str = "") -> ExportJob:
    """The job preparing this file: the one already asked for the same data, or a new one, enqueued once."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = {
        "plan": plan,
        "report": report,
        "params": params,
        "fmt": fmt,
        "section": section,
        "language": language,
        "data_version": plan_data_version(plan),
    }
    job = ExportJob.objects.filter(**key).first()
    if job is None:
        try:
            with transaction.atomic():
                job = ExportJob.objects.create(**key, requested_by=by)
        except IntegrityError:  # asked twice at the same moment: the other request's job
            return ExportJob.objects.get(**key)
        # Enqueued once the job's row exists (requests run outside transactions: it is committed already).
        build_export.enqueue(job.pk)
    elif job.status == ExportJob.FAILED and job.attempts < settings.EXPORTS_MAX_ATTEMPTS:
        _requeue(job)
    exports_reap()
    job.refresh_from_db()
    return job


def _requeue(job: ExportJob) -> None:
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.QUEUED, started_at=None, error="")
    build_export.enqueue(job.pk)


@task()
def build_export(job_id: int) -> None:
    """Prepare one export file. A failure is retried by `exports_reap`; the last one says why."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().select_related("plan__territory").filter(pk=job_id).first()
        if job is None or job.status not in {ExportJob.QUEUED, ExportJob.RUNNING}:
            return  # done already (enqueued twice), failed for good, or removed
        job.status, job.started_at, job.attempts = ExportJob.RUNNING, timezone.now(), job.attempts + 1
        job.save(update_fields=["status", "started_at", "attempts"])
    try:
        with translation.override(job.language):
            timezone.activate(job.plan.territory.timezone)
            report = build_report(job.plan, job.report, job.params, today=timezone.localdate(job.requested_at))
            report.generated_at = timezone.localtime()
            section = report.section(job.section) if job.section else None
            body = exports.render(report, job.fmt, section=section, base_url="")
            content_type, extension = exports.FORMATS[job.fmt]
            filename = report.filename(extension, section=section, opendata=job.fmt == "csv-opendata")
    except Exception as error:  # noqa: BLE001 — whatever it is, the user is told and the job may be retried
        logger.exception("Export %s failed", job_id)
        final = job.attempts >= settings.EXPORTS_MAX_ATTEMPTS
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.FAILED,
            finished_at=timezone.now(),
            error=_("La préparation du fichier a échoué (%(error)s).") % {"error": type(error).__name__},
        )
        if not final:
            _requeue(ExportJob.objects.get(pk=job_id))
        return
    job.file.save(f"{job.plan_id}-{job.pk}.{extension}", ContentFile(body), save=False)
    job.filename, job.content_type = filename, content_type
    job.status, job.finished_at, job.error = ExportJob.DONE, timezone.now(), ""
    job.save(update_fields=["file", "filename", "content_type", "status", "finished_at", "error"])


def exports_reap(*, now: datetime.datetime | None = None) -> int:
    """Jobs a worker left running (it crashed or was killed): retried, or failed after the last attempt."""
    now = now or timezone.now()
    stale = ExportJob.objects.filter(
        status=ExportJob.RUNNING, started_at__lt=now - datetime.timedelta(minutes=settings.EXPORTS_STALE_MINUTES)
    )
    count = 0
    for job in stale:
        count += 1
        if job.attempts >= settings.EXPORTS_MAX_ATTEMPTS:
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.FAILED,
                finished_at=now,
                error=_("La préparation a été interrompue %(n)d fois : le fichier n'a pas pu être préparé.")
                % {"n": job.attempts},
            )
        else:
            _requeue(job)
    return count


def exports_prune(*, now: datetime.datetime | None = None) -> int:
    """Remove the prepared files older than EXPORTS_MAX_AGE_DAYS, and their jobs."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(requested_at__lt=now - datetime.timedelta(days=settings.EXPORTS_MAX_AGE_DAYS))
    count = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    return count
