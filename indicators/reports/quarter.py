"""The steering committee's quarterly report."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from indicators.enums import Unit
from indicators.models import Indicator, Measurement
from indicators.reports.base import DATE, DECIMAL, INT, Column, Report, Section
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
    headline_section,
    indicator_section,
    lead_name,
    pillar_section,
    plain,
    report_charts,
    status_headline,
)
from indicators.targets import on_target, target_label
from plans.formats import euros
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
    Column(_lazy("Dernière note"), width=50),
    Column(_lazy("Ce qui bloque"), width=40),
]


def _action_cells(state: ActionState) -> list:
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
        state.last_note,
        state.last_blockers,
    ]


def _actions_section(states: list[ActionState], planned: dict) -> Section:
    section = Section("actions", _("Actions"), ACTION_COLUMNS, [_action_cells(state) for state in states])
    section.open_data = actions_open_data(states, planned)
    return section


@dataclass
class QuarterIndicators:
    lines: list[IndicatorLine]
    on: int
    off: int
    missing: list


def _quarter_indicators(plan: Plan, period: ReportingPeriod) -> QuarterIndicators:
    """The indicators due this quarter, with this quarter's and the previous value: one query."""
    current = Measurement.objects.filter(indicator=OuterRef("pk"), period=period)
    indicators = (
        Indicator.objects.filter(plan=plan)
        .due_in(period.quarter)
        .select_related("action__axis__pillar")
        .with_latest_value(before=period)
        .annotate(
            value=Subquery(current.values("value_number")[:1]),
            value_text=Subquery(current.values("value_text")[:1]),
            has_value=Subquery(current.values("pk")[:1]),
        )
        .order_by("action__axis__pillar__order", "action__axis__number", "action__order", "order", "pk")
    )
    result = QuarterIndicators(lines=[], on=0, off=0, missing=[])
    for indicator in indicators:
        reached = on_target(indicator, indicator.value if indicator.unit != Unit.TEXT else None)
        result.on += reached is True
        result.off += reached is False
        if not indicator.has_value:
            result.missing.append(indicator)
        value = cell_value(indicator, indicator.value, indicator.value_text)
        target = cell_value(indicator, indicator.target_value)
        previous = cell_value(indicator, indicator.latest_number, indicator.latest_text)
        description = _(
            "%(type)s · %(label)s : %(value)s (cible %(target)s, précédente %(previous)s) — %(reached)s"
        ) % {
            "type": indicator.letter,
            "label": indicator.label,
            "value": plain(value),
            "target": plain(target),
            "previous": plain(previous),
            "reached": target_label(reached),
        }
        result.lines.append(
            IndicatorLine(
                indicator=indicator,
                values=[target, value, previous],
                reached=reached,
                description=description,
                record={
                    "period": f"{period.year}-T{period.quarter}",
                    "value": indicator.value,
                    "value_text": indicator.value_text or "",
                    "previous_value": indicator.latest_number,
                },
            )
        )
    return result


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


def quarter_report(plan: Plan, period: ReportingPeriod) -> Report:
    """The steering committee's quarterly report: where each action stands, the values due, the money."""
    reference = min(timezone.localdate(), period.end)
    states = action_states(plan=plan, upto=period, reference=reference)
    indicators = _quarter_indicators(plan, period)
    summary = budget_summary(plan=plan, today=period.end)
    totals = summary.totals
    funders = [
        FunderMoney(
            funder=row["funder"].short_name,
            planned=row["money"].planned,
            granted=row["money"].granted,
            committed=row["money"].committed,
            paid=row["money"].paid,
            share=row["share"],
            share_value=round(row["money"].planned * 100 / totals.planned, 2) if totals.planned else None,
        )
        for row in summary.by_funder
    ]
    headline = [
        *status_headline(states),
        (_("Indicateurs attendus ce trimestre"), str(len(indicators.lines))),
        (_("Indicateurs à la cible"), str(indicators.on)),
        (_("Indicateurs en deçà de la cible"), str(indicators.off)),
        (_("Valeurs manquantes"), str(len(indicators.missing))),
        (_("Budget prévu"), euros(totals.planned)),
        (_("Budget engagé"), f"{euros(totals.committed)} ({totals.committed_rate})"),
        (_("Budget payé"), f"{euros(totals.paid)} ({totals.paid_rate})"),
    ]
    decisions = _decisions(states, indicators.missing, summary.warnings)
    value_columns = [
        Column(_("Cible"), DECIMAL, 10),
        Column(_("Valeur"), DECIMAL, 10),
        Column(_("Précédente"), DECIMAL, 10),
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
        charts=report_charts(plan=plan, states=states, upto=period, budget=summary),
        sections=[
            headline_section(headline),
            pillar_section(states),
            _actions_section(states, {pk: money.planned for pk, money in summary.by_action.items()}),
            indicator_section("indicateurs", _("Indicateurs"), value_columns, indicators.lines),
            Section(
                "budget",
                _("Exécution budgétaire"),
                BUDGET_COLUMNS,
                [f.cells() for f in funders],
                open_data=funders_open_data(funders),
            ),
            decisions_section(decisions),
        ],
    )
