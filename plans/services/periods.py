"""Quarters: created with the plan, locked while a write checks them, and what a closed quarter holds kept intact.

Every write that could change what a closed quarter reports (values, progress updates, committed and paid
amounts, instalments received) first locks the plan's quarters with `periods_locked`, then checks which are
closed: closing a quarter locks its row too, so a close can never slip between the check and the write.
Writers lock quarters before any other row, always in id order, so that two writers cannot deadlock.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from plans import hooks
from plans.models import BudgetExecution, Plan, ReportingPeriod


def periods_locked(plan: Plan) -> list[ReportingPeriod]:
    """Every quarter of the plan, locked until the end of the transaction, in calendar order."""
    periods = list(ReportingPeriod.objects.select_for_update().filter(plan=plan).order_by("pk"))
    return sorted(periods, key=lambda p: (p.year, p.quarter))


def closed_quarters(plan: Plan) -> dict[tuple[int, int], ReportingPeriod]:
    """The closed quarters of the plan by (year, quarter), read under lock."""
    return {(p.year, p.quarter): p for p in periods_locked(plan) if p.is_closed}


def quarter_list(labels: Iterable[str]) -> str:
    """'T1 2026', 'T1 2026 et T2 2026', 'T1 2026, T2 2026 et T3 2026'."""
    labels = list(labels)
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s et %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def closed_data_error(
    periods: Iterable[ReportingPeriod], what: str, consequence: str = "", *, field: str | None = None
) -> ValidationError:
    """'Le T1 2026 est clos et porte des valeurs de cet indicateur. Il ne peut donc pas être supprimé. …'"""
    periods = sorted(set(periods), key=lambda p: (p.year, p.quarter))
    quarters = quarter_list(p.label for p in periods)
    opening = ngettext(
        "Le %(quarters)s est clos et porte %(what)s.",
        "Les %(quarters)s sont clos et portent %(what)s.",
        len(periods),
    ) % {"quarters": quarters, "what": what}
    closing = ngettext(
        "Le coordinateur peut le rouvrir (onglet Suivi) s'il faut vraiment corriger.",
        "Le coordinateur peut les rouvrir (onglet Suivi) s'il faut vraiment corriger.",
        len(periods),
    )
    consequence = consequence or _("Ce qu'un trimestre clos contient ne change plus.")
    message = f"{opening} {consequence} {closing}"
    return ValidationError({field: message} if field else message, code="closed_quarter")


def periods_holding_data(plan: Plan, periods: list[ReportingPeriod]) -> set[int]:
    """The ids of those quarters that hold values, progress updates or committed and paid amounts."""
    if not periods:
        return set()
    keys = {(p.year, p.quarter): p.pk for p in periods}
    spent = BudgetExecution.objects.filter(line__plan=plan).values_list("line__year", "quarter").distinct()
    holding = {keys[key] for key in spent if key in keys}
    for provider in hooks.providers():
        holding |= provider.periods_holding_data(periods=[p.pk for p in periods])
    return holding


def wanted_quarters(plan: Plan) -> set[tuple[int, int]]:
    first = (plan.period_start.year, (plan.period_start.month - 1) // 3 + 1)
    last = (plan.period_end.year, (plan.period_end.month - 1) // 3 + 1)
    return {(year, quarter) for year in plan.years for quarter in range(1, 5) if first <= (year, quarter) <= last}


@transaction.atomic
def reporting_periods_sync(*, plan: Plan) -> None:
    """One period per calendar quarter the plan covers.

    Quarters the plan no longer covers go, unless they are closed or hold data: then the new period is
    refused, with the quarters named, on the side (start or end) that would drop them.
    """
    wanted = wanted_quarters(plan)
    existing = {(p.year, p.quarter): p for p in periods_locked(plan)}
    stale = [p for key, p in existing.items() if key not in wanted]
    holding = periods_holding_data(plan, stale)
    blocked = [p for p in stale if p.is_closed or p.pk in holding]
    if blocked:
        start = (plan.period_start.year, (plan.period_start.month - 1) // 3 + 1)
        field = "period_start" if (blocked[0].year, blocked[0].quarter) < start else "period_end"
        message = ngettext(
            "Le %(quarters)s est clos ou porte déjà des données (valeurs, points d'avancement, montants) : "
            "la période du plan ne peut pas l'exclure.",
            "Les %(quarters)s sont clos ou portent déjà des données (valeurs, points d'avancement, montants) : "
            "la période du plan ne peut pas les exclure.",
            len(blocked),
        ) % {"quarters": quarter_list(p.label for p in blocked)}
        raise ValidationError({field: message}, code="quarters_hold_data")
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(plan=plan, year=year, quarter=quarter) for year, quarter in sorted(wanted - existing.keys())
    )
    if stale:
        ReportingPeriod.objects.filter(pk__in=[p.pk for p in stale]).delete()
