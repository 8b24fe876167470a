"""Conventions: the agreements a plan runs on (financing conventions, partnership agreements, charters), who
signs them, and what each party commits to, by when, for which actions."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.inputs import CleanTextModel
from partners.models import Partner
from plans.models.drafting import PRIVACY_HELP, Action, Plan


class ConventionKind(models.TextChoices):
    FINANCING = "financing", _("Convention de financement")
    PARTNERSHIP = "partnership", _("Convention de partenariat")
    CHARTER = "charter", _("Charte")


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("en cours")
    KEPT = "kept", _("tenu")
    NOT_KEPT = "not_kept", _("non tenu")


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Convention(CleanTextModel):
    EDITABLE_FIELDS = ("title", "kind", "signed_on", "starts_on", "ends_on", "duration_months", "renewal_terms")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="conventions")
    title = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(
        _("nature"), max_length=12, choices=ConventionKind.choices, default=ConventionKind.FINANCING
    )
    signed_on = models.DateField(_("signée le"), null=True, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True, help_text=_("Ou bien une durée, en mois."))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"), null=True, blank=True)
    renewal_terms = models.TextField(_("renouvellement"), blank=True, help_text=PRIVACY_HELP)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")
        ordering = ["plan", "starts_on", "pk"]

    def __str__(self):
        return self.title

    @property
    def end(self) -> datetime.date | None:
        """The last day: the end date given, or the start plus the duration."""
        if self.ends_on:
            return self.ends_on
        if self.duration_months:
            return add_months(self.starts_on, self.duration_months) - datetime.timedelta(days=1)
        return None

    def clean(self):
        super().clean()
        if self.ends_on and self.duration_months:
            raise ValidationError({"duration_months": _("Donnez la fin ou la durée, pas les deux.")})
        if self.duration_months is not None and not 1 <= self.duration_months <= 240:
            raise ValidationError({"duration_months": _("Une durée de 1 à 240 mois.")})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("La fin précède le début.")})
        if self.signed_on and self.end and self.signed_on > self.end:
            raise ValidationError({"signed_on": _("Signée après sa fin : vérifiez les dates.")})


class ConventionParty(models.Model):
    """A signatory organisation, and who signs for it (a function: « le maire », « le préfet »)."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="parties")
    partner = models.ForeignKey(Partner, verbose_name=_("signataire"), on_delete=models.PROTECT, related_name="+")
    signatory = models.CharField(
        _("qui signe"), max_length=120, blank=True, help_text=_("Une fonction : « le maire », « la préfète »…")
    )

    class Meta:
        verbose_name = _("signataire")
        verbose_name_plural = _("signataires")
        constraints = [models.UniqueConstraint(fields=["convention", "partner"], name="convention_party_unique")]

    def __str__(self):
        return self.partner.short_name


class Commitment(CleanTextModel):
    """What a party promises (staff, premises, money, a report), by when, for which actions."""

    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="commitments")
    partner = models.ForeignKey(Partner, verbose_name=_("partie"), on_delete=models.PROTECT, related_name="+")
    what = models.TextField(_("engagement"), help_text=PRIVACY_HELP)
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    actions = models.ManyToManyField(Action, verbose_name=_("actions"), blank=True, related_name="commitments")
    status = models.CharField(
        _("état"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.PENDING
    )
    status_on = models.DateField(_("constaté le"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["convention", "due_on", "pk"]

    def __str__(self):
        return self.what[:80]

    def state(self, today: datetime.date) -> str:
        """kept, not_kept, late (still pending past its date) or pending."""
        if self.status == CommitmentStatus.PENDING and self.due_on and self.due_on < today:
            return "late"
        return self.status

    def state_label(self, today: datetime.date) -> str:
        state = self.state(today)
        return str(_("en retard")) if state == "late" else str(CommitmentStatus(state).label)
