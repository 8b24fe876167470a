"""Values broken down by group: an indicator counted by age band, sex, neighbourhood, type of structure…

The plan keeps its list of breakdowns (Dimension) and their categories; a count or an amount may be broken down
along one or two of them (Indicator.breakdown, breakdown_second). Each quarter's value then holds one part per
category, or per pair of categories (Measurement.parts, keyed "<id>" or "<id>-<id>", never by position); the
total is their sum, or, when typed too, must equal it.

Published figures (reports, open data, shared dashboards) never show a group of fewer than five people: a count
of 1 to 4 reads "< 5", and when a single part of a row is hidden, the next smallest is hidden too ("masqué"),
so that it cannot be worked out from the total.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Max, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from core.inputs import clean_text
from indicators import perms
from indicators.charts import Chart, Series
from indicators.enums import Unit
from indicators.models import Category, Dimension, Indicator, Measurement, format_value
from indicators.opendata import BREAKDOWNS, OpenData
from indicators.reports.base import DECIMAL, Column, Section
from partners.models import User
from plans import services as plan_services
from plans.models import Plan

SMALL = 5  # a count under this may single out a person
HIDDEN = "< 5"
MAX_CATEGORIES = 30
MAX_CELLS = 120  # categories of the first × of the second

# What a plan is offered to start with; each is then the plan's own, to rename, complete or retire.
PRESETS = [
    (
        _lazy("Tranche d'âge"),
        [_lazy("Moins de 18 ans"), _lazy("18-25 ans"), _lazy("26-59 ans"), _lazy("60 ans et plus")],
    ),
    (_lazy("Sexe"), [_lazy("Femmes"), _lazy("Hommes"), _lazy("Non renseigné")]),
    (
        _lazy("Type de structure"),
        [
            _lazy("Établissement scolaire"),
            _lazy("Structure médico-sociale"),
            _lazy("Association"),
            _lazy("Entreprise"),
            _lazy("Autre"),
        ],
    ),
    (
        _lazy("Substance"),
        [
            _lazy("Alcool"),
            _lazy("Tabac"),
            _lazy("Cannabis"),
            _lazy("Cocaïne, crack"),
            _lazy("Opioïdes"),
            _lazy("Autres"),
        ],
    ),
]


def part_key(first: int, second: int | None = None) -> str:
    return f"{first}-{second}" if second is not None else str(first)


@dataclass
class Grid:
    """An indicator's breakdown: the categories to fill (rows × columns; one column when it has one dimension)."""

    first: Dimension
    second: Dimension | None
    rows: list[Category]
    columns: list  # Category, or [None]

    def cells(self) -> list[str]:
        return [part_key(row.pk, column.pk if column else None) for row in self.rows for column in self.columns]

    def label(self, key: str) -> str:
        names = {str(c.pk): c.label for c in [*self.rows, *(c for c in self.columns if c)]}
        return " × ".join(names.get(part, "?") for part in key.split("-"))

    @property
    def title(self) -> str:
        return f"{self.first.name} × {self.second.name}" if self.second else self.first.name


def plan_dimensions(plan: Plan) -> dict[int, Dimension]:
    """The plan's breakdowns with their categories (`every`: retired ones too), in one query (a breakdown always
    has categories: the services keep two at least)."""
    dimensions: dict[int, Dimension] = {}
    categories = Category.objects.filter(dimension__plan=plan).select_related("dimension")
    for category in categories.order_by("dimension__order", "dimension_id", "order", "pk"):
        dimension = dimensions.setdefault(category.dimension_id, category.dimension)
        if not hasattr(dimension, "every"):
            dimension.every = []
        dimension.every.append(category)
        category.dimension = dimension
    return dimensions


def _offered(dimension: Dimension, used: set[str]) -> list[Category]:
    return [c for c in dimension.every if not c.retired or str(c.pk) in used]


def grid_for(indicator: Indicator, dimensions: dict[int, Dimension], parts: dict | None = None) -> Grid | None:
    """The cells of an indicator's breakdown: active categories, and retired ones that hold a value."""
    if indicator.breakdown_id is None or indicator.breakdown_id not in dimensions:
        return None
    used = {piece for key in (parts or {}) for piece in key.split("-")}
    first = dimensions[indicator.breakdown_id]
    second = dimensions.get(indicator.breakdown_second_id) if indicator.breakdown_second_id else None
    return Grid(first, second, _offered(first, used), _offered(second, used) if second else [None])


def attach_grids(plan: Plan, indicators, measurements: dict | None = None) -> None:
    """Set `indicator.grid` on each (None when not broken down): no query when none is."""
    if not any(indicator.breakdown_id for indicator in indicators):
        for indicator in indicators:
            indicator.grid = None
        return
    dimensions = plan_dimensions(plan)
    measurements = measurements or {}
    for indicator in indicators:
        measurement = measurements.get(indicator.pk)
        indicator.grid = grid_for(indicator, dimensions, measurement.parts if measurement else None)


def check_parts(indicator: Indicator, grid: Grid | None, number, parts: dict) -> tuple:
    """The value's total and parts once checked: every part on a category of the indicator's breakdown, the
    total their sum (computed when left empty). ValidationError on "value_number" otherwise."""
    parts = {key: value for key, value in (parts or {}).items() if value is not None}
    if not parts:
        return number, {}
    if grid is None:
        raise ValidationError({"value_number": _("Cet indicateur n'est pas ventilé : saisissez seulement le total.")})
    known = set(grid.cells())
    if unknown := [key for key in parts if key not in known]:
        raise ValidationError(
            {
                "value_number": ngettext(
                    "%(n)s catégorie envoyée n'existe plus : rechargez la page.",
                    "%(n)s catégories envoyées n'existent plus : rechargez la page.",
                    len(unknown),
                )
                % {"n": len(unknown)}
            },
            code="categories",
        )
    total = sum(parts.values(), Decimal(0))
    if number is None:
        number = total
    elif number != total:
        raise ValidationError(
            {
                "value_number": _(
                    "Les parts font %(sum)s, pas %(total)s : corrigez une part ou le total, ou videz le total pour "
                    "qu'il soit calculé."
                )
                % {"sum": format_value(indicator, total, ""), "total": format_value(indicator, number, "")}
            },
            code="parts_sum",
        )
    return number, {key: f"{value.normalize():f}" for key, value in parts.items()}


def as_numbers(parts: dict) -> dict[str, Decimal]:
    numbers = {}
    for key, value in (parts or {}).items():
        try:
            numbers[key] = Decimal(str(value))
        except InvalidOperation:
            continue
    return numbers


def masked(values: dict[str, Decimal | None], *, unit: str) -> dict[str, str | None]:
    """For publication: counts of 1 to 4 as "< 5", and, when any is hidden, the smallest other count as "masqué"
    too: with the total published beside them, hidden small counts alone would be the total minus what is shown
    (two "< 5" beside 30 and 20 of 52 are 1 and 1). Amounts in euros are not about people: shown as they are
    (None: show the number)."""
    shown = dict.fromkeys(values)
    if unit != Unit.COUNT:
        return shown
    small = [key for key, value in values.items() if value is not None and 0 < value < SMALL]
    for key in small:
        shown[key] = HIDDEN
    if small:
        others = sorted((value, key) for key, value in values.items() if value and key not in small)
        if others:
            shown[others[0][1]] = str(_("masqué"))
    return shown


def total_masked(grid: Grid, numbers: dict[str, Decimal], hidden: dict[str, str | None]) -> str | None:
    """What a published total of broken-down counts says instead of its number, or None to show it: "< 5" when it
    is small itself, "masqué" when its hidden parts (`hidden`, from grid_masked) are all small counts with nothing
    else to hide them among (the total minus the parts shown would give them back)."""
    total = sum((numbers.get(key) or Decimal(0) for key in grid.cells()), Decimal(0))
    if 0 < total < SMALL:
        return HIDDEN
    if HIDDEN in hidden.values() and str(_("masqué")) not in hidden.values():
        return str(_("masqué"))
    return None


def grid_masked(grid: Grid, numbers: dict[str, Decimal], *, unit: str) -> dict[str, str | None]:
    """masked() along each line of the grid: the column of a single breakdown, each row and each column of a
    crossed one (so that no hidden count is the difference between a line's total and its other cells)."""
    hidden: dict[str, str | None] = dict.fromkeys(grid.cells())
    columns = [column.pk if column else None for column in grid.columns]
    lines = [[part_key(row.pk, column) for column in columns] for row in grid.rows]  # rows
    if grid.second is None:
        lines = [[line[0] for line in lines]]  # one column: the whole breakdown is one line
    else:
        lines += [[part_key(row.pk, column) for row in grid.rows] for column in columns]
    for line in lines:
        for key, shown in masked({key: numbers.get(key) for key in line}, unit=unit).items():
            hidden[key] = hidden[key] or shown
    return hidden


@dataclass
class Table:
    """A breakdown as a small table: the row categories, the column categories (or one "value" column), cells."""

    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    chart: list[tuple[str, Decimal | None]] = field(default_factory=list)  # (label, value) for a bar chart
    total_hidden: str | None = None  # published: what the value's total says instead of its number (total_masked)
    chart_masks: dict[int, str] = field(default_factory=dict)  # a hidden bar (by its index): what its table says


def breakdown_table(indicator: Indicator, grid: Grid, parts: dict, *, publish: bool) -> Table:
    """The parts of a value as a table; `publish`: small counts masked (reports, open data, shared links)."""
    numbers = as_numbers(parts)
    table = Table(grid.title, [c.label for c in grid.columns] if grid.second else [str(_("Valeur"))])
    hidden = grid_masked(grid, numbers, unit=indicator.unit) if publish else {}
    if publish and indicator.unit == Unit.COUNT:
        table.total_hidden = total_masked(grid, numbers, hidden)
    for row in grid.rows:
        keys = [part_key(row.pk, column.pk if column else None) for column in grid.columns]
        cells = [hidden.get(key) or format_value(indicator, numbers.get(key), "") for key in keys]
        table.rows.append((row.label, cells))
        total = sum((numbers.get(key) or Decimal(0) for key in keys), Decimal(0))
        row_hidden = (
            publish and indicator.unit == Unit.COUNT and (any(hidden.get(key) for key in keys) or 0 < total < SMALL)
        )
        table.chart.append((row.label, None if row_hidden else total))
        if row_hidden:  # the data table says why the bar is missing, as the caption does
            small = 0 < total < SMALL or any(hidden.get(key) == HIDDEN for key in keys)
            table.chart_masks[len(table.chart) - 1] = HIDDEN if small else str(_("masqué"))
    return table


def open_records(indicator: Indicator, grid: Grid, parts: dict) -> list[dict]:
    """One open-data row per category (or pair), small counts masked."""
    numbers = as_numbers(parts)
    keys = grid.cells()
    hidden = grid_masked(grid, numbers, unit=indicator.unit)
    names = {str(c.pk): c.label for c in [*grid.rows, *(c for c in grid.columns if c)]}
    records = []
    for key in keys:
        first, _sep, second = key.partition("-")
        records.append(
            {
                "dimension": grid.first.name,
                "category": names.get(first, ""),
                "dimension_2": grid.second.name if grid.second else "",
                "category_2": names.get(second, "") if second else "",
                "value": "" if hidden.get(key) else numbers.get(key),
                "masked": hidden.get(key) or "",
            }
        )
    return records


# --- Services: the plan's list of breakdowns -------------------------------------------------------------------


def _check(by: User, plan: Plan) -> None:
    if not perms.can_define_indicators(by, plan):
        raise PermissionDenied


def _labels(lines) -> list[str]:
    seen, labels = set(), []
    for line in lines:
        label = clean_text(str(line)).strip()
        if label and label.casefold() not in seen:
            seen.add(label.casefold())
            labels.append(label)
    return labels


def _too_long(labels: list[str], field: str) -> None:
    if any(len(label) > 80 for label in labels):
        raise ValidationError({field: _("Une catégorie compte au plus 80 caractères.")})


@transaction.atomic
def dimension_create(*, plan: Plan, by: User, name: str, categories) -> Dimension:
    _check(by, plan)
    labels = _labels(categories)
    if len(labels) < 2:
        raise ValidationError({"categories": _("Donnez au moins deux catégories, une par ligne.")})
    if len(labels) > MAX_CATEGORIES:
        raise ValidationError({"categories": _("%(n)s catégories au plus.") % {"n": MAX_CATEGORIES}})
    _too_long(labels, "categories")
    order = (Dimension.objects.filter(plan=plan).aggregate(m=Max("order"))["m"] or 0) + 1
    dimension = Dimension(plan=plan, name=name, order=order)
    dimension.full_clean(validate_constraints=False)
    if Dimension.objects.filter(plan=plan, name__iexact=dimension.name).exists():
        raise ValidationError({"name": _("Le plan a déjà une ventilation de ce nom.")})
    dimension._history_user = by
    dimension.save()
    for index, label in enumerate(labels, start=1):
        category = Category(dimension=dimension, label=label, order=index)
        category._history_user = by
        category.save()
    return dimension


def presets_add(*, plan: Plan, by: User) -> list[Dimension]:
    """The usual breakdowns the plan does not have yet (by name)."""
    _check(by, plan)
    existing = {name.casefold() for name in Dimension.objects.filter(plan=plan).values_list("name", flat=True)}
    return [
        dimension_create(plan=plan, by=by, name=str(name), categories=[str(c) for c in categories])
        for name, categories in PRESETS
        if str(name).casefold() not in existing
    ]


def used_categories(dimension: Dimension, *, periods=None) -> dict[int, int]:
    """{category id: how many values hold a part on it}, over every indicator using the breakdown (in `periods`
    only, when given)."""
    counts: dict[int, int] = {}
    rows = (
        Measurement.objects.filter(Q(indicator__breakdown=dimension) | Q(indicator__breakdown_second=dimension))
        .exclude(parts={})
        .values_list("parts", "indicator__breakdown_id")
    )
    if periods is not None:
        rows = rows.filter(period__in=list(periods))
    for parts, first in rows.order_by():
        position = 0 if first == dimension.pk else 1
        for key in {key.split("-")[position] for key in parts if len(key.split("-")) > position}:
            if key.isdigit():
                counts[int(key)] = counts.get(int(key), 0) + 1
    return counts


@transaction.atomic
def dimension_update(*, dimension: Dimension, by: User, name: str, categories: dict, added) -> Dimension:
    """Rename the breakdown; `categories`: {category id: {"label", "retired", "delete"}} (keyed by id); `added`:
    new labels. A category that holds values is never deleted: it can be retired (no longer offered)."""
    _check(by, dimension.plan)
    dimension = Dimension.objects.select_for_update().get(pk=dimension.pk)
    dimension.name = name
    dimension.full_clean(validate_constraints=False)
    if Dimension.objects.filter(plan=dimension.plan_id, name__iexact=dimension.name).exclude(pk=dimension.pk).exists():
        raise ValidationError({"name": _("Le plan a déjà une ventilation de ce nom.")})
    dimension._history_user = by
    dimension.save()
    existing = {c.pk: c for c in dimension.categories.all()}
    if unknown := set(categories) - set(existing):
        raise ValidationError(
            ngettext(
                "%(n)s catégorie n'existe plus : rechargez la page.",
                "%(n)s catégories n'existent plus : rechargez la page.",
                len(unknown),
            )
            % {"n": len(unknown)}
        )
    used = used_categories(dimension)
    # What a closed quarter published under a category's name keeps that name (reports, open data).
    published = used_categories(dimension, periods=plan_services.closed_quarters(dimension.plan).values())
    labels = _labels(added)
    _too_long(labels, "added")
    kept = [
        clean_text(categories.get(pk, {}).get("label", category.label)).strip()
        for pk, category in existing.items()
        if not categories.get(pk, {}).get("delete")
    ]
    folded = [label.casefold() for label in kept + labels]
    if len(folded) != len(set(folded)):
        raise ValidationError({"added": _("Deux catégories portent le même nom : renommez l'une d'elles.")})
    errors, relabelled, renamed = {}, [], []
    for pk, change in categories.items():
        category = existing[pk]
        if change.get("delete"):
            if used.get(pk):
                errors[f"c-{pk}-delete"] = ngettext(
                    "« %(label)s » porte %(n)s valeur : elle ne peut pas être supprimée. Décochez « proposée » "
                    "pour ne plus la proposer à la saisie ; sa valeur reste.",
                    "« %(label)s » porte %(n)s valeurs : elle ne peut pas être supprimée. Décochez « proposée » "
                    "pour ne plus la proposer à la saisie ; ses valeurs restent.",
                    used[pk],
                ) % {"label": category.label, "n": used[pk]}
                continue
            category._history_user = by
            category.delete()
            existing.pop(pk)
            continue
        label = clean_text(change.get("label", category.label)).strip()
        if label != category.label and published.get(pk):
            errors[f"c-{pk}-label"] = _(
                "« %(label)s » porte des valeurs de trimestres clos, publiées sous ce nom : il ne change plus. "
                "Décochez « proposée » et ajoutez une nouvelle catégorie."
            ) % {"label": category.label}
            continue
        if label != category.label:
            renamed.append(category.pk)
        category.label, category.retired = label, bool(change.get("retired"))
        if not category.label:
            errors[f"c-{pk}-label"] = _("Donnez un nom à la catégorie, ou supprimez-la.")
            continue
        if len(category.label) > 80:
            errors[f"c-{pk}-label"] = _("Une catégorie compte au plus 80 caractères.")
            continue
        relabelled.append(category)
    # Saved in two steps, so that two categories may swap their names in one save (each name is unique).
    Category.objects.filter(pk__in=renamed).update(label=Concat(Value("\u2060"), Cast("pk", CharField())))
    for category in relabelled:
        category._history_user = by
        category.save()
    order = max([c.order for c in existing.values()], default=0)
    for label in labels:
        order += 1
        category = Category(dimension=dimension, label=label, order=order)
        category._history_user = by
        category.save()
    active = [c for c in dimension.categories.all() if not c.retired]
    if not errors and len(active) < 2:
        errors["added"] = _("Gardez au moins deux catégories proposées.")
    if not errors and dimension.categories.count() > MAX_CATEGORIES:
        errors["added"] = _("%(n)s catégories au plus.") % {"n": MAX_CATEGORIES}
    if errors:
        raise ValidationError(errors)
    return dimension


@transaction.atomic
def dimension_delete(*, dimension: Dimension, by: User) -> None:
    _check(by, dimension.plan)
    users = Indicator.objects.filter(Q(breakdown=dimension) | Q(breakdown_second=dimension))
    if count := users.count():
        raise ValidationError(
            ngettext(
                "%(n)s indicateur est ventilé ainsi : retirez-lui cette ventilation avant de la supprimer.",
                "%(n)s indicateurs sont ventilés ainsi : retirez-leur cette ventilation avant de la supprimer.",
                count,
            )
            % {"n": count}
        )
    dimension._history_user = by
    try:
        dimension.delete()
    except IntegrityError as error:  # an indicator took it meanwhile
        raise ValidationError(_("Cette ventilation est utilisée : rechargez la page.")) from error


# --- In reports -----------------------------------------------------------------------------------------------


@dataclass
class Broken:
    """A broken-down value of a report's quarter, with its published table."""

    indicator: Indicator
    grid: Grid
    parts: dict
    table: Table


def period_breakdowns(plan: Plan, period, indicators) -> list[Broken]:
    """The broken-down values of these indicators in a quarter, tables masked for publication: no query when
    none is broken down, three otherwise."""
    broken = [indicator for indicator in indicators if indicator.breakdown_id]
    if not broken:
        return []
    values = dict(
        Measurement.objects.filter(period=period, indicator__in=broken)
        .exclude(parts={})
        .order_by()
        .values_list("indicator_id", "parts")
    )
    if not values:
        return []
    dimensions = plan_dimensions(plan)
    items = []
    for indicator in broken:
        parts = values.get(indicator.pk)
        grid = grid_for(indicator, dimensions, parts) if parts else None
        if grid is not None:
            items.append(Broken(indicator, grid, parts, breakdown_table(indicator, grid, parts, publish=True)))
    return items


def breakdown_section(items: list[Broken], period) -> Section:
    """One row per category for spreadsheets and open data; for reading, each indicator's parts on one line."""
    columns = [
        Column(_("Action"), width=40),
        Column(_("Indicateur"), width=40),
        Column(_("Ventilation"), width=18),
        Column(_("Catégorie"), width=20),
        Column(_("Croisée avec"), width=20),
        Column(_("Valeur"), DECIMAL, 10),
    ]
    rows, records = [], []
    for item in items:
        indicator = item.indicator
        action = indicator.action.title if indicator.action_id else _("Contexte")
        for record in open_records(indicator, item.grid, item.parts):
            shown = record["masked"] or record["value"]
            category_2 = record["category_2"]
            rows.append([action, indicator.label, item.grid.title, record["category"], category_2, shown])
            records.append(
                {
                    "indicator_id": indicator.pk,
                    "action_id": indicator.action_id,
                    "label": indicator.label,
                    "unit": indicator.unit,
                    "period": f"{period.year}-T{period.quarter}",
                    **record,
                }
            )
    section = Section(
        "ventilations",
        _("Valeurs ventilées"),
        columns,
        rows,
        intro=_("Un groupe de moins de 5 personnes est affiché « < 5 »."),
        group_columns=(0, 1),
    )
    section.print_columns = [Column(_("Action"), width=30), Column(_("Indicateur"), width=30), Column(_("Parts"))]
    section.print_rows = [
        [
            item.indicator.action.title if item.indicator.action_id else _("Contexte"),
            f"{item.indicator.label} ({item.grid.title})",
            "\n".join(f"{label} : {' · '.join(cells)}" for label, cells in item.table.rows),
        ]
        for item in items
    ]
    section.open_data = OpenData(BREAKDOWNS, records)
    return section


def breakdown_chart(item: Broken, *, key: str = "ventilation"):
    """The parts as horizontal bars, one per row category (masked ones left out of the bars, said in the table)."""
    return Chart(
        key=f"{key}-{item.indicator.pk}",
        kind="bars",
        small=True,
        width=380,
        title=f"{item.indicator.label} — {item.grid.first.name}",
        description=_("La valeur du trimestre par catégorie ; un groupe de moins de 5 personnes n'est pas montré."),
        categories=[label for label, _value in item.table.chart],
        series=[Series(_("Valeur"), [value for _label, value in item.table.chart])],
        unit="€" if item.indicator.unit == Unit.EUROS else "",
        masks=item.table.chart_masks,
    )
