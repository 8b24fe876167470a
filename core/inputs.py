"""What users and clients send, read strictly: ids, years and text pasted from word processors.

Python's `str.isdigit()` and `int()` accept non-ASCII digits ("²", "١٢"), and an id longer than a database
integer overflows; both ended in server errors. Everything that reads an id from a query string, a form or
a URL that is not already an `<int:…>` path converter goes through `parse_id`.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import models

# The largest value of a PostgreSQL bigint: an id beyond it cannot exist.
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}", re.ASCII)

# Years the product accepts in any date: enough for history and plans, and never year 0 or 9999.
MIN_YEAR, MAX_YEAR = 1900, 2100

# C0 control characters (and DEL) other than tab, line feed and carriage return. Word processors paste
# vertical tabs (line breaks in Word) and form feeds (page breaks); none of them is allowed in XML files.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
# Halves of a UTF-16 pair without the other half: JSON can carry them ("\ud83d"), no database or file can. They
# become U+FFFD, the replacement character, as a decoder does with bytes it cannot read.
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def parse_id(value) -> int | None:
    """A positive database id written with ASCII digits, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def clean_text(value: str) -> str:
    """Line breaks of any kind become '\\n'; other control characters are removed; lone surrogates become �."""
    return _SURROGATES.sub("\ufffd", _CONTROL.sub("", _BREAKS.sub("\n", value)))


def decimal_fits(value, *, max_digits: int, decimal_places: int) -> bool:
    """Whether a number is finite and holds in a DecimalField(max_digits, decimal_places) once rounded to its
    places: NaN, infinity and 1e20 do not (PostgreSQL refuses them; SQLite would store what no page can show)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return False
    if not number.is_finite():
        return False
    return abs(number) < Decimal(10) ** (max_digits - decimal_places)


def year_in_range(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


class CleanTextModel(models.Model):
    """Text fields saved without the control characters pasted from word processors.

    Services call `full_clean()` before every save, for the pages and the API alike: that is where a vertical
    tab becomes a line break, before anything is stored, exported or compared.
    """

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, clean_text(value))
        super().clean_fields(exclude=exclude)
