from django import template

from plans import formats

register = template.Library()


@register.filter
def euros(value):
    """12 500,00 € (non-breaking spaces), or the active language's format."""
    return formats.euros(value)


@register.filter
def percent_of(part, whole):
    return formats.percent(part, whole)
