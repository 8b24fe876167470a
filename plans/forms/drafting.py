import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.inputs import clean_text
from partners.enums import PartnerKind, kind_choices
from partners.models import Partner
from plans.enums import (
    MEETING_KINDS,
    PLAN_TRANSITIONS,
    ActionPartnerRole,
    ActionStatus,
    Competence,
    Country,
    MeetingKind,
    MemberRole,
    PillarKind,
    PlanStatus,
    SizeClass,
    TerritoryKind,
)
from plans.forms.fields import FrenchDateField, IdChoiceField, IdsChoiceField, MonthOrDateField, SpreadsheetField
from plans.models import PRIVACY_HELP, Action, Axis, CatalogueMeasure, Pillar, Plan, PlanTemplate
from plans.territories import territory_check

PRIVACY_NOTE = HTML(
    '<p class="privacy-note" role="note">{% load i18n %}{% translate "Rappel : le plan ne contient ni nom de '
    "personne (usager, jeune, famille) ni donnée de santé. Décrivez des publics, des organisations et des "
    'chiffres." %}</p>'
)


def _period_clean(cleaned, start_field="period_start", end_field="period_end"):
    start, end = cleaned.get(start_field), cleaned.get(end_field)
    if start and end and end <= start:
        raise ValidationError({end_field: _("La fin de la période doit être postérieure à son début.")})


class PlanCreateForm(forms.Form):
    territory_name = forms.CharField(label=_("Nom du territoire"), max_length=200)
    territory_kind = forms.ChoiceField(label=_("Type de territoire"), choices=TerritoryKind.choices)
    country = forms.ChoiceField(label=_("Pays"), choices=Country.choices, initial=Country.FRANCE)
    official_code = forms.CharField(
        label=_("Code officiel"),
        max_length=20,
        help_text=_(
            "France : code INSEE d'une commune, SIREN d'un EPCI, code d'un département. Belgique : code NIS d'une "
            "commune ou d'une province, numéro d'une zone de police."
        ),
    )
    population = forms.IntegerField(label=_("Population"), min_value=0, max_value=100_000_000, required=False)
    department = forms.CharField(
        label=_("Département ou province"),
        max_length=80,
        required=False,
        help_text=_("Par exemple « 59 — Nord » ou « Hainaut » ; déduit du code NIS d'une commune belge."),
    )
    arrondissement = forms.CharField(
        label=_("Arrondissement (Belgique)"),
        max_length=80,
        required=False,
        help_text=_("L'arrondissement administratif d'une zone de police ; déduit du code NIS d'une commune."),
    )
    title = forms.CharField(label=_("Intitulé du plan"), max_length=200)
    period_start = FrenchDateField(label=_("Début de la période"))
    period_end = FrenchDateField(label=_("Fin de la période"))
    description = forms.CharField(
        label=_("Objectifs généraux"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=PRIVACY_HELP
    )
    template = forms.ModelChoiceField(
        label=_("Point de départ"),
        queryset=PlanTemplate.objects.all(),
        required=False,
        empty_label=_("Une page blanche : je construis la structure moi-même"),
        widget=forms.RadioSelect,
    )
    spreadsheet = SpreadsheetField(
        label=_("Importer un tableau"),
        required=False,
        read_always=True,  # a file that cannot be imported is refused here, before the plan exists
        help_text=_(
            "Votre plan existe déjà dans un tableur, par exemple selon le « Modèle de suivi » SeNe ? Joignez-le "
            "(ODS, XLSX ou CSV) : vous verrez ce qui sera créé avant de confirmer."
        ),
    )

    reason = forms.CharField(
        label=_("Message à l'équipe de la plateforme"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=_(
            "Votre organisation n'est pas enregistrée comme l'autorité d'un territoire : si ce n'est pas celle du "
            "territoire choisi, votre demande est examinée par l'équipe de la plateforme. Dites qui porte le plan "
            "et à quel titre vous le coordonnerez."
        ),
    )

    def __init__(self, *args, asks: bool = False, **kwargs):
        """`asks`: the user's organisation is no territory's authority; a request may follow (plans.perms)."""
        super().__init__(*args, **kwargs)
        if not asks:
            del self.fields["reason"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            PRIVACY_NOTE,
            Fieldset(
                _("Territoire"),
                Div(
                    Div("territory_name", css_class="col-md-6"),
                    Div("territory_kind", css_class="col-md-6"),
                    css_class="row",
                ),
                Div(
                    Div("country", css_class="col-md-4"),
                    Div("official_code", css_class="col-md-4"),
                    Div("population", css_class="col-md-4"),
                    css_class="row",
                ),
                Div(
                    Div("department", css_class="col-md-6"),
                    Div("arrondissement", css_class="col-md-6"),
                    css_class="row",
                ),
            ),
            Fieldset(
                _("Plan"),
                "title",
                Div(
                    Div("period_start", css_class="col-md-6"), Div("period_end", css_class="col-md-6"), css_class="row"
                ),
                "description",
            ),
            Fieldset(_("Modèle"), "template"),
            Fieldset(_("Importer un tableau"), "spreadsheet"),
            *([Fieldset(_("Demande"), "reason")] if asks else []),
        )

    def clean(self):
        cleaned = super().clean()
        _period_clean(cleaned)
        if {"country", "territory_kind", "official_code"} <= cleaned.keys():
            errors, cleaned["department"], cleaned["arrondissement"] = territory_check(
                country=cleaned["country"],
                kind=cleaned["territory_kind"],
                official_code=cleaned["official_code"],
                department=cleaned.get("department", ""),
                arrondissement=cleaned.get("arrondissement", ""),
            )
            for name, message in errors.items():
                self.add_error("territory_kind" if name == "kind" else name, message)
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and (end - start).days > 366 * 10:
            self.add_error("period_end", _("Un plan couvre au plus dix ans."))
        return cleaned


class PlanFrameForm(forms.ModelForm):
    period_start = FrenchDateField(label=_("Début de la période"))
    period_end = FrenchDateField(label=_("Fin de la période"))

    class Meta:
        model = Plan
        fields = Plan.FRAME_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty (or not sent by an older page): the default, 15 days.
        self.fields["reporting_deadline_days"].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            PRIVACY_NOTE,
            "title",
            Div(Div("period_start", css_class="col-md-6"), Div("period_end", css_class="col-md-6"), css_class="row"),
            "description",
            Div(
                Div("reporting_deadline_days", css_class="col-md-6"),
                Div("validated_only", css_class="col-md-6"),
                css_class="row",
            ),
        )

    def clean_reporting_deadline_days(self):
        value = self.cleaned_data.get("reporting_deadline_days")
        return 15 if value is None else value

    def clean(self):
        cleaned = super().clean()
        _period_clean(cleaned)
        return cleaned


class PartnerAddForm(forms.Form):
    name = forms.CharField(label=_("Nom de l'organisation"), max_length=200)
    acronym = forms.CharField(label=_("Sigle"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=PartnerKind.choices)
    contact_email = forms.EmailField(
        label=_("Adresse de contact"), required=False, help_text=_("Une adresse de service, pas celle d'une personne.")
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds of the plan's country only: a Belgian zone is offered the CPAS and the SPF Intérieur, never
        # a préfecture.
        self.fields["kind"].choices = kind_choices(plan.territory.country)


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse électronique"))
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    partner = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Pour un nouveau compte. Ajoutez d'abord l'organisation aux partenaires du plan si besoin."),
    )
    role = forms.ChoiceField(label=_("Rôle"), choices=MemberRole.choices, initial=MemberRole.VIEWER)

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = plan.partners.all()


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=MemberRole.choices)
    validator = forms.BooleanField(label=_("valide les valeurs"), required=False)


class PillarForm(forms.ModelForm):
    class Meta:
        model = Pillar
        fields = Pillar.EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class AxisForm(forms.ModelForm):
    class Meta:
        model = Axis
        fields = Axis.EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pillar"].queryset = plan.pillars.order_by("order", "pk")
        self.fields["pillar"].empty_label = None
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Laissez vide pour numéroter à la suite.")


class AxisChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, axis):
        return f"{axis.pillar.name} › {axis}"


class ActionBulkForm(forms.Form):
    """Set the lead, due date, status or axis of the actions ticked in the list, or add a partner to them: only
    the fields filled in change. The actions are keyed by their ids, each with the version the list showed."""

    KEEP = _("— ne pas changer —")

    actions = IdsChoiceField(
        label=_("Actions cochées"),
        queryset=Action.objects.none(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Cochez au moins une action dans la liste.")},
    )
    lead = IdChoiceField(label=_("Gestionnaire"), queryset=Partner.objects.none(), required=False)
    due_date = MonthOrDateField(label=_("Échéance"), required=False, help_text="")
    status = forms.ChoiceField(label=_("Statut"), required=False)
    axis = AxisChoiceField(label=_("Axe"), queryset=Axis.objects.none(), required=False)
    partner = IdChoiceField(label=_("Ajouter un partenaire"), queryset=Partner.objects.none(), required=False)
    partner_role = forms.ChoiceField(
        label=_("comme"), choices=ActionPartnerRole.choices, initial=ActionPartnerRole.CONTRIBUTOR, required=False
    )

    CHANGES = ("lead", "due_date", "status", "axis", "partner")

    def __init__(self, *args, plan: Plan, partners=None, axes=None, **kwargs):
        kwargs.setdefault("auto_id", "bulk_%s")  # the filters above the list have their own "lead", "status"…
        super().__init__(*args, **kwargs)
        partners = partners if partners is not None else plan.partners.order_by("name")
        self.fields["actions"].queryset = plan.actions.all()
        self.fields["lead"].queryset = partners
        self.fields["lead"].empty_label = self.KEEP
        self.fields["partner"].queryset = partners
        self.fields["partner"].empty_label = self.KEEP
        self.fields["status"].choices = [("", self.KEEP), *ActionStatus.choices]
        self.fields["axis"].queryset = (
            axes if axes is not None else Axis.objects.filter(pillar__plan=plan).select_related("pillar")
        )
        self.fields["axis"].empty_label = self.KEEP
        self.fields["due_date"].widget.attrs["placeholder"] = "JJ/MM/AAAA ou MM/AAAA"

    def clean(self):
        data = super().clean()
        if not self.errors and not any(data.get(name) for name in self.CHANGES):
            raise ValidationError(_("Choisissez au moins une modification à faire."), code="nothing")
        return data

    def changes(self) -> dict:
        """The action fields to set (those filled in)."""
        return {
            name: self.cleaned_data[name] for name in ("lead", "due_date", "status", "axis") if self.cleaned_data[name]
        }


class ActionForm(forms.ModelForm):
    axis = AxisChoiceField(label=_("Axe"), queryset=Axis.objects.none(), empty_label=None)
    start_date = FrenchDateField(label=_("Début"), required=False)
    due_date = MonthOrDateField(label=_("Échéance"), required=False)
    co_leads = IdsChoiceField(
        label=_("Co-pilotes"), queryset=Partner.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    contributors = IdsChoiceField(
        label=_("Contributeurs"), queryset=Partner.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    funders = IdsChoiceField(
        label=_("Financeurs"), queryset=Partner.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    ROLE_FIELDS = {
        "co_leads": ActionPartnerRole.LEAD,
        "contributors": ActionPartnerRole.CONTRIBUTOR,
        "funders": ActionPartnerRole.FUNDER,
    }

    class Meta:
        model = Action
        fields = Action.EDITABLE_FIELDS
        widgets = {
            "field_of_intervention": forms.Textarea(attrs={"rows": 2}),
            "target_groups": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "comments": forms.Textarea(attrs={"rows": 2}),
            "financing_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, plan: Plan, axes=None, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.instance.plan = plan
        axes = axes if axes is not None else Axis.objects.filter(pillar__plan=plan).select_related("pillar")
        partners = partners if partners is not None else plan.partners.all()
        self.fields["axis"].queryset = axes
        self.fields["lead"].queryset = partners
        self.fields["lead"].empty_label = _("— à désigner —")
        self.fields["lead"].help_text = _("Une organisation partenaire du plan (onglet Cadre › Partenaires).")
        for name, role in self.ROLE_FIELDS.items():
            self.fields[name].queryset = partners
            if self.instance.pk:
                self.fields[name].initial = [
                    link.partner_id for link in self.instance.partner_links.all() if link.role == role
                ]
        self.fields["version"].initial = self.instance.version
        self.fields["progress"].widget.attrs.update({"min": 0, "max": 100})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            PRIVACY_NOTE,
            Fieldset(_("L'action"), "axis", "title", "summary", "field_of_intervention", "target_groups"),
            Fieldset(
                _("Gestion et partenaires"),
                "lead",
                Div(
                    Div("co_leads", css_class="col-md-4"),
                    Div("contributors", css_class="col-md-4"),
                    Div("funders", css_class="col-md-4"),
                    css_class="row",
                ),
                "comments",
            ),
            Fieldset(
                _("Compétences, financement et calendrier"),
                Div(Div("competence", css_class="col-md-6"), Div("cost_class", css_class="col-md-6"), css_class="row"),
                "financing_note",
                Div(Div("start_date", css_class="col-md-6"), Div("due_date", css_class="col-md-6"), css_class="row"),
                "first_year",
            ),
            Fieldset(
                _("Suivi"),
                Div(Div("status", css_class="col-md-6"), Div("progress", css_class="col-md-6"), css_class="row"),
            ),
            "version",
        )

    def clean_progress(self):
        progress = self.cleaned_data.get("progress")
        if progress is not None and not 0 <= progress <= 100:
            raise ValidationError(_("L'avancement est un pourcentage entre 0 et 100."))
        return progress

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") and cleaned.get("progress") is not None:
            cleaned["progress"] = Action.progress_for(cleaned["status"], cleaned["progress"])
        return cleaned

    def partner_roles(self) -> list[tuple[Partner, str]]:
        return [(p, role) for name, role in self.ROLE_FIELDS.items() for p in self.cleaned_data.get(name) or []]

    def action_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ActionFilterForm(forms.Form):
    SORTS = [
        ("tree", _("Ordre du plan")),
        ("due_date", _("Échéance")),
        ("status", _("Statut")),
        ("lead", _("Gestionnaire")),
        ("title", _("Intitulé")),
    ]

    q = forms.CharField(label=_("Rechercher"), required=False)
    pillar = forms.ModelChoiceField(label=_("Pilier"), queryset=Pillar.objects.none(), required=False)
    axis = AxisChoiceField(label=_("Axe"), queryset=Axis.objects.none(), required=False)
    lead = forms.ModelChoiceField(label=_("Gestionnaire"), queryset=Partner.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=[("", _("Tous")), *ActionStatus.choices], required=False)
    late = forms.BooleanField(label=_("En retard seulement"), required=False)
    sort = forms.ChoiceField(label=_("Trier par"), choices=SORTS, required=False)

    def __init__(self, *args, plan: Plan, pillars, axes, partners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pillar"].queryset = pillars
        self.fields["axis"].queryset = axes
        self.fields["lead"].queryset = partners
        for name in ("pillar", "axis", "lead"):
            self.fields[name].empty_label = _("Tous")


class PlanFilterForm(forms.Form):
    """Filters over the plans a user follows (home page and overview); an unknown value is an error on its field."""

    q = forms.CharField(label=_("Rechercher un plan ou un territoire"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Pays"), choices=[("", _("Tous")), *Country.choices], required=False)
    department = forms.ChoiceField(label=_("Département ou province"), required=False)
    kind = forms.ChoiceField(
        label=_("Type de territoire"), choices=[("", _("Tous")), *TerritoryKind.choices], required=False
    )
    size = forms.ChoiceField(label=_("Taille"), choices=[("", _("Toutes")), *SizeClass.choices], required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=[("", _("Tous")), *PlanStatus.choices], required=False)
    late = forms.BooleanField(label=_("Avec des actions en retard"), required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Tous")), *((d, d) for d in departments)]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _("« %(value)s » n'est pas une valeur proposée : filtre ignoré.")

    def clean_q(self):
        return clean_text(self.cleaned_data["q"]).replace("\n", " ")

    def filters(self) -> dict:
        """The filters to apply: the valid ones; a field in error is left out (and says so next to it)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None, False)}

    @property
    def active(self) -> bool:
        return bool(self.is_bound and self.filters())


class AdoptionForm(forms.Form):
    date = FrenchDateField(label=_("Date de la réunion d'adoption"))
    kind = forms.ChoiceField(label=_("Instance"), choices=MeetingKind.choices, initial=MeetingKind.STEERING)
    decisions = forms.CharField(
        label=_("Décisions"), widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text=PRIVACY_HELP
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["kind"].choices = [(k, MeetingKind(k).label) for k in MEETING_KINDS[plan.territory.country]]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate() + datetime.timedelta(days=1):
            raise ValidationError(_("La réunion d'adoption ne peut pas être dans le futur."))
        if date < self.plan.period_start - datetime.timedelta(days=366 * 2):
            raise ValidationError(_("Cette date est trop ancienne pour ce plan."))
        return date


class MeetingForm(AdoptionForm):
    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["date"].label = _("Date de la réunion")

    def clean_date(self):
        return self.cleaned_data["date"]


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), required=False)
    pillar_kind = forms.ChoiceField(
        label=_("Type de pilier"), choices=[("", _("Tous")), *PillarKind.choices], required=False
    )
    size = forms.ChoiceField(
        label=_("Taille de commune"),
        choices=[("any", _("Toutes les mesures")), *SizeClass.choices],
        required=False,
        help_text=_("Par défaut, la taille de votre territoire."),
    )
    competence = forms.ChoiceField(
        label=_("Compétence"), choices=[("", _("Toutes")), *Competence.choices], required=False
    )
    first_year = forms.BooleanField(label=_("Dès la première année"), required=False)
    max_cost = forms.TypedChoiceField(
        label=_("Coût au plus"),
        choices=[("", _("Tous")), ("0", "0"), ("1", "1"), ("2", "2"), ("3", "3")],
        coerce=int,
        empty_value=None,
        required=False,
    )


class CataloguePickForm(forms.Form):
    axis = AxisChoiceField(label=_("Ajouter dans l'axe"), queryset=Axis.objects.none(), empty_label=None)
    measures = IdsChoiceField(
        label=_("Mesures"),
        queryset=CatalogueMeasure.objects.all(),
        error_messages={"required": _("Cochez au moins une mesure.")},
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = Axis.objects.filter(pillar__plan=plan).select_related("pillar")


class PlanStatusForm(forms.Form):
    """Start tracking, close (confirmed) or reopen (with a reason) a plan."""

    status = forms.ChoiceField(
        label=_("Nouveau statut"),
        error_messages={
            "required": _("Choisissez le nouveau statut du plan."),
            "invalid_choice": _("Ce statut n'est pas possible pour ce plan : choisissez-en un dans la liste."),
        },
    )
    confirm = forms.BooleanField(label=_("Je confirme la clôture du plan."), required=False)
    reason = forms.CharField(
        label=_("Motif de la réouverture"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, PlanStatus(s).label) for s in PLAN_TRANSITIONS.get(plan.status, ())]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == PlanStatus.CLOSED and not cleaned.get("confirm"):
            self.add_error("confirm", _("Cochez la case pour confirmer : un plan clos ne se modifie plus."))
        return cleaned
