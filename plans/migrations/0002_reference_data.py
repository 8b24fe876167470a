from django.db import migrations


def load(apps, schema_editor):
    from plans.services import reference_data_sync

    reference_data_sync(
        template_model=apps.get_model("plans", "PlanTemplate"),
        measure_model=apps.get_model("plans", "CatalogueMeasure"),
    )


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
