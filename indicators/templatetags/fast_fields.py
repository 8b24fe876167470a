"""Render simple form widgets without the template engine.

The quarter page holds thousands of fields (400 actions with four indicators each); rendering each widget
through its template took most of the page's time, and format_html still a third of it. Text inputs, number
inputs, selects and textareas are built here as plain strings, every value escaped by `_e`.
"""

import html

from django import forms, template
from django.utils.safestring import SafeData, mark_safe

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


def _e(value) -> str:
    """The value escaped for HTML text and attributes (already safe HTML is kept as it is)."""
    return value if isinstance(value, SafeData) else html.escape(str(value), quote=True)


def _attr_string(attrs: dict) -> str:
    return "".join(f' {_e(k)}="{_e(v)}"' for k, v in attrs.items() if v is not None and v is not False)


@register.filter
def fast(bound_field):
    """The widget's HTML for text, number and hidden inputs, selects and textareas; others render as usual."""
    widget = bound_field.field.widget
    value = bound_field.value()
    attrs = _attrs(bound_field)
    if isinstance(widget, forms.Textarea):
        return mark_safe(f"<textarea{_attr_string(attrs)}>\n{'' if value is None else _e(value)}</textarea>")
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
        selected = "" if value is None else str(value)
        options = "".join(
            f'<option value="{_e(key)}"{" selected" if str(key) == selected else ""}>{_e(label)}</option>'
            for key, label in bound_field.field.choices
        )
        return mark_safe(f"<select{_attr_string(attrs)}>{options}</select>")
    if isinstance(widget, forms.TextInput | forms.NumberInput | forms.HiddenInput):
        shown = widget.format_value(value)
        attrs = {"type": widget.input_type, **attrs, "value": shown}
        return mark_safe(f"<input{_attr_string(attrs)}>")
    return bound_field.as_widget()
