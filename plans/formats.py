"""How money and numbers are shown: the French way (12 500,00 €) in French, localised otherwise."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

NBSP = "\u00a0"


def euros(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{number_format(Decimal(value), 2, force_grouping=True)}{NBSP}€"


def percent(part, whole) -> str:
    if not whole:
        return "—"
    return f"{number_format(Decimal(part) * 100 / Decimal(whole), 0)}{NBSP}%"


def file_size(size: int) -> str:
    """ "850 octets", "12 Ko", "3,4 Mo": as French offices read file sizes."""
    if size < 1024:
        return _("%(n)s octets") % {"n": size}
    if size < 1024 * 1024:
        return f"{number_format(Decimal(size) / 1024, 0)}{NBSP}{_('Ko')}"
    megabytes = Decimal(size) / 1024 / 1024
    return f"{number_format(megabytes, 1 if megabytes < 10 else 0)}{NBSP}{_('Mo')}"
