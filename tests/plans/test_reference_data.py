"""The templates and the catalogue against the five source documents: every entry cites a source from a fixed list,
the words it quotes are in that document, and each toolbox measure's commune size and level are those the source
gives; what no source says is marked as the product's own."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from plans import reference_data
from plans.enums import Competence, MeasureSize
from plans.models import CatalogueMeasure, Plan, PlanTemplate
from tests.plans.factories import AxisFactory, MembershipFactory, PillarFactory, PlanFactory

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
FIXED_SOURCES = {"toolbox", "sene", "ffsu", "loos", "mildt", "product"}

# The toolbox's measures as its text qualifies them (seed 000): the words it puts under each, and what they mean.
# "…, intercommunalités": the measure is carried at the intercommunal level.
TOOLBOX_TABLE = {
    "cooperation-forces-demantelement": ("Toutes communes", MeasureSize.ALL, Competence.COMMUNE),
    "campagnes-addictions": ("Toutes communes", MeasureSize.ALL, Competence.COMMUNE),
    "espaces-consommation-moindre-risque": (
        "Moyennes et grandes communes, intercommunalités",
        MeasureSize.MEDIUM_LARGE,
        Competence.INTERCOMMUNALITY,
    ),
    "plan-soins-addictions": (
        "Moyennes et grandes communes, intercommunalités",
        MeasureSize.MEDIUM_LARGE,
        Competence.INTERCOMMUNALITY,
    ),
    "sensibiliser-tranquillite": (
        "Moyennes et grandes communes, intercommunalités",
        MeasureSize.MEDIUM_LARGE,
        Competence.INTERCOMMUNALITY,
    ),
    "formations-colleges-lycees": (
        "Moyennes et grandes communes, intercommunalités",
        MeasureSize.MEDIUM_LARGE,
        Competence.INTERCOMMUNALITY,
    ),
    "formations-parents-tout-public": (
        "Toutes communes, intercommunalités",
        MeasureSize.ALL,
        Competence.INTERCOMMUNALITY,
    ),
    "parcours-sortie-delinquance": ("Toutes communes", MeasureSize.ALL, Competence.COMMUNE),
    "biens-mal-acquis": ("Toutes communes", MeasureSize.ALL, Competence.COMMUNE),
}


@pytest.fixture
def reference(db):
    """The shipped templates and catalogue, as the data migration loads them (a test run on PostgreSQL may have
    flushed the database since: live-server tests do)."""
    from plans.services import reference_data_sync

    reference_data_sync()


def _normalised(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("\u00a0", " ").lower().split())


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"The source documents are missing ({SEEDS}): CI has them beside the project.")
        pytest.skip(f"The source documents are not beside the project ({SEEDS}).")
    return {
        key: _normalised((SEEDS / source["seed"]).read_text())
        for key, source in reference_data.SOURCES.items()
        if source["seed"]
    }


def _entries():
    """(where, source key, excerpt) for every template, pillar, axis, action and catalogue measure."""
    for template in reference_data.TEMPLATES:
        yield template["code"], template["source"], template["excerpt"]
        if convention := template.get("convention"):
            yield f"{template['code']} convention", convention["source"], convention["excerpt"]
        for pillar in template["pillars"]:
            yield pillar["name"], pillar["source"], pillar["excerpt"]
            for axis in pillar["axes"]:
                yield axis["name"], axis["source"], axis["excerpt"]
                for action in axis["actions"]:
                    yield action["title"], action["source"], action["excerpt"]
    for measure in reference_data.CATALOGUE:
        yield measure["code"], measure["source_key"], measure["source_excerpt"]


class TestSources:
    def test_the_list_of_sources_is_fixed(self):
        """Five documents and the product's own proposals: nothing else can be cited."""
        assert set(reference_data.SOURCES) == FIXED_SOURCES

    def test_every_entry_cites_a_listed_source_and_quotes_it(self, seeds):
        """What an entry quotes is in the document it cites; a product proposal quotes nothing."""
        wrong = []
        for where, source, excerpt in _entries():
            if source not in FIXED_SOURCES:
                wrong.append((where, source, "unknown source"))
            elif source == "product":
                if excerpt:
                    wrong.append((where, source, "a proposal of ours quotes no document"))
            elif not excerpt or _normalised(excerpt) not in seeds[source]:
                wrong.append((where, source, excerpt))
        assert wrong == []

    def test_the_three_proposals_once_credited_to_the_ffsu_and_the_one_to_loos_are_ours(self):
        """The FFSU page and the Loos text contain none of these: they are marked as the platform's proposals."""
        codes = {m["code"]: m for m in reference_data.CATALOGUE}
        for code in ["prevention-milieu-festif", "maraudes-rdr", "automates-materiel", "reamenagement-points-deal"]:
            assert codes[code]["source_key"] == "product"
            assert set(codes[code]["estimated"]) == set(reference_data.QUALITIES)

    def test_the_database_holds_what_the_files_say(self, reference):
        """Every measure is loaded with its source, its quote and its estimates."""
        measure = CatalogueMeasure.objects.get(code="sensibiliser-tranquillite")
        assert measure.source_key == "toolbox"
        assert measure.source_scope == "Moyennes et grandes communes, intercommunalités"
        assert measure.estimated == ["cost_class", "first_year"]
        assert CatalogueMeasure.objects.count() == len(reference_data.CATALOGUE)
        assert set(PlanTemplate.objects.values_list("source_key", flat=True)) == {"sene", "loos", "mildt"}


class TestCatalogueQualities:
    def test_toolbox_measures_have_the_size_and_level_the_source_gives(self, seeds):
        """The table above, transcribed from the toolbox, and the words under each measure in the document."""
        toolbox = {m["code"]: m for m in reference_data.CATALOGUE if m["source_key"] == "toolbox"}
        assert set(toolbox) == set(TOOLBOX_TABLE)
        for code, (words, size, competence) in TOOLBOX_TABLE.items():
            measure = toolbox[code]
            assert (measure["source_scope"], measure["commune_size"], measure["competence"]) == (
                words,
                size,
                competence,
            ), code
            assert "commune_size" not in measure["estimated"] and "competence" not in measure["estimated"]
            # In the document, the first qualification after the measure's words is this one.
            text = seeds["toolbox"]
            after = text[text.index(_normalised(measure["source_excerpt"])) :]
            found = re.search(r"(moyennes et grandes communes|toutes communes)(, intercommunalités)?", after)
            assert found.group(0) == _normalised(words), code

    def test_the_mildt_note_gives_the_state_the_competence(self, seeds):
        """'La politique de lutte contre la drogue est de la compétence de l'Etat': its measures say so."""
        assert _normalised("la politique de lutte contre la drogue est de la compétence de l'Etat") in seeds["mildt"]
        mildt = [m for m in reference_data.CATALOGUE if m["source_key"] == "mildt"]
        assert mildt and all(m["competence"] == Competence.STATE for m in mildt)
        assert all(m["estimated"] == ["commune_size", "cost_class", "first_year"] for m in mildt)

    def test_what_no_source_gives_is_an_estimate(self):
        """No document gives cost classes or first-year flags measure by measure; only the toolbox sizes them."""
        for measure in reference_data.CATALOGUE:
            assert {"cost_class", "first_year"} <= set(measure["estimated"]), measure["code"]
            if measure["source_key"] != "toolbox":
                assert "commune_size" in measure["estimated"], measure["code"]
                assert measure["source_scope"] == "", measure["code"]


@pytest.mark.django_db
class TestCataloguePage:
    @pytest.fixture
    def page(self, client, reference):
        plan = PlanFactory()
        AxisFactory(pillar=PillarFactory(plan=plan))
        client.force_login(MembershipFactory(plan=plan, role="coordinator").user)
        return client, reverse("plans:catalogue", args=[plan.pk])

    def test_says_the_qualities_are_estimates_and_quotes_its_sources(self, page):
        client, url = page
        html = client.get(url, {"size": "any"}).content.decode()
        assert "toutes ces qualifications sont des estimations" in html
        assert "estimation</span>" in html
        assert "« Moyennes et grandes communes, intercommunalités »" in html
        assert "Proposition de la plateforme" in html

    def test_filters_by_competence(self, page):
        """Commune / intercommunality / State / shared, as the action's own field."""
        client, url = page
        response = client.get(url, {"size": "any", "competence": "state"})
        shown = list(response.context["measures"])
        assert shown and {m.competence for m in shown} == {Competence.STATE}
        assert "Suivre les projets de communautés thérapeutiques" in response.content.decode()

    @pytest.mark.parametrize("size", ["small", "large"])
    def test_says_when_a_size_has_no_measure_of_its_own(self, page, size):
        """No measure is meant for small (or large) communes alone: the page says what it shows instead."""
        client, url = page
        html = client.get(url, {"size": size}).content.decode()
        assert "Aucune mesure n'est propre à la taille" in html

    def test_a_size_with_measures_of_its_own_says_nothing(self, page):
        client, url = page
        CatalogueMeasure.objects.filter(code="biens-mal-acquis").update(commune_size=MeasureSize.MEDIUM)
        assert "Aucune mesure n'est propre" not in client.get(url, {"size": "medium"}).content.decode()

    def test_queries_do_not_grow_with_the_measures(self, page, django_assert_max_num_queries):
        """Session, plan, role, measures, the axes to add to, the measures already used, and whether a size has
        measures of its own: 9, with 37 measures as with one."""
        client, url = page
        with django_assert_max_num_queries(9):
            client.get(url, {"size": "small"})
        CatalogueMeasure.objects.exclude(code="groupe-pilotage").delete()
        with django_assert_max_num_queries(9):
            client.get(url, {"size": "small"})

    def test_an_action_from_the_catalogue_has_no_boilerplate_comment(self, page):
        """The committee writes the comments; the measure and its source are shown on the action's page."""
        client, url = page
        plan = Plan.objects.get()
        measure = CatalogueMeasure.objects.get(code="groupe-pilotage")
        client.post(url, {"axis": plan.pillars.get().axes.get().pk, "measures": [measure.pk]})
        action = plan.actions.get()
        assert action.comments == ""
        html = client.get(reverse("plans:action_detail", args=[plan.pk, action.pk])).content.decode()
        assert "Installer un groupe de pilotage du plan" in html and "police locale de SeNe" in html


@pytest.mark.django_db
class TestTemplates:
    @pytest.fixture
    def create(self, client, reference):
        from tests.partners.factories import UserFactory

        user = UserFactory(staff=True)  # the platform's team creates a plan for any territory (plans.perms)
        client.force_login(user)

        def create(code, **form):
            data = {
                "territory_name": "Loos",
                "territory_kind": "commune",
                "country": "FR",
                "official_code": "59360",
                "population": "21000",
                "department": "59 — Nord",
                "title": "Plan local 2026-2028",
                "period_start": "01/01/2026",
                "period_end": "31/12/2028",
                "template": PlanTemplate.objects.get(code=code).pk,
                **form,
            }
            response = client.post(reverse("plans:create"), data)
            assert response.status_code == 302, response.content.decode()[:2000]
            return Plan.objects.order_by("-pk").first()

        return create

    def test_sene_rows_without_a_gestionnaire_have_no_lead_and_say_so(self, create):
        """The zone's own police leads the rows the model names; the others wait for the committee."""
        from partners.models import User
        from tests.partners.factories import PartnerFactory

        police = PartnerFactory(name="Police locale de Seraing", kind="local_police")
        User.objects.update(partner=police)
        plan = create(
            "sene-modele-suivi", territory_kind="police_zone", country="BE", official_code="5277", department="Liège"
        )
        without = plan.actions.filter(lead=None)
        assert set(without.values_list("axis__name", flat=True)) == {
            "Amélioration de la collecte de l'information",
            "Amélioration de l'efficacité du travail de police judiciaire",
            "Coordination",
        }
        assert all("ne nomme ni gestionnaire" in a.comments for a in without)
        # Where the model names its actions, the titles are its words.
        titles = set(plan.actions.values_list("title", flat=True))
        assert {
            "Organisation d'actions communes",
            "Améliorer l'expertise",
            "Améliorer la gestion des secteurs",
        } <= titles
        # The columns the model leaves empty stay empty for the committee.
        assert set(plan.actions.values_list("competence", flat=True)) == {""}
        assert set(plan.actions.values_list("cost_class", flat=True)) == {None}

    def test_a_french_police_finds_its_lead_in_the_municipal_police(self, create, coordinator_partner):
        """The SeNe model names the local police; in France that is the police municipale."""
        plan = create("sene-modele-suivi")
        assert {a.lead for a in plan.actions.exclude(lead=None)} == {coordinator_partner}

    def test_mildt_template_says_it_is_2008_and_has_therapeutic_communities(self, create):
        """The 2008 priorities, said to be 2008's, with the therapeutic communities the note asks to follow."""
        template = PlanTemplate.objects.get(code="programme-departemental-mildt")
        assert "2008" in template.name
        assert "feuilles de route départementales de la MILDECA" in template.description
        plan = create("programme-departemental-mildt")
        assert plan.actions.filter(title="Suivre les projets de communautés thérapeutiques").exists()

    def test_loos_template_brings_its_convention_and_partners(self, create):
        """Three years, signed by the commune, MILDECA and the préfecture; Éducation nationale, parquet and police
        nationale take part. A second plan of the département finds the same préfecture."""
        plan = create("prevention-jeunes-trafics")
        convention = plan.conventions.get()
        assert (convention.kind, convention.duration_months, convention.starts_on) == (
            "partnership",
            36,
            plan.period_start,
        )
        assert {p.partner.kind for p in convention.parties.all()} == {"municipal_service", "mildeca", "prefecture"}
        kinds = set(plan.partners.values_list("kind", flat=True))
        assert {"education", "prosecutor", "national_police", "mildeca", "prefecture"} <= kinds
        assert plan.partners.get(kind="prefecture").name == "Préfecture (59 — Nord)"
        other = create("prevention-jeunes-trafics", territory_name="Haubourdin", official_code="59286")
        assert other.partners.get(kind="prefecture") == plan.partners.get(kind="prefecture")
        # The actions the source does not give are ours, and the template says so.
        assert (
            "Les actions proposées sous chaque axe sont les nôtres"
            in PlanTemplate.objects.get(code="prevention-jeunes-trafics").description
        )


@pytest.fixture
def coordinator_partner(db):
    """The organisation of the person creating the plan: a French municipal police."""
    from partners.models import User
    from tests.partners.factories import PartnerFactory

    partner = PartnerFactory(police=True)
    User.objects.update(partner=partner)
    return partner
