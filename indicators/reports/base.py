"""The report structure every writer reads: typed columns, sections of rows, headline, charts, decisions."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from core import formats
from indicators.charts import Chart
from indicators.opendata import OpenData
from plans.models import Plan

TEXT, INT, DECIMAL, MONEY, DATE, PERCENT = "text", "int", "decimal", "money", "date", "percent"


@dataclass(frozen=True)
class Figure:
    """A headline figure: a count, an amount in euros or a percentage (0–100), with an optional share (a
    percentage) beside it. Pages read "12 500,00 € (78 %)"; spreadsheets get numeric cells."""

    value: object
    kind: str = INT
    share: object = None

    def __str__(self) -> str:
        shown = {MONEY: formats.euros, PERCENT: formats.percentage, INT: formats.count}.get(self.kind, formats.number)(
            self.value
        )
        if self.share is None:
            return shown
        return f"{shown} ({formats.percentage(self.share, 0)})"


class Rows(Sequence):
    """Rows made on demand from `items` by `make`: a preview reads 60 of them, a file all of them."""

    def __init__(self, items: list, make: Callable[[object], list]):
        self.items, self.make = items, make

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.make(item) for item in self.items[index]]
        return self.make(self.items[index])


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
    print_rows: Sequence[list] | None = None
    # For the open-data CSV: the same facts, one value per column (indicators.opendata).
    open_data: OpenData | None = None
    # Columns whose value repeats the row above (a group's name): every row carries it, so that filters and
    # pivot tables work; spreadsheets grey the repeats, and reading shows them on the group's first row only.
    group_columns: tuple[int, ...] = ()
    # Only in the files (spreadsheets, CSV), never in the preview or the PDF: the product's data sheets, in
    # machine-readable columns, that bring an export back whole when it is imported.
    files_only: bool = False

    @property
    def shown_columns(self) -> list[Column]:
        return self.print_columns or self.columns

    @property
    def shown_rows(self) -> Sequence[list]:
        return self.print_rows if self.print_rows is not None else self.rows


@dataclass
class Report:
    kind: str
    title: str
    subtitle: str
    plan: Plan
    name: str  # in file names: "trimestre", "bilan", "suivi"
    period: str  # in file names: "T3-2026", "2026", or the day it was drawn up
    headline: list[tuple[str, str]] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    generated_at: datetime.datetime | None = None
    timeline: object = None  # plans.timeline.Timeline, for the preview and the PDF

    def filename(self, extension: str, *, section: Section | None = None, opendata: bool = False) -> str:
        """`plan-<slug>-<report>[-<section>][-donnees-ouvertes]-<period>.<ext>`, never a word twice."""
        parts = ["plan", self.plan.slug, self.name]
        if section is not None and section.key != self.name:
            parts.append(section.key)
        if opendata:
            parts.append("donnees-ouvertes")
        return "-".join([*parts, self.period]) + f".{extension}"

    @property
    def key_charts(self) -> list[Chart]:
        """The small charts, one per key indicator, shown side by side."""
        return [chart for chart in self.charts if chart.small]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def is_empty(self) -> bool:
        """Nothing to report yet: the plan has no action."""
        detail = self.section("actions") or self.section("suivi")
        return detail is None or not detail.rows
