"""Render simple form widgets without the template engine.

The quarter page holds thousands of fields (400 actions with four indicators each); rendering each widget
through its template took most of the page's time. Text inputs, number inputs, selects and textareas are
built here with format_html, which escapes every value.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join

register = template.Library()


def _attrs(bound_field) -> dict:
    widget = bound_field.field.widget
    attrs = {**widget.attrs, "name": bound_field.html_name, "id": bound_field.auto_id}
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.auto_id}-error"  # the message beside it (templates use that id)
        attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
    if bound_field.field.disabled:
        attrs["disabled"] = "disabled"
    return attrs


def _attr_string(attrs: dict):
    return format_html_join("", ' {}="{}"', ((k, v) for k, v in attrs.items() if v is not None and v is not False))


@register.filter
def fast(bound_field):
    """The widget's HTML for text, number and hidden inputs, selects and textareas; others render as usual."""
    widget = bound_field.field.widget
    value = bound_field.value()
    attrs = _attrs(bound_field)
    if isinstance(widget, forms.Textarea):
        return format_html("<textarea{}>\n{}</textarea>", _attr_string(attrs), "" if value is None else value)
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        selected = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) == selected else "", label) for key, label in bound_field.field.choices),
        )
        return format_html("<select{}>{}</select>", _attr_string(attrs), options)
    if isinstance(widget, forms.TextInput | forms.NumberInput | forms.HiddenInput):
        shown = widget.format_value(value)
        attrs = {"type": widget.input_type, **attrs, "value": shown}
        return format_html("<input{}>", _attr_string(attrs))
    return bound_field.as_widget()
