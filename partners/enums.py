from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    MILDECA = "mildeca", _("MILDECA")
    PREFECTURE = "prefecture", _("Préfecture")
    PROSECUTOR = "prosecutor", _("Parquet")
    NATIONAL_POLICE = "national_police", _("Police nationale")
    LOCAL_POLICE = "local_police", _("Police locale / municipale")
    GENDARMERIE = "gendarmerie", _("Gendarmerie")
    CUSTOMS = "customs", _("Douane")
    EDUCATION = "education", _("Éducation nationale")
    HEALTH_AGENCY = "health_agency", _("ARS")
    CSAPA = "csapa", _("CSAPA")
    CAARUD = "caarud", _("CAARUD")
    ASSOCIATION = "association", _("Association")
    MUNICIPAL_SERVICE = "municipal_service", _("Service municipal")
    CAF = "caf", _("CAF")
    REGION = "region", _("Région")
    DEPARTMENT_COUNCIL = "department_council", _("Conseil départemental")
    OTHER = "other", _("Autre")


class NoticeKind(models.TextChoices):
    """The kinds of reminder a person may receive in their daily digest (indicators.notices)."""

    QUARTER_OPEN = "quarter_open", _("Un trimestre s'ouvre à la saisie")
    DEADLINE = "deadline", _("L'échéance de saisie approche et il vous reste à renseigner")
    ACTION_DUE = "action_due", _("Une action que vous pilotez est en retard ou arrive à échéance dans 30 jours")
    LEAD = "lead", _("Vous êtes désigné gestionnaire d'une action")
    QUARTER_CLOSED = "quarter_closed", _("Un trimestre est clos ou rouvert")
    CONVENTION = "convention", _("Une convention ou un engagement demande votre attention (coordinateurs)")
