"""Money: grants to a plan (Funding and instalments), budget lines per action and their quarterly execution.

Amounts are Decimal with two places, never floats. Totals are computed by the database (see
plans.selectors.budget_summary).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.inputs import CleanTextModel
from partners.models import Partner
from plans.enums import BudgetNature, Quarter
from plans.models.drafting import Action, Plan
from plans.models.sync import Versioned

NOT_NEGATIVE = MinValueValidator(Decimal("0"), message=_("Un montant ne peut pas être négatif."))


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, validators=[NOT_NEGATIVE], **kwargs)


def _year_within_plan(plan: Plan, year: int | None, field: str = "year") -> None:
    if plan is not None and year is not None and year not in plan.years:
        raise ValidationError(
            {
                field: _("L'année doit être comprise dans la période du plan (%(first)s à %(last)s).")
                % {"first": plan.years[0], "last": plan.years[-1]}
            }
        )


class Funding(Versioned, CleanTextModel):
    """A grant from a funder to the plan for one year."""

    EDITABLE_FIELDS = ("funder", "year", "label", "amount_granted", "decided_on", "conditions", "convention")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="fundings")
    funder = models.ForeignKey(Partner, verbose_name=_("financeur"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("année"))
    label = models.CharField(
        _("intitulé"), max_length=200, blank=True, help_text=_("Par exemple : crédits MILDECA, FIPD, appel à projets.")
    )
    amount_granted = money_field(_("montant accordé (€)"))
    decided_on = models.DateField(_("date de la décision"), null=True, blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    convention = models.ForeignKey(
        "plans.Convention",
        verbose_name=_("convention"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fundings",
        help_text=_("La convention qui prévoit ce financement, s'il y en a une."),
    )
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        ordering = ["plan", "year", "funder__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_granted__gte=0), name="funding_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.funder.short_name} {self.year}" + (f" — {self.label}" if self.label else "")

    def clean(self):
        super().clean()
        _year_within_plan(self.plan if self.plan_id else None, self.year)
        if self.convention_id and self.plan_id and self.convention.plan_id != self.plan_id:
            raise ValidationError({"convention": _("Cette convention appartient à un autre plan.")})


class FundingInstalment(models.Model):
    """A payment of a grant: typically about half in January, the balance after the previous year's review."""

    # Money received: deleting a grant goes through its service, which keeps what a closed quarter received.
    funding = models.ForeignKey(
        Funding, verbose_name=_("financement"), on_delete=models.PROTECT, related_name="instalments"
    )
    amount = money_field(_("montant (€)"))
    expected_on = models.DateField(_("versement prévu le"), null=True, blank=True)
    received_on = models.DateField(_("reçu le"), null=True, blank=True)
    # "The balance once the annual review is received": no date until the review of that year is sent to the
    # funder (indicators.services.annual_review_send), then that day plus `after_review_days`.
    after_review_year = models.PositiveSmallIntegerField(_("versé après l'envoi du bilan de"), null=True, blank=True)
    after_review_days = models.PositiveSmallIntegerField(_("délai après l'envoi (jours)"), default=30)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("versement")
        verbose_name_plural = _("versements")
        ordering = ["funding", "expected_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="instalment_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.funding} — {self.amount} €"

    def clean(self):
        super().clean()
        year = self.after_review_year
        if year is None:
            return
        plan = self.funding.plan if self.funding_id else None
        if plan is not None and year not in plan.years:
            message = _("Le bilan %(year)s ne sera jamais envoyé : le plan couvre %(first)s à %(last)s.")
            raise ValidationError(
                {"after_review_year": message % {"year": year, "first": plan.years[0], "last": plan.years[-1]}}
            )
        if not 0 <= self.after_review_days <= 365:
            raise ValidationError({"after_review_days": _("Un délai de 0 à 365 jours.")})


class BudgetLineQuerySet(models.QuerySet):
    def with_execution(self):
        """Each line with its committed and paid totals, computed by the database."""
        return self.annotate(
            committed=models.Sum("executions__committed", default=Decimal("0")),
            paid=models.Sum("executions__paid", default=Decimal("0")),
        )


class BudgetLine(Versioned, CleanTextModel):
    """What an action costs, for one funder, one year and one nature of spending."""

    EDITABLE_FIELDS = ("funder", "year", "nature", "planned_amount", "fte", "overrun_reason")

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="budget_lines")
    action = models.ForeignKey(Action, verbose_name=_("action"), on_delete=models.PROTECT, related_name="budget_lines")
    funder = models.ForeignKey(Partner, verbose_name=_("financeur"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("année"))
    nature = models.CharField(_("nature"), max_length=12, choices=BudgetNature.choices)
    planned_amount = money_field(_("montant prévu (€)"))
    fte = models.DecimalField(
        _("temps de personnel (ETP)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), message=_("Un temps de personnel ne peut pas être négatif."))],
    )
    overrun_reason = models.TextField(
        _("motif du dépassement"),
        blank=True,
        help_text=_("Obligatoire si les engagements dépassent le montant prévu."),
    )

    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = BudgetLineQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        verbose_name = _("ligne budgétaire")
        verbose_name_plural = _("lignes budgétaires")
        ordering = ["plan", "year", "action", "pk"]
        indexes = [models.Index(fields=["plan", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(planned_amount__gte=0), name="budget_line_planned_not_negative"),
        ]

    def __str__(self):
        return f"{self.action} — {self.funder.short_name} {self.year}"

    def clean(self):
        super().clean()
        plan = self.plan if self.plan_id else None
        _year_within_plan(plan, self.year)
        if plan and self.action_id and self.action.plan_id != plan.pk:
            raise ValidationError({"action": _("Cette action appartient à un autre plan.")})


class BudgetExecution(models.Model):
    """Committed and paid amounts of a budget line in one quarter of its year."""

    # Money committed and paid: deleting a line goes through its service, which keeps closed quarters intact.
    line = models.ForeignKey(BudgetLine, verbose_name=_("ligne"), on_delete=models.PROTECT, related_name="executions")
    quarter = models.PositiveSmallIntegerField(_("trimestre"), choices=Quarter.choices)
    committed = money_field(_("engagé (€)"), default=Decimal("0"))
    paid = money_field(_("payé (€)"), default=Decimal("0"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exécution trimestrielle")
        verbose_name_plural = _("exécutions trimestrielles")
        ordering = ["line", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["line", "quarter"], name="execution_unique_quarter"),
            models.CheckConstraint(condition=Q(committed__gte=0, paid__gte=0), name="execution_not_negative"),
        ]

    def __str__(self):
        return f"{self.line} — T{self.quarter}"
