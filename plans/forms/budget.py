from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.forms.fields import FrenchDateField, FrenchDecimalField
from plans.models import Action, BudgetLine, Funding, Plan


def _year_choices(plan: Plan):
    return [(year, str(year)) for year in plan.years]


class FundingForm(forms.ModelForm):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int)
    amount_granted = FrenchDecimalField(label=_("Montant accordé (€)"), max_digits=12, decimal_places=2, min_value=0)
    decided_on = FrenchDateField(label=_("Date de la décision"), required=False)

    class Meta:
        model = Funding
        fields = ["funder", "year", "label", "amount_granted", "decided_on", "conditions"]
        widgets = {"conditions": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["funder"].queryset = plan.partners.order_by("name")
        self.fields["funder"].help_text = _("Un partenaire du plan (MILDECA, préfecture, ARS, commune, CAF…).")
        self.fields["year"].choices = _year_choices(plan)


class InstalmentForm(forms.Form):
    amount = FrenchDecimalField(label=_("Montant (€)"), max_digits=12, decimal_places=2, min_value=0)
    expected_on = FrenchDateField(label=_("Versement prévu le"), required=False)
    received_on = FrenchDateField(label=_("Reçu le"), required=False)


InstalmentFormSet = forms.formset_factory(InstalmentForm, extra=2, can_delete=True)


def instalments_from(formset) -> list[dict]:
    return [
        {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
        for form in formset.forms
        if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class BudgetLineForm(forms.ModelForm):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int)
    planned_amount = FrenchDecimalField(label=_("Montant prévu (€)"), max_digits=12, decimal_places=2, min_value=0)
    fte = FrenchDecimalField(
        label=_("Temps de personnel (ETP)"), max_digits=5, decimal_places=2, min_value=0, required=False
    )

    class Meta:
        model = BudgetLine
        fields = ["funder", "year", "nature", "planned_amount", "fte", "overrun_reason"]
        widgets = {"overrun_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, action: Action, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = action.plan
        self.instance.action = action
        self.fields["funder"].queryset = action.plan.partners.order_by("name")
        self.fields["year"].choices = _year_choices(action.plan)


class ExecutionForm(forms.Form):
    """Committed and paid amounts for the four quarters of a budget line's year; closed quarters are read-only."""

    overrun_reason = forms.CharField(
        label=_("Motif du dépassement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire si les engagements dépassent le montant prévu."),
    )

    def __init__(self, *args, line: BudgetLine, closed_quarters=frozenset(), **kwargs):
        executions = {e.quarter: e for e in line.executions.all()}
        initial = {"overrun_reason": line.overrun_reason}
        for quarter in range(1, 5):
            execution = executions.get(quarter)
            initial[f"committed_{quarter}"] = execution.committed if execution else Decimal("0")
            initial[f"paid_{quarter}"] = execution.paid if execution else Decimal("0")
        super().__init__(*args, initial=initial, **kwargs)
        self.closed_quarters = set(closed_quarters)
        for quarter in range(1, 5):
            for kind, label in (("committed", _("Engagé T%(q)d (€)")), ("paid", _("Payé T%(q)d (€)"))):
                name = f"{kind}_{quarter}"
                self.fields[name] = FrenchDecimalField(
                    label=label % {"q": quarter},
                    max_digits=12,
                    decimal_places=2,
                    min_value=0,
                    required=False,
                    disabled=quarter in self.closed_quarters,
                )
        self.order_fields([f"{k}_{q}" for q in range(1, 5) for k in ("committed", "paid")] + ["overrun_reason"])

    def quarter_rows(self):
        return [(q, self[f"committed_{q}"], self[f"paid_{q}"], q in self.closed_quarters) for q in range(1, 5)]

    def amounts(self) -> dict[int, tuple[Decimal, Decimal]]:
        zero = Decimal("0")
        return {
            q: (self.cleaned_data.get(f"committed_{q}") or zero, self.cleaned_data.get(f"paid_{q}") or zero)
            for q in range(1, 5)
            if q not in self.closed_quarters
        }
