import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from plans.enums import ActionStatus, BudgetNature, Country, MemberRole, PillarKind, SizeClass, TerritoryKind
from plans.models import Action, Axis, BudgetLine, Funding, Meeting, Membership, Pillar, Plan, Territory
from tests.partners.factories import PartnerFactory, UserFactory


class TerritoryFactory(DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Faker("city", locale="fr_FR")
    kind = TerritoryKind.COMMUNE
    country = Country.FRANCE
    official_code = factory.Sequence(lambda n: f"{10000 + n}")
    population = 25_000
    size_class = SizeClass.MEDIUM

    class Params:
        belgian = factory.Trait(
            kind=TerritoryKind.POLICE_ZONE,
            country=Country.BELGIUM,
            official_code=factory.Sequence(lambda n: f"{5000 + n}"),
        )


class PlanFactory(DjangoModelFactory):
    """`PlanFactory(with_actions=12)` builds one pillar and axis holding twelve actions with leads.

    `PlanFactory(second_year=300)` builds a plan in its second year with 300 actions, their partners,
    indicators, values in closed and open quarters, progress updates and money (see
    tests.indicators.factories.grow_second_year); its members are in `plan.members_by_role`.
    """

    class Meta:
        model = Plan
        skip_postgeneration_save = True

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Plan local de prévention {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2028, 12, 31)

    @factory.post_generation
    def adopted(self, create, extracted, **kwargs):
        if not extracted:
            return
        meeting = Meeting.objects.create(plan=self, date=datetime.date(2026, 2, 1))
        self.status, self.adopted_on, self.adopted_meeting = "adopted", meeting.date, meeting
        self.save()

    @factory.post_generation
    def second_year(self, create, extracted, **kwargs):
        if not extracted:
            return
        from tests.indicators.factories import grow_second_year

        self.members_by_role = grow_second_year(self, actions=extracted, **kwargs)

    @factory.post_generation
    def with_actions(self, create, extracted, **kwargs):
        if not extracted:
            return
        pillar = PillarFactory(plan=self)
        axis = AxisFactory(pillar=pillar)
        lead = PartnerFactory()
        self.partners.add(lead)
        Action.objects.bulk_create(
            Action(
                plan=self,
                axis=axis,
                title=f"Action {i}",
                lead=lead,
                order=i,
                due_date=datetime.date(2027, 6, 30),
                status=ActionStatus.IN_PROGRESS,
            )
            for i in range(extracted)
        )


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    plan = factory.SubFactory(PlanFactory)
    date = datetime.date(2026, 3, 1)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    plan = factory.SubFactory(PlanFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.VIEWER


class PillarFactory(DjangoModelFactory):
    class Meta:
        model = Pillar

    plan = factory.SubFactory(PlanFactory)
    kind = PillarKind.PREVENTION
    name = factory.Sequence(lambda n: f"Pilier {n}")
    order = factory.Sequence(lambda n: n + 1)


class AxisFactory(DjangoModelFactory):
    class Meta:
        model = Axis

    pillar = factory.SubFactory(PillarFactory)
    number = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Axe de travail {n}")


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    axis = factory.SubFactory(AxisFactory)
    plan = factory.LazyAttribute(lambda o: o.axis.pillar.plan)
    title = factory.Sequence(lambda n: f"Action de prévention {n}")
    lead = factory.SubFactory(PartnerFactory)
    due_date = datetime.date(2027, 6, 30)
    order = factory.Sequence(lambda n: n)


class FundingFactory(DjangoModelFactory):
    class Meta:
        model = Funding

    plan = factory.SubFactory(PlanFactory)
    funder = factory.SubFactory(PartnerFactory, mildeca=True)
    year = 2026
    amount_granted = Decimal("20000.00")


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    action = factory.SubFactory(ActionFactory)
    plan = factory.LazyAttribute(lambda o: o.action.plan)
    funder = factory.SubFactory(PartnerFactory, mildeca=True)
    year = 2026
    nature = BudgetNature.OPERATING
    planned_amount = Decimal("10000.00")


def territory_authority(user, *, kind=TerritoryKind.COMMUNE, country=Country.FRANCE, official_code="99901", **fields):
    """Make `user`'s organisation the authority of the territory a test creates plans for (plans.perms
    .can_create_plan): they create plans there without a request."""
    territory = Territory.objects.filter(kind=kind, country=country, official_code=official_code).first()
    if territory is None:
        fields.setdefault("name", "Val-de-Sorne")
        fields.setdefault("population", 38_500)
        fields["size_class"] = Territory.size_class_for(fields["population"])
        territory = TerritoryFactory(kind=kind, country=country, official_code=official_code, **fields)
    territory.authorities.add(user.partner)
    return territory
