"""The budget: totals by funder, nature, action and quarter, and the budget page."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Min, Q, Sum, prefetch_related_objects
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.formats import euros, percent, percentage, shares
from partners.models import Partner
from plans.enums import BudgetNature
from plans.models import Axis, BudgetExecution, BudgetLine, Funding, Plan, tree_prefetch

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


def _add(totals: dict, key, **amounts) -> None:
    row = totals.setdefault(key, dict.fromkeys(amounts, ZERO))
    for name, amount in amounts.items():
        row[name] = row.get(name, ZERO) + amount


def budget_summary(*, plan: Plan, today: datetime.date, instalments: bool = False) -> BudgetSummary:
    """Planned, granted, committed and paid, by funder, nature, action and quarter.

    Three queries whatever the plan's size: the lines and the execution, each grouped once by everything the
    page breaks them down by (funder, nature, action, year, quarter) with the funder's name, then added up
    here; the grants with their funders and what of their instalments is overdue. `instalments`: each grant's
    instalments too (the budget page lists them), one more query.
    """
    line_groups = (
        BudgetLine.objects.filter(plan=plan)
        .values("funder", "funder__name", "funder__acronym", "nature", "action")
        .annotate(planned=Sum("planned_amount", default=ZERO), fte=Sum("fte", default=ZERO))
        .order_by()
    )
    spent_groups = (
        BudgetExecution.objects.filter(line__plan=plan)
        .values(
            "line__funder",
            "line__funder__name",
            "line__funder__acronym",
            "line__nature",
            "line__action",
            "line__year",
            "quarter",
        )
        .annotate(committed=Sum("committed", default=ZERO), paid=Sum("paid", default=ZERO))
        .order_by()
    )
    planned_by_funder, planned_by_nature, planned_by_action, fte = {}, {}, {}, ZERO
    # The funders' names come with the amounts: no query of their own.
    funders = {}
    for row in line_groups:
        if row["funder"] not in funders:  # once a funder, not once a row: a 400-action plan has 1,600 rows
            funders[row["funder"]] = Partner(
                pk=row["funder"], name=row["funder__name"], acronym=row["funder__acronym"]
            )
        _add(planned_by_funder, row["funder"], planned=row["planned"])
        _add(planned_by_nature, row["nature"], planned=row["planned"])
        _add(planned_by_action, row["action"], planned=row["planned"])
        fte += row["fte"]
    spent_by_funder, spent_by_nature, spent_by_action, quarters, funder_quarters = {}, {}, {}, {}, {}
    for row in spent_groups:
        if row["line__funder"] not in funders:
            funders[row["line__funder"]] = Partner(
                pk=row["line__funder"], name=row["line__funder__name"], acronym=row["line__funder__acronym"]
            )
        amounts = {"committed": row["committed"], "paid": row["paid"]}
        _add(spent_by_funder, row["line__funder"], **amounts)
        _add(spent_by_nature, row["line__nature"], **amounts)
        _add(spent_by_action, row["line__action"], **amounts)
        _add(quarters, (row["line__year"], row["quarter"]), committed=row["committed"])
        _add(funder_quarters, (row["line__funder"], row["line__year"], row["quarter"]), committed=row["committed"])
    by_quarter = [{"line__year": y, "quarter": q, "committed": r["committed"]} for (y, q), r in quarters.items()]
    by_funder_year_quarter = [
        {"line__funder": f, "line__year": y, "quarter": q, "committed": r["committed"]}
        for (f, y, q), r in funder_quarters.items()
    ]
    overdue = Q(instalments__received_on=None, instalments__expected_on__lt=today)
    fundings = (
        Funding.objects.filter(plan=plan)
        .select_related("funder")
        .annotate(
            overdue_count=Count("instalments", filter=overdue),
            overdue_amount=Sum("instalments__amount", filter=overdue, default=ZERO),
            overdue_since=Min("instalments__expected_on", filter=overdue),
        )
        .order_by("year", "funder__name")
    )
    fundings = list(fundings.prefetch_related("instalments") if instalments else fundings)
    granted_by_funder = {}
    for funding in fundings:
        _add(granted_by_funder, funding.funder_id, granted=funding.amount_granted)
        funders.setdefault(funding.funder_id, funding.funder)

    funder_ids = set(planned_by_funder) | set(spent_by_funder) | set(granted_by_funder)
    totals = Money(
        planned=sum((r["planned"] for r in planned_by_funder.values()), ZERO),
        granted=sum((r["granted"] for r in granted_by_funder.values()), ZERO),
        committed=sum((r["committed"] for r in spent_by_funder.values()), ZERO),
        paid=sum((r["paid"] for r in spent_by_funder.values()), ZERO),
    )
    summary = BudgetSummary(totals=totals, fundings=fundings, fte=fte)

    ordered = sorted(funder_ids, key=lambda pk: funders[pk].name)
    # Shares that add up to 100 % (largest remainder): 78 % + 22 %, never 78 % + 21 % under a total of 100 %.
    plan_shares = shares([planned_by_funder.get(pk, {}).get("planned", ZERO) for pk in ordered])
    for funder_id, share in zip(ordered, plan_shares, strict=True):
        row = Money(
            planned=planned_by_funder.get(funder_id, {}).get("planned", ZERO),
            granted=granted_by_funder.get(funder_id, {}).get("granted", ZERO),
            committed=spent_by_funder.get(funder_id, {}).get("committed", ZERO),
            paid=spent_by_funder.get(funder_id, {}).get("paid", ZERO),
        )
        summary.by_funder.append(
            {
                "funder": funders[funder_id],
                "money": row,
                "share": percentage(share, 0),
                "share_value": share,
                "gap": row.granted - row.planned,
            }
        )

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
    summary.warnings = (
        pace_warnings
        + _unspent_grants(fundings, funders, by_funder_year_quarter, today)
        + _overdue_instalments(fundings, today)
    )
    return summary


def _overdue_instalments(fundings, today: datetime.date) -> list[str]:
    """Instalments expected by a date now past and still not received (counted with the grants)."""
    warnings = []
    for funding in fundings:
        if funding.overdue_count:
            warnings.append(
                ngettext(
                    "Versement en retard : %(amount)s de %(funder)s attendus le %(date)s ne sont pas reçus.",
                    "Versements en retard : %(amount)s de %(funder)s, attendus depuis le %(date)s, ne sont pas "
                    "reçus (%(count)s versements).",
                    funding.overdue_count,
                )
                % {
                    "amount": euros(funding.overdue_amount),
                    "funder": str(funding),
                    "date": date_format(funding.overdue_since, "SHORT_DATE_FORMAT"),
                    "count": funding.overdue_count,
                }
            )
    return warnings


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
        pace.append(
            {
                "year": year,
                "quarters": [quarters[q] for q in range(1, 5)],
                "total": total,
                "q4_share": percent(quarters[4], total),
                "late_heavy": late_heavy,
            }
        )
        if late_heavy:
            warnings.append(
                _(
                    "En %(year)s, %(share)s des engagements tombent au quatrième trimestre : engagez les crédits à un "
                    "rythme régulier."
                )
                % {"year": year, "share": percent(quarters[4], total)}
            )
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
                % {
                    "funder": funders[funder_id].short_name,
                    "year": year,
                    "missing": euros(amount - committed),
                    "granted": euros(amount),
                }
            )
    return warnings


# --- The budget page ------------------------------------------------------------------------------------------


def _total(moneys) -> Money:
    total = Money()
    for money in moneys:
        total.planned += money.planned
        total.committed += money.committed
        total.paid += money.paid
    return total


@dataclass(frozen=True)
class AxisBudget:
    axis: Axis
    actions: list  # (action, Money), in plan order
    money: Money


@dataclass(frozen=True)
class PillarBudget:
    pillar: object
    axes: list[AxisBudget]
    money: Money


@dataclass(frozen=True)
class BudgetPage:
    summary: BudgetSummary
    tree: list[PillarBudget]  # only the pillars and axes whose actions carry money


def budget_page(*, plan: Plan, today: datetime.date) -> BudgetPage:
    """The budget page: the plan's totals, then pillar → axis → action with what each carries."""
    summary = budget_summary(plan=plan, today=today, instalments=True)
    prefetch_related_objects([plan], tree_prefetch())
    tree = []
    for pillar in plan.pillars.all():
        axes = []
        for axis in pillar.axes.all():
            actions = [(a, summary.by_action[a.pk]) for a in axis.actions.all() if a.pk in summary.by_action]
            if actions:
                axes.append(AxisBudget(axis=axis, actions=actions, money=_total(m for _a, m in actions)))
        if axes:
            tree.append(PillarBudget(pillar=pillar, axes=axes, money=_total(a.money for a in axes)))
    return BudgetPage(summary=summary, tree=tree)
