import datetime
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from indicators.enums import Frequency, IndicatorKind, Unit
from indicators.models import Indicator, ShareLink
from tests.plans.factories import ActionFactory


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    action = factory.SubFactory(ActionFactory)
    plan = factory.LazyAttribute(lambda o: o.action.plan if o.action else None)
    kind = IndicatorKind.RESULT
    label = factory.Sequence(lambda n: f"Nombre de séances {n}")
    unit = Unit.COUNT
    frequency = Frequency.QUARTERLY

    class Params:
        context = factory.Trait(kind=IndicatorKind.CONTEXT, action=None, frequency=Frequency.YEARLY)


@dataclass
class SecondYear:
    """A plan in its second year, reported since T1 2025 and closed up to T2 2026 (T3 2026 still open)."""

    plan: object
    users: dict
    pillars: list
    actions: list
    indicators: list
    closed: object  # T2 2026, the last closed quarter
    open: object  # T3 2026, ended but still open
    lines: list
    funding: object
    funder: object


def second_year_plan(*, actions: int = 6, indicators: int = 2) -> SecondYear:
    """Partners on actions, several indicators per action, values in closed and open quarters, money spent."""
    from decimal import Decimal

    from indicators.services import quarter_close, quarter_save
    from plans import services
    from plans.enums import ActionPartnerRole, MemberRole, PlanStatus
    from plans.models import ActionPartner
    from tests.partners.factories import PartnerFactory, UserFactory
    from tests.plans.factories import AxisFactory, MembershipFactory, PillarFactory, PlanFactory

    plan = PlanFactory(adopted=True, period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2027, 12, 31))
    plan.status = PlanStatus.ACTIVE
    plan.save()
    services.reporting_periods_sync(plan=plan)
    users = {role: MembershipFactory(plan=plan, role=role).user for role in MemberRole.values}
    coordinator = users[MemberRole.COORDINATOR]
    leads = [PartnerFactory(), PartnerFactory(police=True), PartnerFactory()]
    funder = PartnerFactory(mildeca=True)
    plan.partners.add(*leads, funder)
    users["lead"] = UserFactory(partner=leads[0])
    MembershipFactory(plan=plan, user=users["lead"], role=MemberRole.CONTRIBUTOR)
    pillars = [PillarFactory(plan=plan, order=1), PillarFactory(plan=plan, order=2)]
    axes = [AxisFactory(pillar=pillar, number=n) for pillar in pillars for n in (1, 2)]
    created = []
    for index in range(actions):
        action = services.action_create(
            plan=plan,
            by=coordinator,
            axis=axes[index % len(axes)],
            title=f"Action {index + 1}",
            lead=leads[index % len(leads)],
            due_date=datetime.date(2026, 6, 30) if index % 3 == 0 else datetime.date(2027, 6, 30),
            partners=[(leads[(index + 1) % len(leads)], ActionPartnerRole.CONTRIBUTOR)],
        )
        created.append(action)
    assert ActionPartner.objects.filter(action__plan=plan).count() == actions
    measured = [
        IndicatorFactory(action=action, label=f"Indicateur {n} de {action.title}", target_value=Decimal(40))
        for action in created
        for n in range(1, indicators + 1)
    ]
    funding = services.funding_create(
        plan=plan,
        by=coordinator,
        funder=funder,
        year=2026,
        amount_granted=Decimal("20000"),
        instalments=[
            {
                "amount": Decimal("10000"),
                "expected_on": datetime.date(2026, 1, 20),
                "received_on": datetime.date(2026, 1, 27),
            },
            {"amount": Decimal("10000"), "expected_on": datetime.date(2026, 12, 15), "received_on": None},
        ],
    )
    lines = []
    for action in created:
        line = services.budget_line_create(
            action=action, by=coordinator, funder=funder, year=2026, nature="operating", planned_amount=Decimal(3000)
        )
        amounts = {1: (Decimal(500), Decimal(500)), 2: (Decimal(500), Decimal(0)), 3: (Decimal(400), Decimal(0))}
        services.execution_record(line=line, by=coordinator, amounts=amounts)
        lines.append(line)
    periods = list(plan.periods.filter(year__lte=2026).order_by("year", "quarter"))
    reported = [p for p in periods if (p.year, p.quarter) <= (2026, 3)]
    for step, period in enumerate(reported, start=1):
        quarter_save(
            period=period,
            by=coordinator,
            progress=[
                {"action": a, "status": "in_progress", "progress": min(90, 10 * step), "note": f"Point {period}"}
                for a in created
            ],
            measurements=[
                {"indicator": i, "value_number": Decimal(step * 3), "value_text": "", "comment": ""} for i in measured
            ],
        )
        if (period.year, period.quarter) <= (2026, 2):
            quarter_close(period=period, by=coordinator)
    return SecondYear(
        plan=plan,
        users=users,
        pillars=pillars,
        actions=created,
        indicators=measured,
        closed=plan.periods.get(year=2026, quarter=2),
        open=plan.periods.get(year=2026, quarter=3),
        lines=lines,
        funding=funding,
        funder=funder,
    )


def grow_second_year(plan, *, actions: int, indicators: int = 3):
    """Make `plan` a plan in its second year, in bulk (hundreds of actions in a second or two).

    2025–2027, adopted and tracked; two pillars of two axes; `actions` actions with leads (some late) and a
    partner each; `indicators` indicators per action (quarterly count, half-yearly percentage, yearly yes/no,
    then counts); progress updates and values from T1 2025 to T3 2026 (the current quarter, T4 2026, holds
    values too), quarters closed up to T2 2026; a budget line per action with execution in Q1–Q3 2026; a grant
    with an instalment received. Returns {role: user} for the plan's members.
    """
    from decimal import Decimal

    from django.utils import timezone

    from indicators.enums import Frequency, Unit
    from indicators.models import DUE_QUARTERS, Indicator, Measurement, ProgressUpdate
    from plans.enums import ActionPartnerRole, ActionStatus, MemberRole, PlanStatus
    from plans.models import (
        Action,
        ActionPartner,
        BudgetExecution,
        BudgetLine,
        Funding,
        FundingInstalment,
        Meeting,
        ReportingPeriod,
    )
    from plans.services import reporting_periods_sync
    from tests.partners.factories import PartnerFactory, UserFactory
    from tests.plans.factories import AxisFactory, MembershipFactory, PillarFactory

    meeting = Meeting.objects.create(plan=plan, date=datetime.date(2025, 2, 1))
    plan.period_start, plan.period_end = datetime.date(2025, 1, 1), datetime.date(2027, 12, 31)
    plan.status, plan.adopted_on, plan.adopted_meeting = PlanStatus.ACTIVE, meeting.date, meeting
    plan.save()
    reporting_periods_sync(plan=plan)
    users = {role: MembershipFactory(plan=plan, role=role).user for role in MemberRole.values}
    leads = [PartnerFactory(), PartnerFactory(police=True), PartnerFactory()]
    funder = PartnerFactory(mildeca=True)
    plan.partners.add(*leads, funder)
    users["lead"] = UserFactory(partner=leads[0])
    MembershipFactory(plan=plan, user=users["lead"], role=MemberRole.CONTRIBUTOR)
    pillars = [PillarFactory(plan=plan, order=p) for p in (1, 2)]
    axes = [AxisFactory(pillar=pillar, number=n) for pillar in pillars for n in (1, 2)]
    statuses = [ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.PLANNED, ActionStatus.IN_PROGRESS]
    created = Action.objects.bulk_create(
        Action(
            plan=plan,
            axis=axes[i % len(axes)],
            title=f"Action {i + 1}",
            summary="Sommaire de l'action",
            lead=leads[i % len(leads)],
            order=i,
            start_date=datetime.date(2025, 1, 1),
            due_date=datetime.date(2026, 3, 31) if i % 5 == 0 else datetime.date(2027, 6, 30),
            status=statuses[i % len(statuses)],
            progress=100 if statuses[i % len(statuses)] == ActionStatus.DONE else 40,
        )
        for i in range(actions)
    )
    ActionPartner.objects.bulk_create(
        ActionPartner(action=a, partner=leads[(i + 1) % len(leads)], role=ActionPartnerRole.CONTRIBUTOR)
        for i, a in enumerate(created)
    )
    kinds = [
        (Unit.COUNT, Frequency.QUARTERLY),
        (Unit.PERCENTAGE, Frequency.HALF_YEARLY),
        (Unit.YES_NO, Frequency.YEARLY),
    ]
    measured = Indicator.objects.bulk_create(
        Indicator(
            plan=plan,
            action=a,
            label=f"Indicateur {n} de l'action {a.pk}",
            unit=kinds[n % 3][0] if n < 3 else Unit.COUNT,
            frequency=kinds[n % 3][1] if n < 3 else Frequency.QUARTERLY,
            target_value=Decimal(40) if n % 3 == 0 else None,
            is_key=n == 0 and a.order < 4,
            order=n,
        )
        for a in created
        for n in range(indicators)
    )
    coordinator = users[MemberRole.COORDINATOR]
    periods = list(plan.periods.filter(year__lte=2026).order_by("year", "quarter"))
    updates, values = [], []
    for step, period in enumerate(periods, start=1):
        for a in created:
            updates.append(
                ProgressUpdate(action=a, period=period, status=ActionStatus.IN_PROGRESS, progress=min(90, 8 * step),
                               note=f"Point du {period.label}", entered_by=coordinator)
            )  # fmt: skip
        for indicator in measured:
            if period.quarter in DUE_QUARTERS[indicator.frequency]:
                number = Decimal(1) if indicator.unit == Unit.YES_NO else Decimal(min(100, step * 7))
                values.append(
                    Measurement(indicator=indicator, period=period, value_number=number, entered_by=coordinator)
                )
    ProgressUpdate.objects.bulk_create(updates)
    Measurement.objects.bulk_create(values)
    ReportingPeriod.objects.filter(plan=plan).filter(year=2025).update(closed_at=timezone.now(), closed_by=coordinator)
    ReportingPeriod.objects.filter(plan=plan, year=2026, quarter__lte=2).update(
        closed_at=timezone.now(), closed_by=coordinator
    )
    lines = BudgetLine.objects.bulk_create(
        BudgetLine(plan=plan, action=a, funder=funder, year=2026, nature="operating", planned_amount=Decimal(3000))
        for a in created
    )
    BudgetExecution.objects.bulk_create(
        BudgetExecution(line=line, quarter=q, committed=Decimal(500), paid=Decimal(250))
        for line in lines
        for q in (1, 2, 3)
    )
    funding = Funding.objects.create(plan=plan, funder=funder, year=2026, amount_granted=Decimal(20000))
    FundingInstalment.objects.create(
        funding=funding,
        amount=Decimal(10000),
        expected_on=datetime.date(2026, 1, 20),
        received_on=datetime.date(2026, 1, 27),
    )
    return users


# What a round trip through a file may not carry, by the file (README, "Round trip"): the suivi CSV is the SeNe
# model's eight columns; everything else carries every field below.
SUIVI_CSV_LEAVES = {
    "pillars": ("description",),
    "axes": ("description",),
    "actions": ("start_date", "status", "progress", "cost_class", "first_year"),
    "indicators": ("frequency", "is_key", "baseline_value", "target_value", "target_date", "direction", "unit"),
}


def plan_fields(plan, *, leaving: dict | None = None) -> dict:
    """Everything of a plan that its exports carry, as comparable values without ids: pillars, axes, actions,
    indicators, budget lines (with their funders). `leaving`: the fields a file does not carry, blanked."""
    from plans.models import Axis, BudgetLine

    leaving = leaving or {}

    def rows(part, objects, names):
        left = leaving.get(part, ())
        return [tuple(None if name in left else value(o, name) for name in names) for o in objects]

    def value(obj, name):
        for step in name.split("."):
            obj = getattr(obj, step) if obj is not None else None
        return obj

    pillars = rows("pillars", plan.pillars.order_by("order"), ("order", "name", "kind", "description"))
    axes = rows(
        "axes",
        Axis.objects.filter(pillar__plan=plan).select_related("pillar").order_by("pillar__order", "number"),
        ("pillar.name", "number", "name", "description"),
    )
    action_names = (
        "axis.name", "title", "summary", "lead.name", "lead.kind", "field_of_intervention", "target_groups",
        "comments", "competence", "financing_note", "start_date", "due_date", "status", "progress", "cost_class",
        "first_year",
    )  # fmt: skip
    actions = rows("actions", plan.actions.select_related("axis", "lead").in_plan_order(), action_names)
    indicator_names = (
        "action.title", "kind", "label", "unit", "frequency", "is_key", "baseline_value", "target_value",
        "target_date", "direction",
    )  # fmt: skip
    indicators = rows(
        "indicators",
        Indicator.objects.filter(plan=plan)
        .exclude(action=None)
        .select_related("action")
        .order_by("action__axis__pillar__order", "action__axis__number", "action__order", "order", "pk"),
        indicator_names,
    )
    lines = sorted(
        (line.action.title, line.funder.name, line.year, line.nature, line.planned_amount)
        for line in BudgetLine.objects.filter(plan=plan).select_related("action", "funder")
    )
    return {"pillars": pillars, "axes": axes, "actions": actions, "indicators": indicators, "budget": lines}


# --- Tracking: quarters' values, progress, reviews, evidence; breakdowns; what is sent and shared -------------


class DimensionFactory(DjangoModelFactory):
    """A breakdown of a plan's values (age, sex…); `categories=["Mineurs", "Majeurs"]` adds its categories."""

    class Meta:
        model = "indicators.Dimension"
        skip_postgeneration_save = True

    plan = factory.SubFactory("tests.plans.factories.PlanFactory")
    name = factory.Sequence(lambda n: f"Tranche d'âge {n}")

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        for order, label in enumerate(extracted or ()):
            CategoryFactory(dimension=self, label=label, order=order)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = "indicators.Category"

    dimension = factory.SubFactory(DimensionFactory)
    label = factory.Sequence(lambda n: f"Catégorie {n}")


class MeasurementFactory(DjangoModelFactory):
    """An indicator's value in a quarter of its plan (T1 2026 unless told)."""

    class Meta:
        model = "indicators.Measurement"

    indicator = factory.SubFactory(IndicatorFactory)
    period = factory.SubFactory(
        "tests.plans.factories.ReportingPeriodFactory", plan=factory.SelfAttribute("..indicator.plan")
    )
    value_number = Decimal("12")
    entered_by = factory.SubFactory("tests.partners.factories.UserFactory")


class ProgressUpdateFactory(DjangoModelFactory):
    """An action's progress in a quarter of its plan; `done=True` for a finished action (100 %)."""

    class Meta:
        model = "indicators.ProgressUpdate"

    action = factory.SubFactory(ActionFactory)
    period = factory.SubFactory(
        "tests.plans.factories.ReportingPeriodFactory", plan=factory.SelfAttribute("..action.plan")
    )
    status = "in_progress"
    progress = 40
    note = "Deux ateliers menés."
    entered_by = factory.SubFactory("tests.partners.factories.UserFactory")

    class Params:
        done = factory.Trait(status="done", progress=100)


class ActionReviewFactory(DjangoModelFactory):
    """An action's quarter between its reporter and a validator: `submitted`, `validated` or `returned`."""

    class Meta:
        model = "indicators.ActionReview"

    action = factory.SubFactory(ActionFactory)
    period = factory.SubFactory(
        "tests.plans.factories.ReportingPeriodFactory", plan=factory.SelfAttribute("..action.plan")
    )

    class Params:
        submitted = factory.Trait(
            state="submitted",
            submitted_by=factory.SubFactory("tests.partners.factories.UserFactory"),
            submitted_at=factory.LazyFunction(timezone.now),
        )
        validated = factory.Trait(
            submitted=True,
            state="validated",
            decided_by=factory.SubFactory("tests.partners.factories.UserFactory"),
            decided_at=factory.LazyFunction(timezone.now),
        )
        returned = factory.Trait(
            submitted=True,
            state="returned",
            decided_by=factory.SubFactory("tests.partners.factories.UserFactory"),
            decided_at=factory.LazyFunction(timezone.now),
            reason="Le chiffre du trimestre est à vérifier.",
        )


class EvidenceFactory(DjangoModelFactory):
    """A PDF backing up an action (`holder="action"`, the default)."""

    class Meta:
        model = "indicators.Evidence"

    action = factory.SubFactory(ActionFactory)
    plan = factory.SelfAttribute("action.plan")
    holder = "action"
    file = factory.django.FileField(filename="compte-rendu.pdf", data=b"%PDF-1.4\n%%EOF\n")
    name = "compte-rendu.pdf"
    kind = "pdf"
    size = 15
    uploaded_by = factory.SubFactory("tests.partners.factories.UserFactory")


class DigestSentFactory(DjangoModelFactory):
    class Meta:
        model = "indicators.DigestSent"

    user = factory.SubFactory("tests.partners.factories.UserFactory")
    day = datetime.date(2026, 12, 1)


class ReviewSendingFactory(DjangoModelFactory):
    class Meta:
        model = "indicators.ReviewSending"

    plan = factory.SubFactory("tests.plans.factories.PlanFactory")
    year = 2026
    sent_on = datetime.date(2027, 1, 15)
    file = factory.django.FileField(filename="bilan-2026.pdf", data=b"%PDF-1.4\n%%EOF\n")
    filename = "bilan-2026.pdf"
    sent_by = factory.SubFactory("tests.partners.factories.UserFactory")


class ShareLinkFactory(DjangoModelFactory):
    """A read-only link to the plan's dashboard; the token itself is in `.raw`."""

    class Meta:
        model = "indicators.ShareLink"

    plan = factory.SubFactory("tests.plans.factories.PlanFactory")
    label = "Préfecture"
    raw = factory.Sequence(lambda n: f"lien-{n}-{'x' * 20}")
    token_hash = factory.LazyAttribute(lambda o: ShareLink.hash(o.raw))
    created_by = factory.SubFactory("tests.partners.factories.UserFactory")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=90))

    @classmethod
    def _create(cls, model_class, *args, raw, **kwargs):
        link = super()._create(model_class, *args, **kwargs)
        link.raw = raw
        return link


class ExportJobFactory(DjangoModelFactory):
    class Meta:
        model = "indicators.ExportJob"

    plan = factory.SubFactory("tests.plans.factories.PlanFactory")
    report = "suivi"
    fmt = "csv"
    data_version = "v1"
    requested_by = factory.SubFactory("tests.partners.factories.UserFactory")
