"""Every page and export makes a fixed number of queries, whatever the plan's size and however much it reported.

The plans are shaped like a real plan in its second year (PlanFactory(second_year=N)): partners on actions,
several indicators per action, values and progress updates in closed and open quarters, money spent.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from indicators.selectors.tracking import QUARTER_ACTIONS_PER_PAGE
from plans.enums import MemberRole
from tests.indicators.factories import ReviewSendingFactory
from tests.plans.factories import PlanFactory

SIZES = [10, 300]

# URL name → (its arguments beyond the plan, the most queries it may make). Session, user, the plan with
# the user's role and the header's counts are included.
PAGES = {
    "plans:detail": ((), 7),
    "plans:frame": ((), 6),
    "plans:actions": ((), 10),
    "plans:structure": ((), 8),
    "plans:review": ((), 8),
    "plans:budget": ((), 12),  # and the conventions' warnings
    # With the evidence files added and deleted, the quarters closed and reopened, the values and progress updates.
    "plans:history": ((), 18),
    "plans:meetings": ((), 5),
    "plans:timeline": ((), 9),
    "indicators:plan_indicators": ((), 10),
    "indicators:dashboard": ((), 13),  # with where key values stand with validators, and conventions' warnings
    "indicators:quarter": ((2026, 3), 12),
    "indicators:reports": ((), 5),
    # Issue 26: every report preview at most 15 (the header's counts come with the data version's query).
    "indicators:report_quarter": ((2026, 3), 14),  # the files backing each value: one query
    # With the conventions' commitments, and the review's sendings to funders with the form to record one.
    "indicators:report_annual": ((2026,), 15),
    "indicators:report_suivi": ((), 9),
}


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"{n}-actions")
def grown(request, django_db_setup, django_db_blocker):
    """Built once per size, in a transaction rolled back after the module (as Django's setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        plan = PlanFactory(second_year=request.param)
        yield plan, plan.members_by_role
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestQueryCounts:
    @pytest.mark.parametrize("url_name", list(PAGES))
    def test_page(self, client, django_assert_max_num_queries, grown, url_name):
        plan, users = grown
        args, most = PAGES[url_name]
        client.force_login(users[MemberRole.COORDINATOR])
        with django_assert_max_num_queries(most):
            response = client.get(reverse(url_name, args=[plan.pk, *args]))
        assert response.status_code == 200

    @pytest.mark.parametrize("url_name", ["indicators:quarter", "indicators:plan_indicators"])
    def test_every_pillar_at_once(self, client, django_assert_max_num_queries, grown, url_name):
        plan, users = grown
        args, most = PAGES[url_name]
        client.force_login(users[MemberRole.COORDINATOR])
        with django_assert_max_num_queries(most):
            response = client.get(reverse(url_name, args=[plan.pk, *args]), {"pillar": "all"})
        assert response.status_code == 200

    def test_action_page(self, client, django_assert_max_num_queries, grown):
        plan, users = grown
        client.force_login(users[MemberRole.COORDINATOR])
        action = plan.actions.order_by("pk").first()
        with django_assert_max_num_queries(14):  # 12, its evidence files, its commitments
            response = client.get(reverse("plans:action_detail", args=[plan.pk, action.pk]))
        assert response.status_code == 200

    @pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv", "csv-opendata"])
    def test_exports(self, client, django_assert_max_num_queries, grown, fmt, settings):
        """A small plan's file is built in the request; a big plan's is queued (the worker's queries are its own)."""
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        plan, users = grown
        client.force_login(users[MemberRole.VIEWER])
        with django_assert_max_num_queries(15):  # the files backing each value: one query
            response = client.get(reverse("indicators:report_quarter", args=[plan.pk, 2026, 3]), {"format": fmt})
        assert response.status_code == (302 if plan.actions.count() > 100 else 200)

    def test_contributor_quarter_page(self, client, django_assert_max_num_queries, grown):
        """Rights are read once per request, not once per action."""
        plan, users = grown
        client.force_login(users["lead"])
        with django_assert_max_num_queries(12):
            response = client.get(
                reverse("indicators:quarter", args=[plan.pk, 2026, 3]), {"pillar": "all", "mine": "1"}
            )
        sheet = response.context["sheet"]
        led = plan.actions.filter(lead_id=users["lead"].partner_id).count()
        assert sheet.page.paginator.count == led
        assert sum(1 for row in sheet.rows if row.form) == min(led, QUARTER_ACTIONS_PER_PAGE)


@pytest.mark.django_db
class TestReviewAndReportsStayFlat:
    """Issue 26: the review page made 8 queries at 25 actions and 233 at 250 (each listed action read its
    pillar's name); the annual review's sendings added one query per page of recipients."""

    @pytest.mark.parametrize("size", [25, 250])
    def test_review_page_lists_incomplete_actions_in_fixed_queries(self, client, django_assert_max_num_queries, size):
        from tests.plans.factories import ActionFactory, AxisFactory, MembershipFactory

        plan = PlanFactory()
        axes = [AxisFactory(pillar__plan=plan, number=n) for n in range(1, 6)]
        for index in range(size):
            ActionFactory(axis=axes[index % 5], lead=None, due_date=None)
        client.force_login(MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("plans:review", args=[plan.pk]))
        assert response.status_code == 200
        assert response.content.decode().count('<span class="text-body-secondary small">— ') == 3 * size

    def test_annual_review_with_sendings_recorded(self, client, django_assert_max_num_queries, grown):
        import datetime

        plan, users = grown
        recipients = list(plan.partners.all()[:3])
        for day in (5, 20):
            sending = ReviewSendingFactory(
                plan=plan, year=2026, sent_on=datetime.date(2027, 1, day), sent_by=users[MemberRole.COORDINATOR]
            )
            sending.recipients.set(recipients)
        client.force_login(users[MemberRole.COORDINATOR])
        with django_assert_max_num_queries(15):
            response = client.get(reverse("indicators:report_annual", args=[plan.pk, 2026]))
        html = response.content.decode()
        assert html.count("Envoyé le ") == 2 and recipients[0].short_name in html
