"""Spreadsheets a funder can add up: numeric cells with a number format, wrapped text, fitted widths, a frozen
header row, totals under the money, in ODS as in XLSX (issue 26)."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.enums import MemberRole
from tests.indicators.factories import second_year_plan


@pytest.fixture
def year2(db):
    """Three funders whose shares of the plan (60 %, 23.3 %, 16.7 %) rounded one by one add up to 99 %."""
    from plans import services
    from tests.partners.factories import PartnerFactory

    world = second_year_plan(actions=6, indicators=2)
    coordinator = world.users[MemberRole.COORDINATOR]
    for index, amount in enumerate([Decimal(7000), Decimal(5000)]):
        funder = PartnerFactory()
        world.plan.partners.add(funder)
        services.budget_line_create(
            action=world.actions[index], by=coordinator, funder=funder, year=2026, nature="operating",
            planned_amount=amount,
        )  # fmt: skip
    return world


def download(client, world, name, *args, fmt):
    client.force_login(world.users[MemberRole.VIEWER])
    response = client.get(reverse(name, args=[world.plan.pk, *args]), {"format": fmt})
    assert response.status_code == 200
    return response.content


def ods_sheets(content: bytes) -> dict:
    """Each sheet's rows as (value type, value, text, style) per cell, read with odfpy."""
    from odf import table, text
    from odf.opendocument import load

    document = load(io.BytesIO(content))
    sheets = {}
    for sheet in document.spreadsheet.getElementsByType(table.Table):
        rows = []
        for row in sheet.getElementsByType(table.TableRow):
            cells = []
            for cell in row.getElementsByType(table.TableCell):
                shown = "\n".join(str(p) for p in cell.getElementsByType(text.P))
                cells.append(
                    (cell.getAttribute("valuetype"), cell.getAttribute("value"), shown, cell.getAttribute("stylename"))
                )
            rows.append(cells)
        sheets[sheet.getAttribute("name")] = rows
    return sheets


@pytest.mark.django_db
class TestXlsx:
    def test_headline_figures_and_shares_are_numbers(self, client, year2):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(download(client, year2, "indicators:report_quarter", 2026, 3, fmt="xlsx")))
        synthesis = {row[0].value: row for row in book["Synthèse"].iter_rows(min_row=2)}
        actions = synthesis["Actions"]
        assert actions[1].value == 6 and actions[1].number_format == "#,##0"
        committed = synthesis["Budget engagé"]
        assert isinstance(committed[1].value, int | float | Decimal) and "€" in committed[1].number_format
        assert isinstance(committed[2].value, float | Decimal) and committed[2].number_format == "0%"
        assert 0 < committed[2].value <= 1

        budget = list(book["Exécution budgétaire"].iter_rows(min_row=2, values_only=True))
        *funders, total = budget
        assert total[0] == "Total"
        assert total[1] == sum(row[1] for row in funders)  # planned
        assert total[5] == 1 and sum(row[5] for row in funders) == pytest.approx(1)  # shares add up to 100 %

    def test_text_wraps_widths_fit_and_the_header_is_frozen(self, client, year2):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(download(client, year2, "indicators:report_quarter", 2026, 3, fmt="xlsx")))
        for sheet in book.worksheets:
            assert sheet.freeze_panes == "A2", sheet.title
        actions = book["Actions"]
        header = [cell.value for cell in actions[1]]
        title = actions.cell(row=2, column=header.index("Action") + 1)
        assert title.alignment.wrap_text
        widths = {cell.value: actions.column_dimensions[cell.column_letter].width for cell in actions[1]}
        assert widths["Action"] >= len("Action 1")
        assert all(6 <= width <= 62 for width in widths.values())


@pytest.mark.django_db
class TestOds:
    def test_numbers_are_numeric_cells_with_a_format(self, client, year2):
        sheets = ods_sheets(download(client, year2, "indicators:report_quarter", 2026, 3, fmt="ods"))
        synthesis = {row[0][2]: row for row in sheets["Synthèse"][1:]}
        kind, value, shown, style = synthesis["Actions"][1]
        assert (kind, value, shown, style) == ("float", "6", "6", "integer")  # not "6,00"
        kind, value, shown, _style = synthesis["Budget engagé"][1]
        assert kind == "currency" and Decimal(value) > 0 and shown.endswith("€")
        kind, value, shown, style = synthesis["Budget engagé"][2]
        assert kind == "percentage" and 0 < Decimal(value) <= 1 and shown.endswith("%") and style == "percent"

        budget = sheets["Exécution budgétaire"]
        assert budget[-1][0][2] == "Total"
        shares = [row[5] for row in budget[1:-1]]
        assert all(kind == "percentage" for kind, *_rest in shares)
        assert sum(Decimal(value) for _kind, value, *_rest in shares) == 1
        assert budget[-1][5][1] == "1"

    def test_text_wraps_and_the_header_row_is_frozen(self, client, year2):
        content = download(client, year2, "indicators:report_quarter", 2026, 3, fmt="ods")
        sheets = ods_sheets(content)
        text_cells = [cell for row in sheets["Actions"][1:] for cell in row if cell[0] == "string"]
        assert text_cells and all(cell[3] in {"wrap", "repeat"} for cell in text_cells)
        settings = zipfile.ZipFile(io.BytesIO(content)).read("settings.xml").decode()
        for name in sheets:
            assert f'config:name="{name}"' in settings
        assert settings.count('config:name="VerticalSplitMode"') == len(sheets)
        assert 'config:name="VerticalSplitPosition" config:type="int">1<' in settings
