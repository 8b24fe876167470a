"""Update services change only what they name; the page frame lights one tab, read from the URL's name."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.services import indicator_update
from plans import services
from plans.enums import MemberRole, PlanStatus
from tests.indicators.factories import IndicatorFactory
from tests.plans.factories import ActionFactory, BudgetLineFactory, FundingFactory, MembershipFactory, PlanFactory


@pytest.fixture
def setup(db):
    plan = PlanFactory(adopted=True)
    action = ActionFactory(axis__pillar__plan=plan)
    plan.partners.add(action.lead)
    coordinator = MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user
    return plan, action, coordinator


@pytest.mark.django_db
class TestUpdateServicesNameWhatTheyChange:
    def test_a_status_cannot_be_slipped_into_a_plan_update(self, setup):
        """plan_update(status=…) skipped the status rules; a status goes through plan_change_status."""
        plan, _action, coordinator = setup
        with pytest.raises(TypeError, match="status"):
            services.plan_update(plan=plan, by=coordinator, title="Nouveau titre", status=PlanStatus.CLOSED)
        plan.refresh_from_db()
        assert plan.status == PlanStatus.ADOPTED and plan.title != "Nouveau titre"

    def test_a_version_cannot_be_set_through_an_action_update(self, setup):
        plan, action, coordinator = setup
        with pytest.raises(TypeError, match="version"):
            services.action_update(action=action, by=coordinator, expected_version=action.version, version=99)
        with pytest.raises(TypeError, match="version"):
            services.action_create(plan=plan, by=coordinator, axis=action.axis, title="x", version=7)
        action.refresh_from_db()
        assert action.version == 1

    @pytest.mark.parametrize(
        ("make", "update", "field"),
        [
            (lambda plan, action: action.axis.pillar, "pillar_update", "plan"),
            (lambda plan, action: action.axis, "axis_update", "id"),
            (lambda plan, action: FundingFactory(plan=plan, funder=action.lead), "funding_update", "plan"),
            (lambda plan, action: BudgetLineFactory(action=action, funder=action.lead), "budget_line_update", "plan"),
        ],
    )
    def test_other_updates_refuse_fields_they_do_not_own(self, setup, make, update, field):
        plan, action, coordinator = setup
        target = make(plan, action)
        name = {"pillar_update": "pillar", "axis_update": "axis", "funding_update": "funding"}.get(update, "line")
        with pytest.raises(TypeError, match=field):
            getattr(services, update)(**{name: target}, by=coordinator, **{field: 12})

    def test_indicator_update_too(self, setup):
        _plan, action, coordinator = setup
        indicator = IndicatorFactory(action=action)
        with pytest.raises(TypeError, match="plan"):
            indicator_update(indicator=indicator, by=coordinator, plan=PlanFactory(), target_value=Decimal(3))


@pytest.mark.django_db
class TestTabs:
    def test_one_tab_is_current_and_it_comes_from_the_url_name(self, client, setup):
        """/plans/<id>/actions/<id>/budget/nouvelle/ lit both Actions and Budget when read from the path."""
        plan, action, coordinator = setup
        client.force_login(coordinator)
        response = client.get(reverse("plans:line_create", args=[plan.pk, action.pk]))
        current = [str(tab.label) for tab in response.context["tabs"] if tab.current]
        assert current == ["Budget"]
        assert response.content.decode().count('aria-current="page"') >= 1
        for url_name, label in [
            ("plans:detail", "Le plan"),
            ("plans:actions", "Actions"),
            ("plans:history", "Historique"),
        ]:
            tabs = client.get(reverse(url_name, args=[plan.pk])).context["tabs"]
            assert [str(t.label) for t in tabs if t.current] == [label]
