"""Dashboards: read-only for viewers, a multi-plan overview, and public share links."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from indicators import urls as indicator_urls
from indicators.models import ShareLink
from indicators.services import share_link_create
from plans import urls as plan_urls
from plans.enums import MemberRole
from plans.models import BudgetLine, Funding, Membership
from plans.services import reporting_periods_sync
from tests.indicators.factories import IndicatorFactory
from tests.plans.factories import ActionFactory, AxisFactory, MembershipFactory, PlanFactory


@pytest.fixture
def plan(db):
    plan = PlanFactory(adopted=True)
    reporting_periods_sync(plan=plan)
    axis = AxisFactory(pillar__plan=plan)
    action = ActionFactory(axis=axis, due_date=datetime.date(2026, 1, 31), title="Action en retard de démonstration")
    plan.partners.add(action.lead)
    IndicatorFactory(action=action, label="Nombre de séances", is_key=True, target_value=Decimal("20"))
    return plan


def member(plan, role):
    return MembershipFactory(plan=plan, role=role).user


@pytest.mark.django_db
class TestPlanDashboard:
    @pytest.mark.parametrize("role", MemberRole.values)
    def test_every_member_reads_it(self, client, plan, role):
        client.force_login(member(plan, role))
        response = client.get(reverse("indicators:dashboard", args=[plan.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Actions par statut" in html and "<svg" in html and "Données du graphique" in html
        assert "Action en retard de démonstration" in html and "Nombre de séances" in html

    def test_viewer_sees_no_form_and_no_edit_button(self, client, plan):
        client.force_login(member(plan, MemberRole.VIEWER))
        html = client.get(reverse("indicators:dashboard", args=[plan.pk])).content.decode()
        main = html.split('id="contenu"')[1].split("</main>")[0]
        assert 'method="post"' not in main
        assert "Partager" not in main and "Modifier" not in main

    def test_outsider_gets_404(self, client, plan):
        client.force_login(member(PlanFactory(), MemberRole.COORDINATOR))
        assert client.get(reverse("indicators:dashboard", args=[plan.pk])).status_code == 404

    @pytest.mark.parametrize("size", [10, 300])
    def test_query_count_is_fixed(self, client, django_assert_max_num_queries, size):
        big = PlanFactory(adopted=True, with_actions=size)
        client.force_login(member(big, MemberRole.VIEWER))
        with django_assert_max_num_queries(18):
            assert client.get(reverse("indicators:dashboard", args=[big.pk])).status_code == 200


def _kwargs(pattern: URLPattern, objects: dict) -> dict | None:
    names = re.findall(r"<(?:int|str):(\w+)>", str(pattern.pattern))
    if "pk" not in names or any(name not in objects for name in names):
        return None  # not a page of this plan (creating a new plan is open to every user)
    return {name: objects[name] for name in names}


@pytest.mark.django_db
class TestViewerCannotWrite:
    def test_every_write_url_refuses_a_viewer(self, client, plan):
        """POST to every URL of the plan's pages as a viewer: never a success, always 403, 404 or 405."""
        action = plan.actions.first()
        line = BudgetLine.objects.create(plan=plan, action=action, funder=action.lead, year=2026, nature="staff",
                                         planned_amount=100)  # fmt: skip
        funding = Funding.objects.create(plan=plan, funder=action.lead, year=2026, amount_granted=100)
        coordinator = member(plan, MemberRole.COORDINATOR)
        link, _token = share_link_create(plan=plan, by=coordinator, label="Préfecture", days=30)
        viewer = member(plan, MemberRole.VIEWER)
        objects = {
            "pk": plan.pk, "action_pk": action.pk, "pillar_pk": action.axis.pillar_id, "axis_pk": action.axis_id,
            "indicator_pk": action.indicators.first().pk, "line_pk": line.pk, "funding_pk": funding.pk,
            "partner_pk": action.lead_id, "membership_pk": Membership.objects.get(user=viewer).pk,
            "link_pk": link.pk, "year": 2026, "quarter": 1,
        }  # fmt: skip
        client.force_login(viewer)
        checked = 0
        for urlconf, namespace in ((plan_urls, "plans"), (indicator_urls, "indicators")):
            for pattern in urlconf.urlpatterns:
                kwargs = _kwargs(pattern, objects)
                if kwargs is None:
                    continue
                response = client.post(reverse(f"{namespace}:{pattern.name}", kwargs=kwargs), {"direction": "up"})
                assert response.status_code in {403, 404, 405}, (pattern.name, response.status_code)
                checked += 1
        assert checked >= 50


@pytest.mark.django_db
class TestOverview:
    def test_one_row_per_plan_sortable(self, client, plan):
        user = member(plan, MemberRole.VIEWER)
        other = PlanFactory(title="Un autre plan suivi", with_actions=3)
        MembershipFactory(plan=other, user=user, role=MemberRole.COORDINATOR)
        PlanFactory(title="Plan d'un autre territoire")
        client.force_login(user)
        response = client.get(reverse("overview"), {"tri": "retard"})
        rows = response.context["rows"]
        assert {r.pk for r in rows} == {plan.pk, other.pk}
        assert rows[0].pk == plan.pk  # one late action: first when sorted by lateness
        assert response.context["by_kind"][0]["total"] == 4

    def test_query_count_with_300_plans(self, client, django_assert_max_num_queries, db):
        user = MembershipFactory(role=MemberRole.VIEWER).user
        for _ in range(299):
            MembershipFactory(user=user, plan=PlanFactory(with_actions=2), role=MemberRole.VIEWER)
        client.force_login(user)
        with django_assert_max_num_queries(4):
            response = client.get(reverse("overview"), {"tri": "execution"})
        assert len(response.context["rows"]) == 300


@pytest.mark.django_db
class TestShareLinks:
    def test_coordinator_shares_and_a_partner_reads_without_login(self, client, plan):
        coordinator = member(plan, MemberRole.COORDINATOR)
        client.force_login(coordinator)
        response = client.post(
            reverse("indicators:share_links", args=[plan.pk]), {"label": "Préfecture", "days": "30"}
        )
        url = response.context["new_url"]
        assert url and "/partage/" in url
        link = ShareLink.objects.get()
        assert link.token_hash != url.rstrip("/").rsplit("/", 1)[1]  # only the hash is stored
        client.logout()
        public = client.get(url)
        assert public.status_code == 200
        assert public["X-Robots-Tag"].startswith("noindex")
        html = public.content.decode()
        assert '<meta name="robots" content="noindex' in html and "Actions par statut" in html
        assert coordinator.email not in html and coordinator.last_name not in html
        assert 'method="post"' not in html.split('id="contenu"')[1]

    def test_revoked_and_expired_links_say_so_and_guesses_are_404(self, client, plan):
        coordinator = member(plan, MemberRole.COORDINATOR)
        link, token = share_link_create(plan=plan, by=coordinator, label="Parquet", days=7)
        client.force_login(coordinator)
        client.post(reverse("indicators:share_link_revoke", args=[plan.pk, link.pk]))
        client.logout()
        revoked = client.get(reverse("shared_dashboard", args=[token]))
        assert revoked.status_code == 410 and "révoqué" in revoked.content.decode()
        expired_link, expired_token = share_link_create(plan=plan, by=coordinator, label="ARS", days=1)
        ShareLink.objects.filter(pk=expired_link.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
        expired = client.get(reverse("shared_dashboard", args=[expired_token]))
        assert expired.status_code == 410 and "expiré" in expired.content.decode()
        assert client.get(reverse("shared_dashboard", args=["devinette-" + token[:10]])).status_code == 404

    @pytest.mark.parametrize("role", [MemberRole.EDITOR, MemberRole.CONTRIBUTOR, MemberRole.VIEWER])
    def test_only_the_coordinator_creates_links(self, client, plan, role):
        client.force_login(member(plan, role))
        response = client.post(reverse("indicators:share_links", args=[plan.pk]), {"label": "x", "days": "30"})
        assert response.status_code == 403
        assert not ShareLink.objects.exists()
