"""The annual review for the funders."""

import datetime
from collections import defaultdict

from django.db.models import Sum
from django.utils.translation import gettext as _

from indicators.charts import Chart, Series
from indicators.enums import Unit
from indicators.models import DUE_QUARTERS, Indicator, Measurement, ProgressUpdate
from indicators.reports.base import (
    DATE,
    DECIMAL,
    INT,
    MONEY,
    PILLAR_COLUMNS,
    TEXT,
    ZERO,
    Column,
    Report,
    Section,
    _actions,
    _budget_chart,
    _headline_sections,
    _late,
    _number,
    _on_target,
    _pillar_chart,
    _pillar_rows,
    _plain,
    _state,
    _target_label,
    indicator_section,
)
from plans.enums import ActionStatus
from plans.formats import euros, percent
from plans.models import BudgetExecution, BudgetLine, Funding, Plan


def annual_review(plan: Plan, year: int) -> Report:
    """The yearly review for the funders: the four quarters, indicator trends and execution by funder."""
    periods = {p.quarter: p for p in plan.periods.filter(year=year)}
    last = periods[max(periods)] if periods else None
    reference = min(datetime.date.today(), datetime.date(year, 12, 31))
    actions = _actions(plan, last)
    updates = defaultdict(dict)
    for update in ProgressUpdate.objects.filter(action__plan=plan, period__year=year).select_related("period"):
        updates[update.action_id][update.period.quarter] = update
    indicators = list(
        Indicator.objects.filter(plan=plan).select_related("action__axis__pillar")
        .order_by("action__axis__pillar__order", "action__axis__number", "action__order", "order", "pk")
    )  # fmt: skip
    values = defaultdict(dict)
    for m in Measurement.objects.filter(indicator__plan=plan, period__year=year).select_related("period"):
        values[m.indicator_id][m.period.quarter] = m
    lines = BudgetLine.objects.filter(plan=plan, year=year)
    planned = {
        r["funder"]: r["planned"] for r in lines.values("funder").annotate(planned=Sum("planned_amount")).order_by()
    }
    spent = {
        r["line__funder"]: r
        for r in BudgetExecution.objects.filter(line__plan=plan, line__year=year).values("line__funder")
        .annotate(committed=Sum("committed"), paid=Sum("paid")).order_by()
    }  # fmt: skip
    per_quarter = {
        r["quarter"]: r["committed"]
        for r in BudgetExecution.objects.filter(line__plan=plan, line__year=year).values("quarter")
        .annotate(committed=Sum("committed")).order_by()
    }  # fmt: skip
    fundings = list(
        Funding.objects.filter(plan=plan, year=year).select_related("funder").prefetch_related("instalments")
    )
    granted = defaultdict(lambda: ZERO)
    received = defaultdict(lambda: ZERO)
    funders = {}
    for funding in fundings:
        granted[funding.funder_id] += funding.amount_granted
        received[funding.funder_id] += sum((i.amount for i in funding.instalments.all() if i.received_on), ZERO)
        funders[funding.funder_id] = funding.funder
    funder_ids = set(planned) | set(spent) | set(granted)
    funders |= {p.pk: p for p in plan.partners.filter(pk__in=funder_ids - set(funders))}

    action_rows, late_actions, status_counts = [], [], defaultdict(int)
    for action in actions:
        status, progress = _state(action)
        status_counts[status] += 1
        late = _late(action, status, reference)
        if late:
            late_actions.append(action)
        quarters = [
            f"{ActionStatus(u.status).label} {u.progress} %" if (u := updates[action.pk].get(q)) else "—"
            for q in range(1, 5)
        ]
        lead = action.lead.short_name if action.lead else ""
        action_rows.append([action.axis.pillar.name, action.title, lead, action.due_date, *quarters, progress,
                            _("oui") if late else _("non"), action.last_note or ""])  # fmt: skip
    on = off = 0
    indicator_rows = []
    for indicator in indicators:
        by_quarter = values[indicator.pk]
        cells = []
        for quarter in range(1, 5):
            m = by_quarter.get(quarter)
            if quarter not in DUE_QUARTERS[indicator.frequency]:
                cells.append(None)
            elif indicator.unit == Unit.TEXT:
                cells.append(m.value_text if m else None)
            else:
                cells.append(_number(indicator, m.value_number) if m else None)
        latest = next((by_quarter[q] for q in (4, 3, 2, 1) if q in by_quarter), None)
        reached = _on_target(indicator, latest.value_number if latest and indicator.unit != Unit.TEXT else None)
        on += reached is True
        off += reached is False
        indicator_rows.append([
            indicator.action.axis.pillar.name if indicator.action else _("Contexte"),
            indicator.action.title if indicator.action else "", indicator.letter, indicator.label,
            indicator.get_unit_display(), _number(indicator, indicator.baseline_value),
            _number(indicator, indicator.target_value), *cells, _target_label(reached),
        ])  # fmt: skip
    budget_rows = []
    for funder_id in sorted(funder_ids, key=lambda pk: funders[pk].name):
        row_spent = spent.get(funder_id, {})
        committed, paid = row_spent.get("committed") or ZERO, row_spent.get("paid") or ZERO
        budget_rows.append([funders[funder_id].short_name, planned.get(funder_id, ZERO), granted[funder_id],
                            committed, paid, received[funder_id], percent(committed, granted[funder_id])])  # fmt: skip
    total_committed = sum((r[3] for r in budget_rows), ZERO)
    q4_share = percent(per_quarter.get(4, ZERO), total_committed)
    unspent = [
        _("%(funder)s : %(left)s du financement %(year)s ne sont pas engagés.")
        % {"funder": r[0], "left": euros(r[2] - r[3]), "year": year}
        for r in budget_rows if r[2] > r[3]
    ]  # fmt: skip
    headline = [
        (_("Actions"), str(len(actions))),
        *[(_("Actions « %(s)s »") % {"s": ActionStatus(s).label}, str(status_counts.get(s, 0))) for s in ActionStatus],
        (_("Actions en retard"), str(len(late_actions))),
        (_("Indicateurs à la cible"), str(on)),
        (_("Indicateurs en deçà de la cible"), str(off)),
        (_("Financements accordés %(year)s") % {"year": year}, euros(sum(granted.values(), ZERO))),
        (_("Engagé en %(year)s") % {"year": year}, euros(total_committed)),
        (_("Part des engagements au T4"), q4_share),
    ]
    decisions = [_("Action en retard : %(title)s") % {"title": a.title} for a in late_actions] + unspent
    if total_committed and per_quarter.get(4, ZERO) * 2 > total_committed:
        decisions.append(
            _("Plus de la moitié des engagements de %(year)s tombent au T4 : régulariser le rythme.") % {"year": year}
        )
    report = Report(
        kind="annual",
        title=_("Bilan annuel %(year)s") % {"year": year},
        subtitle=f"{plan.title} · {plan.territory.name}",
        plan=plan,
        filename_stem=f"plan-{plan.slug}-bilan-{year}",
        headline=headline,
        decisions=decisions,
    )
    pace_chart = Chart(
        key="rythme", title=_("Engagements par trimestre en %(year)s") % {"year": year},
        description=_("Montants engagés chaque trimestre, en euros ; le tableau suivant donne les valeurs."),
        categories=[f"T{q}" for q in range(1, 5)],
        series=[Series(_("Engagé"), [per_quarter.get(q, ZERO) for q in range(1, 5)])], unit="€",
    )  # fmt: skip
    report.charts = ([_pillar_chart(actions)] if actions else []) + (
        [_budget_chart([[r[0], r[1], r[2], r[3], r[4]] for r in budget_rows]), pace_chart] if budget_rows else []
    )
    quarter_columns = [Column(f"T{q} {year}", TEXT, 16) for q in range(1, 5)]
    trends_section = indicator_section(
        "tendances",
        _("Indicateurs : valeurs de l'année"),
        [Column(_("Référence"), DECIMAL, 10), Column(_("Cible"), DECIMAL, 10),
         *[Column(f"T{q}", DECIMAL, 10) for q in range(1, 5)]],
        indicator_rows,
        lambda r: _("%(type)s · %(label)s : T1 %(q1)s · T2 %(q2)s · T3 %(q3)s · T4 %(q4)s (cible %(target)s) — %(ok)s")
        % {"type": r[2], "label": r[3], "q1": _plain(r[7]), "q2": _plain(r[8]), "q3": _plain(r[9]),
           "q4": _plain(r[10]), "target": _plain(r[6]), "ok": r[11]},
    )  # fmt: skip
    report.sections = [
        _headline_sections(headline),
        Section("piliers", _("Avancement par pilier et axe"), PILLAR_COLUMNS, _pillar_rows(actions, reference)),
        Section(
            "actions",
            _("Actions sur l'année"),
            [
                Column(_("Pilier"), width=28),
                Column(_("Action"), width=46),
                Column(_("Gestionnaire"), width=16),
                Column(_("Échéance"), DATE, 12),
                *quarter_columns,
                Column(_("Avancement (%)"), INT, 12),
                Column(_("En retard"), width=9),
                Column(_("Dernière note"), width=50),
            ],
            action_rows,
        ),  # fmt: skip
        trends_section,
        Section(
            "financeurs",
            _("Exécution par financeur"),
            [
                Column(_("Financeur"), width=36),
                Column(_("Prévu (€)"), MONEY, 14),
                Column(_("Accordé (€)"), MONEY, 14),
                Column(_("Engagé (€)"), MONEY, 14),
                Column(_("Payé (€)"), MONEY, 14),
                Column(_("Versé au plan (€)"), MONEY, 16),
                Column(_("Taux d'engagement"), TEXT, 12),
            ],
            budget_rows,
        ),  # fmt: skip
        Section(
            "rythme",
            _("Rythme d'engagement"),
            [Column(_("Trimestre"), width=12), Column(_("Engagé (€)"), MONEY, 16)],
            [[f"T{q} {year}", per_quarter.get(q, ZERO)] for q in range(1, 5)],
        ),  # fmt: skip
        Section("decisions", _("À décider"), [Column(_("Point à décider"), width=110)], [[d] for d in decisions]),
    ]
    return report
