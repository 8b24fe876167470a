"""Reports and exports: every format opens, cells are typed, formulas are neutralised, bad input is clear."""

import csv
import datetime
import io
import zipfile
import zlib
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.reports import SUIVI_HEADERS
from indicators.services import quarter_save
from plans.enums import MemberRole
from plans.services import reporting_periods_sync
from tests.indicators.factories import IndicatorFactory
from tests.plans.factories import ActionFactory, AxisFactory, BudgetLineFactory, MembershipFactory, PlanFactory

INJECTIONS = ['=HYPERLINK("http://evil.example","clic")', "+1", "-1", "@x"]


@pytest.fixture
def plan_with_data(db):
    plan = PlanFactory(adopted=True)
    reporting_periods_sync(plan=plan)
    axis = AxisFactory(pillar__plan=plan, name="Paix publique")
    actions = [ActionFactory(axis=axis, title=title, due_date=datetime.date(2026, 12, 31)) for title in INJECTIONS]
    second = ActionFactory(axis=axis, title="Organisation d'actions communes", summary="Opérations conjointes")
    plan.partners.add(*{a.lead for a in [*actions, second]})
    indicator = IndicatorFactory(action=second, label="Nombre d'actions menées", target_value=Decimal("10"))
    BudgetLineFactory(action=second, funder=second.lead, planned_amount=Decimal("12500"))
    viewer = MembershipFactory(plan=plan, role=MemberRole.VIEWER).user
    period = plan.periods.get(year=2026, quarter=1)
    editor = MembershipFactory(plan=plan, role=MemberRole.EDITOR).user
    quarter_save(
        period=period,
        by=editor,
        measurements=[{"indicator": indicator, "value_number": Decimal("12"), "value_text": "", "comment": ""}],
    )
    return plan, period, viewer


def quarter_url(plan, period, **params):
    url = reverse("indicators:report_quarter", args=[plan.pk, period.year, period.quarter])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


@pytest.mark.django_db
class TestReportPages:
    def test_viewer_previews_and_exports(self, client, plan_with_data):
        plan, period, viewer = plan_with_data
        client.force_login(viewer)
        html = client.get(quarter_url(plan, period)).content.decode()
        assert "Rapport trimestriel — T1 2026" in html
        assert "<svg" in html and "<title id=" in html and "Données du graphique" in html
        response = client.get(quarter_url(plan, period, format="ods"))
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="plan-{plan.slug}-trimestre-T1-2026.ods"'

    def test_outsiders_get_404(self, client, plan_with_data):
        plan, period, _viewer = plan_with_data
        outsider = MembershipFactory(plan=PlanFactory(), role=MemberRole.COORDINATOR).user
        client.force_login(outsider)
        urls = [
            quarter_url(plan, period),
            quarter_url(plan, period, format="pdf"),
            reverse("indicators:report_suivi", args=[plan.pk]),
            reverse("indicators:reports", args=[plan.pk]),
        ]
        for url in urls:
            assert client.get(url).status_code == 404

    def test_bad_input_gets_a_clear_page(self, client, plan_with_data):
        plan, period, viewer = plan_with_data
        client.force_login(viewer)
        outside = client.get(reverse("indicators:report_quarter", args=[plan.pk, 2035, 1]))
        assert outside.status_code == 404 and "pas dans la période du plan" in outside.content.decode()
        year = client.get(reverse("indicators:report_annual", args=[plan.pk, 1999]))
        assert year.status_code == 404 and "1999" in year.content.decode()
        unknown = client.get(quarter_url(plan, period, format="docx"))
        assert unknown.status_code == 400 and "Formats disponibles" in unknown.content.decode()
        section = client.get(quarter_url(plan, period, format="csv", section="nope"))
        assert section.status_code == 400

    def test_empty_plan_exports_every_format(self, client, db):
        plan = PlanFactory()
        reporting_periods_sync(plan=plan)
        client.force_login(MembershipFactory(plan=plan, role=MemberRole.VIEWER).user)
        period = plan.periods.first()
        assert "ce document est vide" in client.get(quarter_url(plan, period)).content.decode()
        for fmt in ["pdf", "ods", "xlsx", "csv", "csv-opendata"]:
            assert client.get(quarter_url(plan, period, format=fmt)).status_code == 200
        assert (
            client.get(reverse("indicators:report_annual", args=[plan.pk, 2026]) + "?format=xlsx").status_code == 200
        )


@pytest.mark.django_db
class TestFormats:
    def get(self, client, plan, period, **params):
        return client.get(quarter_url(plan, period, **params))

    def test_pdf_is_tagged_and_french(self, client, plan_with_data):
        plan, period, viewer = plan_with_data
        client.force_login(viewer)
        body = self.get(client, plan, period, format="pdf").content
        assert body.startswith(b"%PDF")
        objects = body + b"".join(
            zlib.decompress(chunk.split(b"stream\n", 1)[1])
            for chunk in body.split(b"endstream")[:-1]
            if b"/FlateDecode" in chunk.rsplit(b"obj", 1)[-1]
        )
        assert b"/StructTreeRoot" in objects and b"/MarkInfo" in objects
        assert b"/Lang (fr)" in objects or b"/Lang(fr)" in objects

    def test_xlsx_has_typed_cells_one_sheet_per_section(self, client, plan_with_data):
        from openpyxl import load_workbook

        plan, period, viewer = plan_with_data
        client.force_login(viewer)
        book = load_workbook(io.BytesIO(self.get(client, plan, period, format="xlsx").content))
        assert book.sheetnames == [
            "Synthèse",
            "Avancement par pilier et axe",
            "Actions",
            "Indicateurs",
            "Exécution budgétaire",
            "À décider",
        ]
        actions = book["Actions"]
        assert actions["A1"].value == "Pilier" and actions.freeze_panes == "A2"
        assert isinstance(actions["E2"].value, datetime.datetime)  # due date is a date
        assert isinstance(actions["G2"].value, int)  # progress is a number
        budget = book["Exécution budgétaire"]
        assert budget["B2"].value == 12500 and "€" in budget["B2"].number_format
        indicators = book["Indicateurs"]
        assert indicators["G2"].value == 12  # the value is a number
        assert actions.column_dimensions["C"].width > 40

    def test_ods_has_typed_cells(self, client, plan_with_data):
        plan, period, viewer = plan_with_data
        client.force_login(viewer)
        content = zipfile.ZipFile(io.BytesIO(self.get(client, plan, period, format="ods").content)).read("content.xml")
        text = content.decode()
        assert 'office:value-type="currency"' in text and 'office:currency="EUR"' in text
        assert 'office:value-type="date"' in text and 'office:date-value="2026-12-31"' in text
        assert 'office:value-type="float"' in text
        assert text.count("<table:table ") == 6

    def test_csv_flavours(self, client, plan_with_data):
        plan, period, viewer = plan_with_data
        client.force_login(viewer)
        sheet = self.get(client, plan, period, format="csv", section="budget").content
        assert sheet.startswith("\ufeff".encode())
        rows = list(csv.reader(io.StringIO(sheet.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:2] == ["Financeur", "Prévu (€)"] and rows[1][1] == "12500,00"
        opendata = self.get(client, plan, period, format="csv-opendata", section="actions")
        assert not opendata.content.startswith("\ufeff".encode())
        assert opendata["Content-Disposition"].endswith('-trimestre-actions-donnees-ouvertes-T1-2026.csv"')
        rows = list(csv.reader(io.StringIO(opendata.content.decode())))
        assert "2026-12-31" in rows[1] and b"\r\n" in opendata.content


@pytest.mark.django_db
class TestFormulaInjection:
    def test_neutralised_in_every_format(self, client, plan_with_data):
        from openpyxl import load_workbook

        plan, period, viewer = plan_with_data
        client.force_login(viewer)
        csv_text = client.get(quarter_url(plan, period, format="csv", section="actions")).content.decode("utf-8-sig")
        opendata = client.get(quarter_url(plan, period, format="csv-opendata", section="actions")).content.decode()
        book = load_workbook(io.BytesIO(client.get(quarter_url(plan, period, format="xlsx")).content))
        titles = [row[2] for row in book["Actions"].iter_rows(min_row=2, values_only=True)]
        ods = (
            zipfile.ZipFile(io.BytesIO(client.get(quarter_url(plan, period, format="ods")).content))
            .read("content.xml")
            .decode()
        )
        for payload in INJECTIONS:
            assert f"'{payload}" in titles
            assert f"'{payload}" in csv_text.replace('""', '"')
            assert f"'{payload}" in opendata.replace('""', '"')
            assert f"'{payload}".replace('"', "&quot;") in ods or f"'{payload}" in ods
        assert not any(str(t).startswith(("=", "+", "-", "@")) for t in titles)


@pytest.mark.django_db
class TestSuiviTable:
    def test_exact_headers_and_grouping(self, client, plan_with_data):
        plan, _period, viewer = plan_with_data
        client.force_login(viewer)
        response = client.get(reverse("indicators:report_suivi", args=[plan.pk]) + "?format=csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == SUIVI_HEADERS
        assert rows[0] == [
            "Pilier",
            "Domaine",
            "Champ d'intervention et population ciblée",
            "Gestionnaire et sommaire d'actions",
            "Commentaires",
            "Compétences et financement envisagé",
            "Echéances",
            "Indicateurs de résultats (R) et/ou d'Impact (I)",
        ]
        # Every row carries its pillar and domain, so that filters and pivot tables work.
        assert rows[1][1] == "Paix publique" and rows[2][:2] == rows[1][:2] and rows[2][0]
        indicator_row = next(r for r in rows if "Nombre d'actions menées" in r[7])
        assert indicator_row[7].startswith("R : Nombre d'actions menées — 12")
        # Read as in the SeNe model, a group's name shows on its first row only.
        from indicators.jobs import build_report

        shown = build_report(plan, "suivi", {}, today=timezone.localdate()).section("suivi").shown_rows
        assert shown[0][1] == "Paix publique" and shown[1][:2] == ["", ""]
        html = client.get(reverse("indicators:report_suivi", args=[plan.pk])).content.decode()
        assert html.count("<td>Paix publique</td>") == 1
        for fmt in ["ods", "xlsx", "pdf", "csv"]:
            assert client.get(reverse("indicators:report_suivi", args=[plan.pk]) + f"?format={fmt}").status_code == 200

    def test_annual_review(self, client, plan_with_data):
        plan, _period, viewer = plan_with_data
        client.force_login(viewer)
        html = client.get(reverse("indicators:report_annual", args=[plan.pk, 2026])).content.decode()
        assert (
            "Bilan annuel 2026" in html and "Exécution par financeur" in html and "Engagements par trimestre" in html
        )


@pytest.mark.django_db
def test_a_big_plan_is_previewed_in_part_and_exported_whole(client):
    """The browser shows the first rows of each table; the files hold every row."""
    from indicators.selectors.reports import PREVIEW_ROWS
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=PREVIEW_ROWS + 5, indicators=1)
    plan = world.plan
    client.force_login(world.users[MemberRole.VIEWER])
    url = reverse("indicators:report_annual", args=[plan.pk, 2026])
    html = client.get(url).content.decode()
    assert f"Aperçu : {PREVIEW_ROWS} premières lignes sur {PREVIEW_ROWS + 5}" in html
    actions_table = html.split('id="section-actions"', 1)[1].split("</table>", 1)[0]
    assert actions_table.count("<tr><td") == PREVIEW_ROWS
    assert "Le calendrier des 65 actions est dans le PDF" in html
    rows = list(
        csv.reader(
            io.StringIO(client.get(url, {"format": "csv"}).content.decode("utf-8-sig"), newline=""), delimiter=";"
        )
    )
    assert any(f"Action {PREVIEW_ROWS + 5}" in cell for row in rows for cell in row)


@pytest.mark.django_db
def test_a_preview_is_built_once_per_state_of_the_plan(client, plan_with_data, monkeypatch, settings):
    """Read again, the preview comes from the cache; any change to the plan builds it anew."""
    from django.core.cache import cache

    from indicators import jobs

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    plan, _period, viewer = plan_with_data
    builds = []
    original = jobs.build_report
    monkeypatch.setattr(jobs, "build_report", lambda *a, **k: builds.append(a[1]) or original(*a, **k))
    client.force_login(viewer)
    url = reverse("indicators:report_annual", args=[plan.pk, 2026])
    first = client.get(url).context["preview"]
    assert client.get(url).context["preview"] == first and builds == ["bilan"]
    action = plan.actions.first()
    action.title = "Intitulé changé"
    action.save()
    assert "Intitulé changé" in client.get(url).content.decode() and builds == ["bilan", "bilan"]
    client.cookies.load({"django_language": "en"})
    client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(builds) == 3  # another language, another preview


class TestBuildingLess:
    """A report preview reads 60 rows of each table: what it does not show is not written out."""

    def test_latest_readings_are_the_newest_first_up_to_a_quarter(self, db):
        from indicators.models import Measurement, latest_readings

        plan = PlanFactory(second_year=2, second_year__indicators=1)
        indicator = plan.indicators.get(action__order=0)
        upto = plan.periods.get(year=2026, quarter=2)
        readings = latest_readings(plan=plan, upto=upto, count=2)[indicator.pk]
        expected = list(
            Measurement.objects.filter(indicator=indicator, period__year__lte=2026)
            .exclude(period__year=2026, period__quarter__gt=2)
            .order_by("-period__year", "-period__quarter")
            .values_list("period__year", "period__quarter", "value_number", "value_text")[:2]
        )
        assert [tuple(r) for r in readings] == expected
        assert [(r.year, r.quarter) for r in readings] == [(2026, 2), (2026, 1)]
        latest = latest_readings(plan=plan)[indicator.pk]
        assert len(latest) == 1 and (latest[0].year, latest[0].quarter) == (2026, 4)

    def test_the_preview_writes_out_only_the_rows_it_shows(self, db, monkeypatch):
        from django.utils import translation

        from indicators.jobs import build_report
        from indicators.reports.base import Rows
        from indicators.reports.common import IndicatorLine
        from indicators.selectors.reports import PREVIEW_ROWS, report_preview

        plan = PlanFactory(second_year=PREVIEW_ROWS + 20, second_year__indicators=2)
        section = build_report(plan, "bilan", {"year": 2026}, today=timezone.localdate()).section("tendances")
        assert isinstance(section.print_rows, Rows) and len(section.print_rows) == PREVIEW_ROWS + 20
        written = []
        described = IndicatorLine.description.fget
        monkeypatch.setattr(IndicatorLine, "description", property(lambda line: written.append(1) or described(line)))
        with translation.override("fr"):
            preview = report_preview(plan=plan, name="bilan", params={"year": 2026}, today=timezone.localdate())
        # Two indicators an action, 60 actions shown: 120 sentences, not 160.
        assert len(written) == 2 * PREVIEW_ROWS
        assert f"Aperçu : {PREVIEW_ROWS} premières lignes sur {PREVIEW_ROWS + 20}" in preview.body
        # The file has them all, written out.
        assert len(list(section.print_rows)) == PREVIEW_ROWS + 20
        assert all(" · " in row[2] for row in section.print_rows)


@pytest.mark.django_db
def test_a_report_is_built_for_the_day_it_is_given():
    """Issue 29 (one clock): reports take `today` from the request, or from the day a background export was asked
    for, and never read the clock themselves: the same plan on two days, two answers on lateness."""
    from indicators.jobs import build_report

    plan = PlanFactory(period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2027, 12, 31))
    reporting_periods_sync(plan=plan)
    ActionFactory(axis=AxisFactory(pillar__plan=plan), status="in_progress", due_date=datetime.date(2026, 6, 30))
    before = build_report(plan, "suivi", {}, today=datetime.date(2026, 3, 1))
    after = build_report(plan, "suivi", {}, today=datetime.date(2026, 9, 1))
    assert (before.period, after.period) == ("2026-03-01", "2026-09-01")
    quarter = {"year": 2026, "quarter": 3}

    def lateness(day):
        (row,) = build_report(plan, "trimestre", quarter, today=day).section("actions").rows
        return row[7]  # the "late" cell, after pillar, axis, title, lead, due date, status and progress

    assert (lateness(datetime.date(2026, 5, 1)), lateness(datetime.date(2026, 7, 1))) == ("non", "oui")
