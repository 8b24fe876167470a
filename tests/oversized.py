"""Files over the import's limits, built fast (raw XML, no spreadsheet library), for `make bench` and the tests:
each must be refused in under 5 s and under 100 MB (core.spreadsheets reads them as a stream and checks the
limits as they are reached)."""

import io
import os
import zipfile
from xml.sax.saxutils import escape

SENE = ["Pilier", "Domaine", "Champ d'intervention et population ciblée", "Gestionnaire et sommaire d'actions",
        "Commentaires", "Compétences et financement envisagé", "Echéances", "Indicateurs"]  # fmt: skip


_WORDS = [f"{a}{b}{c}" for a in "bcdfglmnprstv" for b in "aeiou" for c in ("n", "r", "l", "s", "x", "t", "mi", "ra")]


def _text(i: int, words: int) -> str:
    """Words that vary from row to row, as a real plan's text does: it compresses like one (a repeated line
    would be refused as a zip bomb before any limit is reached)."""
    return " ".join(_WORDS[(i * 7919 + k * 104729 + (i * k) % 97) % len(_WORDS)] for k in range(words))


def _row(i: int) -> list[str]:
    return ["Prévention", "Jeunes", _text(i, 4), f"Ville\nAction {i} {_text(i + 1, 8)}", "", "", "2027",
            f"R : {_text(i + 2, 3)}"]  # fmt: skip


def _column(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xlsx(rows) -> bytes:
    """An XLSX of these rows (strings inline), as any program writes it."""
    body = io.StringIO()
    for r, row in enumerate(rows, 1):
        body.write(f'<row r="{r}">')
        for c, value in enumerate(row, 1):
            if value:
                body.write(f'<c r="{_column(c)}{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>')
        body.write("</row>")
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main"><sheetData>{body.getvalue()}</sheetData></worksheet>'
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
            'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Suivi" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": sheet,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def ods(rows) -> bytes:
    body = io.StringIO()
    for row in rows:
        body.write("<table:table-row>")
        for value in row:
            body.write(f"<table:table-cell><text:p>{escape(value)}</text:p></table:table-cell>" if value else
                       "<table:table-cell/>")  # fmt: skip
        body.write("</table:table-row>")
    return ods_archive(body.getvalue())


def ods_archive(rows_xml: str, *, name: str = "Suivi", stored: bool = False) -> bytes:
    """An ODS file holding one sheet of these `<table:table-row>`s, written as raw XML (for files no spreadsheet
    library would write: huge, or odd); `stored`: content.xml uncompressed (not refused as a zip bomb)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="{name}">{rows_xml}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()


def csv(rows) -> bytes:
    lines = (";".join('"' + value.replace('"', '""') + '"' if value else "" for value in row) for row in rows)
    return "\r\n".join(lines).encode()


def cases() -> list[tuple[str, bytes]]:
    """(what, file) of each case over a limit: rows, columns, a cell's size, every format."""
    many_rows = [SENE, *(_row(i) for i in range(80_000))]  # the CSV just under 10 MB
    wide = [SENE + [f"Colonne {i}" for i in range(10_000)], *(_row(i) + [_text(i * j, 1) for j in range(10_000)]
                                                              for i in range(48))]  # fmt: skip
    huge_cell = [SENE, ["Prévention", "Jeunes", "", "Ville\n" + "a" * 50_000, "", "", "2027", ""]]
    result = []
    for name, write in (("XLSX", xlsx), ("ODS", ods), ("CSV", csv)):
        result += [
            (f"{name}, 80,000 rows", write(many_rows)),
            (f"{name}, 10,000 columns × 48 rows", write(wide)),
            (f"{name}, a 50,000-character cell", write(huge_cell)),
        ]
    return result


MEASURE = """
import os, resource, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from core.spreadsheets import SpreadsheetError, read_spreadsheet
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    read_spreadsheet(data)
    said = "READ (no limit reached)"
except SpreadsheetError as error:
    said = str(error).split("(")[0].strip()
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"{elapsed:.2f}|{(peak - before) / 1024:.0f}|{peak / 1024:.0f}|{said}")
"""


def measure(data: bytes) -> tuple[float, int, int, str]:
    """Read `data` in a fresh process: (seconds, MB of memory the read added at its peak, the process's peak MB,
    what it said). A process of its own, so that the memory measured is this read's alone."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    with tempfile.NamedTemporaryFile(suffix=".bin") as file:
        file.write(data)
        file.flush()
        env = {**os.environ, "DATABASE_URL": "sqlite:///:memory:", "PYTHONPATH": str(root)}
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, file.name], capture_output=True, text=True, env=env, cwd=root, check=True
        )
    seconds, added, peak, said = out.stdout.strip().split("|", 3)
    return float(seconds), int(added), int(peak), said
