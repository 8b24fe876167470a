from django.db import models
from django.utils.translation import gettext_lazy as _

from core.countries import Country  # noqa: F401 (the plans' countries, named here as the other choices are)


class TerritoryKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNALITY = "intercommunality", _("Intercommunalité (EPCI)")
    POLICE_ZONE = "police_zone", _("Zone de police")
    DEPARTMENT = "department", _("Département")
    PROVINCE = "province", _("Province")


class SizeClass(models.TextChoices):
    SMALL = "small", _("Petite (moins de 10 000 habitants)")
    MEDIUM = "medium", _("Moyenne (10 000 à 50 000 habitants)")
    LARGE = "large", _("Grande (plus de 50 000 habitants)")


class MeasureSize(models.TextChoices):
    """Which territories a catalogue measure suits."""

    ALL = "all", _("Toutes communes")
    SMALL = "small", _("Petites communes")
    MEDIUM = "medium", _("Moyennes communes")
    LARGE = "large", _("Grandes communes")
    MEDIUM_LARGE = "medium_large", _("Moyennes et grandes communes")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    ADOPTED = "adopted", _("Adopté")
    ACTIVE = "active", _("En cours")
    CLOSED = "closed", _("Clos")


# Where a plan can go from each status (adoption, from a draft, has its own service).
PLAN_TRANSITIONS = {
    PlanStatus.ADOPTED: (PlanStatus.ACTIVE, PlanStatus.CLOSED),
    PlanStatus.ACTIVE: (PlanStatus.CLOSED,),
    PlanStatus.CLOSED: (PlanStatus.ACTIVE,),
}


class PillarKind(models.TextChoices):
    SUPPLY_REDUCTION = "supply_reduction", _("Réduction de l'offre")
    PREVENTION = "prevention", _("Réduction de la demande / prévention")
    RISK_REDUCTION = "risk_reduction", _("Réduction des risques et des dommages")
    CARE = "care", _("Soins et accompagnement")
    LAW_ENFORCEMENT = "law_enforcement", _("Application de la loi")
    TRANSVERSAL = "transversal", _("Transversal / coordination")


class Competence(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    INTERCOMMUNALITY = "intercommunality", _("Intercommunalité")
    STATE = "state", _("État")
    SHARED = "shared", _("Partagée")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    SUSPENDED = "suspended", _("Suspendue")
    ABANDONED = "abandoned", _("Abandonnée")


# An action in one of these states is never late, whatever its due date.
FINISHED_STATUSES = frozenset({ActionStatus.DONE, ActionStatus.ABANDONED})


class CostClass(models.IntegerChoices):
    NONE = 0, _("0 — sans coût notable")
    LOW = 1, _("1 — coût faible")
    MEDIUM = 2, _("2 — coût moyen")
    HIGH = 3, _("3 — coût élevé")


class ActionPartnerRole(models.TextChoices):
    LEAD = "lead", _("Co-pilote")
    CONTRIBUTOR = "contributor", _("Contributeur")
    FUNDER = "funder", _("Financeur")


class MemberRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinateur")
    EDITOR = "editor", _("Rédacteur (comité de pilotage)")
    CONTRIBUTOR = "contributor", _("Contributeur")
    VIEWER = "viewer", _("Lecteur")


class MeetingKind(models.TextChoices):
    STEERING = "steering", _("Comité de pilotage")
    TECHNICAL = "technical", _("Comité technique")
    CLSPD = "clspd", _("Séance plénière du CLSPD / CISPD")
    ZONAL_COUNCIL = "zonal_council", _("Conseil zonal de sécurité")
    OTHER = "other", _("Autre réunion")


# The bodies each country's plans meet in: a French CLSPD, a Belgian police zone's conseil zonal de sécurité.
MEETING_KINDS = {
    Country.FRANCE: (MeetingKind.STEERING, MeetingKind.TECHNICAL, MeetingKind.CLSPD, MeetingKind.OTHER),
    Country.BELGIUM: (MeetingKind.STEERING, MeetingKind.TECHNICAL, MeetingKind.ZONAL_COUNCIL, MeetingKind.OTHER),
}


class BudgetNature(models.TextChoices):
    STAFF = "staff", _("Personnel")
    EQUIPMENT = "equipment", _("Équipement")
    OPERATING = "operating", _("Fonctionnement")
    SUBSIDY = "subsidy", _("Subvention à une association")
    OTHER = "other", _("Autre")
    UNSPECIFIED = "unspecified", _("À préciser")  # an amount imported without its nature


class Quarter(models.IntegerChoices):
    Q1 = 1, _("T1 (janvier–mars)")
    Q2 = 2, _("T2 (avril–juin)")
    Q3 = 3, _("T3 (juillet–septembre)")
    Q4 = 4, _("T4 (octobre–décembre)")
