"""Server-rendered SVG charts: bars, stacked bars and lines, with a title, a description and a data table.

The same SVG goes into the HTML pages and the PDF reports. Everything is drawn with presentation
attributes (no CSS, no script), so the pages' Content-Security-Policy holds and WeasyPrint draws them alike.
Text is at least 12 px at 100 % zoom and wraps instead of being cut; the palette (Okabe & Ito) stays
distinguishable for colour-blind readers, and every chart sits beside its data table (RGAA).

Why hand-written: pygal styles its SVG with an embedded <style> block and scripts, which our CSP refuses when
the SVG is inline (it would have to become an <img>, hiding its title and description from screen readers and
from the PDF's tags); matplotlib draws text as paths (not readable by assistive technologies) and weighs tens
of megabytes; leather, the closest fit, has not been maintained since 2018. The three chart kinds below need
about two hundred lines.
"""

import math
import textwrap
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

# Okabe & Ito: told apart with every common colour-vision deficiency; dark enough on white for text (≥ 3:1).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
INK, MUTED, GRID = "#1d2327", "#555b61", "#d5dbe0"
FONT = 12  # px: never smaller
WIDTH = 720
NARROW_WIDTH = 340  # drawn for phones (under 576 px), shown instead of the wide one by the stylesheet
NARROW_QUARTERS = 6  # the latest quarters a narrow chart keeps (all of them are in the data table)
LINE_HEIGHT = 15


@dataclass
class Series:
    name: str
    values: list
    color: str = ""


@dataclass
class Reference:
    """A horizontal line on a line chart: a baseline or a target."""

    label: str
    value: Decimal
    color: str = MUTED


@dataclass
class Chart:
    key: str
    title: str
    description: str
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    unit: str = ""
    maximum: Decimal | None = None
    kind: str = "bars"  # "bars", "stacked" or "lines"
    references: list[Reference] = field(default_factory=list)
    width: int = WIDTH
    small: bool = False  # one of several small charts side by side (small multiples)
    masks: dict[int, str] = field(default_factory=dict)  # categories not published: what the data table says instead

    @property
    def svg(self) -> SafeString:
        draw = {"bars": horizontal_bars, "stacked": stacked_bars, "lines": lines}[self.kind]
        return draw(self)

    @property
    def narrow(self) -> "Chart":
        """The same chart drawn for a phone: narrower labels; a line chart becomes horizontal bars of its latest
        quarters (fewer ticks, nothing off-screen), its references staying in the data table."""
        if self.kind != "lines":
            return replace(self, key=f"{self.key}-etroit", width=NARROW_WIDTH, small=False)
        keep = slice(-NARROW_QUARTERS, None)
        return replace(
            self,
            key=f"{self.key}-etroit",
            kind="bars",
            width=NARROW_WIDTH,
            small=False,
            categories=self.categories[keep],
            series=[replace(s, values=s.values[keep]) for s in self.series],
            references=[],
            masks={},
        )

    @property
    def whole(self) -> bool:
        """Counts (no unit, whole values): ticks and labels without decimals."""
        return not self.unit and all(
            v is None or Decimal(v) == Decimal(v).to_integral_value() for s in self.series for v in s.values
        )

    @property
    def table_rows(self):
        return [
            [c, *[self.masks[i] if i in self.masks else s.values[i] for s in self.series]]
            for i, c in enumerate(self.categories)
        ]

    @property
    def colored_series(self) -> list[Series]:
        return [Series(s.name, s.values, s.color or PALETTE[i % len(PALETTE)]) for i, s in enumerate(self.series)]


def fmt(value, unit: str = "") -> str:
    """A label on a chart: euros to the euro (24 610 €), other values to one decimal where they have one."""
    if value is None:
        return "—"
    value = Decimal(value)
    places = 0 if unit == "€" or value == value.to_integral_value() else 1
    text = number_format(value, places, force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(str(text), width=width, break_long_words=True) or [""]


def _text(x, y, text, *, anchor="start", size=FONT, color=INK, weight="normal"):
    return format_html(
        '<text x="{}" y="{}" font-size="{}" font-family="DejaVu Sans, Verdana, sans-serif" text-anchor="{}" '
        'fill="{}" font-weight="{}">{}</text>',
        f"{x:.1f}",
        f"{y:.1f}",
        size,
        anchor,
        color,
        weight,
        text,
    )


def _label_lines(x, y, lines, *, anchor="end"):
    """A wrapped label, its lines centred vertically on y."""
    top = y - (len(lines) - 1) * LINE_HEIGHT / 2
    return SafeString("".join(_text(x, top + i * LINE_HEIGHT, line, anchor=anchor) for i, line in enumerate(lines)))


def _legend(series: list[Series], width: int, left: int = 0) -> tuple[SafeString, int]:
    """Swatches and names, wrapping onto several rows when they do not fit: (svg, height)."""
    parts, x, y = [], left, 14
    for serie in series:
        span = 22 + len(serie.name) * 7 + 18
        if x + span > width and x > left:
            x, y = left, y + LINE_HEIGHT + 4
        parts.append(
            format_html('<rect x="{}" y="{}" width="12" height="12" fill="{}"></rect>', x, y - 11, serie.color)
        )
        parts.append(_text(x + 18, y, serie.name))
        x += span
    return SafeString("".join(parts)), y + 10


def _frame(chart: Chart, height: int, body) -> SafeString:
    ident = f"chart-{chart.key}"
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart{}" role="img" viewBox="0 0 {} {}" width="{}" '
        'height="{}" aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        "{}</svg>",
        " chart-small" if chart.small else "",
        chart.width,
        height,
        chart.width,
        height,
        ident,
        ident,
        ident,
        chart.title,
        ident,
        chart.description,
        body,
    )


def _nice_maximum(values: list[Decimal], maximum: Decimal | None, *, whole: bool = False) -> Decimal:
    if maximum:
        return Decimal(maximum)
    top = max(values, default=Decimal(0))
    if top <= 0:
        return Decimal(4) if whole else Decimal(1)
    if whole and top <= 20:
        return Decimal(math.ceil(top / 4) * 4)  # four ticks on whole numbers: 0, 1, 2, 3, 4 rather than 1,25
    magnitude = Decimal(10) ** int(math.floor(math.log10(float(top))))
    for step in (2, 4, 8, 10) if whole else (1, 2, 2.5, 5, 10):
        nice = magnitude * Decimal(str(step))
        if nice >= top:
            return nice
    return top


def _label_width(chart: Chart) -> int:
    return 230 if chart.width >= WIDTH else 110


def _label_chars(chart: Chart) -> int:
    return 30 if chart.width >= WIDTH else 14


def horizontal_bars(chart: Chart) -> SafeString:
    """Grouped horizontal bars, one group per category (its label wrapped), one bar per series."""
    series = chart.colored_series
    values = [Decimal(v) for s in series for v in s.values if v is not None]
    maximum = _nice_maximum(values, chart.maximum)
    label_width, wrap, bar = _label_width(chart), _label_chars(chart), 16
    legend, top = _legend(series, chart.width, label_width) if len(series) > 1 else (SafeString(""), 4)
    plot = chart.width - label_width - 90
    parts, y = [legend], top + 6
    for index, category in enumerate(chart.categories):
        lines = _wrap(category, wrap)
        group = max(len(series) * (bar + 2), len(lines) * LINE_HEIGHT) + 12
        parts.append(_label_lines(label_width - 8, y + group / 2 - 2, lines))
        for position, serie in enumerate(series):
            value = serie.values[index]
            length = 0 if value is None else max(float(Decimal(value) / maximum) * plot, 0)
            bar_y = y + (group - 12 - len(series) * (bar + 2)) / 2 + position * (bar + 2)
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} — {} : {}</title></rect>',
                    label_width,
                    f"{bar_y:.1f}",
                    f"{length:.1f}",
                    bar,
                    serie.color,
                    category,
                    serie.name,
                    fmt(value, chart.unit),
                )
            )
            parts.append(_text(label_width + length + 5, bar_y + bar - 3, fmt(value, chart.unit)))
        y += group
    return _frame(chart, int(y + 6), SafeString("".join(parts)))


def stacked_bars(chart: Chart) -> SafeString:
    """One horizontal bar per category, split by series (e.g. actions of each pillar by status)."""
    series = chart.colored_series
    totals = [sum((Decimal(s.values[i] or 0) for s in series), Decimal(0)) for i in range(len(chart.categories))]
    maximum = _nice_maximum(totals, chart.maximum)
    label_width, wrap, bar = _label_width(chart), _label_chars(chart), 22
    legend, top = _legend(series, chart.width, 0)
    plot = chart.width - label_width - 60
    parts, y = [legend], top + 8
    for index, category in enumerate(chart.categories):
        lines = _wrap(category, wrap)
        group = max(bar, len(lines) * LINE_HEIGHT) + 12
        bar_y = y + (group - 12 - bar) / 2
        parts.append(_label_lines(label_width - 8, bar_y + bar / 2 + 4, lines))
        x = float(label_width)
        for serie in series:
            value = Decimal(serie.values[index] or 0)
            length = float(value / maximum) * plot
            if length <= 0:
                continue
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff" stroke-width="1">'
                    "<title>{} — {} : {}</title></rect>",
                    f"{x:.1f}",
                    f"{bar_y:.1f}",
                    f"{length:.1f}",
                    bar,
                    serie.color,
                    category,
                    serie.name,
                    fmt(value, chart.unit),
                )
            )
            if length >= 22:
                parts.append(_text(x + length / 2, bar_y + bar - 6, fmt(value), anchor="middle", color="#ffffff"))
            x += length
        parts.append(_text(x + 6, bar_y + bar - 6, fmt(totals[index], chart.unit), weight="bold"))
        y += group
    return _frame(chart, int(y + 6), SafeString("".join(parts)))


def lines(chart: Chart) -> SafeString:
    """Values over the quarters, one line per series, with baseline and target lines and the last value labelled."""
    series = chart.colored_series
    values = [Decimal(v) for s in series for v in s.values if v is not None]
    values += [Decimal(r.value) for r in chart.references if r.value is not None]
    whole = chart.whole and all(Decimal(r.value) == Decimal(r.value).to_integral_value() for r in chart.references)
    maximum = _nice_maximum(values, chart.maximum, whole=whole)
    legend, top = _legend(series, chart.width, 0) if len(series) > 1 else (SafeString(""), 0)
    left, right, height = 52, 96, 190 if chart.small else 230
    plot_top, plot_bottom = top + 16, top + height
    plot_width = chart.width - left - right
    count = max(len(chart.categories), 1)
    step = plot_width / max(count - 1, 1)

    def x_at(i):
        return left + (i * step if count > 1 else plot_width / 2)

    def y_at(value):
        return plot_bottom - float(Decimal(value) / maximum) * (plot_bottom - plot_top)

    parts = [legend]
    for tick in range(0, 5):
        value = maximum * tick / 4
        y = y_at(value)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"></line>',
                left,
                f"{y:.1f}",
                left + plot_width,
                f"{y:.1f}",
                GRID,
            )
        )
        parts.append(_text(left - 6, y + 4, fmt(value), anchor="end", color=MUTED))
    label_span = max(len(c) for c in chart.categories) * 7.5 + 10 if chart.categories else 60
    labels_every = max(1, math.ceil(count / max(plot_width / label_span, 1)))
    for i, category in enumerate(chart.categories):
        last = i == count - 1
        clear_of_last = (count - 1 - i) * step >= label_span or count == 1
        if last or (i % labels_every == 0 and clear_of_last):
            parts.append(_text(x_at(i), plot_bottom + 18, category, anchor="middle", color=MUTED))
    for reference in chart.references:
        y = y_at(reference.value)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"></line>',
                left,
                f"{y:.1f}",
                left + plot_width,
                f"{y:.1f}",
                reference.color,
            )
        )
        label = f"{reference.label} {fmt(reference.value, chart.unit)}"
        parts.append(_text(left + plot_width + 6, y + 4, label, color=reference.color))
    for serie in series:
        points = [(x_at(i), y_at(v)) for i, v in enumerate(serie.values) if v is not None]
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"></polyline>',
                    " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                    serie.color,
                )
            )
        for i, value in enumerate(serie.values):
            if value is None:
                continue
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{} — {} : {}</title></circle>',
                    f"{x_at(i):.1f}",
                    f"{y_at(value):.1f}",
                    serie.color,
                    chart.categories[i],
                    serie.name,
                    fmt(value, chart.unit),
                )
            )
        last = next(((i, v) for i, v in reversed(list(enumerate(serie.values))) if v is not None), None)
        if last is not None:
            parts.append(
                _text(x_at(last[0]) + 8, y_at(last[1]) - 8, fmt(last[1], chart.unit), color=serie.color, weight="bold")
            )
    return _frame(chart, int(plot_bottom + 30), SafeString("".join(parts)))
