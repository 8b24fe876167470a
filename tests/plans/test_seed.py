from io import StringIO

import pytest
from django.core.management import call_command

from partners.models import User
from plans.enums import MemberRole
from plans.models import Plan


@pytest.mark.django_db
class TestSeedDemo:
    def test_demo_data_is_realistic_and_idempotent(self):
        """Two territories (FR commune, BE police zone), 20–40 actions each, one login per role per plan."""
        out = StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=StringIO())
        plans = list(Plan.objects.select_related("territory"))
        assert {p.territory.country for p in plans} == {"FR", "BE"}
        for plan in plans:
            assert 20 <= plan.actions.count() <= 40
            assert set(plan.memberships.values_list("role", flat=True)) == set(MemberRole.values)
        assert Plan.objects.count() == 2
        assert "demo-plans-2026" in out.getvalue()
        for user in User.objects.exclude(is_staff=True):
            assert user.email in out.getvalue()
            assert user.check_password("demo-plans-2026")
