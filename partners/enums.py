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
