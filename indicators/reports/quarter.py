"""The steering committee's quarterly report."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.formats import rate
from indicators import breakdowns
from indicators.enums import EvidenceHolder, ReviewState, Unit
from indicators.models import DUE_QUARTERS, Evidence, Indicator, latest_readings
from indicators.reports.base import DATE, DECIMAL, INT, MONEY, Column, Figure, Report, Section
from indicators.reports.common import (
    BUDGET_COLUMNS,
    ActionState,
    FunderMoney,
    IndicatorLine,
    action_states,
    actions_open_data,
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
from plans.models import Plan, ReportingPeriod
from plans.selectors import budget_summary

ACTION_COLUMNS = [
    Column(_lazy("Pilier"), width=28),
    Column(_lazy("Axe"), width=6),
    Column(_lazy("Action"), width=48),
    Column(_lazy("Gestionnaire"), width=16),
    Column(_lazy("Échéance"), DATE, 12),
    Column(_lazy("Statut"), width=12),
    Column(_lazy("Avancement (%)"), INT, 12),
    Column(_lazy("En retard"), width=9),
    Column(_lazy("Validation"), width=16),
    Column(_lazy("Dernière note"), width=50),
    Column(_lazy("Ce qui bloque"), width=40),
]


def _action_cells(state: ActionState, validation: str) -> list:
    action = state.action
    return [
        state.pillar,
        str(action.axis.number),
        action.title,
        lead_name(action),
        action.due_date,
        state.status_label,
        state.progress,
        state.late_label,
        validation,
        state.last_note,
        state.last_blockers,
    ]


def _validation(state: ActionState, labels: dict) -> str:
    """ "validé", or "renvoyé : <why>": a returned action keeps its reason in the report."""
    if state.review == ReviewState.RETURNED and state.review_reason:
        return f"{labels[state.review]} : {state.review_reason}"
    return labels[state.review]


def _actions_section(states: list[ActionState], planned: dict) -> Section:
    """Each action as the quarter reported it, and where that stands with its validator (indicators.reviews)."""
    labels = {value: str(label) for value, label in ReviewState.choices}
    rows = [_action_cells(state, _validation(state, labels)) for state in states]
    section = Section("actions", _("Actions"), ACTION_COLUMNS, rows)
    section.open_data = actions_open_data(states, planned)
    return section


@dataclass
class QuarterIndicators:
    lines: list[IndicatorLine]
    on: int
    off: int
    missing: list
    key: list = field(default_factory=list)  # the plan's key indicators, due this quarter or not


def _quarter_indicators(plan: Plan, period: ReportingPeriod, states: list[ActionState]) -> QuarterIndicators:
    """The indicators due this quarter, with this quarter's and the previous value, and the plan's key indicators
    (for their charts): two queries."""
    every = list(
        Indicator.objects.filter(plan=plan).order_by(
            "action__axis__pillar__order", "action__axis__number", "action__order", "order", "pk"
        )
    )
    readings = latest_readings(plan=plan, upto=period, count=2)
    indicators = []
    for indicator in every:
        if period.quarter not in DUE_QUARTERS[indicator.frequency]:
            continue
        last = readings.get(indicator.pk, [])
        current = last[0] if last and (last[0].year, last[0].quarter) == (period.year, period.quarter) else None
        previous = next((r for r in last if (r.year, r.quarter) != (period.year, period.quarter)), None)
        indicator.has_value = current is not None
        indicator.value, indicator.value_text = (current.number, current.text) if current else (None, None)
        indicator.latest_number, indicator.latest_text = (previous.number, previous.text) if previous else (None, None)
        indicators.append(indicator)
    # The files backing each value this quarter (indicators.evidence), listed by name: one query.
    evidence = defaultdict(list)
    for indicator_id, name in (
        Evidence.objects.filter(period=period, holder=EvidenceHolder.VALUE)
        .order_by("uploaded_at")
        .values_list("indicator_id", "name")
    ):
        evidence[indicator_id].append(name)
    result = QuarterIndicators(lines=[], on=0, off=0, missing=[])
    sentence = _("%(type)s · %(label)s : %(value)s (cible %(target)s, précédente %(previous)s) — %(reached)s")
    with_files = _(" · pièces : %(files)s")
    verdicts = {reached: target_label(reached) for reached in (True, False, None)}
    for indicator in with_actions(indicators, states):
        reached = on_target(indicator, indicator.value if indicator.unit != Unit.TEXT else None)
        result.on += reached is True
        result.off += reached is False
        if not indicator.has_value:
            result.missing.append(indicator)
        value = cell_value(indicator, indicator.value, indicator.value_text)
        target = cell_value(indicator, indicator.target_value)
        previous = cell_value(indicator, indicator.latest_number, indicator.latest_text)
        files = "; ".join(evidence.get(indicator.pk, []))
        result.lines.append(
            IndicatorLine(
                indicator=indicator,
                values=[target, value, previous, files],
                reached=reached,
                sentence=sentence + with_files if files else sentence,
                facts={
                    "type": indicator.letter,
                    "label": indicator.label,
                    "value": value,
                    "target": target,
                    "previous": previous,
                    "reached": verdicts[reached],
                    "files": files,
                },
                record={
                    "period": f"{period.year}-T{period.quarter}",
                    "value": indicator.value,
                    "value_text": indicator.value_text or "",
                    "previous_value": indicator.latest_number,
                },
            )
        )
    result.key = sorted((i for i in every if i.is_key), key=lambda i: (i.order, i.pk))
    return result


def _mask_totals(lines: list[IndicatorLine], broken: list) -> None:
    """A total published beside its masked parts is masked too when it would give them away (breakdowns)."""
    hidden = {item.indicator.pk: item.table.total_hidden for item in broken if item.table.total_hidden}
    for line in lines:
        if mask := hidden.get(line.indicator.pk):
            line.values[1] = line.facts["value"] = mask
            line.reached, line.facts["reached"] = None, target_label(None)  # "at target" would tell about it
            line.record.update(value=None, value_text=mask)


def _decisions(states: list[ActionState], missing: list, warnings: list) -> list[str]:
    late = [
        _("Action en retard : %(title)s (échéance %(due)s, %(lead)s)")
        % {
            "title": s.action.title,
            "due": date_format(s.action.due_date, "SHORT_DATE_FORMAT"),
            "lead": lead_name(s.action) or _("gestionnaire à désigner"),
        }
        for s in states
        if s.late
    ]
    values = [
        _("Valeur manquante : %(label)s%(action)s")
        % {"label": i.label, "action": f" — {i.action.title}" if i.action else ""}
        for i in missing
    ]
    return late + values + list(warnings)


def quarter_report(plan: Plan, period: ReportingPeriod, *, today: datetime.date) -> Report:
    """The steering committee's quarterly report: where each action stands, the values due, the money."""
    reference = min(today, period.end)
    states = action_states(plan=plan, upto=period, reference=reference)
    indicators = _quarter_indicators(plan, period, states)
    summary = budget_summary(plan=plan, today=period.end)
    totals = summary.totals
    funders = [
        FunderMoney(
            funder=row["funder"].short_name,
            planned=row["money"].planned,
            granted=row["money"].granted,
            committed=row["money"].committed,
            paid=row["money"].paid,
            share=row["share_value"],
            share_value=round(row["money"].planned * 100 / totals.planned, 2) if totals.planned else None,
        )
        for row in summary.by_funder
    ]
    headline = [
        *status_headline(states),
        (_("Indicateurs attendus ce trimestre"), Figure(len(indicators.lines))),
        (_("Indicateurs à la cible"), Figure(indicators.on)),
        (_("Indicateurs en deçà de la cible"), Figure(indicators.off)),
        (_("Valeurs manquantes"), Figure(len(indicators.missing))),
        (_("Budget prévu"), Figure(totals.planned, MONEY)),
        (_("Budget engagé"), Figure(totals.committed, MONEY, rate(totals.committed, totals.planned))),
        (_("Budget payé"), Figure(totals.paid, MONEY, rate(totals.paid, totals.committed))),
    ]
    decisions = _decisions(states, indicators.missing, summary.warnings)
    # The values due this quarter that are broken down by group: a table and a chart each, small counts masked.
    broken = breakdowns.period_breakdowns(plan, period, [line.indicator for line in indicators.lines])
    _mask_totals(indicators.lines, broken)
    value_columns = [
        Column(_("Cible"), DECIMAL, 10),
        Column(_("Valeur"), DECIMAL, 10),
        Column(_("Précédente"), DECIMAL, 10),
        Column(_("Pièces justificatives"), width=30),
    ]
    return Report(
        kind="quarter",
        title=_("Rapport trimestriel — %(period)s") % {"period": period.label},
        subtitle=f"{plan.title} · {plan.territory.name}",
        plan=plan,
        name="trimestre",
        period=f"T{period.quarter}-{period.year}",
        headline=headline,
        decisions=decisions,
        charts=report_charts(plan=plan, states=states, upto=period, budget=summary, indicators=indicators.key)
        + [breakdowns.breakdown_chart(item) for item in broken],
        sections=[
            headline_section(headline),
            pillar_section(states),
            _actions_section(states, {pk: money.planned for pk, money in summary.by_action.items()}),
            indicator_section("indicateurs", _("Indicateurs"), value_columns, indicators.lines),
            *([breakdowns.breakdown_section(broken, period)] if broken else []),
            Section(
                "budget",
                _("Exécution budgétaire"),
                BUDGET_COLUMNS,
                [f.cells() for f in funders] + ([funders_total(funders, 100).cells()] if funders else []),
                open_data=funders_open_data(funders),
            ),
            decisions_section(decisions),
        ],
    )
