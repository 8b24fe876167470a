"""What the report builders share: the actions' reported state, and the sections every report has.

Each builder (quarter, annual, suivi) reads rows as dataclasses and turns them into cells in one place,
`cells()`, in the order of its columns: no row is read by position.
"""

import datetime
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.db.models import OuterRef, Subquery, Sum, Value
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core import formats
from core.formats import euros
from indicators.charts import Chart, Series
from indicators.enums import ReviewState, Unit
from indicators.models import ActionReview, Indicator, ProgressUpdate, format_value
from indicators.opendata import ACTIONS, FUNDERS, INDICATORS, OpenData
from indicators.reports.base import DECIMAL, INT, MONEY, PERCENT, Column, Figure, Rows, Section
from indicators.targets import NUMERIC, target_label
from plans.enums import ActionStatus, BudgetNature, Competence
from plans.models import Action, BudgetLine, Plan, ReportingPeriod, periods

ZERO = Decimal("0")


def plain(value) -> str:
    """A value written out in a sentence: 12, 12,5, or a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return formats.number(value)
    return str(value)


def cell_value(indicator, number, text=""):
    """An indicator's value as a cell: numbers stay numbers in spreadsheets; the others are their text."""
    if indicator.unit == Unit.TEXT:
        return text or None
    if indicator.unit in NUMERIC:
        return number
    return format_value(indicator, number, "") if number is not None else None


def lead_name(action: Action) -> str:
    return action.lead.short_name if action.lead else ""


def with_actions(indicators, states: list["ActionState"]):
    """The indicators, each given its action from the report's states rather than read again with it (four model
    instances an indicator): a third of a 400-action report's build time."""
    actions = {state.action.pk: state.action for state in states}
    for indicator in indicators:
        if indicator.action_id is not None:
            Indicator.action.field.set_cached_value(indicator, actions[indicator.action_id])
        yield indicator


def budget_by_action(plan: Plan) -> dict[int, list[str]]:
    """Each action's budget lines as the suivi table writes them, one a funder, year and nature, in the form the
    import reads back ("Budget prévu 2026 — MILDECA : 9 000,00 € (Fonctionnement)"): one query."""
    rows = (
        BudgetLine.objects.filter(plan=plan)
        .values("action", "funder__name", "year", "nature")
        .annotate(total=Sum("planned_amount"))
        .order_by("action", "year", "funder__name", "nature")
    )
    lines = defaultdict(list)
    # Written in French whatever the page's language, as the SeNe model is: the import reads them back.
    with translation.override("fr"):
        natures = {value: str(label) for value, label in BudgetNature.choices}
        for row in rows:
            nature = "" if row["nature"] == BudgetNature.UNSPECIFIED else f" ({natures.get(row['nature'], '')})"
            lines[row["action"]].append(
                f"Budget prévu {row['year']} — {row['funder__name']} : {euros(row['total'])}{nature}"
            )
    return lines


def planned_by_action(plan: Plan) -> dict:
    """The planned budget of each action, all years and funders: one query."""
    rows = BudgetLine.objects.filter(plan=plan).values("action").annotate(total=Sum("planned_amount")).order_by()
    return {row["action"]: row["total"] for row in rows}


# --- The actions as reported --------------------------------------------------------------------------------


@dataclass
class ActionState:
    """An action with its status and progress as its latest quarter (up to the report's) reported them."""

    action: Action
    status: str
    progress: int
    late: bool
    last_note: str
    last_blockers: str
    review: str = ReviewState.DRAFT  # where the report's quarter of the action stands with its validator
    review_reason: str = ""  # why it was returned (or reopened)

    @property
    def pillar(self) -> str:
        return self.action.axis.pillar.name

    @cached_property
    def axis(self) -> str:
        return f"{_('Axe')} {self.action.axis.number} — {self.action.axis.name}"

    @property
    def status_label(self) -> str:
        return str(ActionStatus(self.status).label)

    @property
    def late_label(self) -> str:
        return _("oui") if self.late else _("non")


def action_states(*, plan: Plan, upto: ReportingPeriod | None, reference: datetime.date) -> list[ActionState]:
    """The plan's actions in plan order, each as reported up to `upto` (all quarters if None): one query."""
    updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))
    if upto is not None:
        updates = updates.filter(periods.up_to(upto))
    updates = updates.order_by("-period__year", "-period__quarter")
    reviews = ActionReview.objects.filter(action=OuterRef("pk"), period=upto) if upto is not None else None
    actions = (
        plan.actions.select_related("axis__pillar", "lead")
        .annotate(
            last_status=Subquery(updates.values("status")[:1]),
            last_progress=Subquery(updates.values("progress")[:1]),
            last_note=Subquery(updates.values("note")[:1]),
            last_blockers=Subquery(updates.values("blockers")[:1]),
            review_state=Subquery(reviews.values("state")[:1]) if reviews is not None else Value(""),
            review_reason=Subquery(reviews.values("reason")[:1]) if reviews is not None else Value(""),
        )
        .in_plan_order()
    )
    states = []
    for action in actions:
        reported = action.last_status is not None
        status = action.last_status if reported else action.status
        states.append(
            ActionState(
                action=action,
                status=status,
                progress=action.last_progress if reported else action.progress,
                late=action.is_late(reference, status=status),
                last_note=action.last_note or "",
                last_blockers=action.last_blockers or "",
                review=action.review_state or ReviewState.DRAFT,
                review_reason=action.review_reason or "",
            )
        )
    return states


def action_record(state: ActionState, planned=None, budget_lines=(), indicators=()) -> dict:
    """An action for the open data (indicators.opendata.ACTIONS): one value per field."""
    action = state.action
    return {
        "action_id": action.pk,
        "pillar": action.axis.pillar.name,
        "pillar_kind": action.axis.pillar.kind,
        "axis_number": action.axis.number,
        "axis": action.axis.name,
        "title": action.title,
        "summary": action.summary,
        "field_of_intervention": action.field_of_intervention,
        "target_groups": action.target_groups,
        "lead": action.lead.name if action.lead else "",
        "lead_acronym": action.lead.acronym if action.lead else "",
        "comments": action.comments,
        "competence": action.competence,
        "competence_label": str(Competence(action.competence).label) if action.competence else "",
        "financing_note": action.financing_note,
        "planned_amount": planned,
        "start_date": action.start_date,
        "due_date": action.due_date,
        "status": state.status,
        "status_label": state.status_label,
        "progress": state.progress,
        "late": state.late,
        "last_note": state.last_note,
        "last_blockers": state.last_blockers,
        "cost_class": action.cost_class,
        "first_year": action.first_year,
        "pillar_description": action.axis.pillar.description,
        "axis_description": action.axis.description,
        "budget_lines": "\n".join(budget_lines),
        "indicators": "\n".join(f"{i.letter} : {i.label}" for i in indicators),
        "indicator_settings": indicator_settings(indicators),
    }


def indicator_settings(indicators) -> str:
    """The indicators' settings as the open data writes them: a JSON list, one object an indicator, in order."""
    if not indicators:
        return ""
    return json.dumps(
        [
            {
                "kind": i.kind,
                "label": i.label,
                "unit": i.unit,
                "frequency": i.frequency,
                "is_key": i.is_key,
                "baseline_value": None if i.baseline_value is None else str(i.baseline_value),
                "target_value": None if i.target_value is None else str(i.target_value),
                "target_date": i.target_date.isoformat() if i.target_date else None,
                "direction": i.direction,
            }
            for i in indicators
        ],
        ensure_ascii=False,
    )


def actions_open_data(states: list[ActionState], planned: dict, budget=None, indicators=None) -> OpenData:
    """The actions' dataset; with `budget` (by action id: their lines, as the suivi table writes them) and
    `indicators` (by action id: the Indicator objects), each record carries them too, so that the file re-imports
    whole. Made when a file asks for it."""
    budget, indicators = budget or {}, indicators or {}

    def record(state):
        pk = state.action.pk
        return action_record(state, planned.get(pk), budget.get(pk, ()), indicators.get(pk, ()))

    return OpenData(ACTIONS, Rows(states, record))


def status_headline(states: list[ActionState]) -> list[tuple[str, Figure]]:
    counts = defaultdict(int)
    for state in states:
        counts[state.status] += 1
    return [
        (_("Actions"), Figure(len(states))),
        *[(_("Actions « %(s)s »") % {"s": s.label}, Figure(counts.get(s, 0))) for s in ActionStatus],
        (_("Actions en retard"), Figure(sum(state.late for state in states))),
    ]


# --- Sections every report has ------------------------------------------------------------------------------

PILLAR_COLUMNS = [
    Column(_lazy("Pilier"), width=30),
    Column(_lazy("Axe"), width=44),
    Column(_lazy("Actions"), INT, 9),
    Column(_lazy("Réalisées"), INT, 10),
    Column(_lazy("En cours"), INT, 10),
    Column(_lazy("En retard"), INT, 10),
    Column(_lazy("Avancement moyen (%)"), INT, 12),
]


@dataclass
class AxisProgress:
    pillar: str
    axis: str
    actions: int = 0
    done: int = 0
    running: int = 0
    late: int = 0
    progress_total: int = 0

    def cells(self) -> list:
        average = round(self.progress_total / self.actions) if self.actions else 0
        return [self.pillar, self.axis, self.actions, self.done, self.running, self.late, average]


def pillar_section(states: list[ActionState]) -> Section:
    groups: dict[tuple, AxisProgress] = {}
    for state in states:
        group = groups.setdefault((state.pillar, state.axis), AxisProgress(state.pillar, state.axis))
        group.actions += 1
        group.done += state.status == ActionStatus.DONE
        group.running += state.status == ActionStatus.IN_PROGRESS
        group.late += state.late
        group.progress_total += state.progress
    rows = [group.cells() for group in groups.values()]
    return Section("piliers", _("Avancement par pilier et axe"), PILLAR_COLUMNS, rows)


def report_charts(
    *,
    plan: Plan,
    states: list[ActionState],
    upto: ReportingPeriod | None,
    budget,
    indicators=None,
    values=None,
    quarters=None,
) -> list[Chart]:
    """The dashboard's charts, as the report's quarter saw them: statuses, progress over time, pillars, money,
    then one small chart per key indicator. Up to four queries: none for what the caller already read
    (`indicators`, their `values`, the progress per quarter `quarters`)."""
    from indicators.models import Indicator
    from indicators.selectors.dashboards import (
        actions_by_pillar,
        key_indicator_charts,
        plan_charts,
        plan_quarters,
        progress_by_quarter,
    )

    if not states:
        return []
    by_pillar, progress = actions_by_pillar(
        states, status_of=lambda s: s.status, progress_of=lambda s: s.progress, pillar_of=lambda s: s.pillar
    )
    charts = plan_charts(
        by_pillar=by_pillar,
        progress_by_pillar=progress,
        quarters=quarters if quarters is not None else progress_by_quarter(plan=plan, upto=upto),
        budget=budget,
    )
    quarters = plan_quarters(plan, upto=(upto.year, upto.quarter) if upto else None)
    if indicators is None:
        indicators = list(Indicator.objects.filter(plan=plan, is_key=True).order_by("order", "pk"))
    return charts + key_indicator_charts(indicators=indicators, quarters=quarters, values=values)


BUDGET_COLUMNS = [
    Column(_lazy("Financeur"), width=36),
    Column(_lazy("Prévu (€)"), MONEY, 14),
    Column(_lazy("Accordé (€)"), MONEY, 14),
    Column(_lazy("Engagé (€)"), MONEY, 14),
    Column(_lazy("Payé (€)"), MONEY, 14),
    Column(_lazy("Part du plan"), PERCENT, 10),
]


@dataclass
class FunderMoney:
    funder: str
    planned: Decimal
    granted: Decimal
    committed: Decimal
    paid: Decimal
    share: int | Decimal | None = None  # a percentage (0–100): of the plan's planned total, or of what was granted
    received: Decimal = ZERO
    share_value: Decimal | None = None  # the open data's share of the plan, to two decimals

    def cells(self) -> list:
        return [self.funder, self.planned, self.granted, self.committed, self.paid, self.share]

    def record(self) -> dict:
        return {
            "funder": self.funder,
            "planned": self.planned,
            "granted": self.granted,
            "committed": self.committed,
            "paid": self.paid,
            "received": self.received,
            "share_of_plan": self.share_value,
        }


def funders_open_data(rows: list[FunderMoney]) -> OpenData:
    return OpenData(FUNDERS, [row.record() for row in rows])


def budget_chart(rows: list[FunderMoney], key: str = "budget") -> Chart:
    return Chart(
        key=key,
        title=_("Exécution budgétaire par financeur"),
        description=_("Montants prévus, engagés et payés par financeur, en euros ; voir le tableau suivant."),
        categories=[r.funder for r in rows],
        series=[
            Series(_("Prévu"), [r.planned for r in rows]),
            Series(_("Engagé"), [r.committed for r in rows]),
            Series(_("Payé"), [r.paid for r in rows]),
        ],
        unit="€",
    )


def headline_section(headline: list[tuple[str, Figure]]) -> Section:
    """The headline as a sheet: each figure a number (money and percentages formatted as such), its share
    in a column of its own, so that a funder can add them up."""
    columns = [Column(_("Chiffre clé"), width=46), Column(_("Valeur"), DECIMAL, 16), Column(_("Part"), PERCENT, 8)]
    rows = [
        [label, figure, Figure(figure.share, PERCENT) if figure.share is not None else None]
        if isinstance(figure, Figure)
        else [label, figure, None]
        for label, figure in headline
    ]
    return Section("synthese", _("Synthèse"), columns, rows)


def funders_total(rows: list[FunderMoney], share=None) -> FunderMoney:
    """The money tables' last row: every column summed."""
    return FunderMoney(
        funder=_("Total"),
        planned=sum((r.planned for r in rows), ZERO),
        granted=sum((r.granted for r in rows), ZERO),
        committed=sum((r.committed for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
        received=sum((r.received for r in rows), ZERO),
        share=share,
    )


def decisions_section(decisions: list[str]) -> Section:
    return Section("decisions", _("À décider"), [Column(_("Point à décider"), width=110)], [[d] for d in decisions])


# --- Indicators ---------------------------------------------------------------------------------------------

INDICATOR_COLUMNS = [
    Column(_lazy("Pilier"), width=28),
    Column(_lazy("Action"), width=40),
    Column(_lazy("Type"), width=6),
    Column(_lazy("Indicateur"), width=44),
    Column(_lazy("Unité"), width=12),
]


@dataclass
class IndicatorLine:
    """One indicator in a report: where it belongs, its values (in the section's value columns), the verdict."""

    indicator: object
    values: list
    reached: bool | None
    # The line as a sentence, for reading: `sentence` % `facts`, each fact written out by plain(). Written when
    # read: a preview reads 60 of a plan's 1,600 indicators.
    sentence: str
    facts: dict
    record: dict = field(default_factory=dict)  # what the open data adds to the indicator's own fields

    @property
    def description(self) -> str:
        return self.sentence % {key: plain(value) for key, value in self.facts.items()}

    @property
    def pillar(self) -> str:
        action = self.indicator.action
        return action.axis.pillar.name if action else _("Contexte")

    @property
    def action_title(self) -> str:
        return self.indicator.action.title if self.indicator.action else ""

    def cells(self, unit_labels: dict, verdicts: dict) -> list:
        indicator = self.indicator
        return [
            self.pillar,
            self.action_title,
            indicator.letter,
            indicator.label,
            unit_labels.get(indicator.unit, indicator.unit),
            *self.values,
            verdicts[self.reached],
        ]

    def open_record(self) -> dict:
        indicator = self.indicator
        return {
            "indicator_id": indicator.pk,
            "action_id": indicator.action_id,
            "action": self.action_title,
            "kind": indicator.kind,
            "letter": indicator.letter,
            "label": indicator.label,
            "unit": indicator.unit,
            "frequency": indicator.frequency,
            "baseline_value": indicator.baseline_value,
            "target_value": indicator.target_value,
            "direction": indicator.direction,
            "target_reached": self.reached,
            **self.record,
        }


def indicator_section(key: str, title: str, value_columns: list[Column], lines: list[IndicatorLine]) -> Section:
    """One row per indicator for spreadsheets; for reading (preview, PDF), indicators grouped under their action."""
    columns = [*INDICATOR_COLUMNS, *value_columns, Column(_("Cible atteinte"), width=14)]
    # The labels once, not get_unit_display() on each line (it hashes the choices' lazy labels every time).
    unit_labels = {value: str(label) for value, label in Unit.choices}
    verdicts = {reached: target_label(reached) for reached in (True, False, None)}
    section = Section(key, title, columns, [line.cells(unit_labels, verdicts) for line in lines])
    grouped: dict[tuple, list[IndicatorLine]] = {}
    for line in lines:
        grouped.setdefault((line.pillar, line.action_title), []).append(line)
    section.print_columns = [
        Column(_("Pilier"), width=24),
        Column(_("Action"), width=40),
        Column(_("Indicateurs"), width=90),
    ]
    section.print_rows = Rows(
        list(grouped.items()),
        lambda group: [*group[0], "\n".join(line.description for line in group[1])],
    )
    section.open_data = OpenData(INDICATORS, Rows(lines, IndicatorLine.open_record))
    return section
