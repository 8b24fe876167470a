"""Values broken down by group: the plan's breakdowns, entry per category with its total, categories changed
after values were entered, reports, open data and dashboards, and the masking of small counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import breakdowns
from indicators.enums import Unit
from indicators.models import Category, Measurement
from indicators.services import indicator_update, quarter_save, share_link_create
from plans.enums import MemberRole
from tests.indicators.factories import IndicatorFactory, second_year_plan


class TestMasking:
    def test_small_counts_and_the_one_that_would_give_them_away(self):
        values = {"1": Decimal(12), "2": Decimal(3), "3": Decimal(8), "4": Decimal(0)}
        assert breakdowns.masked(values, unit=Unit.COUNT) == {"1": None, "2": "< 5", "3": "masqué", "4": None}

    def test_two_small_counts_hide_a_bigger_one_too(self):
        """Issue 25 (F3): beside their published total (43), two "< 5" alone would be 3 between them."""
        values = {"1": Decimal(1), "2": Decimal(2), "3": Decimal(40)}
        assert breakdowns.masked(values, unit=Unit.COUNT) == {"1": "< 5", "2": "< 5", "3": "masqué"}

    def test_amounts_are_not_about_people(self):
        assert breakdowns.masked({"1": Decimal(3), "2": Decimal(900)}, unit=Unit.EUROS) == {"1": None, "2": None}


@pytest.fixture
def world(db):
    world = second_year_plan(actions=3, indicators=1)
    world.coordinator = world.users[MemberRole.COORDINATOR]
    world.sex = breakdowns.dimension_create(
        plan=world.plan, by=world.coordinator, name="Sexe", categories=["Femmes", "Hommes", "Non renseigné"]
    )
    world.age = breakdowns.dimension_create(
        plan=world.plan, by=world.coordinator, name="Âge", categories=["Moins de 18 ans", "18 ans et plus"]
    )
    world.women, world.men, world.unknown = world.sex.categories.order_by("order")
    world.minors, world.adults = world.age.categories.order_by("order")
    world.indicator = IndicatorFactory(
        action=world.actions[0], label="Personnes reçues", is_key=True, breakdown=world.sex
    )
    return world


def save(world, number, parts, period=None, **extra):
    item = {"indicator": world.indicator, "value_number": number, "value_text": "", "comment": "", **extra}
    if parts is not None:
        item["parts"] = {str(k.pk) if hasattr(k, "pk") else k: Decimal(v) for k, v in parts.items()}
    return quarter_save(period=period or world.open, by=world.coordinator, measurements=[item])


def _input(html: str, name: str) -> str:
    start = html.index(f'name="{name}"')
    return html[html.rindex("<input", 0, start) : html.index(">", start)]


def quarter_url(world):
    return reverse("indicators:quarter", args=[world.plan.pk, 2026, 3])


class TestDimensions:
    def test_created_with_their_categories_and_the_usual_ones_once(self, world):
        with pytest.raises(ValidationError, match="au moins deux"):
            breakdowns.dimension_create(plan=world.plan, by=world.coordinator, name="Quartier", categories=["Nord"])
        with pytest.raises(ValidationError, match="déjà une ventilation"):
            breakdowns.dimension_create(plan=world.plan, by=world.coordinator, name="sexe", categories=["a", "b"])
        added = breakdowns.presets_add(plan=world.plan, by=world.coordinator)
        assert [d.name for d in added] == ["Tranche d'âge", "Type de structure", "Substance"]  # "Sexe" exists
        assert breakdowns.presets_add(plan=world.plan, by=world.coordinator) == []

    def test_a_category_holding_values_is_retired_not_deleted(self, world):
        save(world, None, {world.women: 7, world.men: 5})
        categories = {
            world.women.pk: {"label": "Femmes et filles"},
            world.men.pk: {"label": "Hommes", "delete": True},
            world.unknown.pk: {"label": "Non renseigné", "delete": True},
        }
        with pytest.raises(ValidationError) as refused:
            breakdowns.dimension_update(
                dimension=world.sex, by=world.coordinator, name="Sexe", categories=categories, added=[]
            )
        assert "« Hommes » porte 1 valeur :" in str(refused.value.message_dict[f"c-{world.men.pk}-delete"])
        assert Category.objects.filter(pk=world.men.pk).exists()
        assert Category.objects.filter(pk=world.unknown.pk).exists()  # all or nothing
        categories[world.men.pk] = {"label": "Hommes", "retired": True}
        breakdowns.dimension_update(
            dimension=world.sex, by=world.coordinator, name="Sexe", categories=categories, added=["Autre"]
        )
        assert list(world.sex.categories.values_list("label", "retired")) == [
            ("Femmes et filles", False),
            ("Hommes", True),
            ("Autre", False),
        ]
        measurement = Measurement.objects.get(indicator=world.indicator, period=world.open)
        assert measurement.parts == {str(world.women.pk): "7", str(world.men.pk): "5"}  # nothing lost
        dimensions = breakdowns.plan_dimensions(world.plan)
        holding = breakdowns.grid_for(world.indicator, dimensions, measurement.parts)
        assert [c.label for c in holding.rows] == ["Femmes et filles", "Hommes", "Autre"]  # retired, still shown
        fresh = breakdowns.grid_for(world.indicator, dimensions, {})
        assert [c.label for c in fresh.rows] == ["Femmes et filles", "Autre"]  # no longer offered

    def test_duplicate_names_and_a_dimension_in_use(self, world):
        with pytest.raises(ValidationError, match="même nom"):
            breakdowns.dimension_update(
                dimension=world.sex,
                by=world.coordinator,
                name="Sexe",
                categories={world.men.pk: {"label": "Femmes"}},
                added=[],
            )
        with pytest.raises(ValidationError, match="1 indicateur"):
            breakdowns.dimension_delete(dimension=world.sex, by=world.coordinator)

    def test_the_page_keys_categories_by_id_and_keeps_what_was_typed(self, client, world):
        save(world, None, {world.men: 5})
        client.force_login(world.users[MemberRole.EDITOR])
        url = reverse("indicators:dimensions", args=[world.plan.pk])
        assert "Femmes" in client.get(url).text
        prefix = f"d{world.sex.pk}"
        data = {f"{prefix}-name": "Sexe déclaré", f"{prefix}-added": "Autre"}
        for category in (world.women, world.men, world.unknown):
            data[f"{prefix}-c-{category.pk}-label"] = category.label.upper()
            data[f"{prefix}-c-{category.pk}-offered"] = "on"
        data[f"{prefix}-c-{world.men.pk}-delete"] = "on"
        edit = reverse("indicators:dimension_edit", args=[world.plan.pk, world.sex.pk])
        response = client.post(edit, data)
        assert response.status_code == 400
        assert "porte 1 valeur :" in response.text and 'value="Sexe déclaré"' in response.text
        assert 'value="FEMMES"' in response.text  # what was typed stays
        world.sex.refresh_from_db()
        assert world.sex.name == "Sexe"
        del data[f"{prefix}-c-{world.men.pk}-delete"]
        assert client.post(edit, data).status_code == 302
        assert set(world.sex.categories.values_list("label", flat=True)) == {
            "FEMMES",
            "HOMMES",
            "NON RENSEIGNÉ",
            "Autre",
        }
        client.force_login(world.users[MemberRole.VIEWER])
        assert client.post(edit, data).status_code == 403
        assert client.post(url, {"name": "Quartier", "categories": "Nord\nSud"}).status_code == 403


class TestIndicator:
    def test_what_can_be_broken_down(self, world):
        with pytest.raises(ValidationError, match="Seuls un nombre ou un montant"):
            indicator_update(indicator=world.indicator, by=world.coordinator, unit=Unit.PERCENTAGE)
        world.indicator.refresh_from_db()
        with pytest.raises(ValidationError, match="une autre ventilation"):
            indicator_update(indicator=world.indicator, by=world.coordinator, breakdown_second=world.sex)
        world.indicator.refresh_from_db()
        other = second_year_plan(actions=1, indicators=1)
        foreign = breakdowns.dimension_create(
            plan=other.plan, by=other.users["coordinator"], name="X", categories=["a", "b"]
        )
        with pytest.raises(ValidationError, match="autre plan"):
            indicator_update(indicator=world.indicator, by=world.coordinator, breakdown=foreign)

    def test_the_breakdown_stays_once_values_are_broken_down(self, world):
        indicator_update(indicator=world.indicator, by=world.coordinator, breakdown_second=world.age)
        indicator_update(indicator=world.indicator, by=world.coordinator, breakdown_second=None)
        save(world, None, {world.women: 2})
        with pytest.raises(ValidationError, match="ne peut plus changer"):
            indicator_update(indicator=world.indicator, by=world.coordinator, breakdown=world.age)


class TestEntry:
    def test_the_total_is_computed_or_checked(self, world):
        with pytest.raises(ValidationError, match="est entier"):  # a count (issue 28)
            save(world, None, {world.women: 7, world.men: "5.5"})
        save(world, None, {world.women: 7, world.men: "5"})
        measurement = Measurement.objects.get(indicator=world.indicator, period=world.open)
        assert measurement.value_number == Decimal("12")
        assert measurement.parts == {str(world.women.pk): "7", str(world.men.pk): "5"}
        with pytest.raises(ValidationError, match="Les parts font 12, pas 13"):
            save(world, Decimal(13), {world.women: 7, world.men: 5})
        save(world, Decimal(12), {world.women: 7, world.men: 5})
        assert Measurement.objects.get(pk=measurement.pk).value_number == 12

    def test_a_total_alone_must_match_the_saved_parts(self, world):
        """The API sends a total without parts: the parts stay, and the total must still be theirs."""
        save(world, None, {world.women: 7, world.men: 5})
        with pytest.raises(ValidationError, match="Les parts font 12, pas 20"):
            save(world, Decimal(20), None)
        save(world, Decimal(12), None, comment="Vérifié")
        assert Measurement.objects.get(indicator=world.indicator, period=world.open).comment == "Vérifié"

    def test_through_the_api(self, client, world):
        save(world, None, {world.women: 7, world.men: 5})
        value = Measurement.objects.get(indicator=world.indicator, period=world.open)
        client.force_login(world.coordinator)
        url = f"/api/v1/measurements/{value.pk}/"
        assert client.get(url).json()["parts"] == {str(world.women.pk): "7", str(world.men.pk): "5"}
        version = client.get(url).json()["version"]
        response = client.patch(url, {"value_number": "20", "version": version}, content_type="application/json")
        assert response.status_code == 400 and "Les parts font 12, pas 20" in str(response.json())
        body = {"comment": "Vérifié", "parts": {"999999": "20"}, "version": version}
        response = client.patch(url, body, content_type="application/json")
        assert response.status_code == 400 and "n'existe plus" in str(response.json())
        body = {"comment": "Vérifié", "parts": {str(world.women.pk): "8", str(world.men.pk): "5"}, "version": version}
        response = client.patch(url, body, content_type="application/json")  # written through the API (issue 28)
        assert response.status_code == 200, response.json()
        value.refresh_from_db()
        assert (value.value_number, value.comment, value.parts[str(world.women.pk)]) == (13, "Vérifié", "8")
        assert response.json()["parts"] == {str(world.women.pk): "8", str(world.men.pk): "5"}

    def test_parts_of_another_breakdown_or_a_removed_category(self, world):
        with pytest.raises(ValidationError, match="n'existe plus"):
            save(world, None, {world.minors: 3})
        with pytest.raises(ValidationError, match="n'existe plus"):
            save(world, None, {"999999": 3})

    def test_moving_one_between_categories_is_a_change(self, world):
        save(world, None, {world.women: 7, world.men: 5})
        measurement = Measurement.objects.get(indicator=world.indicator, period=world.open)
        save(world, None, {world.women: 6, world.men: 6}, loaded=measurement.fingerprint)
        measurement.refresh_from_db()
        assert measurement.parts == {str(world.women.pk): "6", str(world.men.pk): "6"}

    def test_two_dimensions_crossed(self, world):
        indicator_update(indicator=world.indicator, by=world.coordinator, breakdown_second=world.age)
        world.indicator.refresh_from_db()
        key = breakdowns.part_key
        save(world, None, {key(world.women.pk, world.minors.pk): 2, key(world.men.pk, world.adults.pk): 9})
        assert Measurement.objects.get(indicator=world.indicator, period=world.open).value_number == 11

    def test_the_quarter_page(self, client, world):
        client.force_login(world.coordinator)
        page = client.get(quarter_url(world), {"pillar": "all"})
        form = next(r.form for r in page.context["sheet"].indicator_rows if r.indicator == world.indicator)
        assert [label for label, _fields in form.part_rows()] == ["Femmes", "Hommes", "Non renseigné"]
        assert f'name="m-{world.indicator.pk}-part_{world.women.pk}"' in page.text
        prefix = f"m-{world.indicator.pk}"
        data = {f"{prefix}-loaded": form.initial["loaded"], f"{prefix}-value": "30"}
        data |= {f"{prefix}-part_{world.women.pk}": "12", f"{prefix}-part_{world.men.pk}": "15"}
        response = client.post(quarter_url(world) + "?pillar=all", data)
        assert response.status_code == 400
        assert "Les parts font 27, pas 30" in response.text
        assert 'value="12"' in _input(response.text, f"{prefix}-part_{world.women.pk}")  # what was typed stays
        assert not Measurement.objects.filter(indicator=world.indicator, period=world.open).exists()
        data[f"{prefix}-value"] = ""
        assert client.post(quarter_url(world) + "?pillar=all", data).status_code == 302
        saved = Measurement.objects.get(indicator=world.indicator, period=world.open)
        assert saved.value_number == 27
        page = client.get(quarter_url(world), {"pillar": "all"})
        assert 'value="15"' in _input(page.text, f"{prefix}-part_{world.men.pk}")


class TestPublished:
    @pytest.fixture
    def reported(self, world):
        save(world, None, {world.women: 12, world.men: 3, world.unknown: 8})
        return world

    def test_the_quarterly_report_masks_small_counts(self, client, reported):
        world = reported
        client.force_login(world.users[MemberRole.VIEWER])
        url = reverse("indicators:report_quarter", args=[world.plan.pk, 2026, 3])
        preview = client.get(url)
        section = preview.context["report"].section("ventilations")
        assert [row[3:] for row in section.rows] == [
            ["Femmes", "", Decimal(12)],
            ["Hommes", "", "< 5"],
            ["Non renseigné", "", "masqué"],
        ]
        assert any(chart.key == f"ventilation-{world.indicator.pk}" for chart in preview.context["report"].charts)
        response = client.get(url, {"format": "csv-opendata", "section": "ventilations"})
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [(r["category"], r["value"], r["masked"]) for r in rows] == [
            ("Femmes", "12", ""),
            ("Hommes", "", "< 5"),
            ("Non renseigné", "", "masqué"),
        ]
        assert {r["dimension"] for r in rows} == {"Sexe"} and {r["period"] for r in rows} == {"2026-T3"}
        other = reverse("indicators:report_quarter", args=[world.plan.pk, 2026, 2])
        assert client.get(other, {"format": "csv-opendata", "section": "ventilations"}).status_code == 404

    def test_members_see_the_counts_a_share_link_masks(self, client, reported):
        world = reported
        client.force_login(world.users[MemberRole.VIEWER])
        dashboard = client.get(reverse("indicators:dashboard", args=[world.plan.pk]))
        (key,) = [k for k in dashboard.context["key_indicators"] if k.indicator == world.indicator]
        assert key.breakdown.table.rows == [("Femmes", ["12"]), ("Hommes", ["3"]), ("Non renseigné", ["8"])]
        assert dashboard.context["breakdown_charts"]
        client.logout()
        _link, token = share_link_create(plan=world.plan, by=world.coordinator, label="Préfecture", days=30)
        shared = client.get(reverse("shared_dashboard", args=[token]))
        (key,) = [k for k in shared.context["key_indicators"] if k.indicator == world.indicator]
        assert key.breakdown.table.rows == [("Femmes", ["12"]), ("Hommes", ["< 5"]), ("Non renseigné", ["masqué"])]
        (chart,) = shared.context["breakdown_charts"]
        assert chart.series[0].values == [Decimal(12), None, None]
        assert '<td class="num">&lt; 5</td>' in shared.text and '<td class="num">3</td>' not in shared.text


def test_the_quarter_page_reads_breakdowns_in_a_fixed_number_of_queries(client, db):
    """Categories and parts are read once per page, not once per indicator: same count at 2 and 12 actions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (2, 12):
        world = second_year_plan(actions=size, indicators=2)
        coordinator = world.users[MemberRole.COORDINATOR]
        sex = breakdowns.dimension_create(plan=world.plan, by=coordinator, name="Sexe", categories=["F", "H"])
        women, men = sex.categories.order_by("order")
        for indicator in world.indicators:
            indicator.breakdown = sex
            indicator.save()
            item = {"indicator": indicator, "value_number": None, "value_text": "", "comment": ""}
            quarter_save(
                period=world.open,
                by=coordinator,
                measurements=[item | {"parts": {str(women.pk): Decimal(2), str(men.pk): Decimal(3)}}],
            )
        client.force_login(coordinator)
        url = reverse("indicators:quarter", args=[world.plan.pk, 2026, 3])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"pillar": "all"})
        assert response.status_code == 200
        assert response.text.count("-part_") >= size * 2 * 2
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 13, counts  # 12, and the categories of the breakdowns
