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

    def item(self) -> dict:
        value = self.cleaned_data.get("value")
        is_text = self.obj.unit == Unit.TEXT
        return {
            "indicator": self.obj,
            "value_number": None if is_text else value,
            "value_text": (value or "") if is_text else "",
            "comment": self.cleaned_data.get("comment", ""),
            "loaded": self.cleaned_data["loaded"],
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
