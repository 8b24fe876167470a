"""Writes on plans: every view, form, command and test goes through these functions."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partners.models import Partner
from plans import perms
from plans.enums import ActionStatus, MemberRole, PlanStatus
from plans.models import (
    Action,
    ActionPartner,
    Axis,
    BudgetExecution,
    CatalogueMeasure,
    Meeting,
    Membership,
    Pillar,
    Plan,
    PlanTemplate,
    Territory,
)
from plans.services.budget import reporting_periods_sync

User = get_user_model()


# --- Reference data -----------------------------------------------------------------------------------------


def reference_data_sync(*, template_model=PlanTemplate, measure_model=CatalogueMeasure) -> tuple[int, int]:
    """Load the shipped templates and catalogue (idempotent). Models are parameters for data migrations."""
    from plans import reference_data

    for data in reference_data.TEMPLATES:
        structure = {"pillars": data["pillars"]}
        template_model.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "description": data["description"],
                "source": data["source"],
                "order": data["order"],
                "structure": structure,
            },
        )
    for data in reference_data.CATALOGUE:
        measure_model.objects.update_or_create(
            code=data["code"], defaults={k: v for k, v in data.items() if k != "code"}
        )
    return len(reference_data.TEMPLATES), len(reference_data.CATALOGUE)


# --- Plans --------------------------------------------------------------------------------------------------


def _unique_slug(base: str) -> str:
    root = slugify(base)[:70] or "plan"
    slug, n = root, 2
    while Plan.objects.filter(slug=slug).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


@transaction.atomic
def territory_get_or_create(*, name: str, kind: str, country: str, official_code: str, population: int | None):
    territory = Territory.objects.filter(country=country, kind=kind, official_code=official_code.strip()).first()
    if territory:
        return territory
    territory = Territory(
        name=name.strip(),
        kind=kind,
        country=country,
        official_code=official_code.strip(),
        population=population,
        size_class=Territory.size_class_for(population),
    )
    territory.full_clean()
    territory.save()
    return territory


@transaction.atomic
def plan_create(
    *,
    by,
    territory: Territory,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    description: str = "",
    template: PlanTemplate | None = None,
) -> Plan:
    """Create a draft plan whose creator coordinates it, optionally from a template."""
    plan = Plan(
        territory=territory,
        title=title,
        description=description,
        period_start=period_start,
        period_end=period_end,
        template=template,
        slug=_unique_slug(f"{territory.name} {period_start.year}-{period_end.year}"),
    )
    plan.full_clean()
    plan.save()
    Membership.objects.create(plan=plan, user=by, role=MemberRole.COORDINATOR)
    reporting_periods_sync(plan=plan)
    if by.partner_id:
        plan.partners.add(by.partner_id)
    if template:
        _apply_template(plan, template)
    return plan


def _apply_template(plan: Plan, template: PlanTemplate) -> None:
    partners_by_kind = {p.kind: p for p in plan.partners.all()}
    actions = []
    for p_index, p_data in enumerate(template.structure.get("pillars", []), start=1):
        pillar = Pillar.objects.create(
            plan=plan,
            kind=p_data["kind"],
            name=p_data["name"],
            description=p_data.get("description", ""),
            order=p_index,
        )
        for a_index, a_data in enumerate(p_data.get("axes", []), start=1):
            axis = Axis.objects.create(
                pillar=pillar, number=a_index, name=a_data["name"], description=a_data.get("description", "")
            )
            for order, act in enumerate(a_data.get("actions", []), start=1):
                actions.append(
                    Action(
                        plan=plan,
                        axis=axis,
                        order=order,
                        title=act["title"],
                        field_of_intervention=act.get("field_of_intervention", ""),
                        target_groups=act.get("target_groups", ""),
                        summary=act.get("summary", ""),
                        comments=act.get("comments", ""),
                        competence=act.get("competence", ""),
                        cost_class=act.get("cost_class"),
                        first_year=act.get("first_year", False),
                        lead=partners_by_kind.get(act.get("lead_kind")),
                        indicator_suggestions=act.get("indicators", []),
                    )
                )
    bulk_create_with_history(actions, Action)


@transaction.atomic
def plan_update(*, plan: Plan, by, **fields) -> Plan:
    if not perms.can_edit(by, plan):
        raise PermissionDenied
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    reporting_periods_sync(plan=plan)
    return plan


@dataclass
class Readiness:
    """What is missing before a plan can be adopted."""

    pillar_count: int
    axis_count: int
    action_count: int
    empty_axes: list
    without_lead: list
    without_due_date: list
    without_indicator: list

    @property
    def blocking(self) -> list[str]:
        problems = []
        if not self.action_count:
            problems.append(_("Le plan ne contient encore aucune action."))
        if self.without_lead:
            problems.append(_("%(n)d action(s) sans gestionnaire.") % {"n": len(self.without_lead)})
        if self.without_due_date:
            problems.append(_("%(n)d action(s) sans échéance.") % {"n": len(self.without_due_date)})
        if self.without_indicator:
            problems.append(_("%(n)d action(s) sans indicateur.") % {"n": len(self.without_indicator)})
        return problems

    @property
    def ready(self) -> bool:
        return not self.blocking


def plan_readiness(plan: Plan) -> Readiness:
    """Four queries whatever the plan's size."""
    pillar_count = plan.pillars.count()
    actions = list(
        plan.actions.select_related("axis__pillar")
        .annotate(indicator_count=Count("indicators"))
        .only("pk", "title", "lead_id", "due_date", "axis__number", "axis__name", "axis__pillar__order")
        .order_by("axis__pillar__order", "axis__number", "order", "pk")
    )
    axes = list(Axis.objects.filter(pillar__plan=plan).annotate(n=Count("actions")).select_related("pillar"))
    return Readiness(
        pillar_count=pillar_count,
        axis_count=len(axes),
        action_count=len(actions),
        empty_axes=[axis for axis in axes if not axis.n],
        without_lead=[a for a in actions if not a.lead_id],
        without_due_date=[a for a in actions if not a.due_date],
        without_indicator=[a for a in actions if not a.indicator_count],
    )


@transaction.atomic
def plan_adopt(*, plan: Plan, by, date: datetime.date, kind: str, decisions: str = "") -> Plan:
    """Record the adopting meeting; the draft becomes an adopted plan. Refused while something is missing."""
    if not perms.can_adopt(by, plan):
        raise PermissionDenied
    readiness = plan_readiness(plan)
    if not readiness.ready:
        raise ValidationError(readiness.blocking, code="not_ready")
    meeting = meeting_record(plan=plan, by=by, date=date, kind=kind, decisions=decisions)
    plan.status = PlanStatus.ADOPTED
    plan.adopted_on = date
    plan.adopted_meeting = meeting
    plan.full_clean()
    plan.save()
    return plan


PLAN_TRANSITIONS = {PlanStatus.ADOPTED: PlanStatus.ACTIVE, PlanStatus.ACTIVE: PlanStatus.CLOSED}


@transaction.atomic
def plan_change_status(*, plan: Plan, by, status: str) -> Plan:
    """Adopted → active (tracking starts) → closed; an adopted plan may also be closed directly."""
    if not perms.can_change_status(by, plan):
        raise PermissionDenied
    allowed = {PLAN_TRANSITIONS.get(plan.status)} | (
        {PlanStatus.CLOSED} if plan.status == PlanStatus.ADOPTED else set()
    )
    if status not in allowed:
        raise ValidationError(
            _("Un plan « %(from)s » ne peut pas passer à « %(to)s ».")
            % {"from": plan.get_status_display(), "to": PlanStatus(status).label},
            code="transition",
        )
    plan.status = status
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def meeting_record(*, plan: Plan, by, date: datetime.date, kind: str, decisions: str = "") -> Meeting:
    if perms.role(by, plan) != MemberRole.COORDINATOR:
        raise PermissionDenied
    meeting = Meeting(plan=plan, date=date, kind=kind, decisions=decisions)
    meeting.full_clean()
    meeting.save()
    return meeting


# --- Partners and members -----------------------------------------------------------------------------------


@transaction.atomic
def plan_partner_add(*, plan: Plan, by, name: str, kind: str, acronym: str = "", contact_email: str = "") -> Partner:
    """Attach an organisation to the plan, reusing the existing record with the same name and kind."""
    if not perms.can_edit(by, plan):
        raise PermissionDenied
    partner = Partner.objects.filter(name__iexact=name.strip(), kind=kind).first()
    if partner is None:
        partner = Partner(name=name.strip(), kind=kind, acronym=acronym.strip(), contact_email=contact_email.strip())
        partner.full_clean()
        partner.save()
    plan.partners.add(partner)
    return partner


@transaction.atomic
def plan_partner_remove(*, plan: Plan, by, partner: Partner) -> None:
    if not perms.can_edit(by, plan):
        raise PermissionDenied
    in_use = plan.actions.filter(Q(lead=partner) | Q(partner_links__partner=partner)).exists()
    if in_use:
        raise ValidationError(
            _("%(partner)s pilote ou accompagne encore des actions du plan : retirez-le d'abord de ces actions.")
            % {"partner": partner}
        )
    plan.partners.remove(partner)


@transaction.atomic
def member_invite(
    *,
    plan: Plan,
    by,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    partner: Partner | None = None,
    base_url: str = "",
) -> Membership:
    """Give someone a role on the plan; a new account gets an email to choose its password."""
    if not perms.can_manage_members(by, plan):
        raise PermissionDenied
    email = email.strip().lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), partner=partner)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif Membership.objects.filter(plan=plan, user=user).exists():
        raise ValidationError({"email": _("Cette personne est déjà membre du plan.")})
    membership = Membership(plan=plan, user=user, role=role)
    membership.full_clean()
    membership.save()
    if user.partner_id:
        plan.partners.add(user.partner_id)
    _send_invitation(plan=plan, user=user, by=by, role=membership.get_role_display(), new=created, base_url=base_url)
    return membership


def _send_invitation(*, plan, user, by, role, new, base_url) -> None:
    context = {"plan": plan, "user": user, "by": by, "role": role, "new": new, "base_url": base_url}
    if new:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context["set_password_url"] = base_url + reverse("password_reset_confirm", args=[uid, token])
    else:
        context["plan_url"] = base_url + reverse("plans:detail", args=[plan.pk])
    send_mail(
        subject=_("Invitation au plan « %(plan)s »") % {"plan": plan.title},
        message=render_to_string("plans/emails/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def _ensure_a_coordinator_remains(plan: Plan, membership: Membership) -> None:
    others = plan.memberships.filter(role=MemberRole.COORDINATOR).exclude(pk=membership.pk)
    if membership.role == MemberRole.COORDINATOR and not others.exists():
        raise ValidationError(_("Le plan doit garder au moins un coordinateur."))


@transaction.atomic
def member_change_role(*, membership: Membership, by, role: str) -> Membership:
    if not perms.can_manage_members(by, membership.plan):
        raise PermissionDenied
    if role != MemberRole.COORDINATOR:
        _ensure_a_coordinator_remains(membership.plan, membership)
    membership.role = role
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def member_remove(*, membership: Membership, by) -> None:
    if not perms.can_manage_members(by, membership.plan):
        raise PermissionDenied
    _ensure_a_coordinator_remains(membership.plan, membership)
    membership.delete()


# --- Structure ----------------------------------------------------------------------------------------------


def _check_edit(by, plan):
    if not perms.can_edit(by, plan):
        raise PermissionDenied


@transaction.atomic
def pillar_create(*, plan: Plan, by, kind: str, name: str, description: str = "") -> Pillar:
    _check_edit(by, plan)
    order = (plan.pillars.aggregate(m=Max("order"))["m"] or 0) + 1
    pillar = Pillar(plan=plan, kind=kind, name=name, description=description, order=order)
    pillar.full_clean()
    pillar.save()
    return pillar


@transaction.atomic
def pillar_update(*, pillar: Pillar, by, **fields) -> Pillar:
    _check_edit(by, pillar.plan)
    for name, value in fields.items():
        setattr(pillar, name, value)
    pillar.full_clean()
    pillar.save()
    return pillar


@transaction.atomic
def pillar_delete(*, pillar: Pillar, by) -> None:
    _check_edit(by, pillar.plan)
    if pillar.axes.exists():
        raise ValidationError(
            _("Le pilier « %(name)s » contient encore des axes : déplacez-les ou supprimez-les d'abord.")
            % {"name": pillar.name},
            code="pillar_not_empty",
        )
    pillar.delete()


def _swap(items: list, index: int, direction: str, field: str) -> None:
    """Renumber items 1..n, then swap the one at index with its neighbour."""
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        if getattr(item, field) != position:
            setattr(item, field, position)
            item.save(update_fields=[field])


@transaction.atomic
def pillar_move(*, pillar: Pillar, by, direction: str) -> None:
    _check_edit(by, pillar.plan)
    pillars = list(pillar.plan.pillars.select_for_update().order_by("order", "pk"))
    _swap(pillars, [p.pk for p in pillars].index(pillar.pk), direction, "order")


@transaction.atomic
def axis_create(*, pillar: Pillar, by, name: str, description: str = "", number: int | None = None) -> Axis:
    _check_edit(by, pillar.plan)
    if number is None:
        number = (pillar.axes.aggregate(m=Max("number"))["m"] or 0) + 1
    axis = Axis(pillar=pillar, number=number, name=name, description=description)
    axis.full_clean()
    axis.save()
    return axis


@transaction.atomic
def axis_update(*, axis: Axis, by, **fields) -> Axis:
    _check_edit(by, axis.pillar.plan)
    new_pillar = fields.get("pillar")
    if new_pillar is not None and new_pillar.plan_id != axis.pillar.plan_id:
        raise ValidationError({"pillar": _("Ce pilier appartient à un autre plan.")})
    if new_pillar is not None and new_pillar.pk != axis.pillar_id and "number" not in fields:
        fields["number"] = (new_pillar.axes.aggregate(m=Max("number"))["m"] or 0) + 1
    for name, value in fields.items():
        setattr(axis, name, value)
    axis.full_clean()
    axis.save()
    return axis


@transaction.atomic
def axis_delete(*, axis: Axis, by) -> None:
    _check_edit(by, axis.pillar.plan)
    if axis.actions.exists():
        raise ValidationError(
            _("L'axe « %(name)s » contient encore des actions : déplacez-les ou supprimez-les d'abord.")
            % {"name": axis.name},
            code="axis_not_empty",
        )
    axis.delete()


@transaction.atomic
def axis_move(*, axis: Axis, by, direction: str) -> None:
    _check_edit(by, axis.pillar.plan)
    axes = list(axis.pillar.axes.select_for_update().order_by("number", "pk"))
    _swap(axes, [a.pk for a in axes].index(axis.pk), direction, "number")


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
def action_create(*, plan: Plan, by, partners: list[tuple[Partner, str]] = (), **fields) -> Action:
    _check_edit(by, plan)
    axis = fields["axis"]
    fields.setdefault("order", (axis.actions.aggregate(m=Max("order"))["m"] or 0) + 1)
    action = Action(plan=plan, **fields)
    if action.status == ActionStatus.DONE:
        action.progress = 100
    action.full_clean()
    action.save()
    _set_partners(action, list(partners))
    return action


@transaction.atomic
def action_update(
    *, action: Action, by, expected_version: int, partners: list[tuple[Partner, str]] | None = None, **fields
) -> Action:
    """Save the editor's values, unless someone else saved since the editor loaded version `expected_version`."""
    _check_edit(by, action.plan)
    current = (
        Action.objects.select_for_update(of=("self",)).select_related("plan", "axis__pillar", "lead").get(pk=action.pk)
    )
    if current.version != expected_version:
        mine = Action(**{f.attname: getattr(current, f.attname) for f in Action._meta.concrete_fields})
        for name, value in fields.items():
            setattr(mine, name, value)
        differences = [
            (str(Action._meta.get_field(name).verbose_name), _display(current, name), _display(mine, name))
            for name in fields
            if name in Action.EDITABLE_FIELDS and _display(current, name) != _display(mine, name)
        ]
        last = current.history.select_related("history_user").first()
        raise ActionConflict(current, differences, last.history_user if last else None, current.updated_at)
    if "axis" in fields and fields["axis"].pk != current.axis_id:
        fields.setdefault("order", (fields["axis"].actions.aggregate(m=Max("order"))["m"] or 0) + 1)
    for name, value in fields.items():
        setattr(current, name, value)
    if current.status == ActionStatus.DONE:
        current.progress = 100
    current.full_clean()
    current.version += 1
    current.save()
    if partners is not None:
        _set_partners(current, partners)
    return current


@transaction.atomic
def action_duplicate(*, action: Action, by) -> Action:
    _check_edit(by, action.plan)
    copy = Action.objects.get(pk=action.pk)
    links = list(action.partner_links.all())
    # Indicators are copied as definitions, never with their values.
    indicators = list(action.indicators.all())
    copy.pk = copy.id = None
    copy.title = (_("%(title)s (copie)") % {"title": action.title})[:250]
    copy.status, copy.progress, copy.version = ActionStatus.PLANNED, 0, 1
    copy.order = (action.axis.actions.aggregate(m=Max("order"))["m"] or 0) + 1
    copy.full_clean()
    copy.save()
    for link in links:
        ActionPartner.objects.create(action=copy, partner_id=link.partner_id, role=link.role)
    for indicator in indicators:
        indicator.pk = indicator.id = None
        indicator.action = copy
        indicator.save()
    return copy


@transaction.atomic
def action_move(*, action: Action, by, direction: str) -> None:
    _check_edit(by, action.plan)
    actions = list(action.axis.actions.select_for_update().order_by("order", "pk"))
    _swap(actions, [a.pk for a in actions].index(action.pk), direction, "order")


@transaction.atomic
def action_delete(*, action: Action, by) -> None:
    """Delete an action and its planned budget lines; refused once money is committed or paid on it."""
    _check_edit(by, action.plan)
    spent = BudgetExecution.objects.filter(line__action=action).aggregate(
        committed=Sum("committed", default=0), paid=Sum("paid", default=0)
    )
    if spent["committed"] or spent["paid"]:
        raise ValidationError(
            _("Des engagements ou des paiements sont enregistrés sur cette action : elle ne peut pas être supprimée. "
              "Passez-la au statut « Abandonnée ».")
        )  # fmt: skip
    BudgetExecution.objects.filter(line__action=action).delete()
    action.budget_lines.all().delete()
    action.delete()


@transaction.atomic
def actions_add_from_catalogue(*, plan: Plan, by, axis: Axis, measures: list[CatalogueMeasure]) -> list[Action]:
    _check_edit(by, plan)
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
            comments=_("Mesure du catalogue — source : %(source)s") % {"source": m.source},
            indicator_suggestions=m.indicator_suggestions,
            source_measure=m,
        )
        for i, m in enumerate(measures, start=1)
    ]
    return bulk_create_with_history(actions, Action)
