from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.enums import Country
from plans.forms.fields import FrenchDateField, FrenchDecimalField
from plans.forms.keyed import KeyedForms
from plans.models import Action, BudgetLine, Funding, Plan

# The usual funders, as a coordinator of each country would name them.
FUNDER_HELP = {
    Country.FRANCE: _("Un partenaire du plan (MILDECA, préfecture au titre du FIPD, ARS, commune, CAF…)."),
    Country.BELGIUM: _(
        "Un partenaire du plan (SPF Intérieur au titre du plan stratégique de sécurité et de prévention, Région, "
        "Communauté, province, commune…)."
    ),
}


# What a grant is called, in each country's words.
FUNDING_LABEL_HELP = {
    Country.FRANCE: _("Par exemple : crédits MILDECA, FIPD, appel à projets."),
    Country.BELGIUM: _(
        "Par exemple : plan stratégique de sécurité et de prévention, subside régional, appel à projets."
    ),
}


def _year_choices(plan: Plan):
    return [(year, str(year)) for year in plan.years]


class FundingForm(forms.ModelForm):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int)
    amount_granted = FrenchDecimalField(label=_("Montant accordé (€)"), max_digits=12, decimal_places=2, min_value=0)
    decided_on = FrenchDateField(label=_("Date de la décision"), required=False)

    class Meta:
        model = Funding
        fields = Funding.EDITABLE_FIELDS
        widgets = {"conditions": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["funder"].queryset = plan.partners.order_by("name")
        self.fields["funder"].help_text = FUNDER_HELP[plan.territory.country]
        self.fields["label"].help_text = FUNDING_LABEL_HELP[plan.territory.country]
        self.fields["year"].choices = _year_choices(plan)
        self.fields["convention"].queryset = plan.conventions.order_by("starts_on", "pk")
        self.fields["convention"].empty_label = _("aucune")


class InstalmentForm(forms.Form):
    """One instalment of a grant: an existing one is named `versement-<id>-…`, a new one `nouveau-versement-<n>-…`."""

    amount = FrenchDecimalField(label=_("Montant (€)"), max_digits=12, decimal_places=2, min_value=0)
    expected_on = FrenchDateField(label=_("Versement prévu le"), required=False)
    received_on = FrenchDateField(label=_("Reçu le"), required=False)
    after_review_year = forms.TypedChoiceField(
        label=_("Ou : après l'envoi du bilan"), coerce=int, empty_value=None, required=False
    )
    after_review_days = forms.IntegerField(
        label=_("Délai (jours)"),
        min_value=0,
        max_value=365,
        required=False,  # 30 days when left empty
        widget=forms.NumberInput(attrs={"placeholder": "30"}),
    )
    delete = forms.BooleanField(label=_("Supprimer"), required=False)

    def __init__(self, *args, obj=None, years=(), **kwargs):
        self.obj = obj
        super().__init__(*args, **kwargs)
        self.fields["after_review_year"].choices = [("", "—"), *[(y, str(y)) for y in years]]
        if obj is None:
            self.empty_permitted = True
            self.use_required_attribute = False


NEW_INSTALMENTS = 2


class InstalmentForms:
    """A grant's instalments, each form keyed by its instalment's id, plus blank forms for new ones."""

    def __init__(self, data, *, funding: Funding | None = None, years=()):
        instalments = list(funding.instalments.all()) if funding is not None else []
        self.existing = KeyedForms(
            InstalmentForm,
            data,
            key="versement",
            objects=instalments,
            initial=lambda i: {name: getattr(i, name) for name in INSTALMENT_FIELDS},
            years=years,
        )
        # No initial value on blank forms: an untouched one must not count as changed (30 days by default).
        self.new = [InstalmentForm(data, prefix=f"nouveau-versement-{n}", years=years) for n in range(NEW_INSTALMENTS)]
        self.instalments = instalments

    @property
    def forms(self) -> list[InstalmentForm]:
        return self.existing.forms + self.new

    @property
    def unknown(self) -> list[str]:
        return self.existing.unknown

    def is_valid(self) -> bool:
        results = [self.existing.is_valid()] + [form.is_valid() for form in self.new]
        return all(results)

    def items(self) -> list[dict]:
        """What the grant's instalments become: the posted ones as typed, the others as they are."""
        items = []
        for instalment in self.instalments:
            form = self.existing.get(instalment.pk)
            if not form.is_bound:
                items.append({"id": instalment.pk, **{name: getattr(instalment, name) for name in INSTALMENT_FIELDS}})
            elif not form.cleaned_data.get("delete"):
                items.append({"id": instalment.pk, **_instalment_values(form)})
        for form in self.new:
            if form.has_changed() and form.cleaned_data and not form.cleaned_data.get("delete"):
                items.append(_instalment_values(form))
        return items


INSTALMENT_FIELDS = ("amount", "expected_on", "received_on", "after_review_year", "after_review_days")


def _instalment_values(form) -> dict:
    values = {name: form.cleaned_data.get(name) for name in INSTALMENT_FIELDS}
    if values["after_review_days"] is None:
        values["after_review_days"] = 30
    return values


class BudgetLineForm(forms.ModelForm):
    year = forms.TypedChoiceField(label=_("Année"), coerce=int)
    planned_amount = FrenchDecimalField(label=_("Montant prévu (€)"), max_digits=12, decimal_places=2, min_value=0)
    fte = FrenchDecimalField(
        label=_("Temps de personnel (ETP)"), max_digits=5, decimal_places=2, min_value=0, required=False
    )

    class Meta:
        model = BudgetLine
        fields = BudgetLine.EDITABLE_FIELDS
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
                    disabled=quarter in self.closed_quarters,
                    error_messages={"required": _("Saisissez un montant (0 s'il n'y en a pas).")},
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
