"""The plan's calendar quarters (T1 = January–March), the unit of tracking: each one is reported, then closed
(and sometimes reopened) by the coordinator, with the record of who did it and why (PeriodEvent)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.inputs import CleanTextModel
from plans.enums import Quarter
from plans.models.drafting import Plan


def _relative(period, prefix: str, year: str, quarter: str) -> Q:
    return Q(**{f"{prefix}year__{year}": period.year}) | Q(
        **{f"{prefix}year": period.year, f"{prefix}quarter__{quarter}": period.quarter}
    )


def up_to(period, prefix: str = "period__") -> Q:
    """What belongs to `period` or an earlier quarter (`prefix` leads from the filtered model to its quarter)."""
    return _relative(period, prefix, "lt", "lte")


def before(period, prefix: str = "period__") -> Q:
    """What belongs to a quarter earlier than `period`."""
    return _relative(period, prefix, "lt", "lt")


def after(period, prefix: str = "period__") -> Q:
    """What belongs to a quarter later than `period`."""
    return _relative(period, prefix, "gt", "gt")


class ReportingPeriodQuerySet(models.QuerySet):
    def closed(self):
        return self.exclude(closed_at=None)

    def open(self):
        return self.filter(closed_at=None)

    def up_to(self, period):
        return self.filter(up_to(period, prefix=""))


class ReportingPeriod(models.Model):
    """A calendar quarter of the plan (T1 = January–March)."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveSmallIntegerField(_("année"))
    quarter = models.PositiveSmallIntegerField(_("trimestre"), choices=Quarter.choices)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clos par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = ReportingPeriodQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("trimestre")
        verbose_name_plural = _("trimestres")
        ordering = ["plan", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "quarter"], name="period_unique_quarter"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"T{self.quarter} {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    @property
    def end(self) -> datetime.date:
        return (
            datetime.date(self.year, 12, 31)
            if self.quarter == 4
            else (datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1))
        )


class PeriodEvent(CleanTextModel):
    """A quarter closed or reopened, by whom, when and why: the record the steering committee can check."""

    CLOSED, REOPENED = "closed", "reopened"
    KINDS = [(CLOSED, _("clôture")), (REOPENED, _("réouverture"))]

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("trimestre"), on_delete=models.PROTECT, related_name="events"
    )
    kind = models.CharField(_("événement"), max_length=10, choices=KINDS)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("par"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("le"), auto_now_add=True)
    reason = models.TextField(_("motif"), blank=True)
    summary = models.TextField(_("ce qui manquait"), blank=True)

    class Meta:
        verbose_name = _("clôture ou réouverture")
        verbose_name_plural = _("clôtures et réouvertures")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.period} — {self.get_kind_display()}"
