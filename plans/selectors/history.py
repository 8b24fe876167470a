"""The plan's change history: who changed what and when, across its structure, actions, budget and members."""

from collections import defaultdict

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import formats
from plans import hooks
from plans.models import (
    Action,
    Axis,
    BudgetExecution,
    BudgetLine,
    Funding,
    Meeting,
    Membership,
    PeriodEvent,
    Pillar,
    Plan,
)

HISTORY_LIMIT = 100
KINDS = {
    Plan: gettext_lazy("Plan"),
    Pillar: gettext_lazy("Pilier"),
    Axis: gettext_lazy("Axe"),
    Action: gettext_lazy("Action"),
    Membership: gettext_lazy("Membre"),
    Meeting: gettext_lazy("Réunion"),
    Funding: gettext_lazy("Financement"),
    BudgetLine: gettext_lazy("Ligne budgétaire"),
    BudgetExecution: gettext_lazy("Exécution"),
}
VERBS = {"+": gettext_lazy("création"), "~": gettext_lazy("modification"), "-": gettext_lazy("suppression")}


def _line_label(line) -> str:
    return f"{line.action.title} — {line.funder.short_name} {line.year}"


def _label(model, record) -> str:
    """What the row is about, from relations fetched with select_related (never one query per row)."""
    try:
        if model is Membership:
            return f"{record.user} — {record.get_role_display()}"
        if model is Funding:
            return f"{record.funder.short_name} {record.year}" + (f" — {record.label}" if record.label else "")
        if model is BudgetLine:
            return _line_label(record)
        if model is BudgetExecution:
            return f"{_line_label(record.line)} — T{record.quarter}"
    except ObjectDoesNotExist:
        return f"#{record.id}"
    if model is Axis:
        return f"{_('Axe')} {record.number} — {record.name}"
    if model is Meeting:
        return f"{record.get_kind_display()} — {formats.short_date(record.date)}"
    # Plan, pillar, action: their own name, read from the historical row (record.instance would query).
    return getattr(record, "title", None) or getattr(record, "name", "")


def _entries(model, records, *, kind=None, name=None, verb=None):
    """Turn history rows (newest first) into entries, diffing consecutive versions in memory.

    `kind`, `name` and `verb`: for the models other apps add (plans.hooks.history_sources), their label, how to
    name a record and, where the operation says less than the record (a submission, a validation), what
    happened."""
    labels = {f.name: str(f.verbose_name) for f in model._meta.fields}
    by_object = defaultdict(list)
    for record in records:
        by_object[record.id].append(record)
    entries = []
    for versions in by_object.values():
        for index, record in enumerate(versions):
            older = versions[index + 1] if index + 1 < len(versions) else None
            fields = []
            if record.history_type == "~" and older is not None:
                fields = [labels.get(c.field, c.field) for c in record.diff_against(older).changes]
                if not fields and not record.history_change_reason:
                    continue  # saved without a change, and without a reason to show (an import says why)
            entries.append(
                {
                    "date": record.history_date,
                    "user": record.history_user,
                    "kind": kind or KINDS[model],
                    "object": name(record) if name else _label(model, record),
                    "verb": (verb(record) if verb else None) or VERBS[record.history_type],
                    "fields": fields,
                    "reason": record.history_change_reason or "",
                }
            )
    return entries


def plan_history(*, plan: Plan, limit: int = HISTORY_LIMIT) -> list[dict]:
    """The plan's latest changes, newest first, each with what changed: one query per kind of object."""
    pillar_ids = Pillar.history.filter(plan_id=plan.pk).values("id")
    sources = {
        Plan: Plan.history.filter(id=plan.pk),
        Pillar: Pillar.history.filter(plan_id=plan.pk),
        Axis: Axis.history.filter(pillar_id__in=pillar_ids),
        Action: Action.history.filter(plan_id=plan.pk),
        Membership: Membership.history.filter(plan_id=plan.pk).select_related("user"),
        Meeting: Meeting.history.filter(plan_id=plan.pk),
        Funding: Funding.history.filter(plan_id=plan.pk).select_related("funder"),
        BudgetLine: BudgetLine.history.filter(plan_id=plan.pk).select_related("action", "funder"),
        BudgetExecution: BudgetExecution.history.filter(
            line_id__in=BudgetLine.history.filter(plan_id=plan.pk).values("id")
        ).select_related("line__action", "line__funder"),
    }
    entries = []
    for model, queryset in sources.items():
        records = list(queryset.select_related("history_user").order_by("-history_date")[: limit + 1])
        entries.extend(_entries(model, records))
    entries.extend(_period_events(plan, limit))
    for provider in hooks.providers():
        for kind, queryset, name, *verb in provider.history_sources(plan=plan):
            records = list(queryset.select_related("history_user").order_by("-history_date")[: limit + 1])
            entries.extend(
                _entries(queryset.model.instance_type, records, kind=kind, name=name, verb=next(iter(verb), None))
            )
    entries.sort(key=lambda e: e["date"], reverse=True)
    return entries[:limit]


def _period_events(plan: Plan, limit: int) -> list[dict]:
    """The quarters closed and reopened: who, when, and what was missing (or why it was reopened)."""
    events = PeriodEvent.objects.filter(period__plan=plan).select_related("period", "by").order_by("-at")[:limit]
    return [
        {
            "date": event.at,
            "user": event.by,
            "kind": _("Trimestre"),
            "object": event.period.label,
            "verb": event.get_kind_display(),
            "fields": [],
            "reason": event.reason or event.summary,
        }
        for event in events
    ]
