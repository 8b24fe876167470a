"""Issue 26: editors set the lead, due date, status, axis or partners of many actions at once from the list,
with the rules, history and optimistic locking of one action; one bad action among fifty saves nothing."""

import datetime

import pytest
from django.urls import reverse

from plans.enums import ActionPartnerRole, ActionStatus, MemberRole
from plans.models import Action, ActionPartner
from tests.partners.factories import PartnerFactory
from tests.plans.factories import ActionFactory, AxisFactory, MembershipFactory, PlanFactory


@pytest.fixture
def template_plan(db):
    """A plan made from a template: fifty actions with no lead and no due date."""
    plan = PlanFactory()
    axes = [AxisFactory(pillar__plan=plan, number=1), AxisFactory(pillar__plan=plan, number=2)]
    actions = [
        ActionFactory(axis=axes[i % 2], lead=None, due_date=None, title=f"Mesure {i + 1:02d}") for i in range(50)
    ]
    lead, other = PartnerFactory(name="Ville de Test"), PartnerFactory(name="Association Test")
    plan.partners.add(lead, other)
    coordinator = MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user
    return plan, axes, actions, lead, other, coordinator


def post(client, plan, actions, query="", **fields):
    data = {"actions": [a.pk for a in actions], **{f"version-{a.pk}": a.version for a in actions}}
    data.update({k: v for k, v in fields.items() if v is not None})
    return client.post(reverse("plans:actions_bulk", args=[plan.pk]) + query, data)


@pytest.mark.django_db
class TestBulkEdit:
    def test_lead_due_date_and_status_for_fifty_actions_at_once(self, client, template_plan):
        plan, _axes, actions, lead, _other, coordinator = template_plan
        client.force_login(coordinator)
        response = post(client, plan, actions, "?pillar=all", lead=lead.pk, due_date="06/2027", status="in_progress")
        assert response.status_code == 302 and response["Location"].endswith("/actions/?pillar=all")
        saved = list(Action.objects.filter(plan=plan))
        assert {(a.lead_id, a.due_date, a.status) for a in saved} == {
            (lead.pk, datetime.date(2027, 6, 30), ActionStatus.IN_PROGRESS)
        }
        versions = {a.pk: a.version for a in actions}
        assert all(a.version == versions[a.pk] + 1 for a in saved)
        record = saved[0].history.first()
        assert record.history_user == coordinator and record.history_change_reason == "modification groupée"
        page = client.get(response["Location"]).content.decode()
        assert "50 actions modifiées." in page

    def test_fields_left_alone_keep_each_actions_value(self, client, template_plan):
        plan, axes, actions, lead, other, coordinator = template_plan
        Action.objects.filter(pk=actions[0].pk).update(lead=other, due_date=datetime.date(2026, 3, 31))
        chosen = [Action.objects.get(pk=actions[0].pk), actions[1]]
        client.force_login(coordinator)
        assert post(client, plan, chosen, axis=axes[1].pk, partner=lead.pk, partner_role="funder").status_code == 302
        first = Action.objects.get(pk=actions[0].pk)
        assert first.lead == other and first.due_date == datetime.date(2026, 3, 31) and first.axis == axes[1]
        assert ActionPartner.objects.filter(partner=lead, role=ActionPartnerRole.FUNDER).count() == 2

    def test_one_bad_action_among_fifty_is_named_and_nothing_is_saved(self, client, template_plan):
        plan, _axes, actions, lead, _other, coordinator = template_plan
        Action.objects.filter(pk=actions[17].pk).update(start_date=datetime.date(2027, 9, 1))
        client.force_login(coordinator)
        response = post(client, plan, actions, lead=lead.pk, due_date="30/06/2027")
        assert response.status_code == 400
        html = response.content.decode()
        assert "« Mesure 18 » : échéance" in html and "Rien n&#x27;a été modifié" in html
        assert not Action.objects.filter(plan=plan, lead=lead).exists()
        assert 'value="30/06/2027"' in html  # what was typed stays
        shown = html.count('name="actions" value=')
        assert shown and html.count(" checked>") >= shown  # the ticks are kept

    def test_an_action_changed_since_the_list_was_shown_saves_nothing(self, client, template_plan):
        plan, _axes, actions, lead, _other, coordinator = template_plan
        stale = list(actions[:3])
        Action.objects.filter(pk=stale[1].pk).update(version=4, title="Renommée entre-temps")
        client.force_login(coordinator)
        response = post(client, plan, stale, status="done")
        assert response.status_code == 400 and "« Renommée entre-temps »" in response.content.decode()
        assert not Action.objects.filter(plan=plan, status=ActionStatus.DONE).exists()

    def test_bad_input_is_a_message_not_an_error(self, client, template_plan):
        plan, _axes, actions, _lead, _other, coordinator = template_plan
        client.force_login(coordinator)
        cases = [
            ({}, "Choisissez au moins une modification"),
            ({"due_date": "31/02/2027"}, "Saisissez une date"),
            ({"due_date": "00/0000"}, "Saisissez une date"),
            ({"status": "n'importe"}, "Sélectionnez un choix valide"),
            ({"lead": "1e20"}, "Sélectionnez un choix valide"),
        ]
        for fields, message in cases:
            response = post(client, plan, actions[:2], **fields)
            assert response.status_code == 400 and message in response.content.decode(), fields
        nothing = client.post(reverse("plans:actions_bulk", args=[plan.pk]), {"status": "done"})
        assert nothing.status_code == 400 and "Cochez au moins une action" in nothing.content.decode()

    def test_another_plans_actions_cannot_be_slipped_in(self, client, template_plan):
        plan, _axes, actions, _lead, _other, coordinator = template_plan
        foreign = ActionFactory()
        client.force_login(coordinator)
        response = post(client, plan, [actions[0], foreign], status="done")
        assert response.status_code == 400
        foreign.refresh_from_db()
        assert foreign.status != ActionStatus.DONE and Action.objects.get(pk=actions[0].pk).status != "done"


@pytest.mark.django_db
class TestBulkEditPermissions:
    @pytest.mark.parametrize(("role", "status"), [(MemberRole.VIEWER, 403), (MemberRole.CONTRIBUTOR, 403)])
    def test_members_who_cannot_edit(self, client, template_plan, role, status):
        plan, _axes, actions, _lead, _other, _coordinator = template_plan
        client.force_login(MembershipFactory(plan=plan, role=role).user)
        assert post(client, plan, actions[:2], status="done").status_code in {403, 404}
        assert "bulk-form" not in client.get(reverse("plans:actions", args=[plan.pk])).content.decode()
        assert not Action.objects.filter(plan=plan, status="done").exists()

    def test_outsiders_get_404(self, client, template_plan):
        plan, _axes, actions, _lead, _other, _coordinator = template_plan
        client.force_login(MembershipFactory(plan=PlanFactory(), role=MemberRole.COORDINATOR).user)
        assert post(client, plan, actions[:2], status="done").status_code == 404
