import hashlib
import uuid
from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core import formats
from core.formats import file_size
from core.inputs import CleanTextModel, clean_text
from indicators.enums import Direction, EvidenceHolder, Frequency, IndicatorKind, ReviewState, Unit
from plans.enums import ActionStatus
from plans.models import PRIVACY_HELP, Action, Convention, Meeting, Plan, ReportingPeriod, Versioned, periods

BREAKDOWN_UNITS = {Unit.COUNT, Unit.EUROS}  # the parts add up to the total

# What a value's answer and comment, and a progress update's narrative, may hold: a quarter's note is a few
# sentences; beyond, a document goes into the evidence files.
TEXT_LIMIT = 5000
NARRATIVE_LIMIT = 10000


DUE_QUARTERS = {Frequency.QUARTERLY: {1, 2, 3, 4}, Frequency.HALF_YEARLY: {2, 4}, Frequency.YEARLY: {4}}


class IndicatorQuerySet(models.QuerySet):
    def due_in(self, quarter: int):
        """Indicators expected in this quarter: every quarter, at half-year (T2, T4) or at year end (T4)."""
        return self.filter(frequency__in=[f for f, quarters in DUE_QUARTERS.items() if quarter in quarters])

    def with_latest_value(
        self,
        *,
        before: ReportingPeriod | None = None,
        upto: ReportingPeriod | None = None,
        reviewed: frozenset[str] | None = None,
    ):
        """Each indicator's latest value (`latest_number`, `latest_text`, `latest_year`, `latest_quarter`).

        `before`: strictly before that quarter (the "previous" value); `upto`: up to that quarter included;
        neither: the latest of all. `reviewed`: only values whose action's quarter is in one of these review
        states (see published()). One correlated subquery per column: one query for any number of rows.
        """
        values = Measurement.objects.filter(indicator=OuterRef("pk"))
        if reviewed is not None:
            values = values.published(reviewed)
        if before is not None:
            values = values.filter(periods.before(before))
        if upto is not None:
            values = values.filter(periods.up_to(upto))
        values = values.order_by("-period__year", "-period__quarter")
        return self.annotate(
            latest_number=Subquery(values.values("value_number")[:1]),
            latest_text=Subquery(values.values("value_text")[:1]),
            latest_year=Subquery(values.values("period__year")[:1]),
            latest_quarter=Subquery(values.values("period__quarter")[:1]),
        )


def fingerprint(*values) -> str:
    """A short digest of what a form showed, to tell on saving whether it changed, and whether it still holds.

    Texts are compared as saved (control characters and line breaks normalised, ends stripped); numbers as
    numbers (45 and 45,00 are the same value).
    """
    parts = []
    for value in values:
        if value is None:
            parts.append("")
        elif isinstance(value, Decimal):
            parts.append(f"{value.normalize():f}")
        else:
            parts.append(clean_text(str(value)).strip())
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:20]


class Dimension(CleanTextModel):
    """A way a plan breaks its values down (age band, sex, neighbourhood, type of structure, substance…), with
    its categories; an indicator uses one or two of them (indicators.breakdowns)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="dimensions")
    name = models.CharField(_("nom"), max_length=80)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ventilation")
        verbose_name_plural = _("ventilations")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="dimension_unique_name")]

    def __str__(self):
        return self.name


class Category(CleanTextModel):
    """One group of a breakdown ("moins de 18 ans"). Retired: no longer offered, its values kept."""

    dimension = models.ForeignKey(
        Dimension, verbose_name=_("ventilation"), on_delete=models.CASCADE, related_name="categories"
    )
    label = models.CharField(_("catégorie"), max_length=80)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    retired = models.BooleanField(_("n'est plus proposée"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["dimension", "label"], name="category_unique_label")]

    def __str__(self):
        return self.label


def parts_signature(parts: dict) -> str:
    """A breakdown's parts as one canonical text ("3=12;4=0"): 12 and 12,00 are the same part."""
    return ";".join(f"{key}={Decimal(str(value)).normalize():f}" for key, value in sorted((parts or {}).items()))


def measurement_fingerprint(number, text, comment, parts=None) -> str:
    """A value's fingerprint; its parts count only when it has some (so that other values' stay as they were)."""
    if parts:
        return fingerprint(number, text, comment, parts_signature(parts))
    return fingerprint(number, text, comment)


class Indicator(Versioned, CleanTextModel):
    """A result (R) or impact (I) indicator of an action, or a context indicator of the plan's diagnostic."""

    LETTERS = {IndicatorKind.RESULT: "R", IndicatorKind.IMPACT: "I", IndicatorKind.CONTEXT: "C"}
    EDITABLE_FIELDS = (
        "action",
        "kind",
        "label",
        "unit",
        "frequency",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
        "direction",
        "source",
        "is_key",
        "breakdown",
        "breakdown_second",
    )

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
    breakdown = models.ForeignKey(
        Dimension,
        verbose_name=_("ventilé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("La valeur est saisie par catégorie (tranche d'âge, sexe, quartier…) ; le total en découle."),
    )
    breakdown_second = models.ForeignKey(
        Dimension,
        verbose_name=_("et par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Une seconde ventilation, croisée avec la première (facultatif)."),
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

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
        self._clean_breakdown()

    def _clean_breakdown(self):
        if self.breakdown_second_id and not self.breakdown_id:
            raise ValidationError({"breakdown": _("Choisissez d'abord la première ventilation.")})
        if self.breakdown_id is None:
            return
        if self.unit not in BREAKDOWN_UNITS:
            raise ValidationError(
                {"breakdown": _("Seuls un nombre ou un montant se ventilent : leurs parts s'additionnent.")}
            )
        if self.breakdown_second_id == self.breakdown_id:
            raise ValidationError({"breakdown_second": _("Choisissez une autre ventilation que la première.")})
        for field in ("breakdown", "breakdown_second"):
            dimension = getattr(self, field)
            if dimension is not None and dimension.plan_id != self.plan_id:
                raise ValidationError({field: _("Cette ventilation appartient à un autre plan.")})

    @property
    def letter(self) -> str:
        return self.LETTERS.get(self.kind, "")


class MeasurementQuerySet(models.QuerySet):
    def published(self, reviewed: frozenset[str]):
        """Values whose action's quarter is in one of the `reviewed` states (indicators.reviews); a context
        indicator's values, kept by the coordination itself, count as validated."""
        return self.filter(
            Q(indicator__action=None)
            | Exists(ActionReview.objects.of_row("indicator__action").filter(state__in=reviewed))
        )


class Measurement(Versioned, CleanTextModel):
    """The value of an indicator for one quarter it is due in."""

    # A value belongs to a quarter: deleting its indicator must go through the service, which keeps closed ones.
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicateur"), on_delete=models.PROTECT, related_name="measurements"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("trimestre"), on_delete=models.PROTECT, related_name="measurements"
    )
    value_number = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(_("réponse"), blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])
    comment = models.TextField(_("commentaire"), blank=True, validators=[MaxLengthValidator(TEXT_LIMIT)])
    # The value per category when the indicator is broken down: {"<category id>" or "<id>-<id>": "12"}, numbers
    # as text so that they stay exact (indicators.breakdowns); the parts add up to value_number.
    parts = models.JSONField(_("ventilation"), default=dict, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisi par"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("saisi le"), auto_now=True)

    objects = MeasurementQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

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
                    {
                        "value_number": _("Cet indicateur (fréquence %(frequency)s) n'est pas attendu au %(period)s.")
                        % {"frequency": indicator.get_frequency_display().lower(), "period": period.label}
                    }
                )
            self.validate_value(indicator, self.value_number, self.value_text)

    @staticmethod
    def validate_value(indicator: "Indicator", number, text) -> None:
        """What a value may be for its indicator's unit: the one rule the quarter page and the API share."""
        unit = indicator.unit
        if unit == Unit.TEXT:
            if number is not None:
                raise ValidationError(
                    {"value_number": _("Cet indicateur attend un texte ou un document, pas un nombre.")}
                )
            return
        if text:
            raise ValidationError({"value_text": _("Cet indicateur attend un nombre, pas un texte.")})
        if number is None:
            return
        if unit == Unit.YES_NO and number not in {Decimal(0), Decimal(1)}:
            raise ValidationError({"value_number": _("Répondez par oui (1) ou par non (0).")})
        if unit == Unit.PERCENTAGE and not 0 <= number <= 100:
            raise ValidationError({"value_number": _("Un pourcentage est compris entre 0 et 100.")})
        if unit in {Unit.COUNT, Unit.EUROS} and number < 0:
            raise ValidationError({"value_number": _("Cette valeur ne peut pas être négative.")})
        if unit == Unit.COUNT and number != number.to_integral_value():
            raise ValidationError({"value_number": _("Un nombre de personnes, d'actions ou d'objets est entier.")})

    @property
    def fingerprint(self) -> str:
        return measurement_fingerprint(self.value_number, self.value_text, self.comment, self.parts)

    @property
    def display(self) -> str:
        return format_value(self.indicator, self.value_number, self.value_text)


class Reading(NamedTuple):
    year: int
    quarter: int
    number: Decimal | None
    text: str


def latest_readings(*, plan: Plan, upto: ReportingPeriod | None = None, count: int = 1) -> dict[int, list[Reading]]:
    """The last `count` values of each of the plan's indicators, up to the quarter `upto` included (all quarters if
    None), newest first: {indicator id: [Reading, ...]}. One query, ranked by the database (a window), whatever the
    number of indicators: the correlated subqueries of with_latest_value() cost a 400-action report 90 ms."""
    values = Measurement.objects.filter(indicator__plan=plan)
    if upto is not None:
        values = values.filter(periods.up_to(upto))
    rank = Window(
        RowNumber(),
        partition_by=[F("indicator_id")],
        order_by=[F("period__year").desc(), F("period__quarter").desc()],
    )
    rows = (
        values.annotate(rank=rank)
        .filter(rank__lte=count)
        .order_by("indicator_id", "rank")
        .values_list("indicator_id", "period__year", "period__quarter", "value_number", "value_text")
    )
    readings = defaultdict(list)
    for indicator_id, year, quarter, number, text in rows:
        readings[indicator_id].append(Reading(year, quarter, number, text))
    return readings


def format_value(indicator: Indicator, number, text) -> str:
    return formats.measure(text if indicator.unit == Unit.TEXT else number, indicator.unit)


class ActionReviewQuerySet(models.QuerySet):
    def of_row(self, action: str = "action", period: str = "period"):
        """The review of the outer row's action and quarter, as a subquery: `action` and `period` lead to them."""
        return self.filter(action=OuterRef(action), period=OuterRef(period))


class ActionReview(CleanTextModel):
    """An action's quarter as submitted for validation: its progress update and its indicators' values.

    Draft until its reporter submits it; then a validator (the coordinator, or a member named to) validates it,
    or returns it with a reason. Submitted or validated, what it covers no longer changes; the coordinator can
    reopen a validated one, with a reason. No row: a draft.
    """

    LOCKED = (ReviewState.SUBMITTED, ReviewState.VALIDATED)

    objects = ActionReviewQuerySet.as_manager()

    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.CASCADE, related_name="reviews")
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("trimestre"), on_delete=models.CASCADE, related_name="reviews"
    )
    state = models.CharField(_("état"), max_length=10, choices=ReviewState.choices, default=ReviewState.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("soumis par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("soumis le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidé par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), null=True, blank=True)
    reason = models.TextField(_("motif"), blank=True, help_text=_("Pourquoi c'est renvoyé, ou rouvert."))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("validation d'un trimestre d'action")
        verbose_name_plural = _("validations des trimestres d'actions")
        constraints = [models.UniqueConstraint(fields=["action", "period"], name="review_unique_period")]

    def __str__(self):
        return f"{self.action_id} — {self.period_id} — {self.state}"

    @property
    def locked(self) -> bool:
        return self.state in self.LOCKED


def evidence_storage():
    """Local disk by default, an S3-compatible bucket in production (settings.STORAGES["evidence"])."""
    return storages["evidence"]


def evidence_path(evidence: "Evidence", filename: str) -> str:
    """Stored under a random name: the person's file name is only ever shown, never used as a path."""
    return f"preuves/{evidence.plan_id}/{evidence.pk.hex}.{filename.rpartition('.')[2]}"


class Evidence(models.Model):
    """A file that backs up a value, a quarter's progress, an action or a meeting: minutes, attendance sheets,
    photos, a report. Served only through indicators.views.evidence, which checks the user's role on the plan;
    its id is random, and the stored file's name too. Deleting it is recorded in the history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="evidence")
    holder = models.CharField(_("rattachée à"), max_length=10, choices=EvidenceHolder.choices)
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    indicator = models.ForeignKey(
        "Indicator",
        verbose_name=_("indicateur"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("trimestre"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("réunion"), on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    convention = models.ForeignKey(
        Convention,
        verbose_name=_("convention"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    file = models.FileField(_("fichier"), storage=evidence_storage, upload_to=evidence_path, max_length=200)
    name = models.CharField(_("nom du fichier"), max_length=130)
    kind = models.CharField(_("type"), max_length=10)
    size = models.PositiveIntegerField(_("taille (octets)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("déposé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("déposé le"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pièce justificative")
        verbose_name_plural = _("pièces justificatives")
        ordering = ["uploaded_at"]
        constraints = [
            models.CheckConstraint(
                name="evidence_holder",
                condition=(
                    Q(
                        holder=EvidenceHolder.VALUE,
                        indicator__isnull=False,
                        period__isnull=False,
                        meeting__isnull=True,
                    )
                    | Q(
                        holder=EvidenceHolder.PROGRESS,
                        action__isnull=False,
                        period__isnull=False,
                        indicator__isnull=True,
                        meeting__isnull=True,
                    )
                    | Q(
                        holder=EvidenceHolder.ACTION,
                        action__isnull=False,
                        period__isnull=True,
                        indicator__isnull=True,
                        meeting__isnull=True,
                    )
                    | Q(
                        holder=EvidenceHolder.MEETING,
                        meeting__isnull=False,
                        action__isnull=True,
                        period__isnull=True,
                        indicator__isnull=True,
                    )
                    | Q(
                        holder=EvidenceHolder.CONVENTION,
                        convention__isnull=False,
                        meeting__isnull=True,
                        action__isnull=True,
                        period__isnull=True,
                        indicator__isnull=True,
                    )
                )
                & (Q(holder=EvidenceHolder.CONVENTION) | Q(convention__isnull=True)),
            )
        ]
        indexes = [models.Index(fields=["period", "action"], name="evidence_period_action")]

    def __str__(self):
        return self.name

    @property
    def kind_label(self) -> str:
        from core.uploads import KINDS  # noqa: PLC0415

        return str(KINDS[self.kind].label) if self.kind in KINDS else self.kind

    @property
    def size_label(self) -> str:
        return file_size(self.size)


class DigestSent(models.Model):
    """One person's daily digest of reminders, once a day (indicators.notices): the row is written before the mail
    goes, so that a second run the same day sends nothing twice; removed again if the mail fails."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self):
        return f"{self.user_id} — {self.day}"


def sending_path(sending: "ReviewSending", filename: str) -> str:
    return f"bilans-envoyes/{sending.plan_id}/{uuid.uuid4().hex}.pdf"


class ReviewSending(models.Model):
    """The annual review as sent to funders: when, to whom, and the exact file (indicators.services)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="review_sendings")
    year = models.PositiveSmallIntegerField(_("année du bilan"))
    sent_on = models.DateField(_("envoyé le"))
    recipients = models.ManyToManyField("partners.Partner", verbose_name=_("destinataires"), related_name="+")
    file = models.FileField(_("fichier envoyé"), storage=evidence_storage, upload_to=sending_path, max_length=200)
    filename = models.CharField(_("nom du fichier"), max_length=200)
    released = models.PositiveSmallIntegerField(_("versements déclenchés"), default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("envoyé par"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("envoi du bilan annuel")
        verbose_name_plural = _("envois du bilan annuel")
        ordering = ["-sent_on", "-pk"]

    def __str__(self):
        return f"{self.plan_id} — {self.year} — {self.sent_on}"


class ProgressUpdate(Versioned, CleanTextModel):
    """Where an action stands at the end of a quarter: status, progress and a short narrative."""

    # Deleting an action goes through its service, which refuses while a closed quarter holds its updates.
    action = models.ForeignKey(
        Action, verbose_name=_("action"), on_delete=models.PROTECT, related_name="progress_updates"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("trimestre"), on_delete=models.PROTECT, related_name="progress_updates"
    )
    status = models.CharField(_("statut"), max_length=15, choices=ActionStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("avancement (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(
        _("ce qui a été fait"), blank=True, help_text=PRIVACY_HELP, validators=[MaxLengthValidator(NARRATIVE_LIMIT)]
    )
    blockers = models.TextField(
        _("ce qui bloque"), blank=True, help_text=PRIVACY_HELP, validators=[MaxLengthValidator(NARRATIVE_LIMIT)]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saisi par"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("saisi le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version"])

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

    def clean(self):
        super().clean()
        # Status and progress tell the same story: done is 100 % (plans.models.Action.progress_for), and 100 % is
        # done.
        if self.progress == 100 and self.status != ActionStatus.DONE:
            raise ValidationError(
                {"progress": _("100 % : l'action est réalisée. Choisissez le statut « Réalisée », ou un avancement "
                               "moindre.")}
            )  # fmt: skip

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.status, self.progress, self.note, self.blockers)


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


class ExportJob(models.Model):
    """A report file prepared in the background (Django's tasks framework), kept until the plan's data changes.

    One job per report, format, language and state of the plan's data: asking twice for the same file finds the
    same job, and a file is served again until something in the plan changes (`data_version`).
    """

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [
        (QUEUED, _("en file d'attente")),
        (RUNNING, _("en préparation")),
        (DONE, _("prêt")),
        (FAILED, _("échec")),
    ]

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="export_jobs")
    report = models.CharField(_("rapport"), max_length=20)  # "trimestre", "bilan", "suivi"
    params = models.JSONField(_("paramètres"), default=dict, blank=True)  # year, quarter
    fmt = models.CharField(_("format"), max_length=20)
    section = models.CharField(_("partie"), max_length=40, blank=True)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    data_version = models.CharField(_("version des données"), max_length=64)
    status = models.CharField(_("état"), max_length=10, choices=STATUSES, default=QUEUED)
    file = models.FileField(_("fichier"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandé par"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "report", "params", "fmt", "section", "language", "data_version"],
                name="export_job_unique_file",
            ),
        ]

    def __str__(self):
        return f"{self.plan} — {self.report} {self.fmt}"

    @property
    def is_done(self) -> bool:
        return self.status == self.DONE

    @property
    def is_pending(self) -> bool:
        return self.status in {self.QUEUED, self.RUNNING}
