"""The indicators step: suggestions become indicators; bad values are explained."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Indicator
from indicators.services import indicators_accept_suggestions
from plans.enums import MemberRole
from tests.plans.factories import ActionFactory, MembershipFactory


@pytest.fixture
def setup(db, client):
    action = ActionFactory(
        indicator_suggestions=[
            {"kind": "result", "label": "Nombre de séances", "unit": "count", "frequency": "quarterly"},
            {"kind": "impact", "label": "Part des élèves", "unit": "percentage", "frequency": "yearly"},
        ]
    )
    user = MembershipFactory(plan=action.plan, role=MemberRole.EDITOR).user
    client.force_login(user)
    return action, user, client


class TestIndicators:
    def test_accept_suggestions_creates_indicators_once(self, setup):
        action, user, client = setup
        client.post(reverse("indicators:accept_suggestions", args=[action.plan.pk]))
        assert list(action.indicators.values_list("kind", "label")) == [
            ("result", "Nombre de séances"),
            ("impact", "Part des élèves"),
        ]
        action.refresh_from_db()
        assert action.indicator_suggestions == []
        assert indicators_accept_suggestions(plan=action.plan, by=user) == []

    def test_create_with_french_numbers(self, setup):
        action, _user, client = setup
        response = client.post(
            reverse("indicators:indicator_create", args=[action.plan.pk]),
            {
                "action": action.pk,
                "kind": "result",
                "label": "Montant mobilisé",
                "unit": "euros",
                "frequency": "yearly",
                "direction": "up",
                "baseline_value": "12 500,50",
                "target_value": "20.000",
            },
        )
        assert response.status_code == 302
        indicator = Indicator.objects.get(label="Montant mobilisé")
        assert str(indicator.baseline_value) == "12500.50" and str(indicator.target_value) == "20000.00"

    def test_percentage_over_100_is_refused_next_to_the_field(self, setup):
        action, _user, client = setup
        response = client.post(
            reverse("indicators:indicator_create", args=[action.plan.pk]),
            {
                "action": action.pk,
                "kind": "impact",
                "label": "Taux",
                "unit": "percentage",
                "frequency": "yearly",
                "direction": "up",
                "target_value": "120",
            },
        )
        assert response.status_code == 400
        assert "Un pourcentage est compris entre 0 et 100." in response.context["form"].errors["target_value"]
        assert 'value="Taux"' in response.content.decode()

    def test_text_in_a_number_is_explained(self, setup):
        action, _user, client = setup
        response = client.post(
            reverse("indicators:indicator_create", args=[action.plan.pk]),
            {
                "action": action.pk,
                "kind": "result",
                "label": "X",
                "unit": "count",
                "frequency": "yearly",
                "direction": "up",
                "target_value": "beaucoup",
            },
        )
        assert "Saisissez un nombre" in response.context["form"].errors["target_value"][0]

    def test_action_of_another_plan_cannot_be_chosen(self, setup):
        action, _user, client = setup
        foreign = ActionFactory()
        response = client.post(
            reverse("indicators:indicator_create", args=[action.plan.pk]),
            {
                "action": foreign.pk,
                "kind": "result",
                "label": "X",
                "unit": "count",
                "frequency": "yearly",
                "direction": "up",
            },
        )
        assert response.status_code == 400
        assert not Indicator.objects.filter(action=foreign).exists()

    def test_context_indicator_must_not_belong_to_an_action(self, setup):
        action, *_ = setup
        with pytest.raises(ValidationError, match="diagnostic"):
            Indicator(plan=action.plan, action=action, kind="context", label="Prévalence").full_clean()

    def test_accept_suggestions_for_one_action_only(self, setup):
        action, _user, client = setup
        other = ActionFactory(axis=action.axis, indicator_suggestions=[{"kind": "result", "label": "Autre"}])
        client.post(reverse("indicators:accept_suggestions", args=[action.plan.pk]), {"action": action.pk})
        assert action.indicators.count() == 2 and other.indicators.count() == 0
        assert (
            client.post(reverse("indicators:accept_suggestions", args=[action.plan.pk]), {"action": "x"}).status_code
            == 404
        )
