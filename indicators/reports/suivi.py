"""The SeNe "Modèle de suivi" table."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from indicators.enums import Unit
from indicators.models import Indicator, format_value, latest_readings
from indicators.reports.base import DATE, DECIMAL, INT, TEXT, Column, Report, Rows, Section
from indicators.reports.common import (
    ActionState,
    IndicatorLine,
    action_states,
    actions_open_data,
    budget_by_action,
    cell_value,
    indicator_section,
    planned_by_action,
    with_actions,
)
from indicators.targets import on_target
from plans.enums import Competence
from plans.models import Plan

SUIVI_HEADERS = [
    "Pilier",
    "Domaine",
    "Champ d'intervention et population ciblée",
    "Gestionnaire et sommaire d'actions",
    "Commentaires",
    "Compétences et financement envisagé",
    "Echéances",
    "Indicateurs de résultats (R) et/ou d'Impact (I)",
]
WIDTHS = [22, 28, 34, 48, 30, 30, 12, 52]


def _lines(*parts) -> str:
    return "\n".join(part for part in parts if part)


@dataclass
class SuiviRow:
    """One action as the SeNe model lays it out: every row carries its pillar and domain."""

    state: ActionState
    indicators: list[str]
    planned: object  # the action's planned budget, or None
    budget: list[str] = field(default_factory=list)  # its budget lines, as the import reads them back

    def cells(self) -> list:
        action = self.state.action
        competence = str(Competence(action.competence).label) if action.competence else ""
        budget = "\n".join(self.budget)
        summary = action.title + (f" — {action.summary}" if action.summary else "")
        return [
            action.axis.pillar.name,
            action.axis.name,
            _lines(action.field_of_intervention, action.target_groups),
            _lines(action.lead.name if action.lead else "", summary),
            action.comments,
            _lines(competence, action.financing_note, budget),
            action.due_date,
            "\n".join(self.indicators),
        ]


def as_in_the_model(rows: list[list]) -> list[list]:
    """For reading: a group's name (pillar, domain) only on its first row, as in the SeNe model."""
    shown, previous = [], (None, None)
    for row in rows:
        pillar_repeats = row[0] == previous[0]
        axis_repeats = pillar_repeats and row[1] == previous[1]
        shown.append(["" if pillar_repeats else row[0], "" if axis_repeats else row[1], *row[2:]])
        previous = (row[0], row[1])
    return shown


@dataclass
class LatestIndicators:
    lines: list[IndicatorLine]
    by_action: dict[int, list[str]]


def _latest_indicators(plan: Plan, states: list[ActionState]) -> LatestIndicators:
    """Each action's indicators with their letter and latest value: two queries."""
    result = LatestIndicators(lines=[], by_action=defaultdict(list))
    indicators = (
        Indicator.objects.filter(plan=plan)
        .exclude(action=None)
        .order_by("action__axis__pillar__order", "action__axis__number", "action__order", "order", "pk")
    )
    readings = latest_readings(plan=plan)
    for indicator in with_actions(indicators, states):
        latest = readings.get(indicator.pk, [None])[0]
        indicator.latest_year, indicator.latest_quarter = (latest.year, latest.quarter) if latest else (None, None)
        indicator.latest_number, indicator.latest_text = (latest.number, latest.text) if latest else (None, None)
        measured = indicator.latest_year is not None
        value = format_value(indicator, indicator.latest_number, indicator.latest_text) if measured else ""
        when = f"T{indicator.latest_quarter} {indicator.latest_year}" if measured else ""
        text = f"{indicator.letter} : {indicator.label}" + (f" — {value} ({when})" if value else "")
        result.by_action[indicator.action_id].append(text)
        reached = on_target(indicator, indicator.latest_number if indicator.unit != Unit.TEXT else None)
        result.lines.append(
            IndicatorLine(
                indicator=indicator,
                values=[
                    cell_value(indicator, indicator.target_value),
                    cell_value(indicator, indicator.latest_number, indicator.latest_text),
                    when,
                ],
                reached=reached,
                sentence="%(text)s",
                facts={"text": text},
                record={
                    "period": f"{indicator.latest_year}-T{indicator.latest_quarter}" if measured else "",
                    "value": indicator.latest_number,
                    "value_text": indicator.latest_text or "",
                },
            )
        )
    return result


def suivi_table(plan: Plan, *, today: datetime.date) -> Report:
    """The SeNe "Modèle de suivi": its eight columns, one row per action, grouped by pillar and domain."""
    states = action_states(plan=plan, upto=None, reference=today)
    indicators = _latest_indicators(plan, states)
    planned, budget = planned_by_action(plan), budget_by_action(plan)
    rows = [
        SuiviRow(
            state=state,
            indicators=indicators.by_action.get(state.action.pk, []),
            planned=planned.get(state.action.pk),
            budget=budget.get(state.action.pk, []),
        ).cells()
        for state in states
    ]
    columns = [Column(h, DATE if h == "Echéances" else TEXT, w) for h, w in zip(SUIVI_HEADERS, WIDTHS, strict=True)]
    suivi = Section(
        "suivi",
        _("Tableau de suivi"),
        columns,
        rows,
        print_columns=columns,
        print_rows=as_in_the_model(rows),
        group_columns=(0, 1),
        # The columns are the SeNe model's, under its own (French) headers, so that the file reads and imports
        # as the model does; other languages say so.
        intro=""
        if translation.get_language() == "fr"
        else _(
            "Les titres des colonnes sont ceux du « Modèle de suivi » SeNe, en français, tels que le modèle les écrit."
        ),
    )
    value_columns = [
        Column(_("Cible"), DECIMAL, 10),
        Column(_("Dernière valeur"), DECIMAL, 12),
        Column(_("Trimestre"), TEXT, 10),
    ]
    definitions = defaultdict(list)
    for line in indicators.lines:
        definitions[line.indicator.action_id].append(line.indicator)
    # The open-data list of actions carries their budget lines and indicators: it re-imports whole, like the data
    # sheets of the spreadsheets.
    actions = suivi.open_data = actions_open_data(states, planned, budget, definitions)
    return Report(
        kind="suivi",
        title=_("Tableau de suivi"),
        subtitle=f"{plan.title} · {plan.territory.name}",
        plan=plan,
        name="suivi",
        period=today.isoformat(),
        sections=[
            suivi,
            indicator_section("indicateurs", _("Indicateurs"), value_columns, indicators.lines),
            *_data_sections(actions, indicators.lines),
        ],
    )


# The data sheets' column kinds, from the open-data specs' field kinds.
_KINDS = {"integer": INT, "decimal": DECIMAL, "date": DATE}


def _data_value(value):
    return ("true" if value else "false") if isinstance(value, bool) else value


def _data_sections(actions, lines) -> list[Section]:
    """The product's data sheets (spreadsheets and CSV only): every field of every action (`actions`: the suivi's
    own open data) and indicator under its machine name, so that the file re-imports whole (indicators.imports
    reads them first). Their rows are made when a file is written, never for a page."""
    fields = actions.spec.fields
    action_columns = [Column(f.name, _KINDS.get(f.kind, TEXT), 14) for f in fields]
    action_rows = Rows(actions.records, lambda record: [_data_value(record[f.name]) for f in fields])
    names = ["action", "pillar", "kind", "label", "unit", "frequency", "is_key", "baseline_value", "target_value",
             "target_date", "direction"]  # fmt: skip
    kinds = {"baseline_value": DECIMAL, "target_value": DECIMAL, "target_date": DATE}
    indicator_rows = [
        [
            line.action_title,
            line.pillar,
            line.indicator.kind,
            line.indicator.label,
            line.indicator.unit,
            line.indicator.frequency,
            _data_value(line.indicator.is_key),
            line.indicator.baseline_value,
            line.indicator.target_value,
            line.indicator.target_date,
            line.indicator.direction,
        ]
        for line in lines
    ]
    return [
        Section("donnees-actions", _("Données des actions"), action_columns, action_rows, files_only=True),
        Section(
            "donnees-indicateurs",
            _("Données des indicateurs"),
            [Column(name, kinds.get(name, TEXT), 14) for name in names],
            indicator_rows,
            files_only=True,
        ),
    ]
