"""Template filters for numbers, money and dates: the helpers of core.formats, for templates."""

from django import template

from core import formats

register = template.Library()


@register.filter
def euros(value):
    """12 500,00 € (non-breaking spaces), or the active language's format."""
    return formats.euros(value)


@register.filter
def percent_of(part, whole):
    return formats.percent(part, whole)


@register.filter
def number(value):
    """1 500 or 12,5: grouped, decimals only where there are some."""
    return formats.number(value)


@register.filter
def measure(value, unit):
    """A value in an indicator's unit: 1 500, 12,5 %, 12 500,00 €."""
    return formats.measure(value, unit)


@register.filter
def due(value):
    """A due date: "juin 2026" for a month, "15/06/2026" for a day."""
    return formats.due(value)


@register.simple_tag
def structure(pillars, axes, actions):
    """ "2 piliers, 1 axe et 9 actions"."""
    return formats.structure(pillars, axes, actions)
