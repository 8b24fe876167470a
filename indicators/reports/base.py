"""The report structure every writer reads, and the helpers the builders share."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from indicators.charts import Chart, Series
from indicators.enums import Direction, Unit
from indicators.models import ProgressUpdate, format_value
from plans.enums import ActionStatus
from plans.models import Plan, ReportingPeriod

TEXT, INT, DECIMAL, MONEY, DATE, PERCENT = "text", "int", "decimal", "money", "date", "percent"
FINISHED = {ActionStatus.DONE, ActionStatus.ABANDONED}
ZERO = Decimal("0")


@dataclass
class Column:
    label: str
    kind: str = TEXT
    width: int = 18  # characters, for spreadsheets


@dataclass
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    intro: str = ""
    # For reading (preview and PDF): the same facts in fewer cells, e.g. indicators grouped under their action.
    print_columns: list[Column] | None = None
    print_rows: list[list] | None = None

    @property
    def shown_columns(self) -> list[Column]:
        return self.print_columns or self.columns

    @property
    def shown_rows(self) -> list[list]:
        return self.print_rows if self.print_rows is not None else self.rows


def grouped_by_action(rows: list[list], describe) -> tuple[list[Column], list[list]]:
    """Indicator rows [pillar, action, …] as one row per action listing its indicators, for reading."""
    grouped: dict[tuple, list[str]] = {}
    for row in rows:
        grouped.setdefault((row[0], row[1]), []).append(describe(row))
    columns = [Column(_("Pilier"), width=24), Column(_("Action"), width=40), Column(_("Indicateurs"), width=90)]
    return columns, [[pillar, action, "\n".join(lines)] for (pillar, action), lines in grouped.items()]


def indicator_section(key: str, title: str, values: list[Column], rows: list[list], describe) -> Section:
    """Indicator rows: pillar, action, type, label, unit, then `values`, then whether the target is reached.

    For reading (preview, PDF) the indicators are grouped under their action, each described by `describe`.
    """
    lead = [Column(_("Pilier"), width=28), Column(_("Action"), width=40), Column(_("Type"), width=6),
            Column(_("Indicateur"), width=44), Column(_("Unité"), width=12)]  # fmt: skip
    section = Section(key, title, [*lead, *values, Column(_("Cible atteinte"), width=14)], rows)
    section.print_columns, section.print_rows = grouped_by_action(rows, describe)
    return section


def _plain(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        places = 0 if value == value.to_integral_value() else 2
        return number_format(value, places, force_grouping=True)
    return str(value)


@dataclass
class Report:
    kind: str
    title: str
    subtitle: str
    plan: Plan
    filename_stem: str
    headline: list[tuple[str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    generated_at: datetime.datetime | None = None

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def is_empty(self) -> bool:
        """Nothing to report yet: the plan has no action."""
        detail = self.section("actions") or self.section("suivi")
        return detail is None or not detail.rows


def _on_target(indicator, value) -> bool | None:
    """True when the value meets the target in the desired direction; None when it cannot be said."""
    target = indicator.target_value
    if value is None or target is None or indicator.unit not in {Unit.COUNT, Unit.PERCENTAGE, Unit.EUROS}:
        return None
    if indicator.direction == Direction.UP:
        return value >= target
    if indicator.direction == Direction.DOWN:
        return value <= target
    return abs(value - target) <= abs(target) * Decimal("0.05")


def _target_label(on_target) -> str:
    return {True: _("atteinte"), False: _("non atteinte"), None: "—"}[on_target]


def _number(indicator, value):
    """Numeric indicator values stay numbers in spreadsheets; others are their text."""
    if indicator.unit in {Unit.COUNT, Unit.PERCENTAGE, Unit.EUROS}:
        return value
    return format_value(indicator, value, "") if value is not None else None


def _shown(indicator, number, text):
    return _number(indicator, number) if indicator.unit != Unit.TEXT else (text or None)


def _sommaire(action) -> str:
    return action.title + (f" — {action.summary}" if action.summary else "")


def _actions(plan: Plan, upto: ReportingPeriod | None):
    """Actions with their latest progress note up to a quarter: one query (correlated subqueries)."""
    updates = ProgressUpdate.objects.filter(action=OuterRef("pk"))
    if upto is not None:
        updates = updates.filter(
            Q(period__year__lt=upto.year) | Q(period__year=upto.year, period__quarter__lte=upto.quarter)
        )
    updates = updates.order_by("-period__year", "-period__quarter")
    return list(
        plan.actions.select_related("axis__pillar", "lead")
        .annotate(
            last_status=Subquery(updates.values("status")[:1]),
            last_progress=Subquery(updates.values("progress")[:1]),
            last_note=Subquery(updates.values("note")[:1]),
            last_blockers=Subquery(updates.values("blockers")[:1]),
        )
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )


def _state(action):
    """Status and progress as reported (the latest quarter), else the action's own."""
    return action.last_status or action.status, action.last_progress if action.last_status else action.progress


def _late(action, status, reference: datetime.date) -> bool:
    return bool(action.due_date and action.due_date < reference and status not in FINISHED)


def _pillar_rows(actions, reference):
    groups = {}
    for action in actions:
        status, progress = _state(action)
        key = (action.axis.pillar.name, f"{_('Axe')} {action.axis.number} — {action.axis.name}")
        row = groups.setdefault(key, [key[0], key[1], 0, 0, 0, 0, 0])
        row[2] += 1
        row[3] += status == ActionStatus.DONE
        row[4] += status == ActionStatus.IN_PROGRESS
        row[5] += _late(action, status, reference)
        row[6] += progress
    return [[*r[:6], round(r[6] / r[2]) if r[2] else 0] for r in groups.values()]


PILLAR_COLUMNS = [
    Column(_lazy("Pilier"), width=30),
    Column(_lazy("Axe"), width=44),
    Column(_lazy("Actions"), INT, 9),
    Column(_lazy("Réalisées"), INT, 10),
    Column(_lazy("En cours"), INT, 10),
    Column(_lazy("En retard"), INT, 10),
    Column(_lazy("Avancement moyen (%)"), INT, 12),
]


def _pillar_chart(actions) -> Chart:
    by_pillar = defaultdict(list)
    for action in actions:
        by_pillar[action.axis.pillar.name].append(_state(action)[1])
    names = list(by_pillar)
    return Chart(
        key="piliers",
        title=_("Avancement moyen des actions par pilier"),
        description=_(
            "Pourcentage moyen d'avancement des actions de chaque pilier ; le tableau suivant donne les valeurs."
        ),
        categories=names,
        series=[Series(_("Avancement moyen (%)"), [round(sum(v) / len(v)) for v in by_pillar.values()])],
        unit="%",
        maximum=Decimal(100),
    )


def _budget_chart(rows, key="budget") -> Chart:
    return Chart(
        key=key,
        title=_("Exécution budgétaire par financeur"),
        description=_("Montants prévus, engagés et payés par financeur, en euros ; voir le tableau suivant."),
        categories=[r[0] for r in rows],
        series=[Series(_("Prévu"), [r[1] for r in rows]), Series(_("Engagé"), [r[3] for r in rows]),
                Series(_("Payé"), [r[4] for r in rows])],
        unit="€",
    )  # fmt: skip


BUDGET_COLUMNS = [
    Column(_lazy("Financeur"), width=36),
    Column(_lazy("Prévu (€)"), MONEY, 14),
    Column(_lazy("Accordé (€)"), MONEY, 14),
    Column(_lazy("Engagé (€)"), MONEY, 14),
    Column(_lazy("Payé (€)"), MONEY, 14),
    Column(_lazy("Part du plan"), TEXT, 10),
]


def _headline_sections(headline) -> Section:
    return Section("synthese", _("Synthèse"), [Column(_("Chiffre clé"), width=46), Column(_("Valeur"), width=22)],
                   [list(item) for item in headline])  # fmt: skip
