"""The plan's timeline: each action from its start to its due date, month by month, grouped by pillar and axis.

Drawn as a table (one row per action: its title wraps, it reads without images) whose last cell holds a
small SVG bar on a shared month scale, with today's line and late actions marked in words as well as in
colour. A plan of 400 actions scrolls; it never shrinks.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from plans.enums import ActionStatus
from plans.models import Action

MONTH_WIDTH = 26  # px: a month's column
ROW_HEIGHT = 22
BAR = {"late": "#B3261E", "done": "#009E73", "running": "#0072B2", "planned": "#56B4E9", "stopped": "#8a8f94"}
TODAY = "#D55E00"
GRID, MUTED = "#d5dbe0", "#555b61"


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def month_span(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


@dataclass
class TimelineRow:
    action: Action
    start: datetime.date | None
    end: datetime.date | None
    late: bool
    scale: "Timeline" = field(repr=False, default=None)

    @property
    def tone(self) -> str:
        if self.late:
            return "late"
        return {
            ActionStatus.DONE: "done",
            ActionStatus.IN_PROGRESS: "running",
            ActionStatus.PLANNED: "planned",
        }.get(self.action.status, "stopped")

    @property
    def period_label(self) -> str:
        if not self.start and not self.end:
            return _("sans dates")
        start = date_format(self.start, "SHORT_DATE_FORMAT") if self.start else "?"
        end = date_format(self.end, "SHORT_DATE_FORMAT") if self.end else "?"
        return _("du %(start)s au %(end)s") % {"start": start, "end": end}

    @property
    def svg(self) -> SafeString:
        return self.scale.bar(self)


@dataclass
class Group:
    title: str
    level: int  # 1: pillar, 2: axis
    rows: list[TimelineRow] = field(default_factory=list)


@dataclass
class Timeline:
    """Months from `first` to `last` (first days), today, and the actions grouped by pillar then axis."""

    first: datetime.date
    last: datetime.date
    today: datetime.date
    groups: list[Group]

    @property
    def months(self) -> list[datetime.date]:
        return month_span(self.first, self.last)

    @property
    def width(self) -> int:
        return len(self.months) * MONTH_WIDTH

    @property
    def row_count(self) -> int:
        return sum(len(g.rows) for g in self.groups)

    def x(self, day: datetime.date) -> float:
        """Where a day falls on the scale, in px; days outside it are clamped to its edges."""
        if day < self.first:
            return 0.0
        end = add_months(self.last, 1)
        if day >= end:
            return float(self.width)
        month = first_of_month(day)
        index = (month.year - self.first.year) * 12 + month.month - self.first.month
        days_in_month = (add_months(month, 1) - month).days
        return index * MONTH_WIDTH + (day.day - 1) / days_in_month * MONTH_WIDTH

    def _grid(self, height: int) -> SafeString:
        """The month lines (years darker), two paths rather than a line per month: 36 months × 400 rows add up."""
        months = "".join(f"M{i * MONTH_WIDTH} 0V{height}" for i, m in enumerate(self.months) if m.month != 1)
        years = "".join(f"M{i * MONTH_WIDTH} 0V{height}" for i, m in enumerate(self.months) if m.month == 1)
        lines = format_html(
            '<path d="{}" stroke="{}" stroke-width="1"></path><path d="{}" stroke="{}" stroke-width="1"></path>',
            months or "M0 0",
            GRID,
            years or "M0 0",
            MUTED,
        )
        today = ""
        if self.first <= self.today < add_months(self.last, 1):
            x = f"{self.x(self.today):.1f}"
            today = format_html(
                '<line x1="{}" y1="0" x2="{}" y2="{}" stroke="{}" stroke-width="2"></line>', x, x, height, TODAY
            )
        return SafeString(lines + today)

    def header(self) -> SafeString:
        """Years and month initials over the scale, and today's mark."""
        height = 34
        labels = []
        for i, month in enumerate(self.months):
            x = i * MONTH_WIDTH
            if month.month == 1 or i == 0:
                labels.append(_svg_text(x + 3, 13, str(month.year), weight="bold"))
            labels.append(_svg_text(x + MONTH_WIDTH / 2, 29, date_format(month, "b")[:1].upper(), anchor="middle"))
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" aria-hidden="true" '
            'class="timeline-scale">{}{}</svg>',
            self.width,
            height,
            self.width,
            height,
            self._grid(height),
            SafeString("".join(labels)),
        )

    def bar(self, row: TimelineRow) -> SafeString:
        parts = [self._grid(ROW_HEIGHT)]
        if row.start or row.end:
            start = row.start or row.end
            end = row.end or row.start
            x1, x2 = self.x(start), max(self.x(end + datetime.timedelta(days=1)), self.x(start) + 3)
            parts.append(
                format_html(
                    '<rect x="{}" y="5" width="{}" height="{}" rx="3" fill="{}"></rect>',
                    f"{x1:.1f}",
                    f"{x2 - x1:.1f}",
                    ROW_HEIGHT - 10,
                    BAR[row.tone],
                )
            )
            if row.late:
                # Late shows in its shape too, not only in its colour: a mark at the due date.
                parts.append(
                    format_html(
                        '<path d="M{} 2 l5 9 l-5 9 l-5 -9 z" fill="{}" stroke="#ffffff"></path>',
                        f"{x2:.1f}",
                        BAR["late"],
                    )
                )
        label = f"{row.action.title} : {row.period_label}" + (f", {_('en retard')}" if row.late else "")
        return format_html(
            '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
            'aria-label="{}">{}</svg>',
            self.width,
            ROW_HEIGHT,
            self.width,
            ROW_HEIGHT,
            label,
            SafeString("".join(parts)),
        )


def _svg_text(x, y, text, *, anchor="start", weight="normal"):
    return format_html(
        '<text x="{}" y="{}" font-size="12" font-family="DejaVu Sans, Verdana, sans-serif" text-anchor="{}" '
        'fill="#1d2327" font-weight="{}">{}</text>',
        f"{x:.1f}",
        y,
        anchor,
        weight,
        text,
    )


def build_timeline(*, actions, first: datetime.date, last: datetime.date, today: datetime.date) -> Timeline:
    """`actions` in plan order (with axis, pillar and lead loaded) on the months from `first` to `last`."""
    timeline = Timeline(first=first_of_month(first), last=first_of_month(last), today=today, groups=[])
    pillar, axis = None, None
    for action in actions:
        if action.axis.pillar_id != pillar:
            timeline.groups.append(Group(action.axis.pillar.name, 1))
            pillar, axis = action.axis.pillar_id, None
        if action.axis_id != axis:
            timeline.groups.append(Group(f"{_('Axe')} {action.axis.number} — {action.axis.name}", 2))
            axis = action.axis_id
        timeline.groups[-1].rows.append(
            TimelineRow(
                action=action,
                start=action.start_date,
                end=action.due_date,
                late=action.is_late(today),
                scale=timeline,
            )
        )
    return timeline
