from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.enums import IndicatorKind
from indicators.models import Indicator
from plans.forms import FrenchDateField, FrenchDecimalField
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
        fields = [
            "action",
            "kind",
            "label",
            "unit",
            "frequency",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "direction",
            "source",
            "is_key",
        ]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["action"].queryset = plan.actions.select_related("axis__pillar").order_by(
            "axis__pillar__order", "axis__number", "order"
        )
