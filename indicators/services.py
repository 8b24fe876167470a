from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from indicators import perms
from indicators.enums import Frequency, IndicatorKind, Unit
from indicators.models import Indicator
from plans.models import Action, Plan


def _check(by, plan):
    if not perms.can_define_indicators(by, plan):
        raise PermissionDenied


@transaction.atomic
def indicator_create(*, plan: Plan, by, **fields) -> Indicator:
    _check(by, plan)
    action = fields.get("action")
    if action is not None and action.plan_id != plan.pk:
        raise ValidationError({"action": _("Cette action appartient à un autre plan.")})
    if "order" not in fields:
        siblings = Indicator.objects.filter(plan=plan, action=action)
        fields["order"] = (siblings.aggregate(m=Max("order"))["m"] or 0) + 1
    indicator = Indicator(plan=plan, **fields)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, by, **fields) -> Indicator:
    _check(by, indicator.plan)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by) -> None:
    _check(by, indicator.plan)
    indicator.delete()


@transaction.atomic
def indicators_accept_suggestions(*, plan: Plan, by, actions=None) -> list[Indicator]:
    """Turn the suggestions a template or catalogue measure left on actions into real indicators."""
    _check(by, plan)
    actions = list((actions if actions is not None else plan.actions.all()).exclude(indicator_suggestions=[]))
    created = []
    kinds, units, frequencies = set(IndicatorKind.values), set(Unit.values), set(Frequency.values)
    for action in actions:
        for order, suggestion in enumerate(action.indicator_suggestions, start=1):
            kind = suggestion.get("kind") if suggestion.get("kind") in kinds - {IndicatorKind.CONTEXT} else "result"
            indicator = Indicator(
                plan=plan,
                action=action,
                kind=kind,
                label=suggestion["label"][:250],
                unit=suggestion.get("unit") if suggestion.get("unit") in units else Unit.COUNT,
                frequency=suggestion.get("frequency") if suggestion.get("frequency") in frequencies else "quarterly",
                order=order,
            )
            indicator.full_clean()
            created.append(indicator)
    Indicator.objects.bulk_create(created)
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(indicator_suggestions=[])
    return created
