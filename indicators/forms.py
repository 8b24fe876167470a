from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from indicators.enums import IndicatorKind, Unit
from indicators.models import Indicator
from plans.enums import ActionStatus, PillarKind
from plans.forms import FrenchDateField, FrenchDecimalField
from plans.forms.fields import SpreadsheetField
from plans.models import Action


class ActionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, action):
        return f"{action.axis.pillar.name} › {_('Axe')} {action.axis.number} › {action.title}"


class IndicatorForm(forms.ModelForm):
    action = ActionChoiceField(label=_("Action"), queryset=Action.objects.none(), empty_label=None)
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[
            (IndicatorKind.RESULT, IndicatorKind.RESULT.label),
            (IndicatorKind.IMPACT, IndicatorKind.IMPACT.label),
        ],
    )
    baseline_value = FrenchDecimalField(
        label=_("Valeur de référence"), required=False, max_digits=14, decimal_places=2
    )
    baseline_date = FrenchDateField(label=_("Date de la valeur de référence"), required=False)
    target_value = FrenchDecimalField(label=_("Cible"), required=False, max_digits=14, decimal_places=2)
    target_date = FrenchDateField(label=_("Échéance de la cible"), required=False)

    class Meta:
        model = Indicator
        fields = Indicator.EDITABLE_FIELDS

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["action"].queryset = plan.actions.select_related("axis__pillar").order_by(
            "axis__pillar__order", "axis__number", "order"
        )
        dimensions = plan.dimensions.order_by("order", "pk")
        for name in ("breakdown", "breakdown_second"):
            self.fields[name].queryset = dimensions
            self.fields[name].empty_label = _("non ventilé")

    def clean(self):
        cleaned = super().clean()
        kind, action = cleaned.get("kind"), cleaned.get("action")
        if kind == IndicatorKind.CONTEXT and action is not None:
            self.add_error(
                "action", _("Un indicateur de contexte décrit le territoire : il n'appartient à aucune action.")
            )
        if kind in {IndicatorKind.RESULT, IndicatorKind.IMPACT} and action is None:
            self.add_error("action", _("Choisissez l'action que mesure cet indicateur de résultat ou d'impact."))
        return cleaned


# --- Quarterly tracking -------------------------------------------------------------------------------------


LOADED_ERRORS = {"required": _("Ce formulaire est incomplet : rechargez la page avant d'enregistrer.")}


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=ActionStatus.choices)
    progress = forms.IntegerField(
        label=_("Avancement (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "max_value": _("L'avancement est un pourcentage entre 0 et 100."),
            "min_value": _("L'avancement est un pourcentage entre 0 et 100."),
            "invalid": _("Saisissez un nombre entier entre 0 et 100."),
        },
    )
    note = forms.CharField(label=_("Ce qui a été fait"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    blockers = forms.CharField(label=_("Ce qui bloque"), required=False, widget=forms.Textarea(attrs={"rows": 1}))
    # What the page showed when it was loaded: tells whether the user changed it, and whether it still holds.
    loaded = forms.CharField(widget=forms.HiddenInput, max_length=64, error_messages=LOADED_ERRORS)

    def __init__(self, *args, obj, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)
        self.fields["progress"].widget.attrs.update(
            {
                "min": 0,
                "max": 100,
                "class": "form-control form-control-sm",
                "inputmode": "numeric",
                "autocomplete": "off",
            }
        )
        for name in ("status", "note", "blockers"):
            css = "form-select form-select-sm" if name == "status" else "form-control form-control-sm"
            self.fields[name].widget.attrs["class"] = css

    def item(self) -> dict:
        fields = ("status", "progress", "note", "blockers", "loaded")
        return {"action": self.obj, **{name: self.cleaned_data[name] for name in fields}}


class MeasurementForm(forms.Form):
    """One indicator's value for the quarter; the field depends on the unit."""

    comment = forms.CharField(label=_("Commentaire"), required=False, max_length=1000)
    loaded = forms.CharField(widget=forms.HiddenInput, max_length=64, error_messages=LOADED_ERRORS)

    def __init__(self, *args, obj, **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)
        unit = obj.unit
        if unit == Unit.TEXT:
            field = forms.CharField(label=_("Réponse"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
        elif unit == Unit.YES_NO:
            field = forms.TypedChoiceField(
                label=_("Réponse"),
                choices=[("", "—"), ("1", _("oui")), ("0", _("non"))],
                coerce=lambda v: Decimal(v),
                empty_value=None,
                required=False,
            )
        else:
            field = FrenchDecimalField(label=_("Valeur"), required=False, max_digits=14, decimal_places=2)
            if unit == Unit.PERCENTAGE:
                field.validators.append(PERCENT)
            else:
                field.validators.append(NOT_NEGATIVE)
        field.widget.attrs["class"] = (
            "form-select form-select-sm" if unit == Unit.YES_NO else "form-control form-control-sm"
        )
        field.widget.attrs["autocomplete"] = "off"  # a figure of this quarter, not something to suggest back
        self.fields = {"value": field, **self.fields}
        self.fields["comment"].widget.attrs.update({"class": "form-control form-control-sm", "autocomplete": "off"})
        # A broken-down value: one field per category (or pair), named by the categories' ids.
        self.grid = getattr(obj, "grid", None)
        if self.grid is not None:
            field.required = False
            field.help_text = _("Laissez vide : le total des parts.")
            field.widget.attrs["placeholder"] = _("total des parts")
            for key in self.grid.cells():
                part = FrenchDecimalField(label=self.grid.label(key), required=False, max_digits=14, decimal_places=2)
                part.validators.append(NOT_NEGATIVE)
                part.widget.attrs.update({"class": "form-control form-control-sm", "autocomplete": "off"})
                self.fields[f"part_{key.replace('-', '_')}"] = part

    def part_rows(self) -> list:
        """The part fields as the grid reads: [(row label, [bound field per column])]."""
        grid = self.grid
        return [
            (
                row.label,
                [self[f"part_{row.pk}" + (f"_{column.pk}" if column else "")] for column in grid.columns],
            )
            for row in grid.rows
        ]

    def item(self) -> dict:
        value = self.cleaned_data.get("value")
        is_text = self.obj.unit == Unit.TEXT
        return {
            "indicator": self.obj,
            "value_number": None if is_text else value,
            "value_text": (value or "") if is_text else "",
            "comment": self.cleaned_data.get("comment", ""),
            "loaded": self.cleaned_data["loaded"],
            **({"parts": self.parts()} if self.grid is not None else {}),
        }

    def parts(self) -> dict:
        return {
            key: value
            for key in self.grid.cells()
            if (value := self.cleaned_data.get(f"part_{key.replace('-', '_')}")) is not None
        }


def _range(low, high, message):
    def validate(value):
        if value is not None and not low <= value <= (high if high is not None else value):
            raise ValidationError(message)

    return validate


PERCENT = _range(Decimal("0"), Decimal("100"), _("Un pourcentage est compris entre 0 et 100."))
NOT_NEGATIVE = _range(Decimal("0"), None, _("Cette valeur ne peut pas être négative."))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la réouverture"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indiquez pourquoi le trimestre est rouvert.")},
    )


class ImportUploadForm(forms.Form):
    spreadsheet = SpreadsheetField(label=_("Tableau à importer"))


class ImportConfirmForm(forms.Form):
    """The type of each pillar the import creates: guessed from its name where it is clear, else asked."""

    def __init__(self, *args, pillars=(), **kwargs):
        """`pillars`: (name, guessed kind or "") of each pillar the import creates."""
        super().__init__(*args, **kwargs)
        self.pillar_fields = []
        for index, (pillar, kind) in enumerate(pillars):
            name = f"pilier-{index}"
            self.fields[name] = forms.ChoiceField(
                label=_("Type du pilier « %(p)s »") % {"p": pillar},
                choices=[("", _("— choisissez —")), *PillarKind.choices],
                initial=kind,
                error_messages={"required": _("Choisissez le type de ce pilier.")},
            )
            self.pillar_fields.append((name, pillar))

    def kinds(self) -> dict[str, str]:
        return {pillar: self.cleaned_data[name] for name, pillar in self.pillar_fields}


# --- Breakdowns (indicators.breakdowns) ---------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


class DimensionCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Nom de la ventilation"),
        max_length=80,
        help_text=_("Par exemple : Quartier, Tranche d'âge, Type d'établissement."),
    )
    categories = forms.CharField(
        label=_("Catégories, une par ligne"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Au moins deux ; vous pourrez en ajouter, en renommer ou en retirer ensuite."),
    )

    def cleaned(self) -> dict:
        return {"name": self.cleaned_data["name"], "categories": _lines(self.cleaned_data["categories"])}


class DimensionEditForm(forms.Form):
    """The breakdown's name and each category keyed by its id (label, offered or not, delete), and new ones."""

    name = forms.CharField(label=_("Nom de la ventilation"), max_length=80)
    added = forms.CharField(
        label=_("Nouvelles catégories, une par ligne"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, dimension, **kwargs):
        super().__init__(*args, initial={"name": dimension.name}, **kwargs)
        self.dimension = dimension
        self.categories = list(dimension.every)
        for category in self.categories:
            self.fields[f"c-{category.pk}-label"] = forms.CharField(
                label=_("Catégorie"), max_length=200, initial=category.label, required=False
            )
            self.fields[f"c-{category.pk}-offered"] = forms.BooleanField(
                label=_("proposée"), required=False, initial=not category.retired
            )
            self.fields[f"c-{category.pk}-delete"] = forms.BooleanField(label=_("supprimer"), required=False)

    def rows(self) -> list:
        return [
            (
                category,
                self[f"c-{category.pk}-label"],
                self[f"c-{category.pk}-offered"],
                self[f"c-{category.pk}-delete"],
            )
            for category in self.categories
        ]

    def cleaned(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "categories": {
                c.pk: {
                    "label": data[f"c-{c.pk}-label"],
                    "retired": not data[f"c-{c.pk}-offered"],
                    "delete": data[f"c-{c.pk}-delete"],
                }
                for c in self.categories
            },
            "added": _lines(data.get("added", "")),
        }
