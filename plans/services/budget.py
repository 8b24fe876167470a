"""Writes on the budget: grants and their instalments, budget lines, quarterly execution, reporting periods."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from plans import perms
from plans.formats import euros
from plans.models import Action, BudgetExecution, BudgetLine, Funding, FundingInstalment, Plan, ReportingPeriod

ZERO = Decimal("0")


def _check_budget(by, plan):
    if not perms.can_edit_budget(by, plan):
        raise PermissionDenied


def _check_funder(plan: Plan, funder) -> None:
    if not plan.partners.filter(pk=funder.pk).exists():
        raise ValidationError({"funder": _("Ajoutez d'abord ce financeur aux partenaires du plan.")})


@transaction.atomic
def reporting_periods_sync(*, plan: Plan) -> None:
    """One period per calendar quarter the plan covers; open periods outside it go, closed ones stay."""
    wanted = {
        (year, quarter)
        for year in plan.years
        for quarter in range(1, 5)
        if not (
            (year == plan.period_start.year and quarter < (plan.period_start.month - 1) // 3 + 1)
            or (year == plan.period_end.year and quarter > (plan.period_end.month - 1) // 3 + 1)
        )
    }
    existing = {(p.year, p.quarter): p for p in plan.periods.all()}
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(plan=plan, year=year, quarter=quarter) for year, quarter in sorted(wanted - existing.keys())
    )
    stale = [p.pk for key, p in existing.items() if key not in wanted and not p.is_closed]
    if stale:
        ReportingPeriod.objects.filter(pk__in=stale).delete()


def _check_instalments(amount_granted: Decimal, instalments: list[dict]) -> None:
    total = sum((i["amount"] for i in instalments), ZERO)
    if total > amount_granted:
        raise ValidationError(
            {"amount_granted": _("Les versements (%(total)s) dépassent le montant accordé (%(granted)s).")
             % {"total": euros(total), "granted": euros(amount_granted)}}
        )  # fmt: skip


def _save_instalments(funding: Funding, instalments: list[dict]) -> None:
    funding.instalments.all().delete()
    for data in instalments:
        instalment = FundingInstalment(funding=funding, **data)
        instalment.full_clean()
        instalment.save()


@transaction.atomic
def funding_create(*, plan: Plan, by, instalments: list[dict] = (), **fields) -> Funding:
    _check_budget(by, plan)
    _check_funder(plan, fields["funder"])
    funding = Funding(plan=plan, **fields)
    funding.full_clean()
    _check_instalments(funding.amount_granted, list(instalments))
    funding.save()
    _save_instalments(funding, list(instalments))
    return funding


@transaction.atomic
def funding_update(*, funding: Funding, by, instalments: list[dict] | None = None, **fields) -> Funding:
    _check_budget(by, funding.plan)
    if "funder" in fields:
        _check_funder(funding.plan, fields["funder"])
    for name, value in fields.items():
        setattr(funding, name, value)
    funding.full_clean()
    if instalments is not None:
        _check_instalments(funding.amount_granted, instalments)
    funding.save()
    if instalments is not None:
        _save_instalments(funding, instalments)
    return funding


@transaction.atomic
def funding_delete(*, funding: Funding, by) -> None:
    _check_budget(by, funding.plan)
    funding.delete()


def _committed_total(line: BudgetLine) -> Decimal:
    return line.executions.aggregate(total=Sum("committed", default=ZERO))["total"]


def _overrun_message(committed: Decimal, planned: Decimal) -> str:
    return _(
        "Les engagements (%(committed)s) dépassent le montant prévu (%(planned)s) : indiquez le motif du dépassement."
    ) % {"committed": euros(committed), "planned": euros(planned)}


def _check_overrun(line: BudgetLine, committed: Decimal) -> None:
    if committed > line.planned_amount and not line.overrun_reason.strip():
        raise ValidationError({"overrun_reason": _overrun_message(committed, line.planned_amount)})


@transaction.atomic
def budget_line_create(*, action: Action, by, **fields) -> BudgetLine:
    _check_budget(by, action.plan)
    _check_funder(action.plan, fields["funder"])
    line = BudgetLine(plan=action.plan, action=action, **fields)
    line.full_clean()
    line.save()
    return line


@transaction.atomic
def budget_line_update(*, line: BudgetLine, by, **fields) -> BudgetLine:
    _check_budget(by, line.plan)
    if "funder" in fields:
        _check_funder(line.plan, fields["funder"])
    for name, value in fields.items():
        setattr(line, name, value)
    line.full_clean()
    _check_overrun(line, _committed_total(line))
    line.save()
    return line


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, by) -> None:
    _check_budget(by, line.plan)
    totals = line.executions.aggregate(committed=Sum("committed", default=ZERO), paid=Sum("paid", default=ZERO))
    if totals["committed"] or totals["paid"]:
        raise ValidationError(
            _("Cette ligne porte déjà des engagements ou des paiements : remettez-les à zéro avant de la supprimer.")
        )
    line.executions.all().delete()
    line.delete()


@transaction.atomic
def execution_record(
    *, line: BudgetLine, by, amounts: dict[int, tuple[Decimal, Decimal]], overrun_reason: str | None = None
) -> BudgetLine:
    """Save committed and paid per quarter. Closed quarters stay as they are; the whole entry or nothing."""
    line = BudgetLine.objects.select_for_update(of=("self",)).select_related("plan", "action").get(pk=line.pk)
    if not perms.can_enter_execution(by, line.plan, line):
        raise PermissionDenied
    current = {e.quarter: e for e in line.executions.all()}
    closed = set(
        ReportingPeriod.objects.closed().filter(plan=line.plan, year=line.year).values_list("quarter", flat=True)
    )
    errors = {}
    for quarter, (committed, paid) in amounts.items():
        before = current.get(quarter)
        changed = (committed, paid) != ((before.committed, before.paid) if before else (ZERO, ZERO))
        if quarter in closed and changed:
            errors[f"committed_{quarter}"] = _("Le T%(q)d %(year)s est clos : il ne peut plus être modifié.") % {
                "q": quarter,
                "year": line.year,
            }
    merged = {q: (e.committed, e.paid) for q, e in current.items()} | dict(amounts)
    cumulative_committed = cumulative_paid = ZERO
    for quarter in range(1, 5):
        committed, paid = merged.get(quarter, (ZERO, ZERO))
        cumulative_committed += committed
        cumulative_paid += paid
        if cumulative_paid > cumulative_committed:
            errors.setdefault(
                f"paid_{quarter}",
                _("Les paiements cumulés à la fin du T%(q)d (%(paid)s) dépassent les engagements (%(committed)s).")
                % {"q": quarter, "paid": euros(cumulative_paid), "committed": euros(cumulative_committed)},
            )
    if overrun_reason is not None:
        line.overrun_reason = overrun_reason
    if cumulative_committed > line.planned_amount and not line.overrun_reason.strip():
        errors["overrun_reason"] = _overrun_message(cumulative_committed, line.planned_amount)
    if errors:
        raise ValidationError(errors)
    for quarter, (committed, paid) in amounts.items():
        execution = current.get(quarter) or BudgetExecution(line=line, quarter=quarter)
        execution.committed, execution.paid = committed, paid
        execution.full_clean()
        execution.save()
    line.save(update_fields=["overrun_reason"])
    return line
