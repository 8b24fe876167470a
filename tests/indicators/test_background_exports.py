"""Big exports are prepared in the background: queued once, served again until the data changes, retried when a
worker dies, and the user always told where things stand."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.jobs import build_export, exports_prune, exports_reap
from indicators.models import ExportJob
from plans.enums import MemberRole
from tests.indicators.factories import ExportJobFactory, second_year_plan
from tests.plans.factories import MembershipFactory, PlanFactory

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def world(db, settings, monkeypatch):
    settings.TASKS = DATABASE_QUEUE
    # The worker closes connections that are not in autocommit between tasks; inside a test's transaction that
    # would close PostgreSQL's only connection, so the test keeps it.
    monkeypatch.setattr("indicators.management.commands.db_worker.close_old_connections", lambda: None)
    return second_year_plan(actions=3, indicators=1)


def pdf_url(world):
    return reverse("indicators:report_quarter", args=[world.plan.pk, 2026, 3]) + "?format=pdf"


def run_worker():
    call_command("db_worker", "--batch", "--interval", "0", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
class TestBackgroundExports:
    def test_queued_once_prepared_by_a_worker_then_served_again(self, client, world):
        from django_tasks_db.models import DBTaskResult

        client.force_login(world.users[MemberRole.VIEWER])
        first = client.get(pdf_url(world))
        job = ExportJob.objects.get()
        assert first.status_code == 302 and first["Location"].endswith(f"/rapports/exports/{job.pk}/")
        status = client.get(first["Location"])
        assert status.status_code == 202
        html = status.content.decode()
        assert "en file d’attente" in html and 'http-equiv="refresh"' in html
        # Asked twice (or by a colleague): the same job, not a second one.
        assert client.get(pdf_url(world))["Location"] == first["Location"]
        assert ExportJob.objects.count() == 1 and DBTaskResult.objects.count() == 1
        run_worker()
        job.refresh_from_db()
        assert job.status == ExportJob.DONE and job.attempts == 1
        ready = client.get(first["Location"]).content.decode()
        assert "est prêt" in ready and reverse("indicators:export_file", args=[world.plan.pk, job.pk]) in ready
        again = client.get(pdf_url(world))
        assert again.status_code == 200 and again.content.startswith(b"%PDF")
        assert again["Content-Disposition"] == f'attachment; filename="plan-{world.plan.slug}-trimestre-T3-2026.pdf"'

    def test_a_change_in_the_plan_prepares_a_new_file(self, client, world):
        client.force_login(world.users[MemberRole.COORDINATOR])
        client.get(pdf_url(world))
        run_worker()
        action = world.actions[0]
        action.refresh_from_db()
        from plans.services import action_update

        action_update(
            action=action,
            by=world.users[MemberRole.COORDINATOR],
            expected_version=action.version,
            title="Intitulé revu",
        )
        assert client.get(pdf_url(world)).status_code == 302
        assert ExportJob.objects.count() == 2

    def test_with_no_worker_the_page_says_so_and_stops_refreshing(self, client, world):
        client.force_login(world.users[MemberRole.VIEWER])
        location = client.get(pdf_url(world))["Location"]
        ExportJob.objects.update(requested_at=timezone.now() - datetime.timedelta(minutes=6))
        html = client.get(location).content.decode()
        assert "Aucun service d’export ne semble en marche" in html and "refresh" not in html

    def test_a_worker_killed_mid_export_is_retried_then_the_job_fails_clearly(self, client, world, settings):
        client.force_login(world.users[MemberRole.VIEWER])
        location = client.get(pdf_url(world))["Location"]
        job = ExportJob.objects.get()
        for attempt in range(1, settings.EXPORTS_MAX_ATTEMPTS + 1):
            # A worker took it, then died: the job stays "running".
            ExportJob.objects.filter(pk=job.pk).update(
                status=ExportJob.RUNNING, attempts=attempt, started_at=timezone.now() - datetime.timedelta(minutes=11)
            )
            assert exports_reap() == 1
            job.refresh_from_db()
            expected = ExportJob.QUEUED if attempt < settings.EXPORTS_MAX_ATTEMPTS else ExportJob.FAILED
            assert job.status == expected
        assert "interrompue 3 fois" in job.error
        assert "interrompue 3 fois" in client.get(location).content.decode()

    def test_a_failing_build_is_retried_then_says_why(self, client, world, settings, monkeypatch):
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

        def broken(*args, **kwargs):
            raise RuntimeError("disque plein")

        monkeypatch.setattr("indicators.jobs.exports.render", broken)
        client.force_login(world.users[MemberRole.VIEWER])
        response = client.get(pdf_url(world), follow=True)
        job = ExportJob.objects.get()
        assert job.status == ExportJob.FAILED and job.attempts == settings.EXPORTS_MAX_ATTEMPTS
        assert "La préparation du fichier a échoué (RuntimeError)" in response.content.decode()
        assert not job.file

    def test_only_members_see_the_job_and_its_file(self, client, world):
        client.force_login(world.users[MemberRole.VIEWER])
        client.get(pdf_url(world))
        run_worker()
        job = ExportJob.objects.get()
        outsider = MembershipFactory(plan=PlanFactory(), role=MemberRole.COORDINATOR).user
        client.force_login(outsider)
        for name in ("indicators:export_status", "indicators:export_file"):
            assert client.get(reverse(name, args=[world.plan.pk, job.pk])).status_code == 404
        assert client.get(reverse("indicators:export_file", args=[world.plan.pk + 1000, job.pk])).status_code == 404

    def test_old_files_are_removed(self, client, world, settings):
        client.force_login(world.users[MemberRole.VIEWER])
        client.get(pdf_url(world))
        run_worker()
        job = ExportJob.objects.get()
        path = job.file.path
        assert exports_prune() == 0
        later = timezone.now() + datetime.timedelta(days=settings.EXPORTS_MAX_AGE_DAYS + 1)
        assert exports_prune(now=later) == 1
        assert not ExportJob.objects.exists()
        import os

        assert not os.path.exists(path)

    def test_a_job_enqueued_twice_is_built_once(self, world):
        job = ExportJobFactory(plan=world.plan, report="suivi", fmt="ods", data_version="x")
        build_export.call(job.pk)
        build_export.call(job.pk)
        job.refresh_from_db()
        assert job.status == ExportJob.DONE and job.attempts == 1
