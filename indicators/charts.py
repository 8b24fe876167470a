"""Server-rendered SVG charts: a title, a description and presentation attributes only.

The same SVG goes into the HTML preview and the PDF; every chart is shown beside a data table, so it
also reads without images (RGAA). No inline style: the pages' CSP forbids it.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

PALETTE = ["#14506b", "#b4561c", "#5b8c3a", "#7a4e9c", "#8a6d1f"]
WIDTH, LABEL_WIDTH, BAR_HEIGHT, GAP = 640, 210, 14, 10


@dataclass
class Series:
    name: str
    values: list
    color: str = ""


@dataclass
class Chart:
    key: str
    title: str
    description: str
    categories: list[str]
    series: list[Series] = field(default_factory=list)
    unit: str = ""
    maximum: Decimal | None = None

    @property
    def svg(self) -> SafeString:
        return horizontal_bars(self)

    @property
    def table_rows(self):
        return [[c, *[s.values[i] for s in self.series]] for i, c in enumerate(self.categories)]


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    places = 0 if Decimal(value) == Decimal(value).to_integral_value() else 1
    text = number_format(Decimal(value), places, force_grouping=True)
    return f"{text}\u00a0{unit}" if unit else text


def horizontal_bars(chart: Chart) -> SafeString:
    """Grouped horizontal bars, one group per category, one bar per series."""
    series = [Series(s.name, s.values, s.color or PALETTE[i % len(PALETTE)]) for i, s in enumerate(chart.series)]
    values = [Decimal(v) for s in series for v in s.values if v is not None]
    maximum = Decimal(chart.maximum) if chart.maximum else (max(values) if values else Decimal(1)) or Decimal(1)
    group = len(series) * BAR_HEIGHT + GAP
    legend_height = 22
    height = legend_height + max(1, len(chart.categories)) * group + 10
    plot = WIDTH - LABEL_WIDTH - 70
    ident = f"chart-{chart.key}"
    bars = []
    for index, category in enumerate(chart.categories):
        top = legend_height + index * group
        bars.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#1d2327">{}</text>',
                LABEL_WIDTH - 6,
                top + len(series) * BAR_HEIGHT / 2 + 4,
                category[:32] + ("…" if len(category) > 32 else ""),
            )
        )
        for position, serie in enumerate(series):
            value = serie.values[index]
            length = 0 if value is None else float(Decimal(value) / maximum) * plot
            y = top + position * BAR_HEIGHT
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{} — {} : {}</title></rect>'
                    '<text x="{}" y="{}" font-size="10" fill="#1d2327">{}</text>',
                    LABEL_WIDTH,
                    y + 1,
                    f"{max(length, 0):.1f}",
                    BAR_HEIGHT - 2,
                    serie.color,
                    category,
                    serie.name,
                    _fmt(value, chart.unit),
                    f"{LABEL_WIDTH + max(length, 0) + 4:.1f}",
                    y + BAR_HEIGHT - 3,
                    _fmt(value, chart.unit),
                )  # fmt: skip
            )
    legend = format_html_join(
        "",
        '<rect x="{}" y="4" width="10" height="10" fill="{}"></rect>'
        '<text x="{}" y="13" font-size="11" fill="#1d2327">{}</text>',
        ((LABEL_WIDTH + i * 150, s.color, LABEL_WIDTH + i * 150 + 14, s.name) for i, s in enumerate(series)),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {} {}" width="{}" height="{}" '
        'aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        WIDTH, height, WIDTH, height, ident, ident, ident, chart.title, ident, chart.description, legend,
        SafeString("".join(bars)),
    )  # fmt: skip
