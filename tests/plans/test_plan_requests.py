"""Issue 26: creating a plan for a territory is for people whose organisation is its authority (town hall,
EPCI, police zone, préfecture); others ask the platform's team, who approves (the plan is created, the requester
coordinating it) or refuses with a reason."""

import pytest
from django.core import mail
from django.urls import reverse

from partners.enums import PartnerKind
from plans.enums import MemberRole
from plans.models import Membership, Plan, PlanRequest, Territory
from tests.partners.factories import PartnerFactory, UserFactory
from tests.plans.factories import territory_authority
from tests.plans.test_drafting import PLAN_FORM

FORM = {**PLAN_FORM, "reason": "Le parquet anime le comité restreint de la commune."}


@pytest.fixture
def reader(db):
    return UserFactory(partner=PartnerFactory(name="Parquet de Sorne", kind=PartnerKind.PROSECUTOR))


@pytest.fixture
def operator(db):
    return UserFactory(staff=True, email="equipe@plateforme.example")


@pytest.mark.django_db
class TestAsking:
    def test_someone_not_the_authority_asks_and_the_team_is_told(
        self, client, reader, operator, django_capture_on_commit_callbacks
    ):
        client.force_login(reader)
        home = client.get(reverse("home")).content.decode()
        assert "Demander un plan" in home and "Créer un plan" not in home
        page = client.get(reverse("plans:create")).content.decode()
        assert "Envoyer la demande" in page and "équipe de la plateforme" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("plans:create"), FORM)
        assert response.status_code == 302 and response["Location"] == reverse("home")
        assert not Plan.objects.exists()
        asked = PlanRequest.objects.get()
        assert (asked.state, asked.requested_by, asked.reason) == ("pending", reader, FORM["reason"])
        assert [m.to for m in mail.outbox] == [[operator.email]]
        assert "Parquet de Sorne" in mail.outbox[0].body and "/plans/demandes/" in mail.outbox[0].body
        home = client.get(reverse("home")).content.decode()
        assert "Votre demande est envoyée" in home and "en attente de l’équipe de la plateforme" in home

    def test_the_territorys_authority_creates_at_once(self, client, reader):
        territory_authority(reader)
        client.force_login(reader)
        assert "Créer un plan" in client.get(reverse("home")).content.decode()
        response = client.post(reverse("plans:create"), FORM)
        plan = Plan.objects.get()
        assert response["Location"] == reverse("plans:detail", args=[plan.pk]) and not PlanRequest.objects.exists()

    def test_an_authority_elsewhere_still_asks_for_another_territory(self, client, reader):
        territory_authority(reader, official_code="99902", name="Autre commune")
        client.force_login(reader)
        client.post(reverse("plans:create"), FORM)
        assert not Plan.objects.exists() and PlanRequest.objects.get().official_code == "99901"

    def test_bad_input_is_kept_and_explained(self, client, reader):
        client.force_login(reader)
        response = client.post(reverse("plans:create"), {**FORM, "period_end": "31/12/1999", "reason": "x" * 2001})
        assert response.status_code == 400
        html = response.content.decode()
        assert "La fin de la période doit être postérieure à son début." in html
        assert 'value="Plan local 2026-2028"' in html and not PlanRequest.objects.exists()


@pytest.mark.django_db
class TestDeciding:
    @pytest.fixture
    def asked(self, client, reader):
        client.force_login(reader)
        client.post(reverse("plans:create"), FORM)
        client.logout()
        return PlanRequest.objects.get()

    def test_only_the_platforms_team_sees_the_requests(self, client, asked, reader):
        for user in (reader, UserFactory()):
            client.force_login(user)
            assert client.get(reverse("plans:requests")).status_code == 403
            assert (
                client.post(reverse("plans:requests"), {"demande": asked.pk, "decision": "accepter"}).status_code
                == 403
            )
        assert not Membership.objects.exists() and PlanRequest.objects.get().state == "pending"
        client.logout()
        assert client.get(reverse("plans:requests")).status_code == 302  # to the login page

    def test_approved_the_plan_is_created_and_the_requester_coordinates_it(
        self, client, asked, reader, operator, django_capture_on_commit_callbacks
    ):
        client.force_login(operator)
        page = client.get(reverse("plans:requests")).content.decode()
        assert "Plan local 2026-2028" in page and "Le parquet anime le comité restreint" in page
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("plans:requests"), {"demande": asked.pk, "decision": "accepter", "autorite": "1"}
            )
        assert response.status_code == 302
        asked.refresh_from_db()
        plan = asked.plan
        assert (asked.state, asked.decided_by) == ("approved", operator)
        assert plan.memberships.get().user == reader and plan.memberships.get().role == MemberRole.COORDINATOR
        assert reader.partner in Territory.objects.get(official_code="99901").authorities.all()
        assert mail.outbox[-1].to == [reader.email] and f"/plans/{plan.pk}/" in mail.outbox[-1].body
        # Now the territory's authority: the next plan is created at once.
        client.force_login(reader)
        client.post(reverse("plans:create"), {**FORM, "title": "Plan suivant"})
        assert Plan.objects.filter(title="Plan suivant").exists()

    def test_refused_with_a_reason_the_requester_reads_it(self, client, asked, reader, operator):
        client.force_login(operator)
        missing = client.post(reverse("plans:requests"), {"demande": asked.pk, "decision": "refuser", "motif": "  "})
        assert missing.status_code == 400 and "Dites pourquoi la demande est refusée." in missing.content.decode()
        client.post(
            reverse("plans:requests"),
            {"demande": asked.pk, "decision": "refuser", "motif": "La commune porte déjà un plan pour 2026-2028."},
        )
        asked.refresh_from_db()
        assert asked.state == "refused" and not Plan.objects.exists()
        again = client.post(reverse("plans:requests"), {"demande": asked.pk, "decision": "accepter"}, follow=True)
        assert "Cette demande a déjà été refusée." in again.content.decode() and not Plan.objects.exists()
        client.force_login(reader)
        assert "La commune porte déjà un plan pour 2026-2028." in client.get(reverse("home")).content.decode()

    @pytest.mark.parametrize("bad", ["1e20", "abc", "-1", "99999999999999999999", ""])
    def test_a_bad_request_id_is_a_404(self, client, asked, operator, bad):
        client.force_login(operator)
        assert client.post(reverse("plans:requests"), {"demande": bad, "decision": "accepter"}).status_code == 404
