import datetime
from decimal import Decimal

from django import template
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from core import formats
from core.formats import euros
from indicators.reports.base import DATE, MONEY, PERCENT, TEXT

register = template.Library()


@register.filter
def cell(value, kind):
    """A report cell as people read it: 12 500,00 €, 31/03/2026, 12,5, or the text with its line breaks."""
    if value is None or value == "":
        return "" if kind == TEXT else "—"  # the suivi table leaves a group's later rows blank
    if kind == MONEY and isinstance(value, int | Decimal):
        return euros(value)
    if kind == PERCENT and isinstance(value, int | Decimal):
        return formats.percentage(value, 0)
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return formats.number(value)
    if kind == DATE and isinstance(value, datetime.date):
        return formats.due(value)  # the report's dates are due dates: a month reads as on the pages ("juin 2026")
    if isinstance(value, str) and "\n" in value:
        return mark_safe(linebreaks(value, autoescape=True))  # noqa: S308 — linebreaks escapes the text
    return value


@register.filter
def first_rows(rows, count):
    """The first `count` rows (all of them when `count` is empty): only those are made (reports.base.Rows)."""
    return rows[:count] if count else rows


@register.filter
def zip_columns(row, columns):
    return zip(columns, row, strict=True)


@register.filter
def chunks(items, size):
    """`items` in rows of `size` (the key indicators' small charts, three to a row in the PDF)."""
    items = list(items)
    return [items[i : i + int(size)] for i in range(0, len(items), int(size))]
