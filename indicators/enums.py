from django.db import models
from django.utils.translation import gettext_lazy as _


class IndicatorKind(models.TextChoices):
    RESULT = "result", _("Résultat (R)")
    IMPACT = "impact", _("Impact (I)")
    CONTEXT = "context", _("Contexte (diagnostic)")


class Unit(models.TextChoices):
    COUNT = "count", _("Nombre")
    PERCENTAGE = "percentage", _("Pourcentage")
    EUROS = "euros", _("Euros")
    YES_NO = "yes_no", _("Oui / non")
    TEXT = "text", _("Document / texte")


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", _("Trimestrielle")
    HALF_YEARLY = "half_yearly", _("Semestrielle")
    YEARLY = "yearly", _("Annuelle")


class Direction(models.TextChoices):
    UP = "up", _("À la hausse")
    DOWN = "down", _("À la baisse")
    HOLD = "hold", _("Stable")


class ReviewState(models.TextChoices):
    """Where an action's quarter (its progress update and values) stands between its reporter and a validator."""

    DRAFT = "draft", _("brouillon")
    SUBMITTED = "submitted", _("soumis")
    VALIDATED = "validated", _("validé")
    RETURNED = "returned", _("renvoyé")


class EvidenceHolder(models.TextChoices):
    """What a piece of evidence backs up."""

    VALUE = "value", _("valeur d'un indicateur")
    PROGRESS = "progress", _("avancement du trimestre")
    ACTION = "action", _("action")
    MEETING = "meeting", _("réunion")
    CONVENTION = "convention", _("convention")
