"""Writes on actions: create, edit (optimistic locking), report progress, duplicate, move, delete."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partners.models import Partner
from plans import hooks, perms
from plans.enums import ActionStatus
from plans.models import (
    Action,
    ActionPartner,
    Axis,
    BudgetExecution,
    CatalogueMeasure,
    Plan,
)
from plans.services.common import apply_fields, check_edit, swap_with_neighbour
from plans.services.periods import (
    closed_data_error,
    closed_quarters,
)

User = get_user_model()


# --- Actions ------------------------------------------------------------------------------------------------


class ActionConflict(Exception):
    """Someone saved the action after the editor opened it."""

    def __init__(self, current: Action, differences: list[tuple[str, str, str]], last_editor, last_edit_at):
        super().__init__("action changed since it was loaded")
        self.current = current
        self.differences = differences
        self.last_editor = last_editor
        self.last_edit_at = last_edit_at


def _display(action: Action, field_name: str) -> str:
    field = Action._meta.get_field(field_name)
    value = getattr(action, field_name)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(getattr(action, f"get_{field_name}_display")())
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _set_partners(action: Action, partners: list[tuple[Partner, str]]) -> None:
    wanted = {(partner.pk, role) for partner, role in partners}
    existing = {(link.partner_id, link.role): link for link in action.partner_links.all()}
    for key, link in existing.items():
        if key not in wanted:
            link.delete()
    for partner_id, role in wanted - existing.keys():
        ActionPartner.objects.create(action=action, partner_id=partner_id, role=role)


@transaction.atomic
def action_create(*, plan: Plan, by: User, partners: list[tuple[Partner, str]] = (), **fields) -> Action:
    check_edit(by, plan)
    action = Action(plan=plan)
    apply_fields(action, fields, Action.EDITABLE_FIELDS)
    if action.axis_id:
        action.order = (action.axis.actions.aggregate(m=Max("order"))["m"] or 0) + 1
    action.progress = Action.progress_for(action.status, action.progress)
    action.full_clean()
    action.save()
    _set_partners(action, list(partners))
    return action


@transaction.atomic
def action_update(
    *, action: Action, by: User, expected_version: int, partners: list[tuple[Partner, str]] | None = None, **fields
) -> Action:
    """Save the editor's values, unless someone else saved since the editor loaded version `expected_version`."""
    check_edit(by, action.plan)
    current = (
        Action.objects.select_for_update(of=("self",)).select_related("plan", "axis__pillar", "lead").get(pk=action.pk)
    )
    if current.version != expected_version:
        mine = Action(**{f.attname: getattr(current, f.attname) for f in Action._meta.concrete_fields})
        apply_fields(mine, fields, Action.EDITABLE_FIELDS)
        differences = [
            (str(Action._meta.get_field(name).verbose_name), _display(current, name), _display(mine, name))
            for name in fields
            if _display(current, name) != _display(mine, name)
        ]
        last = current.history.select_related("history_user").first()
        raise ActionConflict(current, differences, last.history_user if last else None, current.updated_at)
    previous_axis = current.axis_id
    apply_fields(current, fields, Action.EDITABLE_FIELDS)
    if current.axis_id != previous_axis:
        current.order = (current.axis.actions.aggregate(m=Max("order"))["m"] or 0) + 1
    current.progress = Action.progress_for(current.status, current.progress)
    current.full_clean()
    current.version += 1
    current.save()
    if partners is not None:
        _set_partners(current, partners)
    return current


@transaction.atomic
def actions_bulk_update(
    *,
    plan: Plan,
    by: User,
    versions: dict[int, int],
    fields: dict,
    add_partner: tuple[Partner, str] | None = None,
) -> list[Action]:
    """Set the same fields on many actions at once (the list's selection), with the rules of one action.

    `versions`: action id → the version the list showed. All or nothing: an action changed by someone else
    since, or one the new values do not suit (a due date before its start), is named with its field, and
    none of the actions is saved. Each saved action gets version + 1 and a history entry by `by`.
    """
    check_edit(by, plan)
    actions = list(
        Action.objects.select_for_update(of=("self",))
        .select_related("axis__pillar")
        .filter(plan=plan, pk__in=list(versions))
        .in_plan_order()
    )
    if len(actions) != len(versions):
        raise ValidationError(
            _("Certaines actions cochées n'existent plus ou ont quitté ce plan : rechargez la liste."), code="gone"
        )
    changed = [a for a in actions if a.version != versions[a.pk]]
    if changed:
        raise ValidationError(
            _("Modifiées par quelqu'un d'autre depuis l'affichage de la liste : %(titles)s. Rien n'a été enregistré ; "
              "rechargez la liste pour voir leurs nouvelles valeurs.")
            % {"titles": ", ".join(f"« {a.title} »" for a in changed)},
            code="conflict",
        )  # fmt: skip
    problems = []
    for action in actions:
        previous_axis = action.axis_id
        apply_fields(action, fields, Action.EDITABLE_FIELDS)
        if action.axis_id != previous_axis:
            action.order = (action.axis.actions.aggregate(m=Max("order"))["m"] or 0) + 1
        action.progress = Action.progress_for(action.status, action.progress)
        try:
            action.full_clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                label = Action._meta.get_field(name).verbose_name if name != "__all__" else ""
                for message in messages:
                    problems.append(
                        _("« %(title)s » : %(field)s : %(message)s")
                        % {"title": action.title, "field": label, "message": message}
                        if label
                        else _("« %(title)s » : %(message)s") % {"title": action.title, "message": message}
                    )
    if problems:
        raise ValidationError(problems, code="invalid")
    for action in actions:
        action.version += 1
        action._history_user = by
        action._change_reason = _("modification groupée")
        action.save()
        if add_partner is not None:
            partner, role = add_partner
            ActionPartner.objects.get_or_create(action=action, partner=partner, role=role)
    return actions


@transaction.atomic
def actions_report_progress(*, plan: Plan, by: User, states: dict[int, tuple[str, int]]) -> list[Action]:
    """The quarter page moves the actions' own status and progress when it reports their latest quarter.

    `states`: action id → (status, progress). The rows are locked and their versions read under the lock,
    so that an edit saved meanwhile (the action editor, the API) is neither overwritten nor left with a
    version that no longer tells the change apart: each changed action gets version + 1.
    """
    actions = list(
        Action.objects.select_for_update(of=("self",)).filter(plan=plan, pk__in=list(states)).order_by("pk")
    )
    if len(actions) != len(states) or any(not perms.can_report_on_action(by, plan, a) for a in actions):
        raise PermissionDenied
    changed = []
    for action in actions:
        status, progress = states[action.pk]
        progress = Action.progress_for(status, progress)
        if (action.status, action.progress) == (status, progress):
            continue
        action.status, action.progress = status, progress
        action.clean_fields(exclude=[f.name for f in Action._meta.fields if f.name not in {"status", "progress"}])
        action.version += 1
        action._history_user = by  # attributed even outside a request (commands, imports)
        action.save(update_fields=["status", "progress", "version", "updated_at"])
        changed.append(action)
    return changed


@transaction.atomic
def action_duplicate(*, action: Action, by: User) -> Action:
    check_edit(by, action.plan)
    copy = Action.objects.get(pk=action.pk)
    links = list(action.partner_links.all())
    copy.pk = copy.id = None
    copy.title = (_("%(title)s (copie)") % {"title": action.title})[:250]
    copy.status, copy.progress, copy.version = ActionStatus.PLANNED, 0, 1
    copy.order = (action.axis.actions.aggregate(m=Max("order"))["m"] or 0) + 1
    copy.full_clean()
    copy.save()
    for link in links:
        ActionPartner.objects.create(action=copy, partner_id=link.partner_id, role=link.role)
    for provider in hooks.providers():
        provider.copy_action_definitions(source=action, copy=copy)
    return copy


@transaction.atomic
def action_move(*, action: Action, by: User, direction: str) -> None:
    check_edit(by, action.plan)
    actions = list(action.axis.actions.select_for_update().order_by("order", "pk"))
    swap_with_neighbour(actions, [a.pk for a in actions].index(action.pk), direction, "order")


@transaction.atomic
def action_delete(*, action: Action, by: User) -> None:
    """Delete an action with its indicators, budget lines and what open quarters hold about it.

    Refused while a closed quarter holds its progress updates, values or money, and once money is committed
    or paid on it at all (it is then abandoned, not deleted).
    """
    check_edit(by, action.plan)
    closed = {p.pk: p for p in closed_quarters(action.plan).values()}
    held = set()
    for provider in hooks.providers():
        held |= provider.periods_holding_data(periods=list(closed), actions=[action.pk])
    if held:
        raise closed_data_error(
            [closed[pk] for pk in held],
            _("des points d'avancement ou des valeurs de cette action"),
            _("Elle ne peut donc pas être supprimée : passez-la au statut « Abandonnée »."),
        )
    spent = BudgetExecution.objects.filter(line__action=action).aggregate(
        committed=Sum("committed", default=0), paid=Sum("paid", default=0)
    )
    if spent["committed"] or spent["paid"]:
        raise ValidationError(
            _(
                "Des engagements ou des paiements sont enregistrés sur cette action : "
                "elle ne peut pas être supprimée. Passez-la au statut « Abandonnée »."
            )
        )
    for provider in hooks.providers():
        provider.delete_action_data(actions=[action.pk])
    BudgetExecution.objects.filter(line__action=action).delete()
    action.budget_lines.all().delete()
    action.delete()


@transaction.atomic
def actions_add_from_catalogue(*, plan: Plan, by: User, axis: Axis, measures: list[CatalogueMeasure]) -> list[Action]:
    check_edit(by, plan)
    if axis.pillar.plan_id != plan.pk:
        raise ValidationError({"axis": _("Cet axe appartient à un autre plan.")})
    start = axis.actions.aggregate(m=Max("order"))["m"] or 0
    actions = [
        Action(
            plan=plan,
            axis=axis,
            order=start + i,
            title=m.title,
            summary=m.description,
            competence=m.competence,
            cost_class=m.cost_class,
            first_year=m.first_year,
            indicator_suggestions=m.indicator_suggestions,
            source_measure=m,
        )
        for i, m in enumerate(measures, start=1)
    ]
    return bulk_create_with_history(actions, Action)
