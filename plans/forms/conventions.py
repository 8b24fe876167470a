"""Conventions: the convention with its signatories (keyed by each partner's id), and a party's commitment."""

from django import forms
from django.utils.translation import gettext_lazy as _

from plans.forms.fields import FrenchDateField, IdChoiceField, IdsChoiceField
from plans.models import Plan
from plans.models.conventions import Commitment, Convention


class ConventionForm(forms.ModelForm):
    signed_on = FrenchDateField(label=_("Signée le"), required=False)
    starts_on = FrenchDateField(label=_("Début"))
    ends_on = FrenchDateField(label=_("Fin"), required=False, help_text=_("Ou bien une durée, en mois."))

    class Meta:
        model = Convention
        fields = Convention.EDITABLE_FIELDS
        widgets = {"renewal_terms": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.partners = list(plan.partners.order_by("name"))
        signatories = {p.partner_id: p.signatory for p in self.instance.parties.all()} if self.instance.pk else {}
        for partner in self.partners:
            self.fields[f"party_{partner.pk}"] = forms.BooleanField(
                label=partner.name, required=False, initial=partner.pk in signatories
            )
            self.fields[f"signatory_{partner.pk}"] = forms.CharField(
                label=_("Qui signe pour %(name)s") % {"name": partner.short_name},
                required=False,
                max_length=120,
                initial=signatories.get(partner.pk, ""),
            )

    def party_rows(self):
        return [(p, self[f"party_{p.pk}"], self[f"signatory_{p.pk}"]) for p in self.partners]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in Convention.EDITABLE_FIELDS}
        fields["parties"] = [
            (partner, data.get(f"signatory_{partner.pk}", ""))
            for partner in self.partners
            if data.get(f"party_{partner.pk}")
        ]
        return fields


class CommitmentForm(forms.Form):
    partner = IdChoiceField(label=_("Qui s'engage"), queryset=None)
    what = forms.CharField(label=_("Engagement"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    due_on = FrenchDateField(label=_("Pour le"), required=False)
    actions = IdsChoiceField(label=_("Actions concernées"), queryset=None, required=False)

    def __init__(self, *args, convention: Convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.convention = convention
        from partners.models import Partner

        self.fields["partner"].queryset = Partner.objects.filter(pk__in=convention.parties.values("partner")).order_by(
            "name"
        )
        self.fields["actions"].queryset = convention.plan.actions.order_by(
            "axis__pillar__order", "axis__number", "order"
        )
        self.fields["actions"].widget.attrs["size"] = 4


STATUS_CHOICES = [(value, label) for value, label in Commitment._meta.get_field("status").choices]
