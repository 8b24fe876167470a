"""Form fields for what French and Belgian users type: dates as JJ/MM/AAAA or MM/AAAA, numbers as 12 500,50 €."""

import calendar
import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from core.inputs import MAX_YEAR, MIN_YEAR, parse_id, year_in_range
from plans import hooks

DATE_HELP = _("Format JJ/MM/AAAA, par exemple 31/12/2026.")


class FrenchDateInput(forms.DateInput):
    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"placeholder": "JJ/MM/AAAA", "inputmode": "numeric", **(attrs or {})}, format="%d/%m/%Y"
        )


class FrenchDateField(forms.DateField):
    widget = FrenchDateInput
    default_error_messages = {
        "invalid": _("Saisissez une date au format JJ/MM/AAAA, par exemple 31/12/2026."),
        "year": _("Saisissez une année comprise entre %(min)s et %(max)s."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", DATE_HELP)
        super().__init__(**kwargs)

    def to_python(self, value):
        date = super().to_python(value)
        if date is not None and not year_in_range(date.year):
            raise ValidationError(self.error_messages["year"], code="year", params={"min": MIN_YEAR, "max": MAX_YEAR})
        return date


class MonthOrDateField(FrenchDateField):
    """A due date: a full date, or just a month (MM/AAAA) meaning the month's last day."""

    MONTH = re.compile(r"^\s*([0-9]{1,2})\s*[/.\-]\s*([0-9]{4})\s*$")
    ISO_MONTH = re.compile(r"^\s*([0-9]{4})-([0-9]{1,2})\s*$")
    default_error_messages = {
        "invalid": _("Saisissez une date (JJ/MM/AAAA) ou un mois (MM/AAAA), par exemple 06/2026."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Une date (JJ/MM/AAAA) ou seulement un mois (MM/AAAA) : fin du mois."))
        super().__init__(**kwargs)
        self.widget.attrs["placeholder"] = "JJ/MM/AAAA ou MM/AAAA"

    def to_python(self, value):
        if isinstance(value, str):
            month = self.MONTH.match(value) or self.ISO_MONTH.match(value)
            if month:
                a, b = (int(x) for x in month.groups())
                year, month_number = (b, a) if self.MONTH.match(value) else (a, b)
                if not 1 <= month_number <= 12:
                    raise ValidationError(self.error_messages["invalid"], code="invalid")
                if not year_in_range(year):
                    raise ValidationError(
                        self.error_messages["year"], code="year", params={"min": MIN_YEAR, "max": MAX_YEAR}
                    )
                return datetime.date(year, month_number, calendar.monthrange(year, month_number)[1])
        return super().to_python(value)


class FrenchDecimalField(forms.DecimalField):
    """Numbers as the French type them: "12 500,50", "12 500 €", "12.500,50", "45 %"."""

    default_error_messages = {"invalid": _("Saisissez un nombre, par exemple 12 500 ou 12 500,50.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            value = normalize_french_number(value)
        return super().to_python(value)


def normalize_french_number(value: str) -> str:
    cleaned = re.sub(r"[\s\u00a0\u202f€%]", "", value).replace("EUR", "").replace("eur", "")
    if "," in cleaned:
        # "12.500,50": dots group thousands, the comma is the decimal mark.
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") > 1 or re.fullmatch(r"-?\d{1,3}(\.\d{3})+", cleaned):
        # "12.500" or "1.250.000": dots group thousands.
        cleaned = cleaned.replace(".", "")
    return cleaned


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Several objects picked by id: an id that is not a plain positive number is refused before any query.

    Django checks each id by building a query; a 30-digit id then overflowed the database driver (a 500).
    """

    def _check_values(self, value):
        try:
            values = frozenset(value)
        except TypeError:
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        for pk in values:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": str(pk)[:30]}
                )
        return super()._check_values(values)


class IdChoiceField(forms.ModelChoiceField):
    """One object picked by id, refused before any query when the id is not a plain positive number."""

    def to_python(self, value):
        if value not in self.empty_values and parse_id(str(value)) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ListedChoices(ModelChoiceIterator):
    """A select's options from objects read once for the page (`field.listed`), not one query per select."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed) + (self.field.empty_label is not None)


def list_choices(field: forms.ModelChoiceField, objects: list) -> None:
    """Show `objects` as the field's options (several selects of a page share one query); what is posted is still
    checked against the field's queryset."""
    field.listed = objects
    field.iterator = ListedChoices
    field.widget.choices = field.choices


class SpreadsheetField(forms.FileField):
    """An ODS, XLSX or CSV file, told by its content, read within core.spreadsheets' limits.

    Cleans to (file name, bytes); anything that cannot be read as a table is refused here, next to the field,
    with what is wrong.
    """

    def __init__(self, *, read_always: bool = False, **kwargs):
        """`read_always`: read the file here whatever its size (a new plan's: nothing is created for a file that
        cannot be imported); otherwise a big file is read by a worker, for its preview."""
        self.read_always = read_always
        kwargs.setdefault("help_text", _("ODS, XLSX ou CSV (« ; » ou « , »), 10 Mo et 5 000 lignes au plus."))
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ".ods,.xlsx,.csv"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        from django.conf import settings

        from core.spreadsheets import MAX_BYTES, SpreadsheetError, identify_spreadsheet, read_spreadsheet

        upload = super().clean(data, initial)
        if not upload:
            return None
        if upload.size > MAX_BYTES:
            raise ValidationError(_("Le fichier dépasse 10 Mo : enregistrez-le sans images ou découpez-le."))
        content = upload.read(MAX_BYTES + 1)
        try:
            identify_spreadsheet(content)
            # A small file is read here too, so that what is wrong with it shows beside the field; a big one is
            # read once, for its preview, by a worker (indicators.imports.upload_summary), not in this request.
            if self.read_always or len(content) <= settings.IMPORT_INLINE_MAX_BYTES:
                sheets = read_spreadsheet(content)
                # No header the import recognises: said here, before anything (a new plan) is created.
                for provider in hooks.providers():
                    if problem := provider.spreadsheet_problem(sheets=sheets):
                        raise ValidationError(problem)
        except SpreadsheetError as error:
            raise ValidationError(str(error)) from error
        return upload.name, content
