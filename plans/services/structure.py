"""Writes on the plan's structure: pillars and their numbered axes."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from plans.models import (
    Axis,
    Pillar,
    Plan,
)
from plans.services.common import apply_fields, check_edit, swap_with_neighbour

User = get_user_model()


# --- Structure ----------------------------------------------------------------------------------------------


@transaction.atomic
def pillar_create(*, plan: Plan, by: User, kind: str, name: str, description: str = "") -> Pillar:
    check_edit(by, plan)
    order = (plan.pillars.aggregate(m=Max("order"))["m"] or 0) + 1
    pillar = Pillar(plan=plan, kind=kind, name=name, description=description, order=order)
    pillar.full_clean()
    pillar.save()
    return pillar


@transaction.atomic
def pillar_update(*, pillar: Pillar, by: User, **fields) -> Pillar:
    check_edit(by, pillar.plan)
    apply_fields(pillar, fields, Pillar.EDITABLE_FIELDS)
    pillar.full_clean()
    pillar.save()
    return pillar


@transaction.atomic
def pillar_delete(*, pillar: Pillar, by: User) -> None:
    check_edit(by, pillar.plan)
    if pillar.axes.exists():
        raise ValidationError(
            _("Le pilier « %(name)s » contient encore des axes : déplacez-les ou supprimez-les d'abord.")
            % {"name": pillar.name},
            code="pillar_not_empty",
        )
    pillar.delete()


@transaction.atomic
def pillar_move(*, pillar: Pillar, by: User, direction: str) -> None:
    check_edit(by, pillar.plan)
    pillars = list(pillar.plan.pillars.select_for_update().order_by("order", "pk"))
    swap_with_neighbour(pillars, [p.pk for p in pillars].index(pillar.pk), direction, "order")


@transaction.atomic
def axis_create(*, pillar: Pillar, by: User, name: str, description: str = "", number: int | None = None) -> Axis:
    check_edit(by, pillar.plan)
    if number is None:
        number = (pillar.axes.aggregate(m=Max("number"))["m"] or 0) + 1
    axis = Axis(pillar=pillar, number=number, name=name, description=description)
    axis.full_clean()
    axis.save()
    return axis


@transaction.atomic
def axis_update(*, axis: Axis, by: User, **fields) -> Axis:
    check_edit(by, axis.pillar.plan)
    new_pillar = fields.get("pillar")
    if new_pillar is not None and new_pillar.plan_id != axis.pillar.plan_id:
        raise ValidationError({"pillar": _("Ce pilier appartient à un autre plan.")})
    if new_pillar is not None and new_pillar.pk != axis.pillar_id and "number" not in fields:
        fields["number"] = (new_pillar.axes.aggregate(m=Max("number"))["m"] or 0) + 1
    apply_fields(axis, fields, Axis.EDITABLE_FIELDS)
    axis.full_clean()
    axis.save()
    return axis


@transaction.atomic
def axis_delete(*, axis: Axis, by: User) -> None:
    check_edit(by, axis.pillar.plan)
    if axis.actions.exists():
        raise ValidationError(
            _("L'axe « %(name)s » contient encore des actions : déplacez-les ou supprimez-les d'abord.")
            % {"name": axis.name},
            code="axis_not_empty",
        )
    axis.delete()


@transaction.atomic
def axis_move(*, axis: Axis, by: User, direction: str) -> None:
    check_edit(by, axis.pillar.plan)
    axes = list(axis.pillar.axes.select_for_update().order_by("number", "pk"))
    swap_with_neighbour(axes, [a.pk for a in axes].index(axis.pk), direction, "number")
