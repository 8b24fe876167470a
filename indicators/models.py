import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.enums import Direction, Frequency, IndicatorKind, Unit
from plans.enums import ActionStatus
from plans.models import PRIVACY_HELP, Action, Plan, ReportingPeriod

NUMERIC_UNITS = {Unit.COUNT, Unit.PERCENTAGE, Unit.EUROS}


DUE_QUARTERS = {Frequency.QUARTERLY: {1, 2, 3, 4}, Frequency.HALF_YEARLY: {2, 4}, Frequency.YEARLY: {4}}


class IndicatorQuerySet(models.QuerySet):
    def due_in(self, quarter: int):
        """Indicators expected in this quarter: every quarter, at half-year (T2, T4) or at year end (T4)."""
        return self.filter(frequency__in=[f for f, quarters in DUE_QUARTERS.items() if quarter in quarters])

    def with_previous_value(self, period: ReportingPeriod):
        """The last value entered before this quarter, as a correlated subquery: one query for any number."""
        earlier = (
            Measurement.objects.filter(indicator=OuterRef("pk"))
            .filter(Q(period__year__lt=period.year) | Q(period__year=period.year, period__quarter__lt=period.quarter))
            .order_by("-period__year", "-period__quarter")
        )
        return self.annotate(
            previous_number=Subquery(earlier.values("value_number")[:1]),
            previous_text=Subquery(earlier.values("value_text")[:1]),
            previous_label=Subquery(earlier.values("period__quarter")[:1]),
            previous_year=Subquery(earlier.values("period__year")[:1]),
        )


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

    objects = IndicatorQuerySet.as_manager()
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


class Measurement(models.Model):
    """The value of an indicator for one quarter it is due in."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.CASCADE, related_name="measurements"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("trimestre"), on_delete=models.PROTECT, related_name="measurements"
    )
    value_number = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(_("réponse"), blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisi par"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("saisi le"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("valeur")
        verbose_name_plural = _("valeurs")
        ordering = ["indicator", "period__year", "period__quarter"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "period"], name="measurement_unique_period"),
        ]

    def __str__(self):
        return f"{self.indicator.label} — {self.period}"

    def clean(self):
        super().clean()
        indicator, period = (self.indicator if self.indicator_id else None), (self.period if self.period_id else None)
        if indicator and period:
            if period.plan_id != indicator.plan_id:
                raise ValidationError({"period": _("Ce trimestre appartient à un autre plan.")})
            if period.quarter not in DUE_QUARTERS[indicator.frequency]:
                raise ValidationError(
                    {"value_number": _("Cet indicateur (fréquence %(frequency)s) n'est pas attendu au %(period)s.")
                     % {"frequency": indicator.get_frequency_display().lower(), "period": period.label}}
                )  # fmt: skip
            number = self.value_number
            if indicator.unit == Unit.PERCENTAGE and number is not None and not 0 <= number <= 100:
                raise ValidationError({"value_number": _("Un pourcentage est compris entre 0 et 100.")})
            if indicator.unit in {Unit.COUNT, Unit.EUROS} and number is not None and number < 0:
                raise ValidationError({"value_number": _("Cette valeur ne peut pas être négative.")})

    @property
    def display(self) -> str:
        return format_value(self.indicator, self.value_number, self.value_text)


def format_value(indicator: Indicator, number, text) -> str:
    if indicator.unit == Unit.TEXT:
        return text or "—"
    if number is None:
        return "—"
    if indicator.unit == Unit.YES_NO:
        return str(_("oui")) if number else str(_("non"))
    places = 0 if number == number.to_integral() else 2
    shown = number_format(number, places, force_grouping=True)
    return {Unit.PERCENTAGE: f"{shown}\u00a0%", Unit.EUROS: f"{shown}\u00a0€"}.get(indicator.unit, shown)


class ProgressUpdate(models.Model):
    """Where an action stands at the end of a quarter: status, progress and a short narrative."""

    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="progress_updates"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("trimestre"), on_delete=models.PROTECT, related_name="progress_updates"
    )
    status = models.CharField(_("statut"), max_length=15, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(_("ce qui a été fait"), blank=True, help_text=PRIVACY_HELP)
    blockers = models.TextField(_("ce qui bloque"), blank=True, help_text=PRIVACY_HELP)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisi par"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("saisi le"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("point d'avancement")
        verbose_name_plural = _("points d'avancement")
        ordering = ["action", "period__year", "period__quarter"]
        constraints = [
            models.UniqueConstraint(fields=["action", "period"], name="progress_unique_period"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="progress_update_at_most_100"),
        ]

    def __str__(self):
        return f"{self.action} — {self.period}"


class ShareLinkQuerySet(models.QuerySet):
    def for_token(self, token: str):
        return self.filter(token_hash=ShareLink.hash(token))


class ShareLink(models.Model):
    """A read-only link to a plan's dashboard for partners without an account: expiring and revocable.

    Only a hash of the token is stored; the link itself is shown once, when it is created.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="share_links")
    label = models.CharField(
        _("destinataire"), max_length=120, help_text=_("Par exemple : Préfecture, réunion du 12 mars.")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("créé par"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("lien de partage")
        verbose_name_plural = _("liens de partage")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.plan} — {self.label}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())
