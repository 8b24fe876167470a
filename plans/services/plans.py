"""Writes on plans themselves: reference data, territories, creation, frame, adoption, status, meetings."""

import datetime
import hashlib
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core.inputs import clean_text
from partners.enums import PartnerKind, kind_for_country, kind_in_country
from partners.models import Partner
from plans import perms
from plans.enums import MEETING_KINDS, PLAN_TRANSITIONS, MemberRole, PlanStatus, TerritoryKind
from plans.models import (
    Action,
    Axis,
    CatalogueMeasure,
    Meeting,
    Membership,
    Pillar,
    Plan,
    PlanTemplate,
    SpreadsheetImport,
    Territory,
)
from plans.selectors import plan_readiness, territory_of
from plans.services.common import apply_fields, check_edit
from plans.services.periods import (
    periods_locked,
    quarter_list,
    reporting_periods_sync,
)

User = get_user_model()


# --- Reference data -----------------------------------------------------------------------------------------


def reference_data_sync(*, template_model=PlanTemplate, measure_model=CatalogueMeasure) -> tuple[int, int]:
    """Load the shipped templates and catalogue (idempotent). Models are parameters for data migrations: only the
    fields the model has at that migration are written."""
    from plans import reference_data

    def known(model, values: dict) -> dict:
        names = {f.name for f in model._meta.get_fields()}
        return {k: v for k, v in values.items() if k in names}

    for data in reference_data.TEMPLATES:
        structure = {k: data[k] for k in ("pillars", "partners", "convention") if k in data}
        template_model.objects.update_or_create(
            code=data["code"],
            defaults=known(
                template_model,
                {
                    "name": data["name"],
                    "description": data["description"],
                    "source": reference_data.citation(data["source"]),
                    "source_key": data["source"],
                    "order": data["order"],
                    "structure": structure,
                },
            ),
        )
    for data in reference_data.CATALOGUE:
        measure_model.objects.update_or_create(
            code=data["code"], defaults=known(measure_model, {k: v for k, v in data.items() if k != "code"})
        )
    return len(reference_data.TEMPLATES), len(reference_data.CATALOGUE)


# --- Plans --------------------------------------------------------------------------------------------------


def _save_with_free_slug(plan: Plan, base: str) -> None:
    """Save a new plan; when someone else took its slug since it was chosen (two plans of a territory created at the
    same moment), the next free one for the same `base`: the other plan is saved now, so it is seen."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                plan.save()
            return
        except IntegrityError:
            if not Plan.objects.filter(slug=plan.slug).exists():
                raise
            plan.slug = _unique_slug(base)
    raise IntegrityError(f"no free slug for {base}")


def _unique_slug(base: str) -> str:
    root = slugify(base)[:70] or "plan"
    slug, n = root, 2
    while Plan.objects.filter(slug=slug).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


@transaction.atomic
def territory_get_or_create(
    *,
    name: str,
    kind: str,
    country: str,
    official_code: str,
    population: int | None,
    department: str = "",
    arrondissement: str = "",
):
    """The territory with this country, kind and official code, created (its code checked, a Belgian one placed
    in its province and arrondissement) when it does not exist yet."""
    code = official_code.strip().upper()
    territory = Territory.objects.filter(country=country, kind=kind, official_code=code).first()
    if territory:
        return territory
    territory = Territory(
        name=name.strip(),
        kind=kind,
        country=country,
        official_code=code,
        population=population,
        size_class=Territory.size_class_for(population),
        department=department.strip(),
        arrondissement=arrondissement.strip(),
    )
    territory.full_clean()
    try:
        with transaction.atomic():
            territory.save()
    except IntegrityError:  # created by someone else since the look above
        existing = Territory.objects.filter(country=country, kind=kind, official_code=code).first()
        if existing is None:
            raise
        return existing
    return territory


@transaction.atomic
def plan_create(
    *,
    by: User,
    territory: Territory,
    title: str,
    period_start: datetime.date,
    period_end: datetime.date,
    description: str = "",
    template: PlanTemplate | None = None,
    partners: list[Partner] = (),
) -> Plan:
    """Create a draft plan whose creator coordinates it, optionally from a template; `partners` join the plan before
    the template finds its leads and signatories among them."""
    slug_base = f"{territory.name} {period_start.year}-{period_end.year}"
    plan = Plan(
        territory=territory,
        title=title,
        description=description,
        period_start=period_start,
        period_end=period_end,
        template=template,
        slug=_unique_slug(slug_base),
    )
    plan.full_clean()
    _save_with_free_slug(plan, slug_base)
    Membership.objects.create(plan=plan, user=by, role=MemberRole.COORDINATOR)
    reporting_periods_sync(plan=plan)
    if by.partner_id:
        plan.partners.add(by.partner_id)
    for partner in partners:
        if not kind_in_country(partner.kind, territory.country):
            raise ValidationError(_("%(partner)s n'est pas un type d'organisation de ce pays.") % {"partner": partner})
        plan.partners.add(partner)
    if template:
        _apply_template(plan, template, by=by)
    return plan


MILDECA_NAME = "Mission interministérielle de lutte contre les drogues et les conduites addictives"


def _territorial_partner(kind: str, territory: Territory) -> Partner:
    """The organisation of this kind for the territory, as a template names it until the committee renames it: the
    same name for every plan of the territory's département, so that plans share it."""
    place = {"place": territory.department or _("département de %(name)s") % {"name": territory.name}}
    own = _("Ville de %(name)s") if territory.kind == TerritoryKind.COMMUNE else "%(name)s"
    names = {
        PartnerKind.MILDECA: (MILDECA_NAME, "MILDECA"),
        PartnerKind.PREFECTURE: (_("Préfecture (%(place)s)") % place, ""),
        PartnerKind.EDUCATION: (_("Services départementaux de l'Éducation nationale (%(place)s)") % place, "DSDEN"),
        PartnerKind.PROSECUTOR: (_("Parquet du tribunal judiciaire (%(place)s)") % place, ""),
        PartnerKind.NATIONAL_POLICE: (_("Police nationale (%(place)s)") % place, ""),
        PartnerKind.MUNICIPAL_SERVICE: (own % {"name": territory.name}, ""),
    }
    name, acronym = names.get(kind) or (f"{PartnerKind(kind).label} ({place['place']})", "")
    partner = Partner.objects.filter(name__iexact=name, kind=kind).first()
    if partner is None:
        partner = Partner(name=name, kind=kind, acronym=acronym)
        partner.full_clean()
        partner.save()
    return partner


def _apply_template(plan: Plan, template: PlanTemplate, *, by: User) -> None:
    """The template's pillars, axes and actions; its partners and its convention when it names them. A lead is the
    plan's partner of the kind the template gives (or of its equivalent in the plan's country); none when the
    template names none."""
    country = plan.territory.country
    partners_by_kind = {}
    # One of each kind: the creator's own organisation first, then the oldest.
    for partner in sorted(plan.partners.all(), key=lambda p: (p.pk != by.partner_id, p.pk)):
        partners_by_kind.setdefault(partner.kind, partner)
    for kind in template.structure.get("partners", []):
        kind = kind_for_country(kind, country)
        if kind and kind not in partners_by_kind:
            partners_by_kind[kind] = _territorial_partner(kind, plan.territory)
            plan.partners.add(partners_by_kind[kind])

    def lead_for(kind: str) -> Partner | None:
        return partners_by_kind.get(kind_for_country(kind, country)) if kind else None

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
                        lead=lead_for(act.get("lead_kind")),
                        indicator_suggestions=act.get("indicators", []),
                    )
                )
    bulk_create_with_history(actions, Action)
    if data := template.structure.get("convention"):
        from plans.services.conventions import convention_save

        parties = [(lead_for(kind), signatory) for kind, signatory in data["parties"]]
        convention_save(
            plan=plan,
            by=by,
            parties=[(partner, signatory) for partner, signatory in parties if partner is not None],
            title=data["title"],
            kind=data["kind"],
            starts_on=plan.period_start,
            duration_months=data["duration_months"],
        )


@transaction.atomic
def plan_update(*, plan: Plan, by: User, **fields) -> Plan:
    check_edit(by, plan)
    apply_fields(plan, fields, Plan.FRAME_FIELDS)
    plan.full_clean()
    plan.save()
    reporting_periods_sync(plan=plan)
    return plan


@transaction.atomic
def plan_adopt(*, plan: Plan, by: User, date: datetime.date, kind: str, decisions: str = "") -> Plan:
    """Record the adopting meeting; the draft becomes an adopted plan. Refused while something is missing."""
    if not perms.can_adopt(by, plan):
        raise PermissionDenied
    readiness = plan_readiness(plan=plan)
    if not readiness.ready:
        raise ValidationError(readiness.blocking, code="not_ready")
    meeting = meeting_record(plan=plan, by=by, date=date, kind=kind, decisions=decisions)
    plan.status = PlanStatus.ADOPTED
    plan.adopted_on = date
    plan.adopted_meeting = meeting
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_change_status(
    *, plan: Plan, by: User, status: str, confirm_open_quarters: bool = False, reason: str = ""
) -> Plan:
    """Adopted → active (tracking starts) → closed, and a closed plan reopened by its coordinator.

    Closing while quarters are still open needs `confirm_open_quarters`; reopening needs a reason. Both are
    recorded in the plan's history.
    """
    if not perms.can_change_status(by, plan):
        raise PermissionDenied
    allowed = PLAN_TRANSITIONS.get(plan.status, ())
    if status not in allowed:
        label = PlanStatus(status).label if status in PlanStatus.values else status[:30]
        raise ValidationError(
            {
                "status": _("Un plan « %(from)s » ne peut pas passer à « %(to)s ».")
                % {"from": plan.get_status_display(), "to": label}
            },
            code="transition",
        )
    reason = reason.strip()
    if status == PlanStatus.CLOSED:
        still_open = [p for p in periods_locked(plan) if not p.is_closed]
        if still_open and not confirm_open_quarters:
            raise ValidationError(
                {
                    "confirm": _(
                        "Des trimestres ne sont pas clos (%(quarters)s) : confirmez que le plan est clos quand "
                        "même ; ils ne pourront plus être renseignés."
                    )
                    % {"quarters": quarter_list(p.label for p in still_open)}
                },
                code="open_quarters",
            )
    if plan.status == PlanStatus.CLOSED and not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi le plan est rouvert.")}, code="reason")
    plan.status = status
    plan.full_clean()
    plan._change_reason = reason or None
    plan.save()
    return plan


@transaction.atomic
def meeting_record(*, plan: Plan, by: User, date: datetime.date, kind: str, decisions: str = "") -> Meeting:
    if perms.role(by, plan) != MemberRole.COORDINATOR:
        raise PermissionDenied
    if kind not in MEETING_KINDS[plan.territory.country]:
        raise ValidationError({"kind": _("Cette instance n'existe pas dans ce pays.")}, code="kind_country")
    meeting = Meeting(plan=plan, date=date, kind=kind, decisions=decisions)
    meeting.full_clean()
    meeting.save()
    return meeting


def plan_upload_spreadsheet(
    *, plan: Plan | None, by: User, filename: str, content: bytes, new_plan: dict | None = None
) -> SpreadsheetImport:
    """Keep a spreadsheet for its import preview (indicators.imports); nothing of the plan changes yet. Without a
    plan, `new_plan` is the creation form's data: the plan is created with the import, once confirmed
    (plan_create_from), so that a file abandoned at its preview leaves no empty plan."""
    if plan is None:
        if not new_plan:
            raise ValueError("a spreadsheet without a plan needs the plan to create")
        _check_can_create(by, new_plan)
    else:
        check_edit(by, plan)
    name = clean_text(os.path.basename(filename.replace("\\", "/"))).strip()[:200] or "tableau"
    return SpreadsheetImport.objects.create(
        plan=plan,
        new_plan=_frame_to_json(new_plan) if plan is None else {},
        uploaded_by=by,
        filename=name,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


NEW_PLAN_FIELDS = (
    "territory_name", "territory_kind", "country", "official_code", "population", "department", "arrondissement",
    "title", "period_start", "period_end", "description", "template",
)  # fmt: skip


def _frame_to_json(data: dict) -> dict:
    kept = {key: data.get(key) for key in NEW_PLAN_FIELDS}
    kept["period_start"], kept["period_end"] = data["period_start"].isoformat(), data["period_end"].isoformat()
    kept["template"] = data["template"].pk if data.get("template") else None
    return kept


def _frame_from_json(kept: dict) -> dict:
    data = {key: kept.get(key) for key in NEW_PLAN_FIELDS}
    data["period_start"] = datetime.date.fromisoformat(kept["period_start"])
    data["period_end"] = datetime.date.fromisoformat(kept["period_end"])
    data["template"] = PlanTemplate.objects.filter(pk=kept["template"]).first() if kept.get("template") else None
    for key in ("description", "department", "arrondissement"):
        data[key] = data[key] or ""
    return data


def _check_can_create(by: User, data: dict) -> None:
    if not perms.can_create_plan(by, territory_of(data)):
        raise PermissionDenied


def plan_create_from(*, by: User, data: dict) -> Plan:
    """Create the plan the creation form describes (its cleaned data, or as an upload keeps it: new_plan), in the
    territory it names, created if new; refused to whoever may not create a plan there."""
    if isinstance(data.get("period_start"), str):
        data = _frame_from_json(data)
    _check_can_create(by, data)
    return plan_create_for_frame(by=by, data=data)


def plan_create_for_frame(*, by: User, data: dict) -> Plan:
    """The plan a frame describes (NEW_PLAN_FIELDS: the creation form's, a kept upload's, a plan request's), its
    territory found or created; `by` coordinates it. Whether `by` may is the caller's to check."""
    territory = territory_get_or_create(
        name=data["territory_name"],
        kind=data["territory_kind"],
        country=data["country"],
        official_code=data["official_code"],
        population=data["population"],
        department=data["department"],
        arrondissement=data["arrondissement"],
    )
    return plan_create(
        by=by,
        territory=territory,
        title=data["title"],
        period_start=data["period_start"],
        period_end=data["period_end"],
        description=data["description"],
        template=data["template"],
    )
