"""Reading a spreadsheet someone uploads (ODS, XLSX or CSV) into plain rows of cells, with limits.

The type is told by the content, never by the file's name. What a committee sends may be anything: a Word
document renamed, an old .xls, a password-protected workbook, a zip bomb, a sheet of a million empty rows. Each
ends in a SpreadsheetError whose message, in French, says what is wrong and what to do; nothing here writes
anything. Formulas are never evaluated: the value the spreadsheet saved with them is read, and a text cell that
starts with "=" stays text.

A cell is a str (control characters removed, line breaks as "\\n"), a datetime.date, a Decimal or None. Merged
cells carry the merged value in each cell they cover.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.inputs import clean_text

MAX_BYTES = 10 * 1024 * 1024  # the file as uploaded
MAX_UNZIPPED = 60 * 1024 * 1024  # what an ODS or XLSX may hold once decompressed
MAX_RATIO = 100  # decompressed / compressed, for any member of the archive
MAX_ROWS = 5000  # rows holding something, over every sheet
MAX_COLUMNS = 200
MAX_CELL = 20_000  # characters in one cell: a long action summary is 2,000
# Cells a file may declare before anything is expanded: written cells (XLSX), and cells covered by merged ranges
# (XLSX mergeCell, ODS spans). A real plan of 5,000 rows has far fewer; a 1.5 kB file covering a million cells
# with one merge cost 76 s and 562 MB before these were counted first.
MAX_CELLS = 500_000
MAX_MERGED_CELLS = 100_000

ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected XLSX or DOCX


class SpreadsheetError(Exception):
    """The file cannot be read as a table; the message says why, in the user's language."""


@dataclass
class Sheet:
    name: str
    rows: list[list]  # rows[i][j]: the cell at spreadsheet row i + 1, column j + 1
    # (i, j) of the cells holding a formula whose value was never saved (the file was written by a program that
    # does not calculate): read as empty, and listed so that nothing is emptied without being said.
    unsaved_formulas: list[tuple[int, int]] = field(default_factory=list)
    hidden: bool = False  # a sheet the workbook hides: not imported, and said so
    protected: bool = False  # protected against changes (with or without a password): read all the same, and said so


def cell_text(value) -> str:
    """A cell as text, as it reads in the spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    return str(value)


def _too_many_rows() -> SpreadsheetError:
    return SpreadsheetError(
        _("Le fichier compte plus de %(n)s lignes remplies : découpez-le en plusieurs fichiers.")
        % {"n": f"{MAX_ROWS:,}".replace(",", "\u202f")}
    )


class _Counter:
    """Counts rows and checks cells as they are read, so that a huge sheet stops early."""

    def __init__(self):
        self.rows = 0

    def row(self, cells: list) -> list:
        while cells and cells[-1] in (None, ""):
            cells.pop()
        if cells:
            self.rows += 1
            if self.rows > MAX_ROWS:
                raise _too_many_rows()
            if len(cells) > MAX_COLUMNS:
                raise _too_many_columns()
        return [self.cell(value) for value in cells]

    def cell(self, value):
        if isinstance(value, str):
            if len(value) > MAX_CELL:
                raise SpreadsheetError(
                    _("Une cellule dépasse %(n)s caractères : raccourcissez-la (elle commence par « %(start)s… »).")
                    % {"n": f"{MAX_CELL:,}".replace(",", "\u202f"), "start": clean_text(value[:40])}
                )
            value = clean_text(value).strip()
            return value or None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, bool):
            return _("oui") if value else _("non")
        if isinstance(value, int | float):
            try:
                value = Decimal(str(value))
            except InvalidOperation:
                return None
        if isinstance(value, Decimal) and not value.is_finite():
            return None  # NaN or infinity: no cell of a plan means that
        return value


def identify_spreadsheet(data: bytes) -> str:
    """ "ods", "xlsx" or "csv", told by the content: the checks that cost no parsing (size, container, archive
    sizes, encryption, encoding, columns). SpreadsheetError for anything else."""
    if not data:
        raise SpreadsheetError(_("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise SpreadsheetError(_("Le fichier dépasse 10 Mo : enregistrez-le sans images ou découpez-le."))
    if data.startswith(OLE_MAGIC):
        raise SpreadsheetError(
            _(
                "Ce fichier est protégé par un mot de passe, ou au format Excel 97-2003 (.xls) : enregistrez-le "
                "au format .xlsx ou .ods, sans mot de passe, puis envoyez-le à nouveau."
            )
        )
    if data.startswith(b"PK\x03\x04"):
        return _identify_archive(data)
    if data.startswith(b"%PDF"):
        raise SpreadsheetError(
            _("Ce fichier est un PDF, pas un tableur : envoyez le tableau au format ODS, XLSX ou CSV.")
        )
    _csv_dialect(data)
    return "csv"


def read_spreadsheet(data: bytes) -> list[Sheet]:
    """The sheets of an ODS, XLSX or CSV file given as bytes; SpreadsheetError when it cannot be read."""
    kind = identify_spreadsheet(data)
    if kind == "csv":
        return [_read_csv(data)]
    if kind == "xlsx":
        return _read_xlsx(data)
    try:
        content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml")
    except (KeyError, zipfile.BadZipFile, EOFError, OSError) as error:
        raise SpreadsheetError(_("Le fichier est endommagé : il ne s'ouvre pas comme un tableur.")) from error
    return _read_ods(content)


def open_archive(data: bytes, error=SpreadsheetError) -> zipfile.ZipFile:
    """The ZIP container of an ODF or Office Open XML file, once its sizes are checked (no zip bomb is opened)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as broken:
        raise error(_("Le fichier est endommagé : il ne s'ouvre pas.")) from broken
    total = 0
    for member in members:
        total += member.file_size
        if total > MAX_UNZIPPED or member.file_size > MAX_RATIO * max(member.compress_size, 1024):
            raise error(_("Le fichier se décompresse en bien plus que sa taille : il n'est pas lu, par sécurité."))
    return archive


def _identify_archive(data: bytes) -> str:
    archive = open_archive(data)
    names = set(archive.namelist())
    try:
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
        if mimetype == ODS_MIME:
            if b"encryption-data" in archive.read("META-INF/manifest.xml"):
                raise SpreadsheetError(
                    _("Ce tableur est protégé par un mot de passe : enregistrez-le sans mot de passe.")
                )
            if "content.xml" not in names:
                raise KeyError("content.xml")
            return "ods"
    except (KeyError, zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, OSError) as error:
        raise SpreadsheetError(_("Le fichier est endommagé : il ne s'ouvre pas comme un tableur.")) from error
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "word/document.xml" in names or mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        raise SpreadsheetError(_("Ce fichier est un document texte, pas un tableur : envoyez un ODS, XLSX ou CSV."))
    raise SpreadsheetError(_("Ce fichier n'est pas un tableur : envoyez un ODS, XLSX ou CSV."))


# --- XLSX -----------------------------------------------------------------------------------------------------


_XLSX_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]{1,7}:[A-Z]{1,3}[0-9]{1,7})"')
_XLSX_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
# A row that holds a value (a saved value or inline text), not one that only carries formatting.
# A cell of column AA or beyond, with its tag's end ("/" for an empty cell that only carries formatting).
_XLSX_WIDE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{2,3})[0-9]+"[^>]*?(/?)>')
_XLSX_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)>")
_XLSX_FILLED_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*>(?:(?!</(?:\w+:)?row>).)*?<(?:\w+:)?(?:v|is)>", re.S)


def _too_many_cells() -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "Le fichier déclare bien plus de cellules (fusionnées ou répétées) qu'un plan n'en compte : il n'est pas "
            "lu. Supprimez les fusions et les lignes ou colonnes vides en trop, ou copiez le tableau dans un "
            "nouveau fichier."
        )
    )


def _check_xlsx_sizes(data: bytes) -> None:
    """Count the cells the worksheets write and cover by merges, from their XML, before openpyxl builds any: it
    makes one object a cell, merged ones included."""
    from openpyxl.utils import range_boundaries

    archive = open_archive(data)
    cells = merged = rows = 0
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        xml = archive.read(name)
        cells += len(_XLSX_CELL.findall(xml))
        # Rows holding something, counted from the XML: a 100,000-row sheet is refused in a second, before openpyxl
        # builds its cells (seven seconds and 250 MB).
        rows += sum(1 for _row in _XLSX_FILLED_ROW.finditer(xml))
        if rows > MAX_ROWS:
            raise _too_many_rows()
        _check_xlsx_columns(xml)
        for ref in _XLSX_MERGE.findall(xml):
            first_column, first_row, last_column, last_row = range_boundaries(ref.decode())
            merged += (abs(last_row - first_row) + 1) * (abs(last_column - first_column) + 1)
        if cells > MAX_CELLS or merged > MAX_MERGED_CELLS:
            raise _too_many_cells()


def _check_xlsx_columns(xml: bytes) -> None:
    """A value beyond the last column read, found in the XML: 10,000 columns are refused before openpyxl builds
    half a million cells (eight seconds and 160 MB)."""
    from openpyxl.utils import column_index_from_string

    for match in _XLSX_WIDE_CELL.finditer(xml):
        if match[2] or column_index_from_string(match[1].decode()) <= MAX_COLUMNS:
            continue
        end = xml.find(b"c>", match.end())
        if _XLSX_VALUE.search(xml, match.end(), end if end != -1 else len(xml)):
            raise _too_many_columns()


def _too_many_columns() -> SpreadsheetError:
    return SpreadsheetError(_("Une ligne compte plus de %(n)s colonnes remplies.") % {"n": MAX_COLUMNS})


def _read_xlsx(data: bytes) -> list[Sheet]:
    from openpyxl import load_workbook  # reads its XML through defusedxml

    _check_xlsx_sizes(data)
    try:
        # data_only: the values saved with the formulas, never the formulas themselves.
        workbook = load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SpreadsheetError(_("Le fichier est endommagé : il ne s'ouvre pas comme un tableur.")) from error
    counter, sheets = _Counter(), []
    for worksheet in workbook.worksheets:
        merged = {}
        for cell_range in worksheet.merged_cells.ranges:
            value = worksheet.cell(cell_range.min_row, cell_range.min_col).value
            for row in range(cell_range.min_row, min(cell_range.max_row, cell_range.min_row + MAX_ROWS) + 1):
                for column in range(cell_range.min_col, min(cell_range.max_col, MAX_COLUMNS) + 1):
                    merged[(row, column)] = value
        rows = []
        for row_number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [merged.get((row_number, column), value) for column, value in enumerate(row[: MAX_COLUMNS + 1], 1)]
            rows.append(counter.row(cells))
        sheets.append(
            Sheet(
                worksheet.title,
                _trimmed(rows),
                hidden=worksheet.sheet_state != "visible",
                protected=bool(worksheet.protection.sheet),
            )
        )
    _find_unsaved_formulas(data, sheets)
    return sheets


def _find_unsaved_formulas(data: bytes, sheets: list[Sheet]) -> None:
    """The formulas whose value the file does not hold: read a second time, formulas and all (streamed), only
    when the file has formulas at all."""
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not any(b"<f" in archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")):
            return
    workbook = load_workbook(io.BytesIO(data), data_only=False, read_only=True)
    for worksheet, sheet in zip(workbook.worksheets, sheets, strict=True):
        for i, row in enumerate(worksheet.iter_rows(values_only=True, max_row=len(sheet.rows))):
            for j, value in enumerate(row[: MAX_COLUMNS + 1]):
                read = sheet.rows[i][j] if j < len(sheet.rows[i]) else None
                if isinstance(value, str) and value.startswith("=") and read in (None, ""):
                    sheet.unsaved_formulas.append((i, j))
    workbook.close()


# --- ODS ------------------------------------------------------------------------------------------------------

_NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{_NS[prefix]}}}{name}"


def _ods_text(element) -> str:
    """A cell's paragraphs as lines; <text:s/> spaces, <text:tab/>, <text:line-break/> as written."""

    def walk(node, parts: list) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == _q("text", "s"):
                parts.append(" " * int(child.get(_q("text", "c"), "1") or 1))
            elif child.tag == _q("text", "tab"):
                parts.append("\t")
            elif child.tag == _q("text", "line-break"):
                parts.append("\n")
            else:
                walk(child, parts)
            if child.tail:
                parts.append(child.tail)

    lines = []
    for paragraph in element.iter(_q("text", "p")):
        parts = []
        walk(paragraph, parts)
        lines.append("".join(parts))
    return "\n".join(lines)


def _ods_value(cell):
    kind = cell.get(_q("office", "value-type"))
    if kind in {"float", "currency", "percentage"}:
        try:
            return Decimal(cell.get(_q("office", "value")))
        except (InvalidOperation, TypeError):
            return _ods_text(cell) or None
    if kind == "date":
        raw = cell.get(_q("office", "date-value"), "")[:10]
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError:
            return _ods_text(cell) or None
    if kind == "boolean":
        return cell.get(_q("office", "boolean-value")) == "true"
    text = _ods_text(cell)
    return text or None


def _repeat(element, attribute: str) -> int:
    try:
        return max(1, int(element.get(_q("table", attribute), "1")))
    except ValueError:
        return 1


# An ODS row holding some text: its paragraphs are written with content (a repeated row counts as many).
_ODS_FILLED_ROW = re.compile(
    rb"<table:table-row\b([^>]*)>(?:(?!</table:table-row>).)*?<text:p\b[^>]*>[^<]",
    re.S,
)
_ODS_REPEAT = re.compile(rb'table:number-rows-repeated="([0-9]+)"')


def _check_ods_rows(content: bytes) -> None:
    """Count the filled rows from the XML before building its tree: a 100,000-row sheet is refused at once."""
    rows = 0
    for match in _ODS_FILLED_ROW.finditer(content):
        repeat = _ODS_REPEAT.search(match[1])
        rows += int(repeat[1]) if repeat else 1
        if rows > MAX_ROWS:
            raise _too_many_rows()


def _read_ods(content: bytes) -> list[Sheet]:
    from defusedxml import ElementTree

    _check_ods_rows(content)
    try:
        root = ElementTree.fromstring(content)
    except Exception as error:  # malformed XML, entities refused by defusedxml
        raise SpreadsheetError(_("Le fichier est endommagé : il ne s'ouvre pas comme un tableur.")) from error
    counter, sheets, merged = _Counter(), [], 0
    for table in root.iter(_q("table", "table")):
        rows, spans, unsaved = [], {}, []  # spans: (row, column) → the value of the merged cell covering it
        for row in table.iter(_q("table", "table-row")):
            cells, column = [], 0
            for cell in row:
                if cell.tag not in {_q("table", "table-cell"), _q("table", "covered-table-cell")}:
                    continue
                if len(cells) > MAX_COLUMNS:
                    break  # the row is refused for its columns anyway: nothing further is made
                repeat = _repeat(cell, "number-columns-repeated")
                covered = cell.tag == _q("table", "covered-table-cell")
                value = None if covered else _ods_value(cell)
                if value is None and not covered and cell.get(_q("table", "formula")):
                    unsaved.append((len(rows), column))
                if value is None and not covered:
                    # Empty cells repeated to the sheet's last column: count them, do not make them.
                    column += repeat
                    cells.extend([None] * min(repeat, max(0, MAX_COLUMNS + 1 - len(cells))))
                    continue
                for _index in range(min(repeat, MAX_COLUMNS + 1)):
                    shown = spans.get((len(rows), column), value) if covered else value
                    cells.append(shown)
                    column += 1
                if not covered:
                    down, across = _repeat(cell, "number-rows-spanned"), _repeat(cell, "number-columns-spanned")
                    if down * across > 1:
                        merged += min(down, MAX_ROWS) * min(across, MAX_COLUMNS)
                        if merged > MAX_MERGED_CELLS:
                            raise _too_many_cells()  # counted before any is made
                    for r in range(len(rows), len(rows) + min(down, MAX_ROWS)):
                        for c in range(column - 1, column - 1 + min(across, MAX_COLUMNS)):
                            spans[(r, c)] = value
            cleaned = counter.row(cells[: MAX_COLUMNS + 1])
            repeat = _repeat(row, "number-rows-repeated")
            if not cleaned:
                # A million repeated empty rows at a sheet's end are one empty row here.
                rows.append([])
                continue
            for _index in range(repeat):
                rows.append(list(cleaned))
                if _index:
                    counter.row(list(cleaned))
        protected = table.get(_q("table", "protected")) == "true"
        sheets.append(Sheet(table.get(_q("table", "name"), ""), _trimmed(rows), unsaved, protected=protected))
    return sheets


# --- CSV ------------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the two encodings French spreadsheets save CSV in."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise SpreadsheetError(
                _("L'encodage du fichier CSV n'est pas reconnu : enregistrez-le en « CSV UTF-8 ».")
            ) from error


CSV_DELIMITERS = (";", ",", "\t")


def _header_delimiter(lines: list[str]) -> str | None:
    """The delimiter the header line uses: the one that splits some line of the first 30 into the most short
    cells holding none of the other delimiters (a header's cells). Counting over the whole text would let the
    commas of a `;` file's notes win."""
    best, found = 1, None
    for delimiter in CSV_DELIMITERS:
        others = [d for d in CSV_DELIMITERS if d != delimiter]
        try:
            rows = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        for row in rows:
            cells = [cell.strip() for cell in row if cell.strip()]
            if all(len(cell) <= 120 and not any(o in cell for o in others) for cell in cells) and len(cells) > best:
                best, found = len(cells), delimiter
    return found


def _csv_dialect(data: bytes) -> tuple[str, str]:
    """The text and its delimiter (";", "," or tab, whichever the first lines use most)."""
    if b"\x00" in data[:8192]:
        raise SpreadsheetError(_("Ce fichier n'est pas un tableur : envoyez un ODS, XLSX ou CSV."))
    text = _decode(data)
    lines = text.splitlines()[:30]
    sample = "\n".join(lines)
    delimiter = _header_delimiter(lines) or max([";", ",", "\t"], key=sample.count)
    if not sample.count(delimiter):
        raise SpreadsheetError(
            _("Ce fichier texte n'a pas de colonnes (ni « ; », ni « , », ni tabulation) : est-ce bien un tableau ?")
        )
    return text, delimiter


def _read_csv(data: bytes) -> Sheet:
    text, delimiter = _csv_dialect(data)
    counter = _Counter()
    try:
        rows = [counter.row(list(row)) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        raise SpreadsheetError(_("Le fichier CSV est mal formé : %(error)s.") % {"error": error}) from error
    return Sheet("CSV", _trimmed(rows))


def _trimmed(rows: list[list]) -> list[list]:
    while rows and not rows[-1]:
        rows.pop()
    return rows
