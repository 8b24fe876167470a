"""Writes on the budget: grants and their instalments, budget lines, quarterly execution.

What a closed quarter holds (amounts committed and paid in it, instalments received in it) never changes
through these functions: each one locks the plan's quarters first (see plans.services.periods) and refuses,
naming the quarters, anything that would move, change or delete it.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from core.formats import euros
from core.inputs import clean_text
from partners.models import User
from plans import perms
from plans.models import Action, BudgetExecution, BudgetLine, Funding, FundingInstalment, Plan, ReportingPeriod
from plans.services.common import apply_fields
from plans.services.periods import closed_data_error, closed_quarters

ZERO = Decimal("0")


def _check_budget(by: User, plan):
    if not perms.can_edit_budget(by, plan):
        raise PermissionDenied


def _check_funder(plan: Plan, funder) -> None:
    if not plan.partners.filter(pk=funder.pk).exists():
        raise ValidationError({"funder": _("Ajoutez d'abord ce financeur aux partenaires du plan.")})


def _quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


# --- Grants and instalments -----------------------------------------------------------------------------------


def _check_instalments(amount_granted: Decimal, instalments: list[dict]) -> None:
    total = sum((i["amount"] for i in instalments), ZERO)
    if total > amount_granted:
        raise ValidationError(
            {
                "amount_granted": _("Les versements (%(total)s) dépassent le montant accordé (%(granted)s).")
                % {"total": euros(total), "granted": euros(amount_granted)}
            }
        )


def _received_in(closed: dict, instalment) -> ReportingPeriod | None:
    """The closed quarter in which this instalment (or instalment data) was received, if any."""
    received = instalment.received_on if isinstance(instalment, FundingInstalment) else instalment.get("received_on")
    return closed.get(_quarter_of(received)) if received else None


def _save_instalments(funding: Funding, instalments: list[dict], closed: dict) -> None:
    """Make the grant's instalments those listed: an `id` updates that instalment, no `id` adds one.

    Instalments received in a closed quarter stay exactly as they are; none can be received in one either.
    """
    existing = {i.pk: i for i in funding.instalments.all()} if funding.pk else {}
    wanted_ids = {data["id"] for data in instalments if data.get("id")}
    if unknown := wanted_ids - existing.keys():
        raise ValidationError(
            _("Un versement modifié a été supprimé entre-temps (n° %(ids)s) : rechargez la page.")
            % {"ids": ", ".join(str(pk) for pk in sorted(unknown))},
            code="instalment_gone",
        )
    wanted = {data["id"]: data for data in instalments if data.get("id")}
    frozen = []
    for pk, instalment in existing.items():
        # Received in a closed quarter: it stays, exactly as it is.
        if period := _received_in(closed, instalment):
            data = wanted.get(pk)
            fields = ("amount", "expected_on", "received_on", "after_review_year", "after_review_days")
            if data is None or any(data.get(name) != getattr(instalment, name) for name in fields):
                frozen.append(period)
    for data in instalments:
        # Nothing new can be received in a closed quarter.
        previous = existing.get(data.get("id"))
        if (period := _received_in(closed, data)) and (previous is None or not _received_in(closed, previous)):
            frozen.append(period)
    if frozen:
        raise closed_data_error(
            set(frozen),
            _("un versement de ce financement"),
            _("Un versement reçu pendant un trimestre clos ne change plus."),
        )
    for pk, instalment in existing.items():
        if pk not in wanted_ids:
            instalment.delete()
    for data in instalments:
        values = {name: value for name, value in data.items() if name != "id"}
        instalment = existing.get(data.get("id")) or FundingInstalment(funding=funding)
        for name, value in values.items():
            setattr(instalment, name, value)
        instalment.full_clean()
        instalment.save()


@transaction.atomic
def funding_create(*, plan: Plan, by: User, instalments: list[dict] = (), **fields) -> Funding:
    _check_budget(by, plan)
    closed = closed_quarters(plan)
    _check_funder(plan, fields["funder"])
    funding = Funding(plan=plan, **fields)
    funding.full_clean()
    _check_instalments(funding.amount_granted, list(instalments))
    funding.save()
    _save_instalments(funding, [{k: v for k, v in i.items() if k != "id"} for i in instalments], closed)
    return funding


@transaction.atomic
def funding_update(*, funding: Funding, by: User, instalments: list[dict] | None = None, **fields) -> Funding:
    """Change a grant; its funder and year stay while a closed quarter holds one of its instalments."""
    _check_budget(by, funding.plan)
    closed = closed_quarters(funding.plan)
    saved = Funding.objects.get(pk=funding.pk)
    moved = [name for name in ("funder", "year") if name in fields and fields[name] != getattr(saved, name)]
    if moved and (periods := {p for i in saved.instalments.all() if (p := _received_in(closed, i))}):
        raise closed_data_error(
            periods,
            _("un versement de ce financement"),
            _("Son financeur et son année ne peuvent donc plus changer."),
            field=moved[0],
        )
    if "funder" in fields:
        _check_funder(funding.plan, fields["funder"])
    apply_fields(funding, fields, Funding.EDITABLE_FIELDS)
    funding.full_clean()
    if instalments is not None:
        _check_instalments(funding.amount_granted, instalments)
    funding.save()
    if instalments is not None:
        _save_instalments(funding, instalments, closed)
    return funding


@transaction.atomic
def funding_delete(*, funding: Funding, by: User) -> None:
    """Delete a grant and its instalments; refused while a closed quarter holds one of them."""
    _check_budget(by, funding.plan)
    closed = closed_quarters(funding.plan)
    instalments = list(funding.instalments.all())
    if periods := {p for i in instalments if (p := _received_in(closed, i))}:
        raise closed_data_error(periods, _("un versement de ce financement"), _("Il ne peut donc pas être supprimé."))
    for instalment in instalments:
        instalment.delete()
    funding.delete()


# --- Budget lines and execution -------------------------------------------------------------------------------


def _committed_total(line: BudgetLine) -> Decimal:
    return line.executions.aggregate(total=Sum("committed", default=ZERO))["total"]


def _overrun_message(committed: Decimal, planned: Decimal) -> str:
    return _(
        "Les engagements (%(committed)s) dépassent le montant prévu (%(planned)s) : indiquez le motif du dépassement."
    ) % {"committed": euros(committed), "planned": euros(planned)}


def _check_overrun(line: BudgetLine, committed: Decimal) -> None:
    if committed > line.planned_amount and not line.overrun_reason.strip():
        raise ValidationError({"overrun_reason": _overrun_message(committed, line.planned_amount)})


def _closed_amounts(line: BudgetLine, closed: dict, *, years) -> set[ReportingPeriod]:
    """The closed quarters, in any of `years`, that hold a committed or paid amount of this line."""
    return {
        closed[(year, e.quarter)]
        for e in line.executions.all()
        if e.committed or e.paid
        for year in years
        if (year, e.quarter) in closed
    }


@transaction.atomic
def budget_line_create(*, action: Action, by: User, **fields) -> BudgetLine:
    _check_budget(by, action.plan)
    _check_funder(action.plan, fields["funder"])
    line = BudgetLine(plan=action.plan, action=action, **fields)
    line.full_clean()
    line.save()
    return line


# Changing these would move amounts a closed quarter reported to another funder, year, nature or action.
LINE_ATTRIBUTION = ("action", "funder", "year", "nature")


@transaction.atomic
def budget_line_update(*, line: BudgetLine, by: User, **fields) -> BudgetLine:
    """Change a line; who pays, which year and what for stay while a closed quarter holds its amounts."""
    _check_budget(by, line.plan)
    closed = closed_quarters(line.plan)
    saved = BudgetLine.objects.get(pk=line.pk)
    moved = [name for name in LINE_ATTRIBUTION if name in fields and fields[name] != getattr(saved, name)]
    if moved:
        # A new year must not bring this line's amounts into that year's closed quarters either.
        years = {saved.year, fields.get("year", saved.year)}
        if periods := _closed_amounts(saved, closed, years=years):
            raise closed_data_error(
                periods,
                _("des montants engagés ou payés sur cette ligne"),
                _("Son action, son financeur, son année et sa nature ne peuvent donc plus changer."),
                field=moved[0],
            )
    if "funder" in fields:
        _check_funder(line.plan, fields["funder"])
    apply_fields(line, fields, BudgetLine.EDITABLE_FIELDS)
    line.full_clean()
    _check_overrun(line, _committed_total(line))
    line.save()
    return line


@transaction.atomic
def budget_line_delete(*, line: BudgetLine, by: User) -> None:
    _check_budget(by, line.plan)
    closed = closed_quarters(line.plan)
    if periods := _closed_amounts(line, closed, years={line.year}):
        raise closed_data_error(
            periods, _("des montants engagés ou payés sur cette ligne"), _("Elle ne peut donc pas être supprimée.")
        )
    totals = line.executions.aggregate(committed=Sum("committed", default=ZERO), paid=Sum("paid", default=ZERO))
    if totals["committed"] or totals["paid"]:
        raise ValidationError(
            _("Cette ligne porte déjà des engagements ou des paiements : remettez-les à zéro avant de la supprimer.")
        )
    line.executions.all().delete()
    line.delete()


@transaction.atomic
def execution_record(
    *, line: BudgetLine, by: User, amounts: dict[int, tuple[Decimal, Decimal]], overrun_reason: str | None = None
) -> BudgetLine:
    """Save committed and paid per quarter. Closed quarters stay as they are; the whole entry or nothing.

    The plan's quarters are locked before the line: a quarter cannot be closed between the check and the write.
    """
    closed = {quarter for (year, quarter) in closed_quarters(line.plan) if year == line.year}
    line = BudgetLine.objects.select_for_update(of=("self",)).select_related("plan", "action").get(pk=line.pk)
    if not perms.can_enter_execution(by, line.plan, line):
        raise PermissionDenied
    current = {e.quarter: e for e in line.executions.all()}
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
        line.overrun_reason = clean_text(overrun_reason)
    if cumulative_committed > line.planned_amount and not line.overrun_reason.strip():
        errors["overrun_reason"] = _overrun_message(cumulative_committed, line.planned_amount)
    if errors:
        raise ValidationError(errors)
    for quarter, (committed, paid) in amounts.items():
        if quarter in closed:
            continue
        execution = current.get(quarter) or BudgetExecution(line=line, quarter=quarter)
        execution.committed, execution.paid = committed, paid
        execution.full_clean()
        execution.save()
    line.save(update_fields=["overrun_reason"])
    return line
