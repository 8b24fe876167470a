"""How numbers, money and dates are shown, on pages, in PDFs and in spreadsheets' text: one set of helpers, read
in the active language's format (config/formats/): 12 500,00 € and 31/12/2026 in French, 12,500.00 € and
31/12/2026 in English; a count never shows decimals, a percentage always carries its %.

Shares that are shown side by side add up to 100 % (largest remainder), so that 78 % + 21 % never sits under a
total of 100 %.
"""

import calendar
import datetime
from decimal import ROUND_FLOOR, Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

NBSP = "\u00a0"
DASH = "—"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def number(value, places: int | None = None) -> str:
    """1 500, 12,5, 0,25: grouped thousands; decimals only where the value has some (at most two), unless
    `places` fixes them."""
    value = _decimal(value)
    if value is None:
        return DASH
    if places is None:
        try:
            value = value.quantize(Decimal("0.01")).normalize()
        except InvalidOperation:  # beyond the context's 28 digits: shown whole
            value = value.to_integral_value()
        places = max(0, -value.as_tuple().exponent)
    return number_format(value, places, force_grouping=True)


def count(value) -> str:
    """A count of things: whole, grouped (1 500)."""
    value = _decimal(value)
    return DASH if value is None else number_format(value, 0, force_grouping=True)


def euros(value) -> str:
    value = _decimal(value)
    if value is None:
        return DASH
    return f"{number_format(value, 2, force_grouping=True)}{NBSP}€"


def percentage(value, places: int | None = None) -> str:
    """A value that is already a percentage: 12,5 %."""
    shown = number(value, places)
    return shown if shown == DASH else f"{shown}{NBSP}%"


def percent(part, whole) -> str:
    """`part` as a share of `whole`, rounded to the unit: 22 %."""
    return percentage(rate(part, whole), 0)


def rate(part, whole) -> Decimal | None:
    """`part` as a percentage of `whole` (a number, for cells and figures), None when `whole` is zero."""
    part, whole = _decimal(part), _decimal(whole)
    if part is None or not whole:
        return None
    return part * 100 / whole


def shares(parts) -> list[int | None]:
    """Each part's share of their sum in whole percents that add up to exactly 100 (largest remainder method).

    [96198, 26802] gives [78, 22] where rounding each would give 78 + 22 and truncating 78 + 21. None when the
    sum is zero (no share to show)."""
    values = [_decimal(p) or Decimal(0) for p in parts]
    total = sum(values, Decimal(0))
    if not total:
        return [None] * len(values)
    exact = [v * 100 / total for v in values]
    floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    missing = 100 - sum(floors)
    by_remainder = sorted(range(len(values)), key=lambda i: (exact[i] - floors[i], values[i]), reverse=True)
    for i in by_remainder[:missing]:
        floors[i] += 1
    return floors


def measure(value, unit: str) -> str:
    """A value in an indicator's unit (indicators.enums.Unit): 1 500, 12,5 %, 12 500,00 €, oui."""
    if unit == "yes_no":
        value = _decimal(value)
        return DASH if value is None else (_("oui") if value else _("non"))
    if unit == "text":
        return value or DASH
    if unit == "percentage":
        return percentage(value)
    if unit == "euros":
        return euros(value)
    return number(value)


def short_date(value) -> str:
    """31/12/2026, in every language (day first)."""
    return date_format(value, "SHORT_DATE_FORMAT") if value else DASH


def is_month_end(value) -> bool:
    return isinstance(value, datetime.date) and value.day == calendar.monthrange(value.year, value.month)[1]


def due(value) -> str:
    """A due date as it was meant: a month typed as MM/AAAA is stored as its last day and reads "juin 2026";
    any other day reads in full."""
    if not value:
        return DASH
    if is_month_end(value):
        return date_format(value, "YEAR_MONTH_FORMAT")
    return short_date(value)


def file_size(size: int) -> str:
    """ "850 octets", "12 Ko", "3,4 Mo": as French offices read file sizes."""
    if size < 1024:
        return _("%(n)s octets") % {"n": size}
    if size < 1024 * 1024:
        return f"{number_format(Decimal(size) / 1024, 0)}{NBSP}{_('Ko')}"
    megabytes = Decimal(size) / 1024 / 1024
    return f"{number_format(megabytes, 1 if megabytes < 10 else 0)}{NBSP}{_('Mo')}"


def structure(pillars: int, axes: int, actions: int) -> str:
    """ "2 piliers, 1 axe et 9 actions": each count with its own singular or plural."""
    return _("%(pillars)s, %(axes)s et %(actions)s") % {
        "pillars": ngettext("%(n)s pilier", "%(n)s piliers", pillars) % {"n": count(pillars)},
        "axes": ngettext("%(n)s axe", "%(n)s axes", axes) % {"n": count(axes)},
        "actions": ngettext("%(n)s action", "%(n)s actions", actions) % {"n": count(actions)},
    }
