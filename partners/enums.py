from django.db import models
from django.utils.translation import gettext_lazy as _

from core.countries import Country


class PartnerKind(models.TextChoices):
    """The kind of an organisation. Most are French or Belgian institutions: `KIND_COUNTRIES` says which
    countries' plans offer each one, so that a Belgian zone is never offered a préfecture, nor a French commune
    a CPAS."""

    # France
    MILDECA = "mildeca", _("MILDECA")
    PREFECTURE = "prefecture", _("Préfecture")
    PROSECUTOR = "prosecutor", _("Parquet (procureur de la République)")
    NATIONAL_POLICE = "national_police", _("Police nationale")
    MUNICIPAL_POLICE = "municipal_police", _("Police municipale")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    EDUCATION = "education", _("Éducation nationale")
    HEALTH_AGENCY = "health_agency", _("ARS")
    CSAPA = "csapa", _("CSAPA")
    CAARUD = "caarud", _("CAARUD")
    CAF = "caf", _("CAF")
    REGION = "region", _("Région")
    DEPARTMENT_COUNCIL = "department_council", _("Conseil départemental")
    # Belgium
    LOCAL_POLICE = "local_police", _("Police locale (zone de police)")
    FEDERAL_POLICE = "federal_police", _("Police fédérale (dont police judiciaire fédérale)")
    CROWN_PROSECUTOR = "crown_prosecutor", _("Parquet du procureur du Roi")
    SPF_INTERIOR = "spf_interior", _("SPF Intérieur")
    PROVINCE = "province", _("Province")
    COMMUNITY_REGION = "community_region", _("Communauté / Région")
    CPAS = "cpas", _("CPAS (centre public d'action sociale)")
    DRUG_AID_SERVICE = "drug_aid_service", _("Service d'aide en toxicomanie")
    # Both
    CUSTOMS = "customs", _("Douane")
    SCHOOL = "school", _("Établissement scolaire")
    ASSOCIATION = "association", _("Association")
    MUNICIPAL_SERVICE = "municipal_service", _("Service municipal ou communal")
    OTHER = "other", _("Autre")


FRANCE, BELGIUM = Country.FRANCE, Country.BELGIUM
KIND_COUNTRIES = {
    **dict.fromkeys(
        [
            PartnerKind.MILDECA,
            PartnerKind.PREFECTURE,
            PartnerKind.PROSECUTOR,
            PartnerKind.NATIONAL_POLICE,
            PartnerKind.MUNICIPAL_POLICE,
            PartnerKind.GENDARMERIE,
            PartnerKind.EDUCATION,
            PartnerKind.HEALTH_AGENCY,
            PartnerKind.CSAPA,
            PartnerKind.CAARUD,
            PartnerKind.CAF,
            PartnerKind.REGION,
            PartnerKind.DEPARTMENT_COUNCIL,
        ],
        frozenset({FRANCE}),
    ),
    **dict.fromkeys(
        [
            PartnerKind.LOCAL_POLICE,
            PartnerKind.FEDERAL_POLICE,
            PartnerKind.CROWN_PROSECUTOR,
            PartnerKind.SPF_INTERIOR,
            PartnerKind.PROVINCE,
            PartnerKind.COMMUNITY_REGION,
            PartnerKind.CPAS,
            PartnerKind.DRUG_AID_SERVICE,
        ],
        frozenset({BELGIUM}),
    ),
    **dict.fromkeys(
        [
            PartnerKind.CUSTOMS,
            PartnerKind.SCHOOL,
            PartnerKind.ASSOCIATION,
            PartnerKind.MUNICIPAL_SERVICE,
            PartnerKind.OTHER,
        ],
        frozenset({FRANCE, BELGIUM}),
    ),
}

# The same role in the other country: a template written for one country finds its leads in the other.
KIND_EQUIVALENTS = {
    PartnerKind.MUNICIPAL_POLICE: PartnerKind.LOCAL_POLICE,
    PartnerKind.LOCAL_POLICE: PartnerKind.MUNICIPAL_POLICE,
    PartnerKind.NATIONAL_POLICE: PartnerKind.FEDERAL_POLICE,
    PartnerKind.FEDERAL_POLICE: PartnerKind.NATIONAL_POLICE,
    PartnerKind.PROSECUTOR: PartnerKind.CROWN_PROSECUTOR,
    PartnerKind.CROWN_PROSECUTOR: PartnerKind.PROSECUTOR,
    PartnerKind.EDUCATION: PartnerKind.SCHOOL,
    PartnerKind.CSAPA: PartnerKind.DRUG_AID_SERVICE,
    PartnerKind.CAARUD: PartnerKind.DRUG_AID_SERVICE,
    PartnerKind.REGION: PartnerKind.COMMUNITY_REGION,
}


def kind_in_country(kind: str, country: str) -> bool:
    """Whether plans of this country offer this kind of organisation."""
    return country in KIND_COUNTRIES.get(kind, ())


def kind_choices(country: str) -> list[tuple[str, str]]:
    """The kinds a plan of this country offers, in the enum's order."""
    return [(value, label) for value, label in PartnerKind.choices if kind_in_country(value, country)]


def kind_for_country(kind: str, country: str) -> str:
    """`kind` itself when the country has it, else its equivalent there ("" when there is none)."""
    if kind_in_country(kind, country):
        return kind
    other = KIND_EQUIVALENTS.get(kind, "")
    return other if kind_in_country(other, country) else ""


class NoticeKind(models.TextChoices):
    """The kinds of reminder a person may receive in their daily digest (indicators.notices)."""

    QUARTER_OPEN = "quarter_open", _("Un trimestre s'ouvre à la saisie")
    DEADLINE = "deadline", _("L'échéance de saisie approche et il vous reste à renseigner")
    ACTION_DUE = "action_due", _("Une action que vous pilotez est en retard ou arrive à échéance dans 30 jours")
    LEAD = "lead", _("Vous êtes désigné gestionnaire d'une action")
    QUARTER_CLOSED = "quarter_closed", _("Un trimestre est clos ou rouvert")
    CONVENTION = "convention", _("Une convention ou un engagement demande votre attention (coordinateurs)")
