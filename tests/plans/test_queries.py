"""Pages make a fixed number of queries whatever the plan's size."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from plans.enums import MemberRole
from tests.plans.factories import MembershipFactory, PlanFactory

# Session, user with organisation, the plan with its role, the page's own reads: the same for 10 or 300 actions.
PAGES = {
    "plans:detail": 8,
    "plans:actions": 9,
    "plans:review": 7,
    "indicators:plan_indicators": 7,
    "plans:structure": 8,
    "plans:history": 13,
}


@pytest.mark.django_db
class TestQueryCounts:
    @pytest.mark.parametrize("size", [10, 300])
    @pytest.mark.parametrize("url_name", list(PAGES))
    def test_fixed_query_count(self, client, django_assert_max_num_queries, url_name, size):
        plan = PlanFactory(with_actions=size)
        Indicator.objects.bulk_create(
            Indicator(plan=plan, action=action, label="Nombre de séances") for action in plan.actions.all()
        )
        user = MembershipFactory(plan=plan, role=MemberRole.EDITOR).user
        client.force_login(user)
        with django_assert_max_num_queries(PAGES[url_name]):
            response = client.get(reverse(url_name, args=[plan.pk]))
        assert response.status_code == 200

    def test_home_with_many_plans(self, client, django_assert_max_num_queries):
        user = MembershipFactory(role=MemberRole.VIEWER).user
        for _ in range(30):
            MembershipFactory(user=user, plan=PlanFactory(with_actions=3))
        client.force_login(user)
        with django_assert_max_num_queries(4):
            response = client.get(reverse("home"))
        assert len(response.context["plans"]) == 31
