"""Demo data for `make run`: idempotent, fictional, and it prints the logins."""

from django.core.management.base import BaseCommand
from django.db import transaction

from partners.enums import PartnerKind
from partners.models import Partner, User

DEMO_PASSWORD = "demo-plans-2026"


class Command(BaseCommand):
    help = "Create (or refresh) the fictional demo territories, plans and users, and print the logins."

    @transaction.atomic
    def handle(self, *args, **options):
        operator, _ = Partner.objects.get_or_create(
            name="Opérateur de la plateforme", kind=PartnerKind.OTHER, defaults={"acronym": "OPS"}
        )
        admin = self._user("admin@demo.example", "Admin", "Plateforme", operator, staff=True)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/ with:"))
        self.stdout.write(f"  {admin.email:<40} {DEMO_PASSWORD}  (platform operator, Django admin)")

    def _user(self, email, first_name, last_name, partner, staff=False):
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"first_name": first_name, "last_name": last_name, "partner": partner},
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = staff
        user.save()
        return user
