"""The SeNe "Modèle de suivi" table."""

from collections import defaultdict

from django.db.models import OuterRef, Subquery, Sum
from django.utils.translation import gettext as _

from indicators.models import Indicator, Measurement, format_value
from indicators.reports.base import (
    DATE,
    TEXT,
    Column,
    Report,
    Section,
    _actions,
    _sommaire,
)
from plans.enums import Competence
from plans.formats import euros
from plans.models import BudgetLine, Plan

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


def suivi_table(plan: Plan) -> Report:
    """The SeNe "Modèle de suivi": eight columns, one row per action, a group's name only on its first row."""
    actions = _actions(plan, None)
    latest = Measurement.objects.filter(indicator=OuterRef("pk")).order_by("-period__year", "-period__quarter")
    indicators = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(plan=plan)
        .exclude(action=None)
        .annotate(
            latest_number=Subquery(latest.values("value_number")[:1]),
            latest_text=Subquery(latest.values("value_text")[:1]),
            latest_period=Subquery(latest.values("period__quarter")[:1]),
            latest_year=Subquery(latest.values("period__year")[:1]),
        )  # fmt: skip
        .order_by("order", "pk")
    ):
        value = (
            format_value(indicator, indicator.latest_number, indicator.latest_text) if indicator.latest_year else ""
        )
        when = f" (T{indicator.latest_period} {indicator.latest_year})" if indicator.latest_year else ""
        indicators[indicator.action_id].append(
            f"{indicator.letter} : {indicator.label}" + (f" — {value}{when}" if value else "")
        )
    planned = {
        r["action"]: r["total"]
        for r in BudgetLine.objects.filter(plan=plan).values("action").annotate(total=Sum("planned_amount")).order_by()
    }
    rows, last_pillar, last_axis = [], None, None
    for action in actions:
        pillar, axis = action.axis.pillar, action.axis
        competence = str(Competence(action.competence).label) if action.competence else ""
        financing = "\n".join(
            x for x in [competence, action.financing_note, _("Budget prévu : %(a)s") % {"a": euros(planned[action.pk])}
                        if action.pk in planned else ""] if x
        )  # fmt: skip
        rows.append([
            pillar.name if pillar.pk != last_pillar else "",
            axis.name if axis.pk != last_axis else "",
            "\n".join(x for x in [action.field_of_intervention, action.target_groups] if x),
            "\n".join(x for x in [action.lead.name if action.lead else "", _sommaire(action)] if x),
            action.comments,
            financing,
            action.due_date,
            "\n".join(indicators.get(action.pk, [])),
        ])  # fmt: skip
        last_pillar, last_axis = pillar.pk, axis.pk
    widths = [22, 28, 34, 48, 30, 30, 12, 52]
    columns = [Column(h, DATE if h == "Echéances" else TEXT, w) for h, w in zip(SUIVI_HEADERS, widths, strict=True)]
    return Report(
        kind="suivi",
        title=_("Tableau de suivi"),
        subtitle=f"{plan.title} · {plan.territory.name}",
        plan=plan,
        filename_stem=f"plan-{plan.slug}-suivi",
        sections=[Section("suivi", _("Tableau de suivi"), columns, rows)],
    )
