"""The steering committee's quarterly report."""

import datetime
from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from indicators.enums import Unit
from indicators.models import Indicator, Measurement
from indicators.reports.base import (
    BUDGET_COLUMNS,
    DATE,
    DECIMAL,
    INT,
    PILLAR_COLUMNS,
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
    _shown,
    _state,
    _target_label,
    indicator_section,
)
from plans.enums import ActionStatus
from plans.formats import euros
from plans.models import Plan, ReportingPeriod
from plans.selectors import budget_summary


def quarter_report(plan: Plan, period: ReportingPeriod) -> Report:
    """The steering committee's quarterly report."""
    reference = min(datetime.date.today(), period.end)
    actions = _actions(plan, period)
    previous = (
        Measurement.objects.filter(indicator=OuterRef("pk"))
        .filter(Q(period__year__lt=period.year) | Q(period__year=period.year, period__quarter__lt=period.quarter))
        .order_by("-period__year", "-period__quarter")
    )
    current = Measurement.objects.filter(indicator=OuterRef("pk"), period=period)
    indicators = list(
        Indicator.objects.filter(plan=plan)
        .due_in(period.quarter)
        .select_related("action__axis__pillar")
        .annotate(
            value=Subquery(current.values("value_number")[:1]),
            value_text=Subquery(current.values("value_text")[:1]),
            has_value=Subquery(current.values("pk")[:1]),
            previous=Subquery(previous.values("value_number")[:1]),
            previous_text=Subquery(previous.values("value_text")[:1]),
        )
        .order_by("action__axis__pillar__order", "action__axis__number", "action__order", "order", "pk")
    )
    summary = budget_summary(plan, today=period.end)

    status_counts = defaultdict(int)
    action_rows, late_actions = [], []
    for action in actions:
        status, progress = _state(action)
        late = _late(action, status, reference)
        status_counts[status] += 1
        if late:
            late_actions.append(action)
        action_rows.append([
            action.axis.pillar.name, f"{action.axis.number}", action.title,
            action.lead.short_name if action.lead else "", action.due_date, ActionStatus(status).label, progress,
            _("oui") if late else _("non"), action.last_note or "", action.last_blockers or "",
        ])  # fmt: skip
    on, off, missing = 0, 0, []
    indicator_rows = []
    for indicator in indicators:
        value = indicator.value if indicator.unit != Unit.TEXT else None
        reached = _on_target(indicator, value)
        on += reached is True
        off += reached is False
        if not indicator.has_value:
            missing.append(indicator)
        where = indicator.action
        indicator_rows.append([
            where.axis.pillar.name if where else _("Contexte"), where.title if where else "",
            indicator.letter, indicator.label, indicator.get_unit_display(),
            _number(indicator, indicator.target_value),
            _shown(indicator, indicator.value, indicator.value_text),
            _shown(indicator, indicator.previous, indicator.previous_text),
            _target_label(reached),
        ])  # fmt: skip
    budget_rows = [
        [row["funder"].short_name, row["money"].planned, row["money"].granted, row["money"].committed,
         row["money"].paid, row["share"]]
        for row in summary.by_funder
    ]  # fmt: skip
    totals = summary.totals
    headline = [
        (_("Actions"), str(len(actions))),
        *[(_("Actions « %(s)s »") % {"s": ActionStatus(s).label}, str(status_counts.get(s, 0))) for s in ActionStatus],
        (_("Actions en retard"), str(len(late_actions))),
        (_("Indicateurs attendus ce trimestre"), str(len(indicators))),
        (_("Indicateurs à la cible"), str(on)),
        (_("Indicateurs en deçà de la cible"), str(off)),
        (_("Valeurs manquantes"), str(len(missing))),
        (_("Budget prévu"), euros(totals.planned)),
        (_("Budget engagé"), f"{euros(totals.committed)} ({totals.committed_rate})"),
        (_("Budget payé"), f"{euros(totals.paid)} ({totals.paid_rate})"),
    ]
    decisions = [
        _("Action en retard : %(title)s (échéance %(due)s, %(lead)s)")
        % {"title": a.title, "due": date_format(a.due_date, "SHORT_DATE_FORMAT"),
           "lead": a.lead.short_name if a.lead else _("gestionnaire à désigner")}
        for a in late_actions
    ] + [
        _("Valeur manquante : %(label)s%(action)s")
        % {"label": i.label, "action": f" — {i.action.title}" if i.action else ""}
        for i in missing
    ] + list(summary.warnings)  # fmt: skip
    report = Report(
        kind="quarter",
        title=_("Rapport trimestriel — %(period)s") % {"period": period.label},
        subtitle=f"{plan.title} · {plan.territory.name}",
        plan=plan,
        filename_stem=f"plan-{plan.slug}-T{period.quarter}-{period.year}",
        headline=headline,
        decisions=decisions,
    )
    report.charts = [_pillar_chart(actions), _budget_chart(budget_rows)] if actions else []
    indicators_section = indicator_section(
        "indicateurs",
        _("Indicateurs"),
        [Column(_("Cible"), DECIMAL, 10), Column(_("Valeur"), DECIMAL, 10), Column(_("Précédente"), DECIMAL, 10)],
        indicator_rows,
        lambda r: _("%(type)s · %(label)s : %(value)s (cible %(target)s, précédente %(previous)s) — %(reached)s")
        % {"type": r[2], "label": r[3], "value": _plain(r[6]), "target": _plain(r[5]), "previous": _plain(r[7]),
           "reached": r[8]},
    )  # fmt: skip
    report.sections = [
        _headline_sections(headline),
        Section("piliers", _("Avancement par pilier et axe"), PILLAR_COLUMNS, _pillar_rows(actions, reference)),
        Section(
            "actions",
            _("Actions"),
            [
                Column(_("Pilier"), width=28),
                Column(_("Axe"), width=6),
                Column(_("Action"), width=48),
                Column(_("Gestionnaire"), width=16),
                Column(_("Échéance"), DATE, 12),
                Column(_("Statut"), width=12),
                Column(_("Avancement (%)"), INT, 12),
                Column(_("En retard"), width=9),
                Column(_("Dernière note"), width=50),
                Column(_("Ce qui bloque"), width=40),
            ],
            action_rows,
        ),  # fmt: skip
        indicators_section,
        Section("budget", _("Exécution budgétaire"), BUDGET_COLUMNS, budget_rows),
        Section("decisions", _("À décider"), [Column(_("Point à décider"), width=110)], [[d] for d in decisions]),
    ]
    return report
