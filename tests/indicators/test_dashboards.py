"""Dashboards: read-only for viewers, a multi-plan overview, and public share links."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from indicators import urls as indicator_urls
from indicators.enums import EvidenceHolder
from indicators.models import ShareLink
from indicators.services import share_link_create
from plans import urls as plan_urls
from plans.enums import MemberRole
from plans.models import Membership
from plans.services import reporting_periods_sync
from tests.indicators.factories import EvidenceFactory, IndicatorFactory
from tests.plans.factories import (
    ActionFactory,
    AxisFactory,
    BudgetLineFactory,
    FundingFactory,
    MeetingFactory,
    MembershipFactory,
    PlanFactory,
)


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
        assert "Actions par pilier et par statut" in html and "<svg" in html and "Données du graphique" in html
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
    names = re.findall(r"<(?:int|str|uuid):(\w+)>", str(pattern.pattern))
    if "pk" not in names or any(name not in objects for name in names):
        return None  # not a page of this plan (creating a new plan is open to every user)
    return {name: objects[name] for name in names}


@pytest.mark.django_db
class TestViewerCannotWrite:
    def test_every_write_url_refuses_a_viewer(self, client, plan):
        """POST to every URL of the plan's pages as a viewer: never a success, always 403, 404 or 405."""
        action = plan.actions.first()
        line = BudgetLineFactory(
            plan=plan, action=action, funder=action.lead, year=2026, nature="staff", planned_amount=100
        )
        funding = FundingFactory(plan=plan, funder=action.lead, year=2026, amount_granted=100)
        coordinator = member(plan, MemberRole.COORDINATOR)
        link, _token = share_link_create(plan=plan, by=coordinator, label="Préfecture", days=30)
        viewer = member(plan, MemberRole.VIEWER)
        meeting = MeetingFactory(plan=plan)
        evidence = EvidenceFactory(
            plan=plan, holder=EvidenceHolder.MEETING, meeting=meeting, action=None, name="cr.pdf", kind="pdf", size=10
        )
        objects = {
            "pk": plan.pk,
            "action_pk": action.pk,
            "pillar_pk": action.axis.pillar_id,
            "axis_pk": action.axis_id,
            "indicator_pk": action.indicators.first().pk,
            "line_pk": line.pk,
            "funding_pk": funding.pk,
            "partner_pk": action.lead_id,
            "membership_pk": Membership.objects.get(user=viewer).pk,
            "link_pk": link.pk,
            "meeting_pk": meeting.pk,
            "evidence_id": evidence.pk,
            "year": 2026,
            "quarter": 1,
        }
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
        response = client.get(reverse("overview"), {"sort": "late"})
        rows = response.context["page"].object_list
        assert {r.pk for r in rows} == {plan.pk, other.pk}
        assert rows[0].pk == plan.pk  # one late action: first when sorted by lateness
        result = response.context["result"]
        assert sum(k["total"] for k in result.by_kind) == 1 + 3
        assert (result.totals.plans, result.totals.actions, result.totals.late) == (2, 4, 1)

    def test_totals_and_roll_up_per_department_are_computed_over_every_page(self, client, db):
        user = MembershipFactory(role=MemberRole.VIEWER, plan__territory__department="59 — Nord").user
        for department, count in (("59 — Nord", 60), ("62 — Pas-de-Calais", 3)):
            for _ in range(count):
                plan = PlanFactory(with_actions=2, territory__department=department)
                MembershipFactory(user=user, plan=plan)
                BudgetLineFactory(action=plan.actions.first(), planned_amount=Decimal("1000"))
        client.force_login(user)
        response = client.get(reverse("overview"))
        assert len(response.context["page"].object_list) == 50
        result = response.context["result"]
        assert (result.totals.plans, result.totals.actions, result.totals.planned) == (64, 126, Decimal("63000"))
        by_department = dict(result.by_department)
        assert (by_department["59 — Nord"].plans, by_department["59 — Nord"].actions) == (61, 120)
        assert by_department["62 — Pas-de-Calais"].planned == Decimal("3000")
        html = response.content.decode()
        assert "Par département ou province" in html and "62 — Pas-de-Calais" in html
        only = client.get(reverse("overview"), {"department": "62 — Pas-de-Calais", "sort": "late"})
        assert only.context["result"].totals.plans == 3 and not only.context["result"].by_department
        # Sorting keeps the filters, paging keeps both.
        assert "department=62+%E2%80%94+Pas-de-Calais&amp;sort=title" in only.content.decode()

    def test_totals_are_kept_a_few_minutes_per_user_and_filters_and_say_when(self, client, plan, settings):
        """Issue 26: over 3,000 plans the totals read 120,000 actions; they are kept (the page of plans is live)."""
        user = member(plan, MemberRole.VIEWER)
        client.force_login(user)
        first = client.get(reverse("overview"))
        assert "Totaux et regroupements calculés à" in first.content.decode()
        ActionFactory(axis=plan.actions.first().axis)
        again = client.get(reverse("overview"))
        assert again.context["result"].totals.actions == first.context["result"].totals.actions
        assert again.context["page"].object_list[0].action_count == first.context["result"].totals.actions + 1
        other_filters = client.get(reverse("overview"), {"status": plan.status})
        assert other_filters.context["result"].totals.actions == first.context["result"].totals.actions + 1
        settings.OVERVIEW_ROLLUPS_CACHE_SECONDS = 0
        from django.core.cache import cache

        cache.clear()
        assert client.get(reverse("overview")).context["result"].totals.actions == 2

    def test_unknown_filters_and_pages(self, client, plan):
        user = member(plan, MemberRole.VIEWER)
        client.force_login(user)
        response = client.get(reverse("overview"), {"kind": "royaume", "sort": "n'importe", "page": "12"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "« royaume » n&#x27;est pas une valeur proposée : filtre ignoré." in html
        assert "Il n&#x27;y a qu&#x27;une page : la voici." in html and len(response.context["page"].object_list) == 1

    @pytest.mark.parametrize("count", [10, 120])
    def test_fixed_queries_and_small_html_whatever_the_number_of_plans(
        self, client, count, django_assert_max_num_queries, db
    ):
        user = MembershipFactory(role=MemberRole.VIEWER).user
        for n in range(count - 1):
            plan = PlanFactory(with_actions=2, territory__department=f"{n % 7:02d} — Département")
            MembershipFactory(user=user, plan=plan, role=MemberRole.VIEWER)
        client.force_login(user)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("overview"), {"sort": "execution", "late": "on"})
        with django_assert_max_num_queries(12):
            response = client.get(reverse("overview"), {"sort": "execution"})
        assert len(response.context["page"].object_list) == min(count, 50)
        assert len(response.content) < 200_000


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
        assert '<meta name="robots" content="noindex' in html and "Actions par pilier et par statut" in html
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


class TestChartsReadWell:
    """Labels at 12 px at least, never cut short; a palette colour-blind readers tell apart."""

    def charts(self):
        from indicators.charts import Chart, Reference, Series

        long_name = "Prévention de l'entrée des jeunes dans les trafics de stupéfiants du quartier Nord"
        return [
            Chart("b", "Barres", "d", [long_name, "Soins"], [Series("Prévu", [10, 20]), Series("Payé", [5, 1])]),
            Chart("s", "Empilé", "d", [long_name], [Series("Prévue", [2]), Series("Réalisée", [3])], kind="stacked"),
            Chart(
                "l",
                "Lignes",
                "d",
                ["T1 2025", "T2 2025", "T3 2025"],
                [Series("Valeur", [1, None, 4])],
                kind="lines",
                references=[Reference("cible", 10)],
            ),
        ]

    def test_text_is_12_px_or_more_and_never_truncated(self):
        import re

        for chart in self.charts():
            svg = str(chart.svg)
            sizes = [int(size) for size in re.findall(r'font-size="(\d+)"', svg)]
            assert sizes and min(sizes) >= 12, chart.kind
            assert "…" not in svg
            if chart.kind != "lines":
                # The long name is wrapped over several lines, every word kept.
                words = " ".join(re.findall(r">([^<>]+)</text>", svg))
                assert "stupéfiants" in words and "Nord" in words

    def test_palette_for_colour_blind_readers(self):
        from indicators.charts import PALETTE

        assert PALETTE[:4] == ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]  # Okabe & Ito

    def test_a_line_chart_draws_its_target_and_labels_its_last_value(self):
        chart = self.charts()[2]
        svg = str(chart.svg)
        assert 'stroke-dasharray="6 4"' in svg and "cible 10" in svg
        assert ">4</text>" in svg  # the last value, labelled
