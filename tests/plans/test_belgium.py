"""Right for Belgium as for France: the partner kinds each country's plans offer (on every path: the page, the API,
the import), existing organisations moved to their country's kinds, territory codes checked against their country
and kind, Belgian territories rolled up by province and arrondissement."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from indicators.imports import guess_partner_kind
from partners.enums import KIND_COUNTRIES, PartnerKind, kind_choices
from partners.models import Partner
from plans.enums import Country, MemberRole, TerritoryKind
from plans.models import Plan, Territory
from tests.partners.factories import PartnerFactory, UserFactory
from tests.plans.factories import MembershipFactory, PlanFactory, TerritoryFactory

BELGIAN = {
    PartnerKind.CPAS,
    PartnerKind.LOCAL_POLICE,
    PartnerKind.FEDERAL_POLICE,
    PartnerKind.CROWN_PROSECUTOR,
    PartnerKind.SPF_INTERIOR,
    PartnerKind.PROVINCE,
    PartnerKind.COMMUNITY_REGION,
    PartnerKind.DRUG_AID_SERVICE,
}
FRENCH = {
    PartnerKind.MILDECA,
    PartnerKind.PREFECTURE,
    PartnerKind.PROSECUTOR,
    PartnerKind.NATIONAL_POLICE,
    PartnerKind.MUNICIPAL_POLICE,
    PartnerKind.GENDARMERIE,
    PartnerKind.EDUCATION,
    PartnerKind.HEALTH_AGENCY,
    PartnerKind.CSAPA,
    PartnerKind.CAARUD,
    PartnerKind.CAF,
    PartnerKind.REGION,
    PartnerKind.DEPARTMENT_COUNCIL,
}


def _coordinated(client, plan):
    client.force_login(MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user)
    return client


class TestPartnerKinds:
    def test_every_kind_belongs_to_a_country(self):
        assert set(KIND_COUNTRIES) == set(PartnerKind.values)

    def test_belgian_plans_offer_belgian_kinds_only(self):
        belgian = {kind for kind, _label in kind_choices(Country.BELGIUM)}
        french = {kind for kind, _label in kind_choices(Country.FRANCE)}
        assert belgian >= BELGIAN and not (FRENCH & belgian)
        assert french >= FRENCH and not (BELGIAN & french)
        assert {PartnerKind.ASSOCIATION, PartnerKind.CUSTOMS, PartnerKind.MUNICIPAL_SERVICE} <= belgian & french

    @pytest.mark.django_db
    def test_the_partners_page_of_a_belgian_zone_offers_its_kinds(self, client):
        plan = PlanFactory(territory__belgian=True)
        html = _coordinated(client, plan).get(reverse("plans:partners", args=[plan.pk])).content.decode()
        assert 'value="cpas"' in html and 'value="spf_interior"' in html and 'value="crown_prosecutor"' in html
        assert 'value="prefecture"' not in html and 'value="mildeca"' not in html and 'value="csapa"' not in html

    @pytest.mark.django_db
    def test_a_french_plan_is_not_offered_a_cpas(self, client):
        plan = PlanFactory()
        html = _coordinated(client, plan).get(reverse("plans:partners", args=[plan.pk])).content.decode()
        assert 'value="prefecture"' in html and 'value="cpas"' not in html and 'value="local_police"' not in html

    @pytest.mark.django_db
    def test_a_french_kind_posted_to_a_belgian_zone_is_refused_next_to_the_field(self, client):
        plan = PlanFactory(territory__belgian=True)
        data = {"name": "Préfecture du Nord", "kind": "prefecture", "acronym": "PREF"}
        response = _coordinated(client, plan).post(reverse("plans:partners", args=[plan.pk]), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Sélectionnez un choix valide" in html and 'value="Préfecture du Nord"' in html
        assert not plan.partners.exists()

    @pytest.mark.django_db
    def test_the_api_refuses_a_kind_of_the_other_country(self, client):
        plan = PlanFactory(territory__belgian=True)
        _coordinated(client, plan)
        url = "/api/v1/partners/"
        body = {"plan": plan.pk, "name": "ARS Hauts-de-France", "kind": "health_agency"}
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400
        assert "n'existe pas en Belgique" in response.json()["kind"][0]
        body = {"plan": plan.pk, "name": "CPAS de Seraing", "kind": "cpas"}
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 201 and plan.partners.get().kind == "cpas"

    @pytest.mark.parametrize(
        ("name", "country", "kind"),
        [
            ("Police locale de Mons", "BE", PartnerKind.LOCAL_POLICE),
            ("Police locale", "FR", PartnerKind.MUNICIPAL_POLICE),
            ("Police municipale de Loos", "FR", PartnerKind.MUNICIPAL_POLICE),
            ("Parquet de Liège", "BE", PartnerKind.CROWN_PROSECUTOR),
            ("Parquet du procureur du Roi", "BE", PartnerKind.CROWN_PROSECUTOR),
            ("Parquet de Lille", "FR", PartnerKind.PROSECUTOR),
            ("CPAS de Charleroi", "BE", PartnerKind.CPAS),
            ("Police judiciaire fédérale", "BE", PartnerKind.FEDERAL_POLICE),
            ("Police nationale", "BE", PartnerKind.FEDERAL_POLICE),
            ("SPF Intérieur", "BE", PartnerKind.SPF_INTERIOR),
            ("Fédération Wallonie-Bruxelles", "BE", PartnerKind.COMMUNITY_REGION),
            ("Province de Namur", "BE", PartnerKind.PROVINCE),
            ("Préfecture du Nord", "BE", PartnerKind.OTHER),
            ("CSAPA Le Relais", "BE", PartnerKind.DRUG_AID_SERVICE),
            ("CSAPA Le Relais", "FR", PartnerKind.CSAPA),
        ],
    )
    def test_an_imported_lead_gets_a_kind_of_the_plans_country(self, name, country, kind):
        assert guess_partner_kind(name, country) == kind


@pytest.mark.django_db
class TestExistingDataMigrated:
    def _run(self):
        migration = importlib.import_module("plans.migrations.0013_reference_data_partner_kinds_places")
        migration.partner_kinds(apps, None)
        migration.belgian_places(apps, None)

    def test_organisations_move_to_the_kinds_of_their_plans_country(self):
        belgian, french = PlanFactory(territory__belgian=True), PlanFactory()
        pjf = PartnerFactory(name="Police judiciaire fédérale", kind=PartnerKind.NATIONAL_POLICE)
        cpas = PartnerFactory(name="CPAS de Seraing", kind=PartnerKind.MUNICIPAL_SERVICE)
        parquet = PartnerFactory(name="Parquet de Liège", kind=PartnerKind.PROSECUTOR)
        pm = PartnerFactory(name="Police municipale de Loos", kind=PartnerKind.LOCAL_POLICE)
        shared = PartnerFactory(name="Douanes", kind=PartnerKind.LOCAL_POLICE)  # odd, but on both sides
        belgian.partners.add(pjf, cpas, parquet, shared)
        french.partners.add(pm, shared)
        self._run()
        kinds = dict(Partner.objects.values_list("name", "kind"))
        assert kinds == {
            "Police judiciaire fédérale": "federal_police",
            "CPAS de Seraing": "cpas",
            "Parquet de Liège": "crown_prosecutor",
            "Police municipale de Loos": "municipal_police",
            "Douanes": "local_police",
        }

    def test_belgian_communes_get_their_province_and_arrondissement(self):
        territory = TerritoryFactory(kind="commune", country="BE", official_code="62063", department="")
        self._run()
        territory.refresh_from_db()
        assert (territory.department, territory.arrondissement) == ("Liège", "Liège")


@pytest.mark.django_db
class TestTerritoryCodes:
    FORM = {
        "territory_name": "Seraing",
        "territory_kind": "commune",
        "country": "BE",
        "official_code": "62096",
        "population": "64000",
        "title": "Plan drogues 2026-2027",
        "period_start": "01/01/2026",
        "period_end": "31/12/2027",
    }

    @pytest.fixture
    def user_client(self, client):
        client.force_login(UserFactory(staff=True))  # the platform's team creates a plan for any territory
        return client

    def test_a_belgian_commune_is_placed_by_its_nis_code(self, user_client):
        response = user_client.post(reverse("plans:create"), self.FORM)
        assert response.status_code == 302
        territory = Territory.objects.get()
        assert (territory.department, territory.arrondissement) == ("Liège", "Liège")

    @pytest.mark.parametrize(
        ("change", "field", "message"),
        [
            ({"official_code": "6209"}, "official_code", "le code NIS de la commune, cinq chiffres"),
            ({"official_code": "99096"}, "official_code", "Aucun arrondissement belge ne commence par 99"),
            ({"territory_kind": "police_zone", "official_code": "52771"}, "official_code", "quatre chiffres"),
            ({"territory_kind": "intercommunality"}, "territory_kind", "En Belgique, un territoire est"),
            ({"country": "FR", "territory_kind": "police_zone"}, "territory_kind", "En France, un territoire est"),
            ({"country": "FR", "official_code": "5936"}, "official_code", "le code INSEE de la commune"),
            ({"department": "Hainaut"}, "department", "province Liège"),
            (
                {"territory_kind": "police_zone", "official_code": "5277", "department": "Wallonie"},
                "department",
                "Province inconnue",
            ),
            (
                {"territory_kind": "police_zone", "official_code": "5277", "department": "Liège",
                 "arrondissement": "Mons"},
                "arrondissement",
                "L'arrondissement de Mons est dans la province Hainaut",
            ),
        ],
    )  # fmt: skip
    def test_a_code_that_does_not_fit_is_explained_next_to_its_field(self, user_client, change, field, message):
        response = user_client.post(reverse("plans:create"), {**self.FORM, **change})
        assert response.status_code == 400
        assert message in " ".join(response.context["form"].errors[field])
        assert 'value="Plan drogues 2026-2027"' in response.content.decode()
        assert not Plan.objects.exists()

    @pytest.mark.parametrize("code", ["59360", "2A004", "2b033"])
    def test_french_insee_codes(self, user_client, code):
        form = {**self.FORM, "country": "FR", "official_code": code}
        assert user_client.post(reverse("plans:create"), form).status_code == 302
        assert Territory.objects.get().official_code == code.upper()

    def test_a_police_zone_keeps_its_province_and_arrondissement(self, user_client):
        form = {
            **self.FORM,
            "territory_kind": "police_zone",
            "official_code": "5277",
            "department": "province de liege",
        }
        form["arrondissement"] = "liege"
        assert user_client.post(reverse("plans:create"), form).status_code == 302
        assert Territory.objects.values_list("kind", "department", "arrondissement").get() == (
            TerritoryKind.POLICE_ZONE,
            "Liège",
            "Liège",
        )


@pytest.mark.django_db
class TestRollUps:
    def test_one_province_chosen_shows_its_arrondissements(self, client):
        """The overview groups by province; a province chosen, by its arrondissements."""
        viewer = UserFactory()
        for code, name in [("62063", "Liège"), ("62096", "Seraing"), ("63079", "Verviers"), ("53053", "Mons")]:
            territory = TerritoryFactory(kind="commune", country="BE", official_code=code, name=name)
            territory.full_clean()
            territory.save()
            MembershipFactory(plan=PlanFactory(territory=territory), user=viewer, role=MemberRole.VIEWER)
        client.force_login(viewer)
        html = client.get(reverse("overview")).content.decode()
        assert "Par département ou province" in html and ">Hainaut</a>" in html
        response = client.get(reverse("overview"), {"department": "Liège"})
        rows = dict(response.context["result"].by_department)
        assert {name: totals.plans for name, totals in rows.items()} == {"Liège": 2, "Verviers": 1}
        assert "Par arrondissement" in response.content.decode()

    def test_funders_are_named_as_each_country_names_them(self, client):
        plan = PlanFactory(territory__belgian=True)
        response = _coordinated(client, plan).get(reverse("plans:funding_create", args=[plan.pk]))
        help_text = str(response.context["form"].fields["funder"].help_text)
        assert "SPF Intérieur au titre du plan stratégique de sécurité et de prévention" in help_text
        assert "MILDECA" not in help_text and "SPF Intérieur" in response.content.decode()


@pytest.mark.django_db
class TestMeetings:
    def test_a_belgian_zone_meets_in_its_zonal_security_council(self, client):
        """A French plan's CLSPD is not offered to a Belgian zone, and its conseil zonal de sécurité is."""
        plan = PlanFactory(territory__belgian=True)
        html = _coordinated(client, plan).get(reverse("plans:meetings", args=[plan.pk])).content.decode()
        assert 'value="zonal_council"' in html and 'value="clspd"' not in html
        french = PlanFactory()
        html = _coordinated(client, french).get(reverse("plans:meetings", args=[french.pk])).content.decode()
        assert 'value="clspd"' in html and 'value="zonal_council"' not in html

    def test_the_service_refuses_the_other_countrys_body(self):
        from django.core.exceptions import ValidationError

        from plans import services

        plan = PlanFactory(territory__belgian=True)
        coordinator = MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user
        with pytest.raises(ValidationError, match="Cette instance n'existe pas dans ce pays"):
            services.meeting_record(plan=plan, by=coordinator, date=plan.period_start, kind="clspd")
