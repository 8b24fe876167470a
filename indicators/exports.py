"""Writers: one report, every format. ODS (the interoperability standard), XLSX, tagged PDF and two CSV flavours.

Spreadsheets get one sheet per section, a header row, typed cells (numbers, dates, money in euros) and
column widths that fit. Text that a spreadsheet could take for a formula is neutralised everywhere: exports
go to police forces and prosecutors.
"""

import csv
import datetime
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.encoding import force_str
from django.utils.formats import number_format

from indicators.reports.base import DATE, DECIMAL, INT, MONEY, Report, Section

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
    """('number' | 'money' | 'date' | 'text', value) for one cell."""
    if value is None or value == "":
        return "empty", None
    if column_kind == MONEY and _is_number(value):
        return "money", Decimal(value)
    if column_kind in {INT, DECIMAL, MONEY} and _is_number(value):
        return "number", value
    if column_kind == DATE and isinstance(value, datetime.date):
        return "date", value
    return "text", neutralise(force_str(value))


def sheet_title(title: str, used: set) -> str:
    clean = "".join("-" if c in "[]:*?/\\" else c for c in title)[:31]
    name, n = clean, 2
    while name in used:
        name = f"{clean[:28]} {n}"
        n += 1
    used.add(name)
    return name


# --- CSV ------------------------------------------------------------------------------------------------------


def to_csv(section: Section, *, opendata: bool) -> bytes:
    """Spreadsheet flavour: ';', decimal comma, dd/mm/yyyy, UTF-8 with BOM. Open data: ',', RFC 4180, ISO."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="," if opendata else ";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([neutralise(force_str(c.label)) for c in section.columns])
    for row in section.rows:
        cells = []
        for column, value in zip(section.columns, row, strict=True):
            kind, typed = _typed(column.kind, value)
            if kind == "empty":
                cells.append("")
            elif kind in {"number", "money"}:
                shown = f"{typed:.2f}" if kind == "money" else str(typed)
                cells.append(shown if opendata else shown.replace(".", ","))
            elif kind == "date":
                cells.append(typed.isoformat() if opendata else typed.strftime("%d/%m/%Y"))
            else:
                cells.append(typed)
        writer.writerow(cells)
    text = buffer.getvalue()
    return text.encode("utf-8") if opendata else ("\ufeff" + text).encode("utf-8")


# --- XLSX -----------------------------------------------------------------------------------------------------


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
    wrap = Alignment(wrap_text=True, vertical="top")
    used = set()
    for section in report.sections:
        sheet = workbook.create_sheet(sheet_title(force_str(section.title), used))
        sheet.append([neutralise(force_str(c.label)) for c in section.columns])
        for cell in sheet[1]:
            cell.font, cell.fill, cell.alignment = header_font, header_fill, wrap
        for index, column in enumerate(section.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width + 2
        for row in section.rows:
            values, formats = [], []
            for column, value in zip(section.columns, row, strict=True):
                kind, typed = _typed(column.kind, value)
                values.append(typed)
                formats.append({"money": '#,##0.00 "€"', "date": "DD/MM/YYYY"}.get(kind))
            sheet.append(values)
            for cell, number_format_ in zip(sheet[sheet.max_row], formats, strict=True):
                if number_format_:
                    cell.number_format = number_format_
                elif isinstance(cell.value, str) and (len(cell.value) > 40 or "\n" in cell.value):
                    cell.alignment = wrap
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
    for element in (number.Day(style="long"), number.Text(text="/"), number.Month(style="long"), number.Text(text="/"),
                    number.Year(style="long")):  # fmt: skip
        day.addElement(element)
    doc.automaticstyles.addElement(euro)
    doc.automaticstyles.addElement(day)
    money_cell = style.Style(name="money", family="table-cell", datastylename="euro-number")
    date_cell = style.Style(name="date", family="table-cell", datastylename="day-number")
    header_cell = style.Style(name="header", family="table-cell")
    header_cell.addElement(style.TableCellProperties(backgroundcolor="#14506b", wrapoption="wrap"))
    header_cell.addElement(style.TextProperties(fontweight="bold", color="#ffffff"))
    wrap_cell = style.Style(name="wrap", family="table-cell")
    wrap_cell.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
    for element in (money_cell, date_cell, header_cell, wrap_cell):
        doc.automaticstyles.addElement(element)
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
        for column in section.columns:
            sheet.addElement(table.TableColumn(stylename=column_style(column.width + 2)))
        header = table.TableRow()
        for column in section.columns:
            cell = table.TableCell(valuetype="string", stylename=header_cell)
            cell.addElement(text.P(text=neutralise(force_str(column.label))))
            header.addElement(cell)
        sheet.addElement(header)
        for row in section.rows:
            line = table.TableRow()
            for column, value in zip(section.columns, row, strict=True):
                kind, typed = _typed(column.kind, value)
                if kind == "empty":
                    cell = table.TableCell()
                elif kind == "money":
                    cell = table.TableCell(
                        valuetype="currency", currency="EUR", value=str(typed), stylename=money_cell
                    )
                    cell.addElement(text.P(text=f"{number_format(typed, 2, force_grouping=True)}\u00a0€"))
                elif kind == "number":
                    cell = table.TableCell(valuetype="float", value=str(typed))
                    cell.addElement(text.P(text=number_format(typed, use_l10n=True)))
                elif kind == "date":
                    cell = table.TableCell(valuetype="date", datevalue=typed.isoformat(), stylename=date_cell)
                    cell.addElement(text.P(text=typed.strftime("%d/%m/%Y")))
                else:
                    options = {"stylename": wrap_cell} if "\n" in typed else {}
                    cell = table.TableCell(valuetype="string", **options)
                    for paragraph in typed.split("\n"):
                        cell.addElement(text.P(text=paragraph))
                line.addElement(cell)
            sheet.addElement(line)
        doc.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


# --- PDF ------------------------------------------------------------------------------------------------------


def to_pdf(report: Report, *, base_url: str) -> bytes:
    """Tagged PDF (PDF/UA-1), A4 landscape, running header and page numbers, in French."""
    from weasyprint import HTML

    widths = sorted({c.width for s in report.sections for c in s.shown_columns})
    html = render_to_string("indicators/reports/report_pdf.html", {"report": report, "widths": widths})
    return HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1")


def render(report: Report, fmt: str, *, section: Section | None = None, base_url: str = "") -> bytes:
    if fmt == "pdf":
        return to_pdf(report, base_url=base_url)
    if fmt == "ods":
        return to_ods(report)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt in {"csv", "csv-opendata"}:
        return to_csv(section or report.sections[0], opendata=fmt == "csv-opendata")
    raise ValueError(fmt)
