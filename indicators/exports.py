"""Writers: one report, every format. ODS (the interoperability standard), XLSX, tagged PDF and two CSV flavours.

Spreadsheets get one sheet per section, a header row, typed cells (numbers, dates, money in euros) and
column widths that fit. Text that a spreadsheet could take for a formula is neutralised everywhere: exports
go to police forces and prosecutors.
"""

import csv
import dataclasses
import datetime
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.encoding import force_str
from django.utils.text import slugify

from core import formats
from core.inputs import clean_text
from indicators.reports.base import DATE, DECIMAL, INT, MONEY, PERCENT, Figure, Report, Rows, Section
from indicators.reports.base import TEXT as TEXT_KIND

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", "ods"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-opendata": ("text/csv; charset=utf-8", "csv"),
}


def neutralise(text: str) -> str:
    """A leading apostrophe keeps '=HYPERLINK(…)', '+1', '-1', '@x' as text in every spreadsheet."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _typed(column_kind: str, value):
    """('integer' | 'number' | 'money' | 'percent' | 'date' | 'text', value) for one cell.

    A headline Figure says its own kind; a percentage (0–100) becomes the fraction spreadsheets format as %."""
    if isinstance(value, Figure):
        column_kind, value = value.kind, value.value
    if value is None or value == "":
        return "empty", None
    if column_kind == MONEY and _is_number(value):
        return "money", Decimal(value)
    if column_kind == PERCENT and _is_number(value):
        return "percent", Decimal(value) / 100
    if column_kind in {INT, DECIMAL, MONEY} and _is_number(value):
        whole = Decimal(value) == Decimal(value).to_integral_value()
        return ("integer" if whole else "number"), value
    if column_kind == DATE and isinstance(value, datetime.date):
        return "date", value
    return "text", neutralise(force_str(value))


def _fitted_widths(section: Section) -> list[int]:
    """Each column's width in characters, from what it holds: its header's longest word, the longest value
    (text up to 60, then it wraps), and the column's own minimum."""
    widths = []
    sample = section.rows[:2000]
    for index, column in enumerate(section.columns):
        header = max((len(word) for word in force_str(column.label).split()), default=4)
        longest = 0
        for row in sample:
            value = row[index]
            if value is None or value == "":
                continue
            shown = str(value) if isinstance(value, Figure) else _shown_text(value)
            longest = max(longest, max((len(line) for line in shown.split("\n")), default=0))
        widths.append(max(min(longest, 60), header, 6) + 2)
    return widths


def sheet_title(title: str, used: set) -> str:
    clean = "".join("-" if c in "[]:*?/\\" else c for c in title)[:31]
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]} {n}"
        n += 1
    used.add(name)
    return name


# --- CSV ------------------------------------------------------------------------------------------------------


def _open_value(value) -> str:
    """One value as open data reads it: ISO dates, a dot for decimals, true/false, text as written."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(force_str(value))


def _open_header(column) -> str:
    return slugify(force_str(column.label)).replace("-", "_") or "colonne"


def to_csv(section: Section, *, opendata: bool) -> bytes:
    """Spreadsheet flavour: ';', decimal comma, dd/mm/yyyy, UTF-8 with BOM.

    Open data: ',', RFC 4180, UTF-8; the section's dataset (indicators.opendata) when it has one, else its
    columns under machine names; one value per cell either way.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if opendata else ";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    if opendata:
        if section.open_data is not None:
            writer.writerow([field.name for field in section.open_data.fields])
            rows = section.open_data.rows()
        else:
            writer.writerow([_open_header(c) for c in section.columns])
            rows = section.rows
        writer.writerows([_open_value(value) for value in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    writer.writerow([neutralise(force_str(c.label)) for c in section.columns])
    for row in section.rows:
        cells = []
        for column, value in zip(section.columns, row, strict=True):
            kind, typed = _typed(column.kind, value)
            if kind == "empty":
                cells.append("")
            elif kind in {"integer", "number", "money", "percent"}:
                shown = f"{typed:.2f}" if kind == "money" else f"{Decimal(typed).normalize():f}"
                cells.append(shown.replace(".", ","))
            elif kind == "date":
                cells.append(typed.strftime("%d/%m/%Y"))
            else:
                cells.append(typed)
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def repeats(section: Section) -> set[tuple[int, int]]:
    """(row, column) of the group cells that repeat the row above: spreadsheets show them greyed."""
    found = set()
    for index in range(1, len(section.rows)):
        row, above = section.rows[index], section.rows[index - 1]
        for column in section.group_columns:
            if row[column] == above[column] and all(row[c] == above[c] for c in section.group_columns[:column]):
                found.add((index, column))
    return found


# --- XLSX -----------------------------------------------------------------------------------------------------

# Number formats: money to the cent, counts whole, other numbers to two decimals, shares as percentages.
XLSX_FORMATS = {
    "money": '#,##0.00 "€"',
    "integer": "#,##0",
    "number": "#,##0.00",
    "percent": "0%",
    "date": "DD/MM/YYYY",
}


def to_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = f"{report.title} — {report.subtitle}"
    workbook.properties.creator = "Plans locaux drogues et addictions"
    workbook.properties.language = "fr-FR"
    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="14506B")
    repeat_font = Font(color="8A8F94")  # a group's name repeated on its later rows, greyed as in the SeNe model
    wrap = Alignment(wrap_text=True, vertical="top")
    used = set()
    for section in report.sections:
        sheet = workbook.create_sheet(sheet_title(force_str(section.title), used))
        sheet.append([neutralise(force_str(c.label)) for c in section.columns])
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
        for index, width in enumerate(_fitted_widths(section), start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        greyed = repeats(section)
        for row_index, row in enumerate(section.rows):
            values, formats = [], []
            for column, value in zip(section.columns, row, strict=True):
                kind, typed = _typed(column.kind, value)
                values.append(typed)
                formats.append(XLSX_FORMATS.get(kind))
            sheet.append(values)
            for column_index, (cell, number_format_) in enumerate(zip(sheet[sheet.max_row], formats, strict=True)):
                if number_format_:
                    cell.number_format = number_format_
                elif isinstance(cell.value, str):
                    cell.alignment = wrap
                if (row_index, column_index) in greyed:
                    cell.font = repeat_font
        sheet.freeze_panes = "A2"
        if section.rows:
            sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- ODS ------------------------------------------------------------------------------------------------------


def to_ods(report: Report) -> bytes:
    from odf import dc, number, style, table, text
    from odf.opendocument import OpenDocumentSpreadsheet

    doc = OpenDocumentSpreadsheet()
    doc.meta.addElement(dc.Title(text=f"{report.title} — {report.subtitle}"))
    doc.meta.addElement(dc.Language(text="fr-FR"))

    euro = number.CurrencyStyle(name="euro-number", language="fr", country="FR")
    euro.addElement(number.Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
    euro.addElement(number.Text(text="\u00a0"))
    euro.addElement(number.CurrencySymbol(language="fr", country="FR", text="€"))
    day = number.DateStyle(name="day-number")
    for element in (
        number.Day(style="long"),
        number.Text(text="/"),
        number.Month(style="long"),
        number.Text(text="/"),
        number.Year(style="long"),
    ):
        day.addElement(element)
    whole = number.NumberStyle(name="whole-number")
    whole.addElement(number.Number(decimalplaces="0", minintegerdigits="1", grouping="true"))
    decimal = number.NumberStyle(name="decimal-number")
    decimal.addElement(number.Number(decimalplaces="2", minintegerdigits="1", grouping="true"))
    share = number.PercentageStyle(name="share-number")
    share.addElement(number.Number(decimalplaces="0", minintegerdigits="1"))
    share.addElement(number.Text(text="\u00a0%"))
    for data_style in (euro, day, whole, decimal, share):
        doc.automaticstyles.addElement(data_style)
    money_cell = style.Style(name="money", family="table-cell", datastylename="euro-number")
    date_cell = style.Style(name="date", family="table-cell", datastylename="day-number")
    integer_cell = style.Style(name="integer", family="table-cell", datastylename="whole-number")
    number_cell = style.Style(name="number", family="table-cell", datastylename="decimal-number")
    percent_cell = style.Style(name="percent", family="table-cell", datastylename="share-number")
    header_cell = style.Style(name="header", family="table-cell")
    header_cell.addElement(style.TableCellProperties(backgroundcolor="#14506b", wrapoption="wrap"))
    header_cell.addElement(style.TextProperties(fontweight="bold", color="#ffffff"))
    wrap_cell = style.Style(name="wrap", family="table-cell")
    wrap_cell.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
    repeat_cell = style.Style(name="repeat", family="table-cell")
    repeat_cell.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
    repeat_cell.addElement(style.TextProperties(color="#8a8f94"))
    for element in (
        money_cell,
        date_cell,
        integer_cell,
        number_cell,
        percent_cell,
        header_cell,
        wrap_cell,
        repeat_cell,
    ):
        doc.automaticstyles.addElement(element)
    numeric_cells = {"integer": integer_cell, "number": number_cell, "percent": percent_cell}
    widths = {}

    def column_style(width: int):
        if width not in widths:
            column = style.Style(name=f"col{width}", family="table-column")
            column.addElement(style.TableColumnProperties(columnwidth=f"{width * 0.21:.2f}cm"))
            doc.automaticstyles.addElement(column)
            widths[width] = column
        return widths[width]

    used = set()
    for section in report.sections:
        sheet = table.Table(name=sheet_title(force_str(section.title), used))
        for width in _fitted_widths(section):
            sheet.addElement(table.TableColumn(stylename=column_style(width)))
        header = table.TableRow()
        for column in section.columns:
            cell = table.TableCell(valuetype="string", stylename=header_cell)
            cell.addElement(text.P(text=neutralise(force_str(column.label))))
            header.addElement(cell)
        sheet.addElement(header)
        greyed = repeats(section)
        for row_index, row in enumerate(section.rows):
            line = table.TableRow()
            for column_index, (column, value) in enumerate(zip(section.columns, row, strict=True)):
                kind, typed = _typed(column.kind, value)
                if kind == "empty":
                    cell = table.TableCell()
                elif kind == "money":
                    cell = table.TableCell(
                        valuetype="currency", currency="EUR", value=str(typed), stylename=money_cell
                    )
                    cell.addElement(text.P(text=formats.euros(typed)))
                elif kind in numeric_cells:
                    shown = formats.percentage(typed * 100, 0) if kind == "percent" else formats.number(typed)
                    cell = table.TableCell(
                        valuetype="percentage" if kind == "percent" else "float",
                        value=f"{Decimal(typed).normalize():f}",
                        stylename=numeric_cells[kind],
                    )
                    cell.addElement(text.P(text=shown))
                elif kind == "date":
                    cell = table.TableCell(valuetype="date", datevalue=typed.isoformat(), stylename=date_cell)
                    cell.addElement(text.P(text=formats.short_date(typed)))
                else:
                    greyed_cell = (row_index, column_index) in greyed
                    cell = table.TableCell(valuetype="string", stylename=repeat_cell if greyed_cell else wrap_cell)
                    for paragraph in typed.split("\n"):
                        cell.addElement(text.P(text=paragraph))
                line.addElement(cell)
            sheet.addElement(line)
        doc.spreadsheet.addElement(sheet)
    _freeze_header_rows(doc, used)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


def _freeze_header_rows(doc, sheet_names) -> None:
    """LibreOffice's view settings: on every sheet the header row stays in view when scrolling (as XLSX's
    freeze panes)."""
    from odf import config

    def item(name, kind, value):
        element = config.ConfigItem(name=name, type=kind)
        element.addText(str(value))
        return element

    tables = config.ConfigItemMapNamed(name="Tables")
    for name in sorted(sheet_names):
        entry = config.ConfigItemMapEntry(name=name)
        for setting in (
            item("VerticalSplitMode", "short", 2),
            item("VerticalSplitPosition", "int", 1),
            item("ActiveSplitRange", "short", 2),
            item("PositionTop", "int", 0),
            item("PositionBottom", "int", 1),
        ):
            entry.addElement(setting)
        tables.addElement(entry)
    view = config.ConfigItemMapEntry()
    view.addElement(item("ViewId", "string", "view1"))
    view.addElement(tables)
    views = config.ConfigItemMapIndexed(name="Views")
    views.addElement(view)
    settings = config.ConfigItemSet(name="ooo:view-settings")
    settings.addElement(views)
    doc.settings.addElement(settings)


# --- PDF ------------------------------------------------------------------------------------------------------


# About how many characters of the tables' type (7.5 pt) a landscape page holds across.
PAGE_CHARACTERS = {"A4 landscape": 135, "A3 landscape": 195}
WIDE_PAGE_COLUMNS = 8
LONGEST_UNBROKEN = 14  # longer words are broken anywhere rather than widen their column


def _shown_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return "00/00/0000"
    if _is_number(value):
        return f"{value:,.2f} €"  # grouping, decimals and a unit: as wide as the widest way it is shown
    return force_str(value)


def column_shares(section: Section, page_characters: int = PAGE_CHARACTERS["A4 landscape"]) -> list[float]:
    """Each shown column's share of the table's width (percent), from what it holds.

    Every column gets at least what its longest unbreakable word needs (a date, an amount, a header word);
    the rest of the width goes to the columns in proportion to their typical line (the 90th percentile), so
    that all the columns fit the page: nothing runs off the right edge, and long text wraps.
    """
    columns, rows = section.shown_columns, section.shown_rows
    needs, weights = [], []
    for index, column in enumerate(columns):
        texts = [_shown_text(row[index]) for row in rows]
        header_word = max((len(word) for word in force_str(column.label).split()), default=4)
        longest_word = max((len(word) for text in texts for word in text.split()), default=0)
        if column.kind == TEXT_KIND:
            longest_word = min(longest_word, LONGEST_UNBROKEN)
        lines = sorted(max((len(line) for line in text.split("\n")), default=0) for text in texts) or [0]
        typical = lines[min(len(lines) - 1, int(len(lines) * 0.9))]
        needs.append(max(header_word, longest_word, 3) + 2)
        weights.append(max(needs[-1], min(typical, 90)))
    floor = [100 * need / page_characters for need in needs]
    if sum(floor) >= 100:
        return [round(100 * f / sum(floor), 2) for f in floor]
    shares = [100 * w / sum(weights) for w in weights]
    for _round in range(len(columns)):
        short = [i for i, share in enumerate(shares) if share < floor[i] - 1e-9]
        if not short:
            break
        missing = sum(floor[i] - shares[i] for i in short)
        for i in short:
            shares[i] = floor[i]
        roomy = [i for i in range(len(columns)) if i not in short and shares[i] > floor[i]]
        spare = sum(shares[i] - floor[i] for i in roomy) or 1
        for i in roomy:
            shares[i] -= missing * (shares[i] - floor[i]) / spare
    return [round(share, 2) for share in shares]


def to_pdf(report: Report, *, base_url: str) -> bytes:
    """Tagged PDF (PDF/UA-1), landscape, running header and page numbers, in French.

    A4, or A3 when a table has more columns than A4 can hold legibly (the SeNe suivi table). Column widths
    come from the content and add up to the page's width; headers repeat on each page; rows are not split
    across pages when they fit on one.
    """
    from weasyprint import HTML

    wide = any(len(s.shown_columns) >= WIDE_PAGE_COLUMNS and s.key == "suivi" for s in report.sections)
    page_size = "A3 landscape" if wide else "A4 landscape"
    layouts = [
        (section.key, column_shares(section, PAGE_CHARACTERS[page_size]))
        for section in report.sections
        if section.shown_rows and not section.files_only
    ]
    html = render_to_string(
        "indicators/reports/report_pdf.html",
        {"report": report, "layouts": layouts, "page_size": page_size, "preview_rows": None},
    )
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")


def _clean(value):
    """Strings (however deep in lists and tuples) without the control characters XML and spreadsheets refuse."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list | tuple):
        return type(value)(_clean(item) for item in value)
    if isinstance(value, Rows):
        return [_clean(row) for row in value]
    return value


def sanitised(report: Report) -> Report:
    """The report with every text a user typed made safe for every format (a pasted vertical tab broke XLSX)."""
    sections = [
        dataclasses.replace(
            s,
            title=_clean(s.title),
            intro=_clean(s.intro),
            rows=_clean(s.rows),
            print_rows=_clean(s.print_rows),
            open_data=dataclasses.replace(
                s.open_data, records=[{k: _clean(v) for k, v in r.items()} for r in s.open_data.records]
            )
            if s.open_data
            else None,
        )
        for s in report.sections
    ]
    charts = [
        dataclasses.replace(
            c,
            title=_clean(c.title),
            categories=_clean(c.categories),
            series=[dataclasses.replace(s, name=_clean(s.name)) for s in c.series],
        )
        for c in report.charts
    ]
    return dataclasses.replace(
        report,
        title=_clean(report.title),
        subtitle=_clean(report.subtitle),
        headline=_clean(report.headline),
        decisions=_clean(report.decisions),
        sections=sections,
        charts=charts,
    )


def render(report: Report, fmt: str, *, section: Section | None = None, base_url: str = "") -> bytes:
    report = sanitised(report)
    if section is not None:
        section = report.section(section.key)
    if fmt == "pdf":
        return to_pdf(report, base_url=base_url)
    if fmt == "ods":
        return to_ods(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt in {"csv", "csv-opendata"}:
        return to_csv(section or report.sections[0], opendata=fmt == "csv-opendata")
    raise ValueError(fmt)
