"""After adoption: tracking starts, the plan closes; every change is in the history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.enums import MemberRole, PlanStatus
from tests.plans.factories import ActionFactory, MembershipFactory, PlanFactory


@pytest.fixture
def adopted(db):
    plan = PlanFactory(adopted=True)
    users = {role: MembershipFactory(plan=plan, role=role).user for role in MemberRole.values}
    return plan, users


@pytest.mark.django_db
class TestStatusChanges:
    def test_coordinator_starts_tracking_then_closes(self, client, adopted):
        plan, users = adopted
        client.force_login(users[MemberRole.COORDINATOR])
        url = reverse("plans:status", args=[plan.pk])
        assert "Passer le plan au statut « En cours »" in client.get(url + "?to=active").content.decode()
        client.post(url, {"status": "active"})
        plan.refresh_from_db()
        assert plan.status == PlanStatus.ACTIVE
        client.post(url, {"status": "closed", "confirm": "on"})
        plan.refresh_from_db()
        assert plan.status == PlanStatus.CLOSED
        assert plan.adopted_on is not None  # the adoption record stays

    @pytest.mark.parametrize("role", [MemberRole.EDITOR, MemberRole.CONTRIBUTOR, MemberRole.VIEWER])
    def test_only_the_coordinator_changes_the_status(self, client, adopted, role):
        plan, users = adopted
        client.force_login(users[role])
        assert client.post(reverse("plans:status", args=[plan.pk]), {"status": "active"}).status_code == 403

    def test_draft_cannot_skip_adoption(self, client, db):
        plan = PlanFactory()
        user = MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user
        client.force_login(user)
        assert client.post(reverse("plans:status", args=[plan.pk]), {"status": "active"}).status_code == 403
        plan.refresh_from_db()
        assert plan.is_draft

    def test_closed_plan_is_read_only(self, client, adopted):
        plan, users = adopted
        plan.status = PlanStatus.CLOSED
        plan.save()
        action = ActionFactory(axis__pillar__plan=plan)
        client.force_login(users[MemberRole.COORDINATOR])
        assert client.get(reverse("plans:action_edit", args=[plan.pk, action.pk])).status_code == 403
        assert "Rouvrir le plan" in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
        html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
        assert "Ajouter une action" not in html


@pytest.mark.django_db
class TestHistory:
    def test_history_shows_who_changed_what(self, client, adopted, django_assert_max_num_queries):
        plan, users = adopted
        client.force_login(users[MemberRole.COORDINATOR])
        client.post(reverse("plans:pillar_create", args=[plan.pk]), {"pillar-kind": "care", "pillar-name": "Soins"})
        client.post(
            reverse("plans:frame", args=[plan.pk]),
            {"title": "Titre révisé", "period_start": "01/01/2026", "period_end": "31/12/2028"},
        )
        with django_assert_max_num_queries(18):  # with closures, values and progress updates (issue 26)
            response = client.get(reverse("plans:history", args=[plan.pk]))
        entries = response.context["entries"]
        assert entries[0]["object"] == "Titre révisé" and "intitulé" in entries[0]["fields"]
        assert any(e["object"] == "Soins" and e["verb"] == "création" for e in entries)
        assert all(e["user"] == users[MemberRole.COORDINATOR] for e in entries[:2])


@pytest.mark.django_db
class TestTimeZones:
    def test_plan_pages_use_the_territory_zone(self, client, db):
        plan = PlanFactory(territory__belgian=True)
        user = MembershipFactory(plan=plan, role=MemberRole.VIEWER).user
        client.force_login(user)
        response = client.get(reverse("plans:detail", args=[plan.pk]))
        assert response.status_code == 200
        assert str(timezone.get_current_timezone()) == "Europe/Brussels"
        client.get(reverse("home"))
        assert str(timezone.get_current_timezone()) == "Europe/Paris"


@pytest.mark.django_db
class TestBudgetHistory:
    def test_budget_changes_are_attributed(self, client, adopted, django_assert_max_num_queries):
        from decimal import Decimal

        from plans import services
        from tests.partners.factories import PartnerFactory

        plan, users = adopted
        coordinator = users[MemberRole.COORDINATOR]
        funder = PartnerFactory(mildeca=True)
        plan.partners.add(funder)
        action = ActionFactory(axis__pillar__plan=plan)
        for year in (2026, 2027):
            line = services.budget_line_create(
                action=action, by=coordinator, funder=funder, year=year, nature="staff", planned_amount=Decimal("900")
            )
            services.execution_record(line=line, by=coordinator, amounts={1: (Decimal("100"), Decimal("0"))})
        services.funding_create(plan=plan, by=coordinator, funder=funder, year=2026, amount_granted=Decimal("900"))
        client.force_login(coordinator)
        with django_assert_max_num_queries(18):  # with closures, values and progress updates (issue 26)
            response = client.get(reverse("plans:history", args=[plan.pk]))
        objects = [e["object"] for e in response.context["entries"]]
        assert f"{action.title} — MILDECA 2026 — T1" in objects
        assert "MILDECA 2026" in objects

    def test_history_query_count_does_not_grow_with_changes(self, client, adopted, django_assert_max_num_queries):
        plan, users = adopted
        for _ in range(15):
            ActionFactory(axis__pillar__plan=plan)
        client.force_login(users[MemberRole.COORDINATOR])
        with django_assert_max_num_queries(18):  # with closures, values and progress updates (issue 26)
            response = client.get(reverse("plans:history", args=[plan.pk]))
        assert len(response.context["entries"]) >= 15
