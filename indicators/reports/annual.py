"""The annual review for the funders."""

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.formats import euros, rate
from indicators.charts import Chart, Series
from indicators.enums import ReviewState, Unit
from indicators.models import DUE_QUARTERS, Indicator, Measurement, ProgressUpdate
from indicators.reports.base import DATE, DECIMAL, INT, MONEY, PERCENT, TEXT, Column, Figure, Report, Section
from indicators.reports.common import (
    BUDGET_COLUMNS,
    ZERO,
    ActionState,
    FunderMoney,
    IndicatorLine,
    action_states,
    actions_open_data,
    budget_chart,
    cell_value,
    decisions_section,
    funders_open_data,
    funders_total,
    headline_section,
    indicator_section,
    lead_name,
    pillar_section,
    report_charts,
    status_headline,
    with_actions,
)
from indicators.targets import on_target, target_label
from partners.models import Partner
from plans.enums import ActionStatus
from plans.models import BudgetExecution, BudgetLine, Funding, Plan
from plans.timeline import build_timeline

# The quarterly report's budget columns (funder, planned, granted, committed, paid), then the year's own.
FUNDER_COLUMNS = [
    *BUDGET_COLUMNS[:5],
    Column(_lazy("Versé au plan (€)"), MONEY, 16),
    Column(_lazy("Taux d'engagement"), PERCENT, 12),
]


def _progress_rows(plan: Plan, year: int) -> list[tuple]:
    """Every progress update of the plan up to `year`: (action, year, quarter, status, progress). One query for
    the actions' quarters of the year and for the chart of progress over time."""
    return list(
        ProgressUpdate.objects.filter(action__plan=plan, period__year__lte=year)
        .order_by("period__year", "period__quarter")
        .values_list("action_id", "period__year", "period__quarter", "status", "progress")
    )


def _progress_by_quarter(rows: list[tuple], last) -> list[dict]:
    """What indicators.selectors.dashboards.progress_by_quarter gives, from the rows already read."""
    quarters = {}
    for _action, year, quarter, status, progress in rows:
        if last is None or (year, quarter) > (last.year, last.quarter):
            continue
        entry = quarters.setdefault(
            (year, quarter), {"period__year": year, "period__quarter": quarter, "total": 0, "done": 0, "n": 0}
        )
        entry["total"] += progress
        entry["done"] += status == ActionStatus.DONE
        entry["n"] += 1
    return [{**entry, "average": entry["total"] / entry["n"]} for _key, entry in sorted(quarters.items())]


def _actions_section(
    states: list[ActionState], year: int, plan: Plan, planned: dict, progress_rows: list[tuple], last=None
) -> Section:
    # Tuples and the status labels once: a 400-action year is 1,600 updates.
    labels = {value: str(label) for value, label in ActionStatus.choices}
    updates = defaultdict(dict)
    for action_id, row_year, quarter_number, status, progress in progress_rows:
        if row_year == year:
            updates[action_id][quarter_number] = f"{labels.get(status, status)} {progress} %"

    def quarter(state, q) -> str:
        return updates[state.action.pk].get(q, "—")

    columns = [
        Column(_("Pilier"), width=28),
        Column(_("Action"), width=46),
        Column(_("Gestionnaire"), width=16),
        Column(_("Échéance"), DATE, 12),
        *[Column(f"T{q} {year}", TEXT, 16) for q in range(1, 5)],
        Column(_("Avancement (%)"), INT, 12),
        Column(_("En retard"), width=9),
        # Where the year's last quarter stands with the validators (indicators.reviews).
        Column(_("Validation %(period)s") % {"period": last.label} if last else _("Validation"), width=12),
        Column(_("Dernière note"), width=50),
    ]
    reviews = {value: str(label) for value, label in ReviewState.choices}
    rows = [
        [
            state.pillar,
            state.action.title,
            lead_name(state.action),
            state.action.due_date,
            *[quarter(state, q) for q in range(1, 5)],
            state.progress,
            state.late_label,
            reviews[state.review],
            state.last_note,
        ]
        for state in states
    ]
    return Section(
        "actions",
        _("Actions sur l'année"),
        columns,
        rows,
        open_data=actions_open_data(states, planned),
    )


@dataclass
class YearIndicators:
    lines: list[IndicatorLine]
    on: int
    off: int
    indicators: list  # every indicator of the plan, for the key indicators' charts
    history: dict  # {indicator id: {(year, quarter): value}}: the year for all, the years before for key ones


class Value(NamedTuple):
    value_number: object
    value_text: str


def _year_indicators(plan: Plan, year: int, states: list[ActionState]) -> YearIndicators:
    """Every indicator's four quarters of the year, its baseline, target and verdict: two queries."""
    indicators = Indicator.objects.filter(plan=plan).order_by(
        "action__axis__pillar__order", "action__axis__number", "action__order", "order", "pk"
    )
    values, history = defaultdict(dict), defaultdict(dict)
    # Plain tuples, not model instances: a year of a 400-action plan is some 5,000 values. The years before only
    # for the key indicators, whose charts show their history.
    rows = (
        Measurement.objects.filter(
            Q(period__year=year) | Q(period__year__lt=year, indicator__is_key=True), indicator__plan=plan
        )
        .order_by()
        .values_list("indicator_id", "period__year", "period__quarter", "value_number", "value_text")
    )
    for indicator_id, value_year, quarter, number, text in rows:
        history[indicator_id][(value_year, quarter)] = number
        if value_year == year:
            values[indicator_id][quarter] = Value(number, text)
    indicators = list(with_actions(indicators, states))
    result = YearIndicators(lines=[], on=0, off=0, indicators=indicators, history=history)
    sentence = _("%(type)s · %(label)s : T1 %(q1)s · T2 %(q2)s · T3 %(q3)s · T4 %(q4)s (cible %(target)s) — %(ok)s")
    verdicts = {reached: target_label(reached) for reached in (True, False, None)}
    for indicator in indicators:
        by_quarter = values[indicator.pk]
        quarters = [
            cell_value(indicator, m.value_number, m.value_text)
            if (m := by_quarter.get(q)) and q in DUE_QUARTERS[indicator.frequency]
            else None
            for q in range(1, 5)
        ]
        latest = next((by_quarter[q] for q in (4, 3, 2, 1) if q in by_quarter), None)
        reached = on_target(indicator, latest.value_number if latest and indicator.unit != Unit.TEXT else None)
        result.on += reached is True
        result.off += reached is False
        target = cell_value(indicator, indicator.target_value)
        result.lines.append(
            IndicatorLine(
                indicator=indicator,
                values=[cell_value(indicator, indicator.baseline_value), target, *quarters],
                reached=reached,
                sentence=sentence,
                facts={
                    "type": indicator.letter,
                    "label": indicator.label,
                    **{f"q{q}": value for q, value in enumerate(quarters, start=1)},
                    "target": target,
                    "ok": verdicts[reached],
                },
                record={
                    "period": str(year),
                    "value": latest.value_number if latest else None,
                    "value_text": latest.value_text if latest else "",
                    **{f"q{q}": m.value_number if (m := by_quarter.get(q)) else None for q in range(1, 5)},
                },
            )
        )
    return result


@dataclass
class YearMoney:
    funders: list[FunderMoney]
    per_quarter: dict[int, object]
    planned_by_action: dict[int, object]

    @property
    def committed(self):
        return sum((f.committed for f in self.funders), ZERO)

    @property
    def granted(self):
        return sum((f.granted for f in self.funders), ZERO)

    @property
    def q4_heavy(self) -> bool:
        return bool(self.committed) and self.per_quarter.get(4, ZERO) * 2 > self.committed


def _year_money(plan: Plan, year: int) -> YearMoney:
    """Planned, granted, committed, paid and received per funder for the year, commitments per quarter, and
    each action's planned budget (all years): three queries."""
    planned, by_action, funders = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), {}
    for row in (
        BudgetLine.objects.filter(plan=plan)
        .values("funder", "funder__name", "funder__acronym", "action", "year")
        .annotate(planned=Sum("planned_amount"))
        .order_by()
    ):
        by_action[row["action"]] += row["planned"]
        if row["year"] == year:
            planned[row["funder"]] += row["planned"]
            if row["funder"] not in funders:
                funders[row["funder"]] = Partner(
                    pk=row["funder"], name=row["funder__name"], acronym=row["funder__acronym"]
                )
    spent, per_quarter = {}, defaultdict(lambda: ZERO)
    for row in (
        BudgetExecution.objects.filter(line__plan=plan, line__year=year)
        .values("line__funder", "line__funder__name", "line__funder__acronym", "quarter")
        .annotate(committed=Sum("committed"), paid=Sum("paid"))
        .order_by()
    ):
        totals = spent.setdefault(row["line__funder"], {"committed": ZERO, "paid": ZERO})
        totals["committed"] += row["committed"] or ZERO
        totals["paid"] += row["paid"] or ZERO
        per_quarter[row["quarter"]] += row["committed"] or ZERO
        if row["line__funder"] not in funders:
            funders[row["line__funder"]] = Partner(
                pk=row["line__funder"], name=row["line__funder__name"], acronym=row["line__funder__acronym"]
            )
    granted, received = defaultdict(lambda: ZERO), defaultdict(lambda: ZERO)
    for funding in (
        Funding.objects.filter(plan=plan, year=year)
        .select_related("funder")
        .annotate(received=Sum("instalments__amount", filter=Q(instalments__received_on__isnull=False), default=ZERO))
    ):
        granted[funding.funder_id] += funding.amount_granted
        received[funding.funder_id] += funding.received
        funders[funding.funder_id] = funding.funder
    funder_ids = set(planned) | set(spent) | set(granted)
    rows = []
    for funder_id in sorted(funder_ids, key=lambda pk: funders[pk].name):
        committed = spent.get(funder_id, {}).get("committed") or ZERO
        rows.append(
            FunderMoney(
                funder=funders[funder_id].short_name,
                planned=planned.get(funder_id, ZERO),
                granted=granted[funder_id],
                committed=committed,
                paid=spent.get(funder_id, {}).get("paid") or ZERO,
                share=rate(committed, granted[funder_id]),
                received=received[funder_id],
            )
        )
    return YearMoney(funders=rows, per_quarter=dict(per_quarter), planned_by_action=dict(by_action))


def _total(rows: list[FunderMoney]) -> FunderMoney:
    total = funders_total(rows)
    return dataclasses.replace(total, share=rate(total.committed, total.granted))


def _funder_cells(row: FunderMoney) -> list:
    return [row.funder, row.planned, row.granted, row.committed, row.paid, row.received, row.share]


def _charts(plan, states, last, money, pace_chart, indicators, progress_rows) -> list:
    """The dashboard's charts as the year ended, the year's money, then the key indicators."""
    charts = report_charts(
        plan=plan,
        states=states,
        upto=last,
        budget=None,
        indicators=indicators.indicators,
        values=indicators.history,
        quarters=_progress_by_quarter(progress_rows, last),
    )
    money_charts = [budget_chart(money.funders), pace_chart] if money.funders else []
    return [c for c in charts if not c.small] + money_charts + [c for c in charts if c.small]


def _commitments_section(plan: Plan, year: int, today: datetime.date) -> list[Section]:
    """What the conventions' parties promised for the year (or without a date), and whether it was kept: one
    query; no section when the plan records no convention."""
    from plans.models import Commitment

    year_end = datetime.date(year, 12, 31)
    reference = min(today, year_end)
    commitments = list(
        Commitment.objects.filter(convention__plan=plan)
        .filter(Q(due_on__year=year) | Q(due_on=None))
        .select_related("convention", "partner")
        .order_by("convention__starts_on", "convention_id", "due_on", "pk")
    )
    if not commitments:
        return []
    columns = [
        Column(_("Convention"), width=30),
        Column(_("Partie"), width=16),
        Column(_("Engagement"), width=50),
        Column(_("Échéance"), DATE, 12),
        Column(_("État"), width=12),
    ]
    rows = [
        [c.convention.title, c.partner.short_name, c.what, c.due_on, c.state_label(reference)] for c in commitments
    ]
    return [Section("engagements", _("Engagements des conventions"), columns, rows, group_columns=(0,))]


def annual_review(plan: Plan, year: int, *, today: datetime.date) -> Report:
    """The yearly review for the funders: the four quarters, indicator trends and execution by funder."""
    periods = {p.quarter: p for p in plan.periods.filter(year=year)}
    last = periods[max(periods)] if periods else None
    states = action_states(plan=plan, upto=last, reference=min(today, datetime.date(year, 12, 31)))
    indicators = _year_indicators(plan, year, states)
    money = _year_money(plan, year)
    progress_rows = _progress_rows(plan, year)
    headline = [
        *status_headline(states),
        (_("Indicateurs à la cible"), Figure(indicators.on)),
        (_("Indicateurs en deçà de la cible"), Figure(indicators.off)),
        (_("Financements accordés %(year)s") % {"year": year}, Figure(money.granted, MONEY)),
        (_("Engagé en %(year)s") % {"year": year}, Figure(money.committed, MONEY)),
        (_("Part des engagements au T4"), Figure(rate(money.per_quarter.get(4, ZERO), money.committed), PERCENT)),
    ]
    decisions = [_("Action en retard : %(title)s") % {"title": s.action.title} for s in states if s.late]
    decisions += [
        _("%(funder)s : %(left)s du financement %(year)s ne sont pas engagés.")
        % {"funder": f.funder, "left": euros(f.granted - f.committed), "year": year}
        for f in money.funders
        if f.granted > f.committed
    ]
    if money.q4_heavy:
        decisions.append(
            _("Plus de la moitié des engagements de %(year)s tombent au T4 : régulariser le rythme.") % {"year": year}
        )
    pace = [(f"T{q} {year}", money.per_quarter.get(q, ZERO)) for q in range(1, 5)]
    pace_chart = Chart(
        key="rythme",
        title=_("Engagements par trimestre en %(year)s") % {"year": year},
        description=_("Montants engagés chaque trimestre, en euros ; le tableau suivant donne les valeurs."),
        categories=[f"T{q}" for q in range(1, 5)],
        series=[Series(_("Engagé"), [amount for _label, amount in pace])],
        unit="€",
    )
    value_columns = [
        Column(_("Référence"), DECIMAL, 10),
        Column(_("Cible"), DECIMAL, 10),
        *[Column(f"T{q}", DECIMAL, 10) for q in range(1, 5)],
    ]
    timeline = build_timeline(
        actions=[state.action for state in states],
        first=datetime.date(year, 1, 1),
        last=datetime.date(year, 12, 1),
        today=today,
    )
    return Report(
        kind="annual",
        timeline=timeline,
        title=_("Bilan annuel %(year)s") % {"year": year},
        subtitle=f"{plan.title} · {plan.territory.name}",
        plan=plan,
        name="bilan",
        period=str(year),
        headline=headline,
        decisions=decisions,
        charts=_charts(plan, states, last, money, pace_chart, indicators, progress_rows),
        sections=[
            headline_section(headline),
            pillar_section(states),
            _actions_section(states, year, plan, money.planned_by_action, progress_rows, last),
            indicator_section("tendances", _("Indicateurs : valeurs de l'année"), value_columns, indicators.lines),
            Section(
                "financeurs",
                _("Exécution par financeur"),
                FUNDER_COLUMNS,
                [_funder_cells(f) for f in money.funders]
                + [_funder_cells(_total(money.funders))] * bool(money.funders),
                open_data=funders_open_data(money.funders),
            ),
            *_commitments_section(plan, year, today),
            Section(
                "rythme",
                _("Rythme d'engagement"),
                [Column(_("Trimestre"), width=12), Column(_("Engagé (€)"), MONEY, 16)],
                [list(row) for row in pace] + [[_("Total"), sum((amount for _label, amount in pace), ZERO)]],
            ),
            decisions_section(decisions),
        ],
    )
