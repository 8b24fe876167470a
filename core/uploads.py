"""Documents people attach as evidence (minutes, attendance sheets, photos, reports): told by their content.

A file's name says nothing about what it holds: a spreadsheet renamed `.pdf`, a program renamed `.jpg`, a
password-protected Word file. `identify_document` reads the first bytes (and, for ODF and Office files, the
archive's table of contents, with the zip-bomb checks of core.spreadsheets) and answers one of KINDS, or raises
UploadError with a message in French saying what is wrong and what to do. `safe_name` makes a name that can be
shown and sent back in a download header: no folders, no control characters, a sensible length, and the
extension of what the file really is.
"""

import io
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.inputs import clean_text
from core.spreadsheets import OLE_MAGIC, open_archive

MAX_BYTES = 10 * 1024 * 1024
MAX_NAME = 120  # characters, extension included


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    label: str


KINDS = {
    "pdf": Kind("pdf", "application/pdf", _lazy("PDF")),
    "odt": Kind("odt", "application/vnd.oasis.opendocument.text", _lazy("texte ODT")),
    "docx": Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _lazy("Word")),
    "ods": Kind("ods", "application/vnd.oasis.opendocument.spreadsheet", _lazy("tableur ODS")),
    "xlsx": Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _lazy("Excel")),
    "png": Kind("png", "image/png", _lazy("image PNG")),
    "jpeg": Kind("jpg", "image/jpeg", _lazy("image JPEG")),
}
# The extensions people use for each kind.
EXTENSIONS = {"pdf": "pdf", "odt": "odt", "docx": "docx", "ods": "ods", "xlsx": "xlsx", "png": "png"}
EXTENSIONS |= {"jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg"}
ACCEPT = ",".join(f".{extension}" for extension in EXTENSIONS)  # for <input type="file" accept>

_ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
_RESERVED = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')


class UploadError(Exception):
    """The file is not accepted; the message says why, in the user's language."""


def accepted_kinds() -> str:
    return _("PDF, ODT, DOCX, ODS, XLSX, PNG ou JPEG")


def identify_document(data: bytes) -> str:
    """One of KINDS, told by the content."""
    if not data:
        raise UploadError(_("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise UploadError(_("Le fichier dépasse 10 Mo : réduisez-le (images compressées, PDF allégé)."))
    if data.startswith(b"%PDF-"):
        if b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
            raise UploadError(_("Ce PDF est protégé par un mot de passe : enregistrez-le sans protection."))
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _checked_image(data, "png")
    if data.startswith(b"\xff\xd8\xff"):
        return _checked_image(data, "jpeg")
    if data.startswith(OLE_MAGIC):
        raise UploadError(
            _(
                "Ce fichier est protégé par un mot de passe, ou dans un ancien format Office (.doc, .xls) : "
                "enregistrez-le en PDF, DOCX, XLSX, ODT ou ODS, sans mot de passe."
            )
        )
    if data.startswith(b"PK\x03\x04"):
        return _identify_archive(data)
    raise UploadError(
        _("Le contenu de ce fichier n'est pas d'un type accepté (%(kinds)s).") % {"kinds": accepted_kinds()}
    )


def _checked_image(data: bytes, kind: str) -> str:
    from PIL import Image  # noqa: PLC0415 (Pillow is only needed for images)

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()  # also refuses decompression bombs (Image.MAX_IMAGE_PIXELS)
    except Exception as error:  # Pillow raises many kinds for a broken image
        raise UploadError(_("Cette image est endommagée : elle ne s'ouvre pas.")) from error
    return kind


def _identify_archive(data: bytes) -> str:
    archive = open_archive(data, error=UploadError)
    names = set(archive.namelist())
    try:
        mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
        manifest = archive.read("META-INF/manifest.xml") if mimetype in _ODF else b""
    except Exception as broken:  # zipfile and zlib raise many kinds for a broken archive
        raise UploadError(_("Le fichier est endommagé : il ne s'ouvre pas.")) from broken
    if mimetype in _ODF:
        if b"encryption-data" in manifest:
            raise UploadError(_("Ce document est protégé par un mot de passe : enregistrez-le sans mot de passe."))
        return _ODF[mimetype]
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    raise UploadError(
        _("Le contenu de ce fichier n'est pas d'un type accepté (%(kinds)s).") % {"kinds": accepted_kinds()}
    )


def safe_name(name: str, kind: str) -> str:
    """The name to show and send back: the last part of any path, no control or reserved characters, at most
    MAX_NAME characters, ending with the extension of what the file is."""
    name = unicodedata.normalize("NFC", clean_text(name or "")).replace("\n", " ")
    name = re.split(r"[\\/]", name)[-1]
    name = _RESERVED.sub("_", name).strip(" ._")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem = extension
    stem = re.sub(r"\s+", " ", stem).strip(" ._") or _("document")
    extension = KINDS[kind].extension
    return f"{stem[: MAX_NAME - len(extension) - 1]}.{extension}"


def check_name(name: str, kind: str) -> None:
    """A name whose extension is one we know but says another kind than the content: refused, since it is
    likely not the file the person meant to send."""
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    said = EXTENSIONS.get(extension)
    if said is not None and said != kind:
        raise UploadError(
            _(
                "Le fichier s'appelle « %(name)s » mais son contenu est un fichier %(kind)s : vérifiez que c'est "
                "le bon fichier, ou renommez-le en .%(extension)s."
            )
            % {"name": name, "kind": KINDS[kind].label, "extension": KINDS[kind].extension}
        )


def read_upload(upload) -> tuple[bytes, str, str]:
    """An uploaded file's bytes, kind and safe name; UploadError when it is refused. Its size is checked before
    it is read, so that a 50 MB file is never held in memory."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise UploadError(_("Le fichier dépasse 10 Mo : réduisez-le (images compressées, PDF allégé)."))
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    kind = identify_document(data)
    name = clean_text(upload.name or "")
    check_name(re.split(r"[\\/]", name)[-1], kind)
    return data, kind, safe_name(name, kind)
