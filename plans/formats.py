"""How money and numbers are shown: the French way (12 500,00 €) in French, localised otherwise."""

from decimal import Decimal

from django.utils.formats import number_format

NBSP = "\u00a0"


def euros(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{number_format(Decimal(value), 2, force_grouping=True)}{NBSP}€"


def percent(part, whole) -> str:
    if not whole:
        return "—"
    return f"{number_format(Decimal(part) * 100 / Decimal(whole), 0)}{NBSP}%"
