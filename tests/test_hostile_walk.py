"""The findings of the hostile walk (issue 25), each replayed: what the tester did, and what must happen now."""

import json
import os
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.enums import ReviewState
from indicators.models import Measurement, ProgressUpdate
from indicators.reviews import review_submit, review_validate
from plans.enums import MemberRole
from tests.indicators.factories import ActionReviewFactory, IndicatorFactory, MeasurementFactory, second_year_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return second_year_plan(actions=2, indicators=1)


def fresh_indicator(world, action):
    """An indicator created this quarter on a draft action, with a value in the open quarter only."""
    indicator = IndicatorFactory(action=action, label="Nouvel indicateur")
    MeasurementFactory(
        indicator=indicator, period=world.open, value_number=Decimal(5), entered_by=world.users[MemberRole.EDITOR]
    )
    return indicator


def api(client, user, method, url, body):
    client.force_login(user)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


class TestF7IndicatorMovedUnderAValidatedAction:
    def test_refused_with_a_message_and_the_value_stays_unvalidated(self, client, world):
        draft_action, validated_action = world.actions
        indicator = fresh_indicator(world, draft_action)
        ActionReviewFactory(
            action=validated_action,
            period=world.open,
            state=ReviewState.VALIDATED,
            submitted_by=world.users[MemberRole.EDITOR],
            decided_by=world.users[MemberRole.COORDINATOR],
        )
        response = api(
            client,
            world.users[MemberRole.COORDINATOR],
            "patch",
            f"/api/v1/indicators/{indicator.pk}/",
            {"action": validated_action.pk, "version": indicator.version},
        )
        assert response.status_code == 400, response.content
        assert "soumise ou validée" in response.json()["action"][0]
        indicator.refresh_from_db()
        assert indicator.action_id == draft_action.pk

    def test_moving_under_an_action_whose_quarter_is_a_draft_still_works(self, client, world):
        first, second = world.actions
        indicator = fresh_indicator(world, first)
        response = api(
            client,
            world.users[MemberRole.COORDINATOR],
            "patch",
            f"/api/v1/indicators/{indicator.pk}/",
            {"action": second.pk, "version": indicator.version},
        )
        assert response.status_code == 200, response.content
        indicator.refresh_from_db()
        assert indicator.action_id == second.pk


class TestF2NoOneValidatesTheirOwnSubmission:
    def test_the_coordinator_cannot_validate_what_they_submitted(self, world):
        coordinator = world.users[MemberRole.COORDINATOR]
        action = world.actions[0]
        review = review_submit(action=action, period=world.open, by=coordinator)
        with pytest.raises(ValidationError, match="un autre validateur"):
            review_validate(review=review, by=coordinator)
        review.refresh_from_db()
        assert review.state == ReviewState.SUBMITTED

    def test_another_validator_can(self, world):
        action = world.actions[0]
        review = review_submit(action=action, period=world.open, by=world.users[MemberRole.EDITOR])
        review = review_validate(review=review, by=world.users[MemberRole.COORDINATOR])
        assert review.state == ReviewState.VALIDATED

    def test_the_quarter_page_says_so_and_changes_nothing(self, client, world):
        coordinator = world.users[MemberRole.COORDINATOR]
        action = world.actions[0]
        review = review_submit(action=action, period=world.open, by=coordinator)
        client.force_login(coordinator)
        url = reverse("indicators:review_decide", args=[world.plan.pk, world.open.year, world.open.quarter, action.pk])
        response = client.post(url, {"decision": "valider"}, follow=True)
        assert response.status_code == 200
        assert "un autre validateur" in response.content.decode()
        # The quarter page no longer offers the button.
        page = client.get(f"/plans/{world.plan.pk}/suivi/{world.open.year}/T{world.open.quarter}/?pillar=all")
        assert "Vous l’avez soumis : un autre validateur du plan le valide." in page.content.decode()
        review.refresh_from_db()
        assert review.state == ReviewState.SUBMITTED


class TestF9HugeJsonIds:
    @pytest.mark.parametrize("bad", [1e400, 1.5, True, "²", 10**30, -3])
    def test_a_400_with_a_message_on_every_related_field(self, client, world, bad):
        coordinator = world.users[MemberRole.COORDINATOR]
        indicator = "1e400" if bad == 1e400 else json.dumps(bad)
        raw = f'{{"indicator": {indicator}, "period": {world.open.pk}, "value_number": "3"}}'
        client.force_login(coordinator)
        response = client.post("/api/v1/measurements/", raw, content_type="application/json")
        assert response.status_code == 400, response.content
        assert "indicator" in response.json()
        action = world.actions[0]
        response = api(
            client,
            coordinator,
            "patch",
            f"/api/v1/actions/{action.pk}/",
            {"axis": 1e300 if bad == 1e400 else bad, "version": action.version},
        )
        assert response.status_code == 400, response.content


class TestF1PartnersStayInTheirTerritory:
    def test_another_territorys_partner_is_never_found_by_name(self, client, world):
        other = second_year_plan(actions=1, indicators=1)
        secret = other.plan.partners.exclude(pk__in=world.plan.partners.values("pk")).order_by("pk").first()
        secret.contact_email = "secretariat@autre-territoire.example"
        secret.save()
        response = api(
            client,
            world.users[MemberRole.COORDINATOR],
            "post",
            "/api/v1/partners/",
            {"plan": world.plan.pk, "name": secret.name.upper(), "kind": secret.kind},
        )
        assert response.status_code == 201, response.content
        created = response.json()
        assert created["id"] != secret.pk
        assert created["contact_email"] == "" and created["acronym"] == ""
        assert not world.plan.partners.filter(pk=secret.pk).exists()

    def test_the_same_name_within_a_plan_is_one_organisation(self, client, world):
        coordinator = world.users[MemberRole.COORDINATOR]
        body = {"plan": world.plan.pk, "name": "Maison des adolescents", "kind": "association"}
        first = api(client, coordinator, "post", "/api/v1/partners/", body)
        second = api(client, coordinator, "post", "/api/v1/partners/", {**body, "name": "MAISON DES ADOLESCENTS"})
        assert first.status_code == second.status_code == 201
        assert first.json()["id"] == second.json()["id"]
        assert world.plan.partners.filter(name__iexact="maison des adolescents").count() == 1


class TestF13LockedQuarterIsA403:
    @staticmethod
    def patch_after_submitting(client, world, item, url, body):
        """The editor submits the first action's quarter, then PATCHes one of its items (with its version)."""
        editor = world.users[MemberRole.EDITOR]
        review_submit(action=world.actions[0], period=world.open, by=editor)
        return api(client, editor, "patch", url.format(pk=item.pk), {**body, "version": item.version})

    def test_patching_a_submitted_quarters_progress(self, client, world):
        update = ProgressUpdate.objects.get(action=world.actions[0], period=world.open)
        response = self.patch_after_submitting(
            client, world, update, "/api/v1/progress-updates/{pk}/", {"progress": 80}
        )
        assert response.status_code == 403, response.content
        assert "Soumis pour validation" in response.json()["detail"]
        update.refresh_from_db()
        assert update.progress != 80

    def test_a_value_of_a_submitted_action(self, client, world):
        value = Measurement.objects.get(indicator__action=world.actions[0], period=world.open)
        response = self.patch_after_submitting(
            client, world, value, "/api/v1/measurements/{pk}/", {"value_number": "1"}
        )
        assert response.status_code == 403, response.content


class TestF5ParallelCreatesOfOneItem:
    """Two clients POST the same empty slot at once: both looked before either wrote. Replayed by letting the
    second skip the early look (as it would in the race): the service, under the quarter's lock, sees the first."""

    @pytest.fixture
    def raced(self, monkeypatch):
        monkeypatch.setattr("indicators.api.QuarterItemViewSet._existing", lambda *args, **kwargs: None)

    def test_a_value(self, client, world, raced):
        editor = world.users[MemberRole.EDITOR]
        indicator = IndicatorFactory(action=world.actions[0], label="Compté deux fois")
        body = {"indicator": indicator.pk, "period": world.open.pk, "comment": "premier"}
        first = api(client, editor, "post", "/api/v1/measurements/", {**body, "value_number": "4"})
        second = api(client, editor, "post", "/api/v1/measurements/", {**body, "value_number": "9", "comment": "x"})
        assert first.status_code == 201, first.content
        assert second.status_code == 409, second.content
        assert second.json()["current"]["value_number"] == "4.00"
        value = Measurement.objects.get(indicator=indicator, period=world.open)
        assert (value.value_number, value.comment) == (Decimal(4), "premier")

    def test_a_progress_update(self, client, world, raced):
        editor = world.users[MemberRole.EDITOR]
        action = world.actions[1]
        ProgressUpdate.objects.filter(action=action, period=world.open).delete()
        body = {"action": action.pk, "period": world.open.pk, "status": "in_progress"}
        first = api(client, editor, "post", "/api/v1/progress-updates/", {**body, "progress": 40})
        second = api(client, editor, "post", "/api/v1/progress-updates/", {**body, "progress": 70})
        assert (first.status_code, second.status_code) == (201, 409), second.content
        assert ProgressUpdate.objects.get(action=action, period=world.open).progress == 40


@pytest.fixture
def broken_down(world):
    from indicators import breakdowns

    coordinator = world.users[MemberRole.COORDINATOR]
    world.age = breakdowns.dimension_create(
        plan=world.plan, by=coordinator, name="Âge", categories=["Moins de 18 ans", "18-25 ans", "Plus de 25 ans"]
    )
    world.minors, world.young, world.older = world.age.categories.order_by("order")
    world.indicator = IndicatorFactory(action=world.actions[0], label="Participants", breakdown=world.age)
    return world


def _relabel(world, labels: dict):
    from indicators import breakdowns

    return breakdowns.dimension_update(
        dimension=world.age,
        by=world.users[MemberRole.COORDINATOR],
        name="Âge",
        categories={c.pk: {"label": labels.get(c.pk, c.label)} for c in world.age.categories.all()},
        added=[],
    )


class TestF10SwappingTwoCategoryNames:
    def test_in_one_save(self, broken_down):
        world = broken_down
        _relabel(world, {world.minors.pk: "18-25 ans", world.young.pk: "Moins de 18 ans"})
        world.minors.refresh_from_db()
        world.young.refresh_from_db()
        assert (world.minors.label, world.young.label) == ("18-25 ans", "Moins de 18 ans")


class TestF8ClosedQuartersKeepTheirCategoryNames:
    def test_a_category_published_in_a_closed_quarter_is_not_renamed(self, broken_down):
        from indicators.services import quarter_close, quarter_save

        world = broken_down
        coordinator = world.users[MemberRole.COORDINATOR]
        parts = {str(world.minors.pk): Decimal(18), str(world.young.pk): Decimal(7), str(world.older.pk): Decimal(9)}
        quarter_save(
            period=world.open,
            by=coordinator,
            measurements=[{"indicator": world.indicator, "value_number": None, "parts": parts}],
        )
        quarter_close(period=world.open, by=coordinator)
        for labels in (
            {world.minors.pk: "Temporaire"},
            {world.minors.pk: "18-25 ans", world.young.pk: "Moins de 18 ans"},
        ):
            with pytest.raises(ValidationError) as refused:
                _relabel(world, labels)
            assert "trimestres clos" in str(refused.value)
        world.minors.refresh_from_db()
        assert world.minors.label == "Moins de 18 ans"

    def test_a_category_with_values_only_in_open_quarters_may_be_renamed(self, broken_down):
        from indicators.services import quarter_save

        world = broken_down
        parts = {str(world.minors.pk): Decimal(3), str(world.young.pk): Decimal(7), str(world.older.pk): Decimal(9)}
        quarter_save(
            period=world.open,
            by=world.users[MemberRole.COORDINATOR],
            measurements=[{"indicator": world.indicator, "value_number": None, "parts": parts}],
        )
        _relabel(world, {world.minors.pk: "Mineurs"})
        world.minors.refresh_from_db()
        assert world.minors.label == "Mineurs"


class TestF11SameSlugAtTheSameMoment:
    def test_the_second_plan_gets_the_next_free_slug(self, world, monkeypatch):
        """Two plans of a territory created at once both chose the same slug: the second is saved under another."""
        from plans.models import Plan
        from plans.services import plan_create
        from plans.services import plans as plan_services

        taken = world.plan.slug
        monkeypatch.setattr(Plan, "validate_unique", lambda self, exclude=None: None)  # it looked before the other
        calls = []

        def slug(base):
            calls.append(base)
            return taken if len(calls) == 1 else f"{taken}-libre"

        monkeypatch.setattr(plan_services, "_unique_slug", slug)
        plan = plan_create(
            by=world.users[MemberRole.COORDINATOR],
            territory=world.plan.territory,
            title="Un autre plan",
            period_start=world.plan.period_start,
            period_end=world.plan.period_end,
        )
        assert plan.slug == f"{taken}-libre"
        assert Plan.objects.filter(slug=taken).count() == 1


def _xlsx_with(xml_before_close: bytes) -> bytes:
    """A small real workbook whose first sheet's XML gets `xml_before_close` inserted before its end."""
    import io
    import zipfile

    from tests.indicators.test_imports import xlsx

    source = zipfile.ZipFile(io.BytesIO(xlsx([["Pilier", "Action"], ["Prévention", "Forum"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</worksheet>", xml_before_close + b"</worksheet>")
            target.writestr(item, content)
    return out.getvalue()


def _ods_with(cells: str) -> bytes:
    from tests.oversized import ods_archive

    return ods_archive(f"<table:table-row>{cells}</table:table-row>", name="Plan")


BOMBS = {
    "xlsx_merge_of_a_million_cells": lambda: _xlsx_with(
        b'<mergeCells count="30">' + b'<mergeCell ref="A1:GR5000"/>' * 30 + b"</mergeCells>"
    ),
    "ods_thirty_spans": lambda: _ods_with(
        '<table:table-cell table:number-rows-spanned="5000" table:number-columns-spanned="200" '
        'office:value-type="string"><text:p>x</text:p></table:table-cell>' * 30
    ),
    "ods_columns_repeated": lambda: _ods_with(
        '<table:table-cell table:number-columns-repeated="1000000" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell>" * 30
    ),
}


class TestF6SpreadsheetBombs:
    @pytest.mark.parametrize("name", sorted(BOMBS))
    def test_refused_in_seconds_and_megabytes(self, name):
        import time
        import tracemalloc

        from core.spreadsheets import SpreadsheetError, read_spreadsheet

        data = BOMBS[name]()
        assert len(data) < 5000
        tracemalloc.start()
        started = time.perf_counter()
        with pytest.raises(SpreadsheetError):
            read_spreadsheet(data)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < 5, elapsed
        assert peak < 100 * 1024 * 1024, peak

    def test_the_import_page_says_why(self, client, world):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from plans.enums import PlanStatus

        world.plan.status = PlanStatus.DRAFT
        world.plan.save()
        client.force_login(world.users[MemberRole.COORDINATOR])
        upload = SimpleUploadedFile("plan.xlsx", BOMBS["xlsx_merge_of_a_million_cells"]())
        response = client.post(reverse("indicators:import_upload", args=[world.plan.pk]), {"spreadsheet": upload})
        assert response.status_code in {200, 400}
        assert "fusionnées ou répétées" in response.content.decode()


class TestATransientLockIsRetriedThenA503:
    """A write that meets "database is locked" (SQLite) or a serialization failure (PostgreSQL) runs once more; if it
    meets it again, a 503 with Retry-After that keeps what was typed — never a traceback."""

    @pytest.fixture
    def locked(self, monkeypatch):
        from django.db import OperationalError

        from plans import services

        calls = {"n": 0, "fail": 1}
        real = services.action_update

        def flaky(**kwargs):
            calls["n"] += 1
            if calls["n"] <= calls["fail"]:
                raise OperationalError("database is locked")
            return real(**kwargs)

        monkeypatch.setattr("plans.views.actions.services.action_update", flaky)
        return calls

    def _post(self, client, world, title):
        action = world.actions[0]
        client.force_login(world.users[MemberRole.COORDINATOR])
        url = reverse("plans:action_edit", args=[world.plan.pk, action.pk])
        from tests.test_hostile_input import Forms

        forms = Forms()
        forms.feed(client.get(url).content.decode())
        fields = max(forms.forms, key=lambda f: len(f["fields"]))["fields"]
        return action, client.post(url, {**fields, "title": title})

    def test_once_is_run_again_and_saved(self, client, world, locked):
        action, response = self._post(client, world, "Titre enregistré malgré le verrou")
        assert response.status_code == 302
        assert locked["n"] == 2
        action.refresh_from_db()
        assert action.title == "Titre enregistré malgré le verrou"

    def test_twice_is_a_503_that_keeps_what_was_typed(self, client, world, locked):
        locked["fail"] = 2
        action, response = self._post(client, world, "Titre tapé à <garder>")
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        page = response.content.decode()
        assert 'name="title" value="Titre tapé à &lt;garder&gt;"' in page
        assert "Envoyer à nouveau" in page and "Traceback" not in page
        action.refresh_from_db()
        assert action.title != "Titre tapé à <garder>"

    def test_the_api_answers_json(self, client, world, monkeypatch):
        from django.db import OperationalError

        def locked(**kwargs):
            raise OperationalError("database is locked")

        monkeypatch.setattr("indicators.api.services.quarter_save", locked)
        editor = world.users[MemberRole.EDITOR]
        indicator = IndicatorFactory(action=world.actions[0], label="Verrou")
        response = api(
            client,
            editor,
            "post",
            "/api/v1/measurements/",
            {"indicator": indicator.pk, "period": world.open.pk, "value_number": "2"},
        )
        assert response.status_code == 503
        assert response["Retry-After"] == "5"
        assert "réessayez" in response.json()["detail"]


class TestRowsAlreadyOutOfRange:
    def test_the_data_migration_repairs_them_and_the_pages_open_again(self, client, world):
        from importlib import import_module
        from types import SimpleNamespace

        from django.apps import apps
        from django.db import connection

        migration = import_module("indicators.migrations.0013_repair_out_of_range_numbers")
        value = Measurement.objects.filter(indicator__action=world.actions[0], period=world.open).first()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE indicators_measurement SET value_number = 'NaN' WHERE id = %s", [value.pk])
            cursor.execute("UPDATE indicators_indicator SET target_value = 'NaN' WHERE id = %s", [value.indicator_id])
        migration.repair(apps, SimpleNamespace(connection=connection))
        value.refresh_from_db()
        value.indicator.refresh_from_db()
        assert value.value_number is None and value.indicator.target_value is None
        client.force_login(world.users[MemberRole.COORDINATOR])
        for name in ("indicators:dashboard", "indicators:plan_indicators"):
            assert client.get(reverse(name, args=[world.plan.pk])).status_code == 200


class TestF4ValidatedOnlyCoversStatusAndProgress:
    def test_a_draft_done_action_is_not_published_as_done(self, client, world):
        import datetime

        from indicators.selectors.dashboards import plan_dashboard
        from indicators.services import quarter_save, share_link_create
        from plans.enums import ActionStatus

        coordinator = world.users[MemberRole.COORDINATOR]
        world.plan.validated_only = True
        world.plan.save()
        action = world.actions[0]
        quarter_save(
            period=world.open,
            by=coordinator,
            progress=[{"action": action, "status": ActionStatus.DONE, "progress": 100, "note": "Fini"}],
        )
        action.refresh_from_db()
        assert action.status == ActionStatus.DONE  # the action itself, as entered
        today = datetime.date(2026, 10, 15)
        published = plan_dashboard(plan=world.plan, today=today, publish=True)
        assert dict(published.status_rows)[ActionStatus.DONE.label] == 0
        assert all(series_value < 100 for chart in published.charts if chart.key == "piliers"
                   for series in chart.series for series_value in series.values)  # fmt: skip
        _link, token = share_link_create(plan=world.plan, by=coordinator, label="Préfecture", days=30)
        page = client.get(reverse("shared_dashboard", args=[token]))
        assert page.status_code == 200
        # Once validated by someone else, it is.
        review = review_submit(action=action, period=world.open, by=coordinator)
        review_validate(review=review, by=_validator(world))
        published = plan_dashboard(plan=world.plan, today=today, publish=True)
        assert dict(published.status_rows)[ActionStatus.DONE.label] == 1


def _validator(world):
    """A second validator of the plan (the coordinator submitted)."""
    from plans.models import Membership

    membership = Membership.objects.get(plan=world.plan, user=world.users[MemberRole.EDITOR])
    membership.validator = True
    membership.save()
    return membership.user


class TestF3NoSubtractionGivesASmallCountAway:
    @pytest.fixture
    def reported(self, broken_down):
        from indicators.services import quarter_save

        world = broken_down
        world.indicator.is_key = True
        world.indicator.save()

        def report(minors, young, older):
            parts = {str(world.minors.pk): minors, str(world.young.pk): young, str(world.older.pk): older}
            quarter_save(
                period=world.open,
                by=world.users[MemberRole.COORDINATOR],
                measurements=[
                    {
                        "indicator": world.indicator,
                        "value_number": None,
                        "parts": {k: Decimal(v) for k, v in parts.items()},
                    }
                ],  # fmt: skip
            )
            return self.published(world)

        world.report = report
        return world

    @staticmethod
    def published(world):
        import datetime

        from indicators.selectors.dashboards import plan_dashboard

        dashboard = plan_dashboard(plan=world.plan, today=datetime.date(2026, 10, 15), publish=True)
        key = next(k for k in dashboard.key_indicators if k.indicator.pk == world.indicator.pk)
        return key.value, [cells[0] for _label, cells in key.breakdown.table.rows]

    def test_a_small_total_is_masked_with_its_only_part(self, reported):
        assert reported.report(0, 3, 0) == ("< 5", ["0", "< 5", "0"])

    def test_two_small_parts_beside_a_total_hide_a_third(self, reported):
        assert reported.report(30, 1, 1) == ("32", ["masqué", "< 5", "< 5"])

    def test_small_parts_with_nothing_to_hide_among_mask_the_total(self, reported):
        assert reported.report(0, 3, 4) == ("masqué", ["0", "< 5", "< 5"])

    def test_nothing_small_nothing_masked(self, reported):
        assert reported.report(30, 20, 9) == ("59", ["30", "20", "9"])

    def test_the_quarter_reports_open_data_masks_the_total_too(self, reported):
        from indicators.jobs import build_report

        reported.report(0, 3, 4)
        report = build_report(reported.plan, "trimestre", {"year": 2026, "quarter": 3}, today=timezone.localdate())
        section = next(s for s in report.sections if s.key == "indicateurs")
        record = next(r for r in section.open_data.records if r["indicator_id"] == reported.indicator.pk)
        assert record["value"] is None and record["value_text"] == "masqué"


class TestNumbersThroughTheApi:
    @pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "1e20", "123456789012345678", 1e400])
    def test_a_value_out_of_range_is_a_400_and_nothing_changes(self, client, world, bad):
        editor = world.users[MemberRole.EDITOR]
        value = Measurement.objects.filter(indicator__action=world.actions[0], period=world.open).first()
        before = value.value_number
        body = '{"value_number": %s, "version": %s}' % (  # noqa: UP031 — 1e400 is no Python float to dump
            "1e400" if bad == 1e400 else json.dumps(bad),
            value.version,
        )
        client.force_login(editor)
        response = client.patch(f"/api/v1/measurements/{value.pk}/", body, content_type="application/json")
        assert response.status_code == 400, response.content
        assert "value_number" in response.json()
        value.refresh_from_db()
        assert value.value_number == before

    @pytest.mark.parametrize("bad", [1e20, -1, 101, "NaN"])
    def test_progress_out_of_range_is_a_400(self, client, world, bad):
        editor = world.users[MemberRole.EDITOR]
        update = ProgressUpdate.objects.get(action=world.actions[0], period=world.open)
        response = api(
            client,
            editor,
            "patch",
            f"/api/v1/progress-updates/{update.pk}/",
            {"progress": bad, "version": update.version},
        )
        assert response.status_code == 400, response.content


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="threads writing at once need a server database (the suite's SQLite is one in-memory connection)",
)
@pytest.mark.django_db(transaction=True)
def test_f11_the_same_partner_added_by_two_people_at_once_is_one_record():
    import threading

    from django.db import connection

    from plans.services import plan_partner_add

    world = second_year_plan(actions=1, indicators=1)
    people = [world.users[MemberRole.COORDINATOR], world.users[MemberRole.EDITOR]] * 3
    barrier, errors = threading.Barrier(len(people)), []

    def add(user):
        try:
            barrier.wait()
            plan_partner_add(plan=world.plan, by=user, name="Maison des adolescents", kind="association")
        except Exception as error:  # noqa: BLE001 — collected for the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert world.plan.partners.filter(name__iexact="maison des adolescents").count() == 1


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the write lock taken by polling is SQLite's (PostgreSQL claims rows with SKIP LOCKED)",
)
@pytest.mark.django_db(transaction=True)
def test_the_idle_worker_takes_no_write_lock_on_sqlite(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from indicators.management.commands.db_worker import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test", excluded_queue_names=[])  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert worker.claim(worker.ready_tasks()) == (None, True)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("BEGIN")], queries.captured_queries
    from indicators.jobs import build_export

    build_export.enqueue(0)  # a ready task: now it takes the lock, to claim it
    assert DBTaskResult.objects.ready().exists()
    with CaptureQueriesContext(connection) as queries:
        claimed, _read = worker.claim(worker.ready_tasks())
    assert claimed is not None
    assert any(q["sql"] == "BEGIN EXCLUSIVE" for q in queries.captured_queries)


class TestMaskedBarsSayWhy:
    def test_the_charts_data_table_reads_less_than_5_or_masked_not_a_dash(self, broken_down):
        """Issue 26: a hidden bar's row read "—" (missing) while the caption promised "< 5"."""
        from indicators import breakdowns
        from indicators.services import quarter_save

        world = broken_down
        parts = {str(world.minors.pk): Decimal(30), str(world.young.pk): Decimal(2), str(world.older.pk): Decimal(9)}
        quarter_save(
            period=world.open,
            by=world.users[MemberRole.COORDINATOR],
            measurements=[{"indicator": world.indicator, "value_number": None, "parts": parts}],
        )
        item = breakdowns.period_breakdowns(world.plan, world.open, [world.indicator])[0]
        rows = breakdowns.breakdown_chart(item).table_rows
        assert rows == [["Moins de 18 ans", Decimal(30)], ["18-25 ans", "< 5"], ["Plus de 25 ans", "masqué"]]
