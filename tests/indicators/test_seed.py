from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from partners.models import User
from plans.enums import MemberRole
from plans.models import Plan
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
