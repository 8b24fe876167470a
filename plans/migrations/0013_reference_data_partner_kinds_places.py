"""Data: the templates and catalogue with their sources and estimates; existing organisations moved to the kinds
of the country whose plans they take part in; Belgian communes placed in their province and arrondissement."""

import re

from django.db import migrations

# A kind the country does not have → its equivalent there ("other" when there is none). Written out here, as it
# stood when this migration was written, rather than read from partners.enums.
TO_BELGIUM = {
    "national_police": "federal_police",
    "prosecutor": "crown_prosecutor",
    "municipal_police": "local_police",
    "education": "school",
    "region": "community_region",
    "csapa": "drug_aid_service",
    "caarud": "drug_aid_service",
    **dict.fromkeys(["mildeca", "prefecture", "gendarmerie", "health_agency", "caf", "department_council"], "other"),
}
TO_FRANCE = {
    "local_police": "municipal_police",
    "federal_police": "national_police",
    "crown_prosecutor": "prosecutor",
    "community_region": "region",
    **dict.fromkeys(["spf_interior", "province", "cpas", "drug_aid_service"], "other"),
}


def resync(apps, schema_editor):
    from plans.services import reference_data_sync

    reference_data_sync(
        template_model=apps.get_model("plans", "PlanTemplate"),
        measure_model=apps.get_model("plans", "CatalogueMeasure"),
    )


def partner_kinds(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    Plan = apps.get_model("plans", "Plan")
    countries: dict[int, set] = {}
    for partner_id, country in Plan.partners.through.objects.values_list("partner_id", "plan__territory__country"):
        countries.setdefault(partner_id, set()).add(country)
    for partner in Partner.objects.filter(pk__in=list(countries)):
        used_in = countries[partner.pk]
        if len(used_in) != 1:  # an organisation of French and Belgian plans alike keeps its kind
            continue
        country = next(iter(used_in))
        if country == "BE" and partner.kind == "municipal_service" and re.search(r"\bcpas\b", partner.name.lower()):
            kind = "cpas"
        else:
            kind = (TO_BELGIUM if country == "BE" else TO_FRANCE).get(partner.kind, partner.kind)
        if kind == partner.kind:
            continue
        if Partner.objects.filter(name__iexact=partner.name, kind=kind).exists():
            continue  # the same organisation already exists under that kind: left for an operator to merge
        partner.kind = kind
        partner.save(update_fields=["kind"])


def belgian_places(apps, schema_editor):
    from plans.territories import BELGIAN_ARRONDISSEMENTS

    Territory = apps.get_model("plans", "Territory")
    for territory in Territory.objects.filter(country="BE", kind="commune", arrondissement=""):
        place = BELGIAN_ARRONDISSEMENTS.get(territory.official_code.strip()[:2])
        if place and re.fullmatch(r"\d{5}", territory.official_code.strip()):
            territory.arrondissement, province = place
            territory.department = territory.department or province
            territory.save(update_fields=["arrondissement", "department"])


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0012_sources_and_belgian_places"),
        ("partners", "0006_partner_kinds_by_country"),
    ]

    operations = [
        migrations.RunPython(resync, migrations.RunPython.noop),
        migrations.RunPython(partner_kinds, migrations.RunPython.noop),
        migrations.RunPython(belgian_places, migrations.RunPython.noop),
    ]
