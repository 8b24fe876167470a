"""Reads that assemble a page or a report from several aggregates, each computed by the database."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from partners.models import Partner
from plans.enums import BudgetNature
from plans.formats import euros, percent
from plans.models import BudgetExecution, BudgetLine, Funding, Plan

ZERO = Decimal("0")


@dataclass
class Money:
    planned: Decimal = ZERO
    granted: Decimal = ZERO
    committed: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def committed_rate(self) -> str:
        return percent(self.committed, self.planned)

    @property
    def paid_rate(self) -> str:
        return percent(self.paid, self.committed)


@dataclass
class BudgetSummary:
    totals: Money
    by_funder: list = field(default_factory=list)
    by_nature: list = field(default_factory=list)
    by_action: dict = field(default_factory=dict)
    pace: list = field(default_factory=list)
    fundings: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    fte: Decimal = ZERO


def _grouped(queryset, key: str, **sums) -> dict:
    return {row[key]: row for row in queryset.values(key).annotate(**sums).order_by()}


def budget_summary(plan: Plan, *, today: datetime.date) -> BudgetSummary:
    """Planned, granted, committed and paid, by funder, nature, action and quarter: a fixed number of queries."""
    lines = BudgetLine.objects.filter(plan=plan)
    executions = BudgetExecution.objects.filter(line__plan=plan)
    money = {"committed": Sum("committed", default=ZERO), "paid": Sum("paid", default=ZERO)}

    planned_by_funder = _grouped(lines, "funder", planned=Sum("planned_amount", default=ZERO))
    spent_by_funder = _grouped(executions, "line__funder", **money)
    grants = Funding.objects.filter(plan=plan)
    granted_by_funder = _grouped(grants, "funder", granted=Sum("amount_granted", default=ZERO))
    planned_by_nature = _grouped(lines, "nature", planned=Sum("planned_amount", default=ZERO))
    spent_by_nature = _grouped(executions, "line__nature", **money)
    planned_by_action = _grouped(lines, "action", planned=Sum("planned_amount", default=ZERO))
    spent_by_action = _grouped(executions, "line__action", **money)
    by_quarter = list(
        executions.values("line__year", "quarter").annotate(committed=Sum("committed", default=ZERO)).order_by()
    )
    by_funder_year_quarter = list(
        executions.values("line__funder", "line__year", "quarter")
        .annotate(committed=Sum("committed", default=ZERO))
        .order_by()
    )
    fundings = list(grants.select_related("funder").prefetch_related("instalments").order_by("year", "funder__name"))
    fte = lines.aggregate(total=Sum("fte", default=ZERO))["total"]

    funder_ids = set(planned_by_funder) | set(spent_by_funder) | set(granted_by_funder)
    funders = Partner.objects.in_bulk(funder_ids)
    totals = Money(
        planned=sum((r["planned"] for r in planned_by_funder.values()), ZERO),
        granted=sum((r["granted"] for r in granted_by_funder.values()), ZERO),
        committed=sum((r["committed"] for r in spent_by_funder.values()), ZERO),
        paid=sum((r["paid"] for r in spent_by_funder.values()), ZERO),
    )
    summary = BudgetSummary(totals=totals, fundings=fundings, fte=fte)

    for funder_id in sorted(funder_ids, key=lambda pk: funders[pk].name):
        row = Money(
            planned=planned_by_funder.get(funder_id, {}).get("planned", ZERO),
            granted=granted_by_funder.get(funder_id, {}).get("granted", ZERO),
            committed=spent_by_funder.get(funder_id, {}).get("committed", ZERO),
            paid=spent_by_funder.get(funder_id, {}).get("paid", ZERO),
        )
        summary.by_funder.append(
            {"funder": funders[funder_id], "money": row, "share": percent(row.planned, totals.planned),
             "gap": row.granted - row.planned}
        )  # fmt: skip

    for nature in BudgetNature:
        if nature.value in planned_by_nature or nature.value in spent_by_nature:
            summary.by_nature.append(
                {
                    "label": nature.label,
                    "money": Money(
                        planned=planned_by_nature.get(nature.value, {}).get("planned", ZERO),
                        committed=spent_by_nature.get(nature.value, {}).get("committed", ZERO),
                        paid=spent_by_nature.get(nature.value, {}).get("paid", ZERO),
                    ),
                }
            )

    for action_id in set(planned_by_action) | set(spent_by_action):
        summary.by_action[action_id] = Money(
            planned=planned_by_action.get(action_id, {}).get("planned", ZERO),
            committed=spent_by_action.get(action_id, {}).get("committed", ZERO),
            paid=spent_by_action.get(action_id, {}).get("paid", ZERO),
        )

    summary.pace, pace_warnings = _pace(plan, by_quarter)
    summary.warnings = pace_warnings + _unspent_grants(fundings, funders, by_funder_year_quarter, today)
    return summary


def _pace(plan: Plan, by_quarter: list[dict]) -> tuple[list, list]:
    """Committed per quarter for each year; a warning when more than half a year's commitments fall in Q4."""
    per_year = defaultdict(lambda: dict.fromkeys(range(1, 5), ZERO))
    for row in by_quarter:
        per_year[row["line__year"]][row["quarter"]] += row["committed"]
    pace, warnings = [], []
    for year in plan.years:
        quarters = per_year.get(year, dict.fromkeys(range(1, 5), ZERO))
        total = sum(quarters.values(), ZERO)
        late_heavy = bool(total) and quarters[4] * 2 > total
        pace.append({"year": year, "quarters": [quarters[q] for q in range(1, 5)], "total": total,
                     "q4_share": percent(quarters[4], total), "late_heavy": late_heavy})  # fmt: skip
        if late_heavy:
            warnings.append(
                _("En %(year)s, %(share)s des engagements tombent au quatrième trimestre : engagez les crédits à un "
                  "rythme régulier.") % {"year": year, "share": percent(quarters[4], total)}
            )  # fmt: skip
    return pace, warnings


def _unspent_grants(fundings, funders, by_funder_year_quarter, today: datetime.date) -> list[str]:
    """A grant whose money is not committed by the end of Q3 of its year (checked once Q3 is over)."""
    committed_q1_q3 = defaultdict(lambda: ZERO)
    for row in by_funder_year_quarter:
        if row["quarter"] <= 3:
            committed_q1_q3[(row["line__funder"], row["line__year"])] += row["committed"]
    granted = defaultdict(lambda: ZERO)
    for funding in fundings:
        granted[(funding.funder_id, funding.year)] += funding.amount_granted
    warnings = []
    for (funder_id, year), amount in sorted(granted.items(), key=lambda item: (item[0][1], item[0][0])):
        if today <= datetime.date(year, 9, 30) or not amount:
            continue
        committed = committed_q1_q3[(funder_id, year)]
        if committed < amount:
            warnings.append(
                _("Financement %(funder)s %(year)s : %(missing)s sur %(granted)s n'étaient pas engagés fin T3.")
                % {"funder": funders[funder_id].short_name, "year": year, "missing": euros(amount - committed),
                   "granted": euros(amount)}
            )  # fmt: skip
    return warnings
