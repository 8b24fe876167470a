"""The home page: paginated, filterable, and a fixed number of queries whatever the number of plans followed (see
also tests/indicators/test_query_counts.py for every plan page, on plans in their second year)."""

import pytest
from django.urls import reverse

from plans.enums import Country, MemberRole, PlanStatus, SizeClass
from plans.models import Plan
from plans.selectors import PLANS_PER_PAGE
from tests.plans.factories import MembershipFactory, PlanFactory, TerritoryFactory


def follow(user, count, **territory):
    plans = []
    for _ in range(count):
        plan = PlanFactory(with_actions=2, territory=TerritoryFactory(**territory))
        MembershipFactory(user=user, plan=plan, role=MemberRole.VIEWER)
        plans.append(plan)
    return plans


@pytest.fixture
def viewer(db):
    return MembershipFactory(role=MemberRole.VIEWER).user


@pytest.mark.django_db
class TestHome:
    @pytest.mark.parametrize("count", [5, PLANS_PER_PAGE * 2 + 5])
    def test_same_queries_for_few_and_many_plans(self, client, viewer, count, django_assert_max_num_queries):
        follow(viewer, count)
        client.force_login(viewer)
        with django_assert_max_num_queries(8):  # and whether the user creates plans or asks, their requests
            response = client.get(reverse("home"))
        shown = response.context["page"].object_list
        assert len(shown) == min(count + 1, PLANS_PER_PAGE)
        assert all(plan.action_count in (0, 2) for plan in shown)

    def test_paginated_with_filters_kept_across_pages(self, client, viewer):
        follow(viewer, PLANS_PER_PAGE + 3, department="59 — Nord")
        follow(viewer, 2, department="Hainaut", country=Country.BELGIUM)
        client.force_login(viewer)
        first = client.get(reverse("home"), {"department": "59 — Nord"})
        assert first.status_code == 200
        assert first.context["page"].paginator.count == PLANS_PER_PAGE + 3
        html = first.content.decode()
        assert "department=59+%E2%80%94+Nord&amp;page=2" in html
        second = client.get(reverse("home"), {"department": "59 — Nord", "page": "2"})
        assert len(second.context["page"].object_list) == 3

    def test_each_filter_keeps_what_it_says(self, client, viewer):
        nord = follow(viewer, 2, department="59 — Nord", size_class=SizeClass.LARGE)
        hainaut = follow(viewer, 1, department="Hainaut", country=Country.BELGIUM)
        roubaix = PlanFactory(
            adopted=True, title="Plan de Roubaix", territory=TerritoryFactory(size_class=SizeClass.LARGE)
        )
        Plan.objects.filter(pk=roubaix.pk).update(status=PlanStatus.CLOSED)
        MembershipFactory(user=viewer, plan=roubaix)
        client.force_login(viewer)

        def shown(**filters):
            return {p.pk for p in client.get(reverse("home"), filters).context["page"].object_list}

        assert shown(country="BE") == {hainaut[0].pk}
        assert shown(size="large") == {roubaix.pk} | {p.pk for p in nord}
        assert shown(status="closed") == {roubaix.pk}
        assert shown(q="roubaix") == {roubaix.pk}
        assert shown(department="59 — Nord", size="large") == {p.pk for p in nord}
        assert shown(q=hainaut[0].territory.name) >= {hainaut[0].pk}
        assert shown(q="aucun plan ne s'appelle ainsi") == set()

    def test_late_only(self, client, viewer):
        late_plan = PlanFactory(with_actions=2)
        late_plan.actions.update(due_date="2020-01-01", status="in_progress")
        MembershipFactory(user=viewer, plan=late_plan)
        follow(viewer, 2)
        client.force_login(viewer)
        response = client.get(reverse("home"), {"late": "on"})
        assert [p.pk for p in response.context["page"].object_list] == [late_plan.pk]

    def test_unknown_filter_values_and_pages_are_answered_clearly(self, client, viewer):
        follow(viewer, PLANS_PER_PAGE + 1, department="59 — Nord")
        client.force_login(viewer)
        response = client.get(reverse("home"), {"status": "perdu", "department": "Atlantide", "q": "Plan\x00"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "« perdu » n&#x27;est pas une valeur proposée : filtre ignoré." in html
        assert "« Atlantide » n&#x27;est pas une valeur proposée" in html
        assert response.context["page"].paginator.count == PLANS_PER_PAGE + 2  # the bad filters are left out
        beyond = client.get(reverse("home"), {"page": "999"})
        assert beyond.status_code == 200 and beyond.context["page"].number == 2
        assert "Il n&#x27;y a que 2 pages : voici la dernière." in beyond.content.decode()
        for bad in ("-1", "0", "٣", "deux", "9" * 40):
            response = client.get(reverse("home"), {"page": bad})
            assert response.status_code == 200 and response.context["page"].number == 1
            assert "n&#x27;est pas un numéro de page" in response.content.decode()

    def test_a_few_plans_need_no_filters_and_none_says_so(self, client, viewer):
        client.force_login(viewer)
        html = client.get(reverse("home")).content.decode()
        assert 'role="search"' not in html
        assert "Aucun plan ne correspond" in client.get(reverse("home"), {"q": "zzz"}).content.decode()
