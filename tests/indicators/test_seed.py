from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from partners.models import User
from plans.enums import MemberRole
from plans.models import Action, Plan
from tests.partners.factories import DEFAULT_PASSWORD, UserFactory


@pytest.mark.django_db
class TestSeedDemo:
    def test_demo_data_is_realistic_and_idempotent(self, settings):
        """Two territories (FR commune, BE police zone), 20–40 actions each, one login per role per plan."""
        settings.DEBUG = True
        out = StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=StringIO())
        plans = list(Plan.objects.select_related("territory"))
        assert {p.territory.country for p in plans} == {"FR", "BE"}
        for plan in plans:
            assert 20 <= plan.actions.count() <= 40
            assert set(plan.memberships.values_list("role", flat=True)) == set(MemberRole.values)
        assert Plan.objects.count() == 2
        # The validation journey has something to show: a named validator, one submission pending, one validated.
        from indicators.models import ActionReview

        assert (
            plans[0].memberships.filter(validator=True, role=MemberRole.VIEWER).exists()
            or plans[1].memberships.filter(validator=True, role=MemberRole.VIEWER).exists()
        )
        assert sorted(ActionReview.objects.values_list("state", flat=True)) == ["submitted", "validated"]
        assert "demo-plans-2026" in out.getvalue()
        for user in User.objects.exclude(is_staff=True):
            assert user.email in out.getvalue()
            assert user.check_password("demo-plans-2026")
            assert user.is_demo

    def test_refuses_to_run_without_debug_unless_told(self, settings):
        """Production settings (DEBUG off) would publish a password: refused unless --allow-production."""
        settings.DEBUG = False
        with pytest.raises(CommandError, match="--allow-production"):
            call_command("seed_demo", stdout=StringIO())
        assert not User.objects.exists() and not Plan.objects.exists()
        call_command("seed_demo", "--allow-production", stdout=StringIO(), stderr=StringIO())
        assert Plan.objects.count() == 2
        # The superuser with a published password is never created outside development.
        assert not User.objects.filter(is_superuser=True).exists()

    def test_never_touches_an_account_it_did_not_create(self, settings):
        """A real account that happens to use a demo address keeps its password, rights and plans."""
        settings.DEBUG = True
        admin = UserFactory(email="admin@demo.example", is_staff=False, is_superuser=False)
        editor = UserFactory(email="redaction@val-de-sorne.example")
        err = StringIO()
        call_command("seed_demo", stdout=StringIO(), stderr=err)
        for user in (admin, editor):
            user.refresh_from_db()
            assert user.check_password(DEFAULT_PASSWORD) and not user.is_demo
            assert not user.is_superuser and not user.memberships.exists()
        assert "redaction@val-de-sorne.example already exists and was not created by seed_demo" in err.getvalue()


# The people the source documents name: the demo must never borrow them.
REAL_PEOPLE = ["Hendrix", "Hendrickx", "Apaire", "Alimi", "Jauffret", "Debrus"]
# Organisations that never lead such an action: (what the action's title says, kinds that do not lead it).
CARE = {"csapa", "caarud", "drug_aid_service", "association"}
UNFIT_LEADS = [
    (r"pilotage|crédits|diagnostic", CARE | {"prosecutor", "crown_prosecutor", "education"}),
    (r"police judiciaire|information|signalement|renseignement|envois postaux", CARE | {"cpas", "education"}),
    (r"consultations|soin|maraudes", {"prosecutor", "crown_prosecutor", "national_police", "local_police"}),
]
# What one quarter can hold, by what the indicator counts.
QUARTER_BOUNDS = [
    (r"réunions du groupe de pilotage", 1, 3),
    (r"séances|sessions|stages organisés|rencontres organisées|maraudes|campagnes menées", 0, 12),
    (r"classes bénéficiaires", 1, 12),
]


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """The demo, seeded once for the class in a transaction rolled back after it (as Django's setUpTestData)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--allow-production", stdout=StringIO(), stderr=StringIO())
        yield {p.territory.country: p for p in Plan.objects.select_related("territory")}
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestDemoIsPlausible:
    """Rules a coordinator would check the demo against."""

    def test_leads_fit_their_actions_and_their_country(self, seeded):
        import re

        from partners.enums import kind_choices

        for country, plan in seeded.items():
            kinds = dict(kind_choices(country))
            assert set(plan.partners.values_list("kind", flat=True)) <= set(kinds), country
            for action in plan.actions.select_related("lead").exclude(lead=None):
                for pattern, unfit in UNFIT_LEADS:
                    if re.search(pattern, action.title.lower()):
                        assert action.lead.kind not in unfit, (action.title, action.lead)

    def test_a_lead_left_empty_is_one_the_template_names_none_for(self, seeded):
        """Only the SeNe domains without a gestionnaire wait for one, and they say so."""
        assert not seeded["FR"].actions.filter(lead=None).exists()
        waiting = seeded["BE"].actions.filter(lead=None)
        assert waiting.count() == 3 and all("ne nomme ni gestionnaire" in a.comments for a in waiting)

    def test_values_are_within_plausible_ranges_per_unit(self, seeded):
        import re

        from indicators.enums import Unit
        from indicators.models import Measurement

        values = list(Measurement.objects.select_related("indicator", "period").exclude(value_number=None))
        assert len(values) > 100
        for m in values:
            number, unit, label = m.value_number, m.indicator.unit, m.indicator.label.lower()
            assert number >= 0, label
            if unit == Unit.PERCENTAGE:
                assert number <= 100, label
            elif unit == Unit.YES_NO:
                assert number in {0, 1}, label
            elif unit == Unit.COUNT:
                assert number == int(number), label
                for pattern, low, high in QUARTER_BOUNDS:
                    if re.search(pattern, label):
                        assert low <= number <= high, (label, m.period, number)

    def test_people_counted_follow_from_the_sessions_held(self, seeded):
        """Participants ≥ sessions × a small group; pupils ≥ classes × 20; never more oriented than examined."""
        from indicators.models import Measurement

        by_action_period = {}
        for m in Measurement.objects.select_related("indicator").exclude(value_number=None):
            by_action_period.setdefault((m.indicator.action_id, m.period_id), {})[m.indicator.label] = m.value_number
        pairs = [
            ("Nombre de jeunes participants", "Nombre de séances organisées", 5),
            ("Nombre de familles participantes", "Nombre de séances", 3),
            ("Nombre de participants", "Nombre de sessions", 5),
            ("Nombre d'élèves bénéficiaires", "Nombre de classes bénéficiaires", 20),
        ]
        checked = 0
        for values in by_action_period.values():
            for people, sessions, per_session in pairs:
                if people in values and sessions in values:
                    assert values[people] >= values[sessions] * per_session, (people, values)
                    checked += 1
            if "Nombre de jeunes orientés vers un accompagnement" in values:
                examined = values["Nombre de situations examinées"]
                assert values["Nombre de jeunes orientés vers un accompagnement"] <= examined
        assert checked >= 10

    def test_nothing_is_counted_for_an_action_not_started_in_that_quarter(self, seeded):
        from indicators.models import Measurement, ProgressUpdate

        silent = set(
            ProgressUpdate.objects.filter(status__in=["planned", "suspended", "abandoned"]).values_list(
                "action_id", "period_id"
            )
        )
        counted = set(Measurement.objects.values_list("indicator__action_id", "period_id"))
        assert silent and not (silent & counted)

    def test_comments_read_like_a_committees(self, seeded):
        from indicators.models import ProgressUpdate

        texts = [
            *Action.objects.values_list("comments", flat=True),
            *ProgressUpdate.objects.values_list("note", flat=True),
        ]
        assert not [t for t in texts if "Mesure du catalogue" in t or "source :" in t]
        # The same note is not pasted on every action of a quarter.
        for period_id in ProgressUpdate.objects.values_list("period_id", flat=True).distinct():
            notes = list(ProgressUpdate.objects.filter(period_id=period_id).values_list("note", flat=True))
            assert len(set(notes)) > 2

    def test_free_of_the_names_of_real_people(self, seeded):
        from plans.models import Convention, Meeting

        people = " ".join(f"{u.first_name} {u.last_name}" for u in User.objects.all())
        texts = [
            people,
            *Action.objects.values_list("title", "summary", "comments"),
            *Meeting.objects.values_list("decisions", flat=True),
            *Convention.objects.values_list("title", "renewal_terms"),
        ]
        text = " ".join(map(str, texts))
        assert [name for name in REAL_PEOPLE if name in text] == []

    def test_the_sene_zone_has_a_belgian_budget(self, seeded):
        """PSSP money from the SPF Intérieur, the Walloon social cohesion plan, the commune and the zone; each
        funder's lines within what it granted for 2027, the plan's first year."""
        from django.db.models import Sum

        plan = seeded["BE"]
        grants = {f.funder.kind: f.amount_granted for f in plan.fundings.select_related("funder").filter(year=2027)}
        assert {"spf_interior", "community_region", "municipal_service", "local_police"} <= set(grants)
        lines = plan.budget_lines.filter(year=2027).values("funder__kind").annotate(total=Sum("planned_amount"))
        assert lines and all(row["total"] <= grants[row["funder__kind"]] for row in lines)
        staff = plan.budget_lines.filter(nature="staff")
        assert staff and all(line.fte and 30_000 <= line.planned_amount / line.fte <= 80_000 for line in staff)

    def test_the_french_plan_runs_on_the_loos_convention(self, seeded):
        convention = seeded["FR"].conventions.get()
        assert convention.duration_months == 36 and convention.signed_on is not None
        assert {p.partner.kind for p in convention.parties.all()} == {"municipal_service", "mildeca", "prefecture"}
