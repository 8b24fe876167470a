from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.enums import Direction, Frequency, IndicatorKind, Unit
from plans.models import Action, Plan

NUMERIC_UNITS = {Unit.COUNT, Unit.PERCENTAGE, Unit.EUROS}


class Indicator(models.Model):
    """A result (R) or impact (I) indicator of an action, or a context indicator of the plan's diagnostic."""

    LETTERS = {IndicatorKind.RESULT: "R", IndicatorKind.IMPACT: "I", IndicatorKind.CONTEXT: "C"}

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators")
    action = models.ForeignKey(
        Action,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicators",
    )
    kind = models.CharField(_("type"), max_length=10, choices=IndicatorKind.choices, default=IndicatorKind.RESULT)
    label = models.CharField(_("intitulé"), max_length=250)
    unit = models.CharField(_("unité"), max_length=12, choices=Unit.choices, default=Unit.COUNT)
    frequency = models.CharField(_("fréquence"), max_length=12, choices=Frequency.choices, default=Frequency.QUARTERLY)
    source = models.CharField(
        _("source"), max_length=250, blank=True, help_text=_("Par exemple : OFDT, statistiques locales, police.")
    )
    baseline_value = models.DecimalField(
        _("valeur de référence"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_date = models.DateField(_("date de la valeur de référence"), null=True, blank=True)
    target_value = models.DecimalField(_("cible"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(_("échéance de la cible"), null=True, blank=True)
    direction = models.CharField(_("sens souhaité"), max_length=5, choices=Direction.choices, default=Direction.UP)
    is_key = models.BooleanField(_("indicateur clé"), default=False)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["plan", "action", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=IndicatorKind.CONTEXT) & Q(action__isnull=True))
                | (~Q(kind=IndicatorKind.CONTEXT) & Q(action__isnull=False)),
                name="indicator_context_iff_no_action",
                violation_error_message=_(
                    "Un indicateur de contexte appartient au diagnostic du plan ; "
                    "un indicateur de résultat ou d'impact appartient à une action."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.letter} — {self.label}"

    def clean(self):
        super().clean()
        if self.action_id and self.plan_id and self.action.plan_id != self.plan_id:
            raise ValidationError({"action": _("Cette action appartient à un autre plan.")})
        if self.unit == Unit.PERCENTAGE:
            for field in ("baseline_value", "target_value"):
                value = getattr(self, field)
                if value is not None and not 0 <= value <= 100:
                    raise ValidationError({field: _("Un pourcentage est compris entre 0 et 100.")})

    @property
    def letter(self) -> str:
        return self.LETTERS.get(self.kind, "")

    @property
    def is_numeric(self) -> bool:
        return self.unit in NUMERIC_UNITS
