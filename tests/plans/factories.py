import datetime
import hashlib
from decimal import Decimal

import factory
from django.utils import timezone
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


# --- The rest of the plans app: quarters, links, money details, conventions, records --------------------------


class ReportingPeriodFactory(DjangoModelFactory):
    """A quarter of a plan (the one that exists if the plan's quarters were made); `closed=True` closes it."""

    class Meta:
        model = "plans.ReportingPeriod"
        django_get_or_create = ("plan", "year", "quarter")

    plan = factory.SubFactory(PlanFactory)
    year = 2026
    quarter = 1

    class Params:
        closed = factory.Trait(closed_at=factory.LazyFunction(timezone.now), closed_by=factory.SubFactory(UserFactory))


class PeriodEventFactory(DjangoModelFactory):
    class Meta:
        model = "plans.PeriodEvent"

    period = factory.SubFactory(ReportingPeriodFactory, closed=True)
    kind = "closed"
    by = factory.SubFactory(UserFactory)


class ActionPartnerFactory(DjangoModelFactory):
    class Meta:
        model = "plans.ActionPartner"

    action = factory.SubFactory(ActionFactory)
    partner = factory.SubFactory(PartnerFactory)


class FundingInstalmentFactory(DjangoModelFactory):
    class Meta:
        model = "plans.FundingInstalment"

    funding = factory.SubFactory(FundingFactory)
    amount = Decimal("5000")


class BudgetExecutionFactory(DjangoModelFactory):
    class Meta:
        model = "plans.BudgetExecution"
        django_get_or_create = ("line", "quarter")

    line = factory.SubFactory(BudgetLineFactory)
    quarter = 1


class ConventionFactory(DjangoModelFactory):
    """A convention of the plan; `with_party=True` adds a signatory partner and a commitment of theirs."""

    class Meta:
        model = "plans.Convention"
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Convention de partenariat {n}")
    starts_on = datetime.date(2026, 1, 1)

    @factory.post_generation
    def with_party(self, create, extracted, **kwargs):
        if extracted:
            party = ConventionPartyFactory(convention=self)
            CommitmentFactory(convention=self, partner=party.partner)


class ConventionPartyFactory(DjangoModelFactory):
    class Meta:
        model = "plans.ConventionParty"

    convention = factory.SubFactory(ConventionFactory)
    partner = factory.SubFactory(PartnerFactory)


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = "plans.Commitment"

    convention = factory.SubFactory(ConventionFactory)
    partner = factory.SubFactory(PartnerFactory)
    what = "Mettre à disposition une salle chaque trimestre"


class PlanTemplateFactory(DjangoModelFactory):
    class Meta:
        model = "plans.PlanTemplate"

    code = factory.Sequence(lambda n: f"modele-{n}")
    name = factory.Sequence(lambda n: f"Modèle {n}")
    description = "Un modèle de plan (proposition de la plateforme)."
    source = "Proposition de la plateforme"
    structure = factory.LazyFunction(
        lambda: {
            "pillars": [{"name": "Prévention", "kind": "prevention", "axes": [{"name": "Jeunesse", "actions": []}]}]
        }
    )


class CatalogueMeasureFactory(DjangoModelFactory):
    class Meta:
        model = "plans.CatalogueMeasure"

    code = factory.Sequence(lambda n: f"mesure-{n}")
    title = factory.Sequence(lambda n: f"Mesure {n}")
    description = "Une mesure du catalogue (proposition de la plateforme)."
    pillar_kind = PillarKind.PREVENTION
    commune_size = "all"
    competence = "commune"
    cost_class = 1
    source = "Proposition de la plateforme"


class SpreadsheetImportFactory(DjangoModelFactory):
    class Meta:
        model = "plans.SpreadsheetImport"

    plan = factory.SubFactory(PlanFactory)
    uploaded_by = factory.SubFactory(UserFactory)
    filename = "suivi.csv"
    content = b"Pilier;Action\nPrevention;Former les animateurs\n"
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())


class DeletionFactory(DjangoModelFactory):
    class Meta:
        model = "plans.Deletion"

    resource = "measurements"
    object_id = factory.Sequence(lambda n: 1000 + n)
    plan_id = factory.Sequence(lambda n: 1 + n)
    version = 3


class PlanRequestFactory(DjangoModelFactory):
    class Meta:
        model = "plans.PlanRequest"

    requested_by = factory.SubFactory(UserFactory)
    territory_name = factory.Faker("city", locale="fr_FR")
    territory_kind = TerritoryKind.COMMUNE
    country = Country.FRANCE
    official_code = factory.Sequence(lambda n: f"{20000 + n}")
    title = factory.Sequence(lambda n: f"Plan demandé {n}")
    period_start = datetime.date(2027, 1, 1)
    period_end = datetime.date(2029, 12, 31)
