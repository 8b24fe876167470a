"""Issue 26's words on the walk: per-country defaults and help texts, the reports page's quarters, the adoption
line, the pillar heading."""

import datetime

import pytest
from django.urls import reverse

from partners.enums import PartnerKind
from plans.enums import MeetingKind, MemberRole
from tests.partners.factories import PartnerFactory, UserFactory
from tests.plans.factories import MeetingFactory, MembershipFactory, PillarFactory, PlanFactory, TerritoryFactory


@pytest.mark.django_db
class TestPerCountry:
    def test_a_belgian_zone_starts_on_belgium(self, client):
        user = UserFactory(partner=PartnerFactory(name="Zone de police Mons-Quévy", kind=PartnerKind.LOCAL_POLICE))
        client.force_login(user)
        form = client.get(reverse("plans:create")).context["form"]
        assert form["country"].value() == "BE"

    def test_a_member_of_belgian_plans_starts_on_belgium_and_others_on_france(self, client):
        user = UserFactory(partner=PartnerFactory(name="Association Tous ensemble", kind=PartnerKind.ASSOCIATION))
        client.force_login(user)
        assert client.get(reverse("plans:create")).context["form"]["country"].value() == "FR"
        MembershipFactory(user=user, plan=PlanFactory(territory=TerritoryFactory(belgian=True)))
        assert client.get(reverse("plans:create")).context["form"]["country"].value() == "BE"

    def test_belgian_help_texts_name_belgian_bodies(self, client):
        plan = PlanFactory(territory=TerritoryFactory(belgian=True))
        client.force_login(MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user)
        funding = client.get(reverse("plans:funding_create", args=[plan.pk])).content.decode()
        assert "plan stratégique de sécurité et de prévention" in funding
        assert "MILDECA" not in funding and "FIPD" not in funding
        indicators = client.get(reverse("indicators:plan_indicators", args=[plan.pk])).content.decode()
        assert "OFDT" not in indicators


@pytest.mark.django_db
class TestReportsPage:
    def test_quarters_to_come_are_not_offered_and_closed_ones_say_so(self, client):
        from plans.services import reporting_periods_sync

        today = datetime.date.today()
        plan = PlanFactory(
            adopted=True,
            period_start=datetime.date(today.year - 1, 1, 1),
            period_end=datetime.date(today.year + 2, 12, 31),
        )
        reporting_periods_sync(plan=plan)
        first = plan.periods.get(year=today.year - 1, quarter=1)
        first.closed_at = datetime.datetime(today.year - 1, 5, 1, tzinfo=datetime.UTC)
        first.save()
        client.force_login(MembershipFactory(plan=plan, role=MemberRole.VIEWER).user)
        html = client.get(reverse("indicators:reports", args=[plan.pk])).content.decode()
        assert f'T1 {today.year - 1}</a> <span class="small text-body-secondary">— clos' in html
        assert f"T4 {today.year + 1}" not in html and f"Bilan {today.year + 2}" not in html
        assert f"Bilan {today.year}" in html


@pytest.mark.django_db
class TestPlanWords:
    def test_adoption_line_does_not_repeat_the_date(self, client):
        plan = PlanFactory(adopted=True)
        day = datetime.date(2026, 12, 1)
        meeting = MeetingFactory(plan=plan, kind=MeetingKind.STEERING, date=day)
        plan.adopted_on, plan.adopted_meeting = day, meeting
        plan.save()
        client.force_login(MembershipFactory(plan=plan, role=MemberRole.VIEWER).user)
        html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
        assert "Adopté le 01/12/2026 (Comité de pilotage)." in html

    def test_a_pillar_named_as_its_kind_is_not_said_twice(self, client):
        plan = PlanFactory()
        PillarFactory(plan=plan, name="Réduction de l'offre", kind="supply_reduction")
        client.force_login(MembershipFactory(plan=plan, role=MemberRole.VIEWER).user)
        html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
        assert "Réduction de l&#x27;offre · Réduction" not in html and "· Réduction de l" not in html


@pytest.mark.django_db
def test_readers_read_the_frame_without_a_greyed_form(client):
    plan = PlanFactory(adopted=True, description="Réduire les nuisances")
    client.force_login(MembershipFactory(plan=plan, role=MemberRole.VIEWER).user)
    html = client.get(reverse("plans:frame", args=[plan.pk])).content.decode()
    assert '<form method="post" novalidate>' not in html and "disabled" not in html and "JJ/MM/AAAA" not in html
    assert "Réduire les nuisances" in html and "15 jours après la fin de chaque trimestre" in html
    client.force_login(MembershipFactory(plan=plan, role=MemberRole.EDITOR).user)
    assert 'name="title"' in client.get(reverse("plans:frame", args=[plan.pk])).content.decode()
