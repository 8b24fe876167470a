"""The exports read well, not just open: every column in the PDFs, one value per open-data cell, filters work.

The PDFs' text is read back with pypdf; spreadsheets with openpyxl and csv.
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.opendata import SPECS
from indicators.services import quarter_save
from plans.enums import MemberRole
from tests.indicators.factories import second_year_plan


@pytest.fixture
def year2(db):
    world = second_year_plan(actions=6, indicators=2)
    action = world.actions[2]
    quarter_save(
        period=world.open,
        by=world.users[MemberRole.COORDINATOR],
        progress=[
            {
                "action": action,
                "status": "in_progress",
                "progress": 60,
                "note": "Trois ateliers tenus",
                "blockers": "Salle municipale indisponible en septembre",
            }
        ],
    )
    action.comments = "Réunion du comité en octobre"
    action.save()
    return world


def pdf_text(content: bytes) -> str:
    """The PDF's text with hyphenation, line breaks and spacing removed, to look for words wrapped in a cell."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    assert reader.pages, "empty PDF"
    return squash(" ".join(page.extract_text() for page in reader.pages))


def squash(text: str) -> str:
    return re.sub(r"[\s\u2010\u00ad-]+", "", str(text))


def get(client, world, name, *args, **params):
    client.force_login(world.users[MemberRole.VIEWER])
    response = client.get(reverse(name, args=[world.plan.pk, *args]), params)
    assert response.status_code == 200
    return response


def built(plan, name, *args):
    """The report a page shows, as its builder returns it (the preview keeps only its HTML)."""
    from indicators.jobs import build_report

    report, keys = {
        "indicators:report_suivi": ("suivi", ()),
        "indicators:report_quarter": ("trimestre", ("year", "quarter")),
        "indicators:report_annual": ("bilan", ("year",)),
    }[name]
    return build_report(plan, report, dict(zip(keys, args, strict=True)), today=timezone.localdate())


@pytest.mark.django_db
class TestPdfsKeepEveryColumn:
    def headers_and_last_cell(self, client, world, name, *args, section, row_contains, last):
        report = built(world.plan, name, *args)
        text = pdf_text(get(client, world, name, *args, format="pdf").content)
        shown = report.section(section)
        for column in shown.shown_columns:
            assert squash(column.label) in text, column.label
        assert squash(row_contains) in text and squash(last) in text

    def test_suivi_table(self, client, year2):
        """The review's case: the last three columns and half of "Commentaires" were off the page."""
        self.headers_and_last_cell(
            client,
            year2,
            "indicators:report_suivi",
            section="suivi",
            row_contains="Réunion du comité en octobre",
            last=f"R : Indicateur 1 de {year2.actions[2].title}",
        )

    def test_quarterly_report(self, client, year2):
        """The review's case: "Dernière note" and "Ce qui bloque" were lost."""
        self.headers_and_last_cell(
            client,
            year2,
            "indicators:report_quarter",
            2026,
            3,
            section="actions",
            row_contains="Trois ateliers tenus",
            last="Salle municipale indisponible en septembre",
        )

    def test_annual_review(self, client, year2):
        """The review's case: T4, progress, late and last note were lost."""
        self.headers_and_last_cell(
            client,
            year2,
            "indicators:report_annual",
            2026,
            section="actions",
            row_contains="T4 2026",
            last="Trois ateliers tenus",
        )

    def test_suivi_is_on_a3_and_the_others_on_a4(self, client, year2):
        from pypdf import PdfReader

        suivi = PdfReader(io.BytesIO(get(client, year2, "indicators:report_suivi", format="pdf").content))
        quarter = PdfReader(io.BytesIO(get(client, year2, "indicators:report_quarter", 2026, 3, format="pdf").content))
        assert round(float(suivi.pages[0].mediabox.width)) == 1191  # A3 landscape
        assert round(float(quarter.pages[0].mediabox.width)) == 842  # A4 landscape


@pytest.mark.django_db
class TestOpenData:
    def read(self, client, world, name, *args, section):
        response = get(client, world, name, *args, format="csv-opendata", section=section)
        assert not response.content.startswith(b"\\ufeff")
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    def test_actions_one_value_per_column(self, client, year2):
        rows = self.read(client, year2, "indicators:report_quarter", 2026, 3, section="actions")
        assert list(rows[0]) == [field.name for field in SPECS["actions"].fields]
        row = next(r for r in rows if r["title"] == year2.actions[2].title)
        assert row["lead"] == year2.actions[2].lead.name and row["summary"] == ""
        assert row["status"] == "in_progress" and row["status_label"] == "En cours"
        assert row["due_date"] == "2027-06-30" and row["late"] == "false"
        assert Decimal(row["planned_amount"]) == Decimal(3000) and int(row["progress"]) == 60
        assert row["last_blockers"] == "Salle municipale indisponible en septembre"

    def test_indicators_and_money_are_numbers(self, client, year2):
        rows = self.read(client, year2, "indicators:report_quarter", 2026, 3, section="indicateurs")
        assert {r["period"] for r in rows} == {"2026-T3"}
        for row in rows:
            Decimal(row["value"]), Decimal(row["target_value"]), int(row["indicator_id"])
            assert row["target_reached"] in {"true", "false", ""}
        money = self.read(client, year2, "indicators:report_annual", 2026, section="financeurs")
        assert Decimal(money[0]["committed"]) == Decimal("8400") and "€" not in money[0]["committed"]

    def test_suivi_open_data_and_dictionary(self, client, year2):
        rows = self.read(client, year2, "indicators:report_suivi", section="suivi")
        assert len(rows) == 6 and all(r["pillar"] and r["axis"] for r in rows)
        dictionary = get(client, year2, "indicators:opendata_dictionary")
        html = dictionary.content.decode()
        for spec in SPECS.values():
            for field in spec.fields:
                assert f"<code>{field.name}</code>" in html
        as_csv = get(client, year2, "indicators:opendata_dictionary", format="csv")
        lines = list(csv.DictReader(io.StringIO(as_csv.content.decode())))
        assert {"dataset", "field", "type", "description"} <= set(lines[0])

    def test_file_names_never_double_a_word(self, client, year2):
        plan = year2.plan
        names = [
            get(client, year2, "indicators:report_suivi", format="csv")["Content-Disposition"],
            get(client, year2, "indicators:report_suivi", format="csv-opendata")["Content-Disposition"],
            get(client, year2, "indicators:report_annual", 2026, format="xlsx")["Content-Disposition"],
        ]
        assert names[0].startswith(f'attachment; filename="plan-{plan.slug}-suivi-20')
        assert "suivi-suivi" not in names[0] and names[1].count("suivi") == 1
        assert names[2] == f'attachment; filename="plan-{plan.slug}-bilan-2026.xlsx"'


@pytest.mark.django_db
class TestSpreadsheetsFilter:
    def test_every_suivi_row_carries_its_pillar_and_domain_greyed_when_repeated(self, client, year2):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(get(client, year2, "indicators:report_suivi", format="xlsx").content))
        sheet = book["Tableau de suivi"]
        rows = list(sheet.iter_rows(min_row=2))
        assert all(row[0].value and row[1].value for row in rows)
        repeated = [row for above, row in zip(rows, rows[1:], strict=False) if row[0].value == above[0].value]
        assert repeated and all(row[0].font.color.rgb.endswith("8A8F94") for row in repeated)
