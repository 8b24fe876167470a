"""The drafting journey: frame, structure, actions, catalogue, review and adoption, with bad input."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from partners.models import User
from plans import selectors, services
from plans.enums import ActionPartnerRole, ActionStatus, MemberRole, PlanStatus
from plans.models import Action, Axis, Membership, Pillar, Plan, PlanTemplate
from tests.indicators.factories import IndicatorFactory
from tests.partners.factories import PartnerFactory, UserFactory
from tests.plans.factories import (
    ActionFactory,
    AxisFactory,
    MembershipFactory,
    PillarFactory,
    PlanFactory,
    territory_authority,
)

PLAN_FORM = {
    "territory_name": "Val-de-Sorne",
    "territory_kind": "commune",
    "country": "FR",
    "official_code": "99901",
    "population": "38500",
    "title": "Plan local 2026-2028",
    "period_start": "01/01/2026",
    "period_end": "31/12/2028",
    "description": "Prévenir l'entrée des jeunes dans les trafics.",
}


@pytest.fixture
def coordinator(db):
    """A town hall's coordinator: the town hall is the territory's authority, so the plan is created at once."""
    user = UserFactory()
    territory_authority(user)
    return user


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.mark.django_db
class TestPlanCreation:
    def test_create_blank_plan_makes_creator_coordinator(self, coord_client, coordinator):
        response = coord_client.post(reverse("plans:create"), PLAN_FORM)
        plan = Plan.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("plans:detail", args=[plan.pk])
        assert plan.status == PlanStatus.DRAFT
        assert plan.territory.size_class == "medium"
        assert Membership.objects.get(plan=plan).role == MemberRole.COORDINATOR
        assert coordinator.partner in plan.partners.all()

    @pytest.mark.parametrize(
        "code", ["sene-modele-suivi", "prevention-jeunes-trafics", "programme-departemental-mildt"]
    )
    def test_create_from_each_template(self, coord_client, code):
        """Structure, actions and indicator suggestions come from the template."""
        template = PlanTemplate.objects.get(code=code)
        coord_client.post(reverse("plans:create"), {**PLAN_FORM, "template": template.pk})
        plan = Plan.objects.get()
        assert plan.pillars.count() == template.pillar_count
        assert Axis.objects.filter(pillar__plan=plan).count() == template.axis_count
        assert plan.actions.count() == template.action_count
        assert any(a.indicator_suggestions for a in plan.actions.all())
        assert plan.actions.first().history.count() == 1

    def test_sene_template_follows_the_suivi_model(self, coord_client):
        template = PlanTemplate.objects.get(code="sene-modele-suivi")
        coord_client.post(reverse("plans:create"), {**PLAN_FORM, "template": template.pk})
        plan = Plan.objects.get()
        # The note's two pillars, then its transversal axes, as the suivi table groups them.
        pillars = list(plan.pillars.order_by("order"))
        assert [p.name for p in pillars] == [
            "Réduction de l'offre",
            "Attention aux personnes en situation de précarité sociale séjournant de manière illégale sur le "
            "territoire",
            "Axes transversaux",
        ]
        assert not pillars[1].axes.exists()  # the note gives it no domain yet
        domains = list(
            Axis.objects.filter(pillar__plan=plan).order_by("pillar__order", "number").values_list("name", flat=True)
        )
        assert domains[0] == "Paix publique"
        assert domains[-4:] == [
            "Réduction des risques, dommages et nuisances",
            "Recherche et information",
            "Coordination",
            "Relations avec les autorités administratives et judiciaires",
        ]
        assert not plan.actions.filter(axis__name="Relations avec les autorités administratives et judiciaires")
        labels = [s["label"] for a in plan.actions.all() for s in a.indicator_suggestions]
        for label in [
            "Nombre d'actions menées",
            "Nombre de dossiers ouverts",
            "Nombre d'amendes",
            "Nombre et types d'alertes",
            "Rapport semestriel",
        ]:
            assert label in labels

    def test_youth_template_has_axes_one_to_six(self, coord_client):
        template = PlanTemplate.objects.get(code="prevention-jeunes-trafics")
        coord_client.post(reverse("plans:create"), {**PLAN_FORM, "template": template.pk})
        assert list(Axis.objects.order_by("number").values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]

    def test_existing_territory_is_reused_by_its_code(self, coord_client):
        coord_client.post(reverse("plans:create"), PLAN_FORM)
        coord_client.post(reverse("plans:create"), {**PLAN_FORM, "title": "Autre plan"})
        assert Plan.objects.values("territory").distinct().count() == 1
        assert Plan.objects.values("slug").distinct().count() == 2

    def test_period_end_before_start_is_refused_in_french_and_keeps_input(self, coord_client):
        response = coord_client.post(reverse("plans:create"), {**PLAN_FORM, "period_end": "31/12/2025"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "La fin de la période doit être postérieure à son début." in html
        assert 'value="Plan local 2026-2028"' in html
        assert not Plan.objects.exists()

    def test_badly_typed_date_is_explained(self, coord_client):
        response = coord_client.post(reverse("plans:create"), {**PLAN_FORM, "period_start": "le premier janvier"})
        assert "Saisissez une date au format JJ/MM/AAAA" in response.content.decode()

    def test_privacy_reminder_is_visible(self, coord_client):
        html = coord_client.get(reverse("plans:create")).content.decode()
        assert "ni nom de personne" in html


@pytest.fixture
def plan_with_tree(coordinator):
    plan = PlanFactory()
    MembershipFactory(plan=plan, user=coordinator, role=MemberRole.COORDINATOR)
    pillar = PillarFactory(plan=plan, order=1)
    axis = AxisFactory(pillar=pillar, number=1)
    lead = PartnerFactory()
    plan.partners.add(lead)
    return plan, pillar, axis, lead


@pytest.mark.django_db
class TestStructure:
    def test_add_rename_reorder_pillars(self, coord_client, plan_with_tree):
        plan, pillar, _axis, _lead = plan_with_tree
        coord_client.post(
            reverse("plans:pillar_create", args=[plan.pk]), {"pillar-kind": "care", "pillar-name": "Soins"}
        )
        second = Pillar.objects.get(name="Soins")
        assert second.order == 2
        coord_client.post(reverse("plans:pillar_move", args=[plan.pk, second.pk]), {"direction": "up"})
        assert list(plan.pillars.order_by("order").values_list("name", flat=True)) == ["Soins", pillar.name]
        coord_client.post(
            reverse("plans:pillar_edit", args=[plan.pk, second.pk]),
            {"pillar-kind": "care", "pillar-name": "Soins et accompagnement"},
        )
        assert Pillar.objects.get(pk=second.pk).name == "Soins et accompagnement"

    def test_deleting_a_pillar_with_axes_is_refused_with_explanation(self, coord_client, plan_with_tree):
        plan, pillar, _axis, _lead = plan_with_tree
        response = coord_client.post(reverse("plans:pillar_delete", args=[plan.pk, pillar.pk]), follow=True)
        assert Pillar.objects.filter(pk=pillar.pk).exists()
        assert "contient encore des axes" in response.content.decode()

    def test_deleting_an_axis_with_actions_is_refused(self, coord_client, plan_with_tree):
        plan, _pillar, axis, _lead = plan_with_tree
        ActionFactory(axis=axis)
        response = coord_client.post(reverse("plans:axis_delete", args=[plan.pk, axis.pk]), follow=True)
        assert Axis.objects.filter(pk=axis.pk).exists()
        assert "contient encore des actions" in response.content.decode()

    def test_empty_axis_and_pillar_can_be_deleted(self, coord_client, plan_with_tree):
        plan, pillar, axis, _lead = plan_with_tree
        coord_client.post(reverse("plans:axis_delete", args=[plan.pk, axis.pk]))
        coord_client.post(reverse("plans:pillar_delete", args=[plan.pk, pillar.pk]))
        assert not plan.pillars.exists()

    def test_axes_number_themselves_and_reorder(self, coord_client, plan_with_tree):
        plan, pillar, axis, _lead = plan_with_tree
        coord_client.post(
            reverse("plans:axis_create", args=[plan.pk]), {"axis-pillar": pillar.pk, "axis-name": "Deuxième"}
        )
        second = Axis.objects.get(name="Deuxième")
        assert second.number == 2
        coord_client.post(reverse("plans:axis_move", args=[plan.pk, second.pk]), {"direction": "up"})
        second.refresh_from_db()
        axis.refresh_from_db()
        assert (second.number, axis.number) == (1, 2)

    def test_axis_of_another_plan_is_404(self, coord_client, plan_with_tree):
        plan, *_ = plan_with_tree
        foreign = AxisFactory()
        assert coord_client.get(reverse("plans:axis_edit", args=[plan.pk, foreign.pk])).status_code == 404


@pytest.mark.django_db
class TestActions:
    def form(self, axis, lead, **extra):
        return {
            "axis": axis.pk,
            "title": "Former les animateurs",
            "field_of_intervention": "Accueils de loisirs",
            "target_groups": "Animateurs",
            "lead": lead.pk,
            "summary": "Deux sessions par an.",
            "competence": "commune",
            "financing_note": "Budget jeunesse",
            "start_date": "01/02/2026",
            "due_date": "06/2026",
            "status": "in_progress",
            "progress": "40",
            "cost_class": "1",
            "first_year": "on",
            "contributors": [lead.pk],
            **extra,
        }

    def test_create_with_every_field(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        response = coord_client.post(reverse("plans:action_create", args=[plan.pk]), self.form(axis, lead))
        action = Action.objects.get()
        assert response.status_code == 302
        assert action.due_date == datetime.date(2026, 6, 30)  # a month means its last day
        assert action.first_year and action.cost_class == 1 and action.progress == 40
        assert list(action.partner_links.values_list("role", flat=True)) == [ActionPartnerRole.CONTRIBUTOR]

    def test_due_date_outside_the_plan_is_refused_next_to_the_field(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        response = coord_client.post(
            reverse("plans:action_create", args=[plan.pk]), self.form(axis, lead, due_date="31/12/2035")
        )
        assert response.status_code == 400
        assert "L'échéance doit se situer dans la période du plan" in response.context["form"].errors["due_date"][0]
        assert 'value="Former les animateurs"' in response.content.decode()
        assert not Action.objects.exists()

    def test_due_before_start_and_progress_over_100_are_refused(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        response = coord_client.post(
            reverse("plans:action_create", args=[plan.pk]),
            self.form(axis, lead, start_date="01/06/2026", due_date="01/03/2026", progress="150"),
        )
        errors = response.context["form"].errors
        assert "L'échéance ne peut pas précéder le début de l'action." in errors["due_date"]
        assert "progress" in errors

    def test_done_means_100_percent(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        coord_client.post(
            reverse("plans:action_create", args=[plan.pk]), self.form(axis, lead, status="done", progress="10")
        )
        assert Action.objects.get().progress == 100

    def test_edit_and_history(self, coord_client, coordinator, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        action = ActionFactory(axis=axis, lead=lead)
        data = self.form(axis, lead, title="Titre révisé", version=action.version)
        assert coord_client.post(reverse("plans:action_edit", args=[plan.pk, action.pk]), data).status_code == 302
        action.refresh_from_db()
        assert action.title == "Titre révisé" and action.version == 2
        assert action.history.first().history_user == coordinator
        html = coord_client.get(reverse("plans:action_detail", args=[plan.pk, action.pk])).content.decode()
        assert "Historique des modifications" in html and "intitulé" in html

    def test_second_concurrent_save_is_refused_and_shows_what_changed(self, client, coordinator, plan_with_tree):
        """Two editors open the same action; the second save gets a conflict, not a silent overwrite."""
        plan, _pillar, axis, lead = plan_with_tree
        action = ActionFactory(axis=axis, lead=lead, title="Version d'origine")
        editor = MembershipFactory(plan=plan, role=MemberRole.EDITOR).user
        url = reverse("plans:action_edit", args=[plan.pk, action.pk])
        client.force_login(coordinator)
        assert (
            client.post(url, self.form(axis, lead, title="Version de la coordinatrice", version=1)).status_code == 302
        )
        client.force_login(editor)
        response = client.post(url, self.form(axis, lead, title="Version du rédacteur", version=1))
        assert response.status_code == 409
        html = response.content.decode()
        assert "Quelqu’un d’autre a modifié cette action" in html
        assert "Version de la coordinatrice" in html and "Version du rédacteur" in html
        action.refresh_from_db()
        assert action.title == "Version de la coordinatrice"
        # Saving again, knowingly, replaces it.
        response = client.post(url, self.form(axis, lead, title="Version du rédacteur", version=2))
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.title == "Version du rédacteur"

    def test_duplicate_copies_partners_and_indicators_but_not_progress(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        action = ActionFactory(axis=axis, lead=lead, status=ActionStatus.DONE, progress=100)
        action.partner_links.create(partner=lead, role=ActionPartnerRole.FUNDER)
        IndicatorFactory(plan=plan, action=action, label="Nombre de séances")
        coord_client.post(reverse("plans:action_duplicate", args=[plan.pk, action.pk]))
        copy = Action.objects.exclude(pk=action.pk).get()
        assert copy.title.endswith("(copie)") and copy.status == ActionStatus.PLANNED and copy.progress == 0
        assert copy.partner_links.count() == 1 and copy.indicators.count() == 1

    def test_delete_asks_for_confirmation(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        action = ActionFactory(axis=axis)
        url = reverse("plans:action_delete", args=[plan.pk, action.pk])
        assert "Supprimer l’action ?" in coord_client.get(url).content.decode()
        assert Action.objects.filter(pk=action.pk).exists()
        coord_client.post(url)
        assert not Action.objects.filter(pk=action.pk).exists()

    def test_move_within_axis(self, coord_client, plan_with_tree):
        plan, _pillar, axis, _lead = plan_with_tree
        first, second = ActionFactory(axis=axis, order=1), ActionFactory(axis=axis, order=2)
        coord_client.post(reverse("plans:action_move", args=[plan.pk, second.pk]), {"direction": "up"})
        assert list(axis.actions.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]

    def test_filter_and_sort(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        ActionFactory(axis=axis, lead=lead, title="Alpha", status=ActionStatus.DONE)
        ActionFactory(
            axis=axis, lead=None, title="Bêta", status=ActionStatus.PLANNED, due_date=datetime.date(2026, 1, 31)
        )
        url = reverse("plans:actions", args=[plan.pk])
        titles = lambda r: [a.title for a in r.context["page"].object_list]  # noqa: E731
        assert titles(coord_client.get(url, {"status": "done"})) == ["Alpha"]
        assert titles(coord_client.get(url, {"lead": lead.pk})) == ["Alpha"]
        assert titles(coord_client.get(url, {"late": "on"})) == ["Bêta"]
        assert titles(coord_client.get(url, {"sort": "title"})) == ["Alpha", "Bêta"]
        assert titles(coord_client.get(url, {"axis": axis.pk, "pillar": axis.pillar.pk})) == ["Alpha", "Bêta"]

    def test_catalogue_filtered_by_territory_size_and_picked(self, coord_client, plan_with_tree):
        plan, _pillar, axis, _lead = plan_with_tree
        plan.territory.size_class = "small"
        plan.territory.save()
        response = coord_client.get(reverse("plans:catalogue", args=[plan.pk]))
        measures = list(response.context["measures"])
        assert measures and all(m.commune_size in {"all", "small"} for m in measures)
        response = coord_client.post(
            reverse("plans:catalogue", args=[plan.pk]), {"axis": axis.pk, "measures": [m.pk for m in measures[:3]]}
        )
        assert response.status_code == 302
        assert plan.actions.count() == 3
        assert all(a.source_measure_id and a.indicator_suggestions for a in plan.actions.all())

    def test_catalogue_pick_without_measure_says_so(self, coord_client, plan_with_tree):
        plan, _pillar, axis, _lead = plan_with_tree
        response = coord_client.post(reverse("plans:catalogue", args=[plan.pk]), {"axis": axis.pk})
        assert response.status_code == 400
        assert "Cochez au moins une mesure." in response.content.decode()


@pytest.mark.django_db
class TestReviewAndAdoption:
    def test_review_lists_what_is_missing(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        ActionFactory(axis=axis, lead=None, title="Sans pilote")
        ActionFactory(axis=axis, lead=lead, due_date=None, title="Sans échéance")
        html = coord_client.get(reverse("plans:review", args=[plan.pk])).content.decode()
        assert "Actions sans gestionnaire (1)" in html and "Sans pilote" in html
        assert "Actions sans échéance (1)" in html
        assert "Actions sans indicateur (2)" in html

    def test_adoption_refused_while_incomplete(self, coord_client, plan_with_tree):
        plan, _pillar, axis, _lead = plan_with_tree
        ActionFactory(axis=axis, lead=None)
        response = coord_client.post(
            reverse("plans:adopt", args=[plan.pk]), {"date": "15/01/2026", "kind": "steering"}
        )
        assert response.status_code == 400
        assert "sans gestionnaire" in response.content.decode()
        plan.refresh_from_db()
        assert plan.is_draft

    def test_adoption_records_the_meeting(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        action = ActionFactory(axis=axis, lead=lead)
        IndicatorFactory(plan=plan, action=action, label="Nombre de séances")
        response = coord_client.post(
            reverse("plans:adopt", args=[plan.pk]),
            {"date": "15/01/2026", "kind": "steering", "decisions": "Adopté à l'unanimité."},
        )
        assert response.status_code == 302
        plan.refresh_from_db()
        assert plan.status == PlanStatus.ADOPTED
        assert plan.adopted_on == datetime.date(2026, 1, 15)
        assert plan.adopted_meeting.decisions == "Adopté à l'unanimité."

    def test_adoption_meeting_in_the_future_is_refused(self, coord_client, plan_with_tree):
        plan, *_ = plan_with_tree
        response = coord_client.post(
            reverse("plans:adopt", args=[plan.pk]), {"date": "15/01/2099", "kind": "steering"}
        )
        assert "ne peut pas être dans le futur" in response.content.decode()


@pytest.mark.django_db
class TestMembers:
    def test_invite_new_person_creates_account_and_sends_link(self, coord_client, plan_with_tree):
        plan, *_ = plan_with_tree
        response = coord_client.post(
            reverse("plans:members", args=[plan.pk]),
            {"email": "Nouvelle.Personne@Exemple.fr", "first_name": "Nora", "last_name": "Diallo", "role": "editor"},
        )
        assert response.status_code == 302
        said = [str(m) for m in coord_client.get(response["Location"]).context["messages"]]
        assert said == [
            "Nora Diallo a le rôle « Rédacteur (comité de pilotage) » sur le plan ; une invitation lui a été envoyée."
        ]
        user = User.objects.get(email="nouvelle.personne@exemple.fr")
        assert not user.has_usable_password()
        assert Membership.objects.get(plan=plan, user=user).role == MemberRole.EDITOR
        assert len(mail.outbox) == 1 and "/compte/mot-de-passe/nouveau/" in mail.outbox[0].body
        # The link lets the person choose a password and log in.
        link = mail.outbox[0].body.split("http://testserver")[1].split()[0]
        coord_client.logout()
        form_page = coord_client.get(link, follow=True)
        assert form_page.status_code == 200
        done = coord_client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "Un-mot-de-passe-2026", "new_password2": "Un-mot-de-passe-2026"},
        )
        assert done.status_code == 302
        user.refresh_from_db()
        assert user.check_password("Un-mot-de-passe-2026")

    def test_inviting_someone_does_not_make_their_organisation_a_partner(self, coord_client, plan_with_tree):
        """Issue 26: an existing account's organisation joined the plan's partners, leads and funders silently."""
        plan, *_ = plan_with_tree
        elsewhere = UserFactory(partner=PartnerFactory(name="Parquet d'ailleurs", kind="prosecutor"))
        before = set(plan.partners.values_list("pk", flat=True))
        response = coord_client.post(
            reverse("plans:members", args=[plan.pk]), {"email": elsewhere.email, "role": "viewer"}
        )
        assert response.status_code == 302
        assert set(plan.partners.values_list("pk", flat=True)) == before

    def test_inviting_an_existing_member_is_refused(self, coord_client, coordinator, plan_with_tree):
        plan, *_ = plan_with_tree
        response = coord_client.post(
            reverse("plans:members", args=[plan.pk]), {"email": coordinator.email, "role": "viewer"}
        )
        assert response.status_code == 400
        assert "déjà membre du plan" in response.content.decode()

    def test_last_coordinator_cannot_leave_or_be_demoted(self, coord_client, coordinator, plan_with_tree):
        plan, *_ = plan_with_tree
        membership = Membership.objects.get(plan=plan, user=coordinator)
        response = coord_client.post(
            reverse("plans:member_role", args=[plan.pk, membership.pk]), {"role": "viewer"}, follow=True
        )
        assert "au moins un coordinateur" in response.content.decode()
        coord_client.post(reverse("plans:member_remove", args=[plan.pk, membership.pk]))
        assert Membership.objects.filter(pk=membership.pk, role=MemberRole.COORDINATOR).exists()

    def test_partner_in_use_cannot_be_removed(self, coord_client, plan_with_tree):
        plan, _pillar, axis, lead = plan_with_tree
        ActionFactory(axis=axis, lead=lead)
        response = coord_client.post(reverse("plans:partner_remove", args=[plan.pk, lead.pk]), follow=True)
        assert lead in plan.partners.all()
        assert "pilote ou accompagne encore des actions" in response.content.decode()


@pytest.mark.django_db
class TestServicesDirectly:
    def test_pillar_delete_service_refuses_non_empty(self, plan_with_tree, coordinator):
        plan, pillar, *_ = plan_with_tree
        plan.user_role = MemberRole.COORDINATOR
        with pytest.raises(Exception, match="contient encore des axes"):
            services.pillar_delete(pillar=pillar, by=coordinator)


@pytest.mark.django_db
class TestReadiness:
    def test_counts_pillars_without_axes(self, plan_with_tree):
        plan, *_ = plan_with_tree
        PillarFactory(plan=plan)
        readiness = selectors.plan_readiness(plan=plan)
        assert (readiness.pillar_count, readiness.axis_count, readiness.action_count) == (2, 1, 0)
        assert readiness.empty_axes and not readiness.ready


class TestNextStep:
    """Issue 26: "Étape suivante" on each drafting page goes to the stepper's next step, never past one; readers
    are not offered it."""

    PAGES = [
        ("plans:frame", "plans:structure"),
        ("plans:structure", "plans:actions"),
        ("plans:actions", "plans:budget"),
        ("plans:budget", "indicators:plan_indicators"),
        ("indicators:plan_indicators", "plans:review"),
        ("plans:review", "plans:adopt"),
    ]

    @pytest.fixture
    def plan(self, coordinator):
        plan = PlanFactory()
        MembershipFactory(plan=plan, user=coordinator, role=MemberRole.COORDINATOR)
        return plan

    def test_each_page_leads_to_the_next_step(self, coord_client, plan):
        for page, following in self.PAGES:
            html = coord_client.get(reverse(page, args=[plan.pk])).content.decode()
            buttons = re.findall(r'href="([^"]+)">Étape suivante', html)
            assert buttons == [reverse(following, args=[plan.pk])], (page, buttons)

    def test_readers_are_not_offered_it(self, client, plan):
        reader = MembershipFactory(plan=plan, role=MemberRole.VIEWER).user
        client.force_login(reader)
        for page, _following in self.PAGES:
            html = client.get(reverse(page, args=[plan.pk])).content.decode()
            assert "Étape suivante" not in html, page
            assert 'class="stepper' not in html, page  # nor the drafting steps
