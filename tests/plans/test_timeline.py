"""The timeline: every action from its start to its due date, grouped, filtered, late ones marked."""

import datetime
import re

import pytest
from django.urls import reverse

from plans.enums import MemberRole
from plans.timeline import add_months, build_timeline, month_span
from tests.plans.factories import ActionFactory, MembershipFactory, PlanFactory


@pytest.fixture
def plan(db):
    plan = PlanFactory(second_year=12)
    return plan


def url(plan, **params):
    return reverse("plans:timeline", args=[plan.pk]) + (
        "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    )


@pytest.mark.django_db
class TestTimelinePage:
    @pytest.mark.parametrize("role", [*MemberRole.values, "lead"])
    def test_every_member_reads_it(self, client, plan, role):
        client.force_login(plan.members_by_role[role])
        response = client.get(url(plan))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('role="img" aria-label="Action ') == 12
        assert "en retard" in html and html.count('class="is-late"') == 2  # actions 1 and 11: due 31/03/2026, not done

    def test_outsiders_get_404(self, client, plan):
        outsider = MembershipFactory(plan=PlanFactory(), role=MemberRole.COORDINATOR).user
        client.force_login(outsider)
        assert client.get(url(plan)).status_code == 404

    def test_filters(self, client, plan):
        client.force_login(plan.members_by_role[MemberRole.VIEWER])
        late = client.get(url(plan, late="on")).content.decode()
        assert late.count('role="img" aria-label="Action ') == 2
        pillar = plan.pillars.order_by("order").first()
        by_pillar = client.get(url(plan, pillar=pillar.pk)).content.decode()
        assert by_pillar.count('role="img" aria-label="Action ') == 6
        lead = plan.actions.first().lead
        assert client.get(url(plan, lead=lead.pk)).content.decode().count('aria-label="Action ') == 4

    def test_grouped_by_pillar_and_axis(self, client, plan):
        client.force_login(plan.members_by_role[MemberRole.VIEWER])
        timeline = client.get(url(plan)).context["timeline"]
        assert [g.level for g in timeline.groups] == [1, 2, 2, 1, 2, 2]
        assert len(timeline.months) == 36 and timeline.width == 36 * 26

    def test_usable_at_400_actions(self, client, django_assert_max_num_queries, db):
        """It scrolls rather than shrinks: each month keeps its width, whatever the number of actions."""
        big = PlanFactory(second_year=400)
        client.force_login(big.members_by_role[MemberRole.VIEWER])
        with django_assert_max_num_queries(10):
            response = client.get(reverse("plans:timeline", args=[big.pk]), {"pillar": ""})
        html = response.content.decode()
        assert html.count('aria-label="Action ') == 400
        widths = set(re.findall(r'<svg xmlns="http://www.w3.org/2000/svg" width="(\d+)"', html))
        assert widths == {str(36 * 26)}


class TestScale:
    def test_months_and_positions(self):
        assert month_span(datetime.date(2025, 11, 15), datetime.date(2026, 2, 1)) == [
            datetime.date(2025, 11, 1),
            datetime.date(2025, 12, 1),
            datetime.date(2026, 1, 1),
            datetime.date(2026, 2, 1),
        ]
        assert add_months(datetime.date(2025, 12, 1), 1) == datetime.date(2026, 1, 1)

    @pytest.mark.django_db
    def test_bars_outside_the_window_are_clamped(self):
        action = ActionFactory(start_date=datetime.date(2024, 6, 1), due_date=datetime.date(2027, 6, 30))
        timeline = build_timeline(
            actions=[action],
            first=datetime.date(2026, 1, 1),
            last=datetime.date(2026, 12, 1),
            today=datetime.date(2026, 11, 23),
        )
        row = timeline.groups[1].rows[0]
        assert 'x="0.0"' in row.svg and f'width="{12 * 26:.1f}"' in row.svg


@pytest.mark.django_db
def test_a_big_plan_opens_on_its_first_pillar(client):
    from plans.selectors import ONE_PILLAR_FROM
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=ONE_PILLAR_FROM + 4, indicators=1)
    plan = world.plan
    first = plan.pillars.order_by("order").first()
    client.force_login(world.users["viewer"])
    url = reverse("plans:timeline", args=[plan.pk])
    response = client.get(url)
    assert response.context["timeline"].row_count == plan.actions.filter(axis__pillar=first).count()
    html = response.content.decode()
    assert "un pilier à la fois" in html and 'href="?pillar="' in html
    everything = client.get(url, {"pillar": ""})
    assert everything.context["timeline"].row_count == plan.actions.count()
    assert client.get(url, {"pillar": "", "status": "done"}).context["timeline"].row_count == (
        plan.actions.filter(status="done").count()
    )
