"""The countries the product serves: their plans, territories and kinds of organisation (partners.enums)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.TextChoices):
    FRANCE = "FR", _("France")
    BELGIUM = "BE", _("Belgique")
