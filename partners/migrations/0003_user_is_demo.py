from django.contrib.auth.hashers import check_password
from django.db import migrations, models

DEMO_EMAILS = [
    "admin@demo.example",
    "coordination@val-de-sorne.example",
    "redaction@val-de-sorne.example",
    "contribution@apjs.example",
    "lecture@prefecture.example",
    "strategie@zp-sene.example",
    "pilotage@zp-sene.example",
    "terrain@transit.example",
    "lecture@parquet-sene.example",
]


def mark_existing_demo_accounts(apps, schema_editor):
    """Accounts an earlier seed_demo created: a published demo login that still has the published password."""
    User = apps.get_model("partners", "User")
    for user in User.objects.filter(email__in=DEMO_EMAILS):
        if check_password("demo-plans-2026", user.password):
            User.objects.filter(pk=user.pk).update(is_demo=True)


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_funder_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="is_demo",
            field=models.BooleanField(default=False, editable=False, verbose_name="compte de démonstration"),
        ),
        migrations.RunPython(mark_existing_demo_accounts, migrations.RunPython.noop),
    ]
