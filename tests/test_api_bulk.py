"""Issue 28: a whole quarter through the API in one request (values with their parts, progress updates), with a
dry run, an import summary per item, all or nothing by default and `atomic=false` to keep the valid items."""

from decimal import Decimal

import pytest

from indicators.models import Indicator, Measurement, ProgressUpdate
from plans.enums import MemberRole
from tests.indicators.factories import IndicatorFactory
from tests.test_api import as_role

pytestmark = pytest.mark.django_db


def url(world, period=None):
    period = period or world.open
    return f"/api/v1/plans/{world.plan.pk}/quarters/{period.year}/{period.quarter}/values/"


def post(client, world, body, query="", **kwargs):
    return client.post(url(world, kwargs.pop("period", None)) + query, body, content_type="application/json")


@pytest.fixture
def quarter(api):
    """Our plan's open quarter: one value already there (to update or leave), two indicators without one."""
    world = api["own"]
    existing = Measurement.objects.filter(indicator__plan=world.plan, period=world.open).select_related("indicator")
    existing = existing.first()
    fresh = [
        IndicatorFactory(action=world.actions[0], plan=world.plan, label=f"Nouvel indicateur {i}") for i in (1, 2)
    ]
    update = ProgressUpdate.objects.get(action=world.actions[0], period=world.open)
    return world, existing, fresh, update


def test_a_dry_run_says_what_would_happen_and_writes_nothing(client, api, quarter):
    world, existing, fresh, update = quarter
    as_role(client, api, "editor")
    body = {
        "values": [
            {"indicator": fresh[0].pk, "value_number": "12"},
            {"indicator": fresh[1].pk, "value_number": "3", "comment": "Source : registre"},
            {"indicator": existing.indicator_id, "value_number": str(existing.value_number)},  # as it is
        ],
        "progress_updates": [
            {"action": update.action_id, "status": "in_progress", "progress": 55, "version": update.version}
        ],
    }
    before = Measurement.objects.count(), ProgressUpdate.objects.get(pk=update.pk).progress
    response = post(client, world, body, "?dry_run=true")
    assert response.status_code == 200, response.content
    summary = response.json()
    assert summary["status"] == "OK" and summary["dry_run"] is True
    assert summary["counts"] == {"created": 2, "updated": 1, "unchanged": 1, "refused": 0, "skipped": 0}
    assert [(i["kind"], i["index"], i["result"]) for i in summary["items"]] == [
        ("value", 0, "created"), ("value", 1, "created"), ("value", 2, "unchanged"),
        ("progress_update", 0, "updated"),
    ]  # fmt: skip
    assert (Measurement.objects.count(), ProgressUpdate.objects.get(pk=update.pk).progress) == before
    written = post(client, world, body)
    assert written.status_code == 200 and written.json()["counts"]["created"] == 2
    assert Measurement.objects.get(indicator=fresh[1], period=world.open).comment == "Source : registre"
    assert ProgressUpdate.objects.get(pk=update.pk).version == update.version + 1
    again = post(client, world, {"values": body["values"][:2]})  # re-sent by a sync tool: unchanged
    assert again.json()["counts"] == {"created": 0, "updated": 0, "unchanged": 2, "refused": 0, "skipped": 0}


def test_one_bad_item_writes_nothing_and_is_named(client, api, quarter):
    world, existing, fresh, _update = quarter
    other = Indicator.objects.filter(plan=api["other"].plan).first()
    as_role(client, api, "editor")
    body = {
        "values": [
            {"indicator": fresh[0].pk, "value_number": "12"},
            {"indicator": other.pk, "value_number": "1"},  # another plan's
            {"indicator": fresh[1].pk, "value_number": "beaucoup"},
            {"indicator": existing.indicator_id, "value_number": "999"},  # exists: no version given
            {"indicator": fresh[0].pk, "value_number": "13"},  # twice
            {"indicator": fresh[1].pk, "value_number": None},
        ]
    }
    response = post(client, world, body)
    assert response.status_code == 400
    summary = response.json()
    assert summary["status"] == "ERROR" and summary["counts"]["refused"] == 5
    results = {item["index"]: item for item in summary["items"]}
    assert results[0]["result"] == "skipped"
    assert "indicator" in results[1]["errors"] and "value_number" in results[2]["errors"]
    assert "version" in results[3]["errors"] and "deux fois" in results[4]["errors"]["indicator"][0]
    assert "value_number" in results[5]["errors"]
    assert not Measurement.objects.filter(indicator__in=fresh).exists()
    kept = post(client, world, body, "?atomic=false")
    assert kept.status_code == 200 and kept.json()["status"] == "WARNING"
    assert kept.json()["counts"]["created"] == 1
    assert Measurement.objects.get(indicator=fresh[0], period=world.open).value_number == Decimal(12)


def test_versions_on_updates(client, api, quarter):
    world, existing, _fresh, update = quarter
    as_role(client, api, "editor")
    stale = {"indicator": existing.indicator_id, "value_number": "77", "version": existing.version + 5}
    response = post(client, world, {"values": [stale]})
    assert response.status_code == 409  # readable, but in conflict with what the quarter holds
    assert "version actuelle est" in response.json()["items"][0]["errors"]["version"][0]
    good = post(client, world, {"values": [{**stale, "version": existing.version}]})
    assert good.json()["items"][0]["result"] == "updated"
    assert Measurement.objects.get(pk=existing.pk).value_number == Decimal(77)


def test_broken_down_values_with_their_parts(client, api, quarter):
    from indicators import breakdowns

    world, _existing, _fresh, _update = quarter
    coordinator = world.users[MemberRole.COORDINATOR]
    age = breakdowns.dimension_create(plan=world.plan, by=coordinator, name="Âge", categories=["Mineurs", "Majeurs"])
    minors, adults = age.categories.order_by("order")
    indicator = IndicatorFactory(action=world.actions[0], plan=world.plan, label="Participants", breakdown=age)
    as_role(client, api, "editor")
    wrong = {"indicator": indicator.pk, "value_number": "10", "parts": {str(minors.pk): "3", str(adults.pk): "4"}}
    refused = post(client, world, {"values": [wrong]})
    assert refused.status_code == 409 and "value_number" in refused.json()["items"][0]["errors"]
    right = {"indicator": indicator.pk, "parts": {str(minors.pk): "3", str(adults.pk): "4"}}
    assert post(client, world, {"values": [right]}).json()["items"][0]["result"] == "created"
    value = Measurement.objects.get(indicator=indicator, period=world.open)
    assert value.value_number == 7 and breakdowns.as_numbers(value.parts) == {str(minors.pk): 3, str(adults.pk): 4}
    read = client.get(f"/api/v1/measurements/{value.pk}/").json()
    assert read["parts"] == value.parts


def test_who_and_when(client, api, quarter):
    world, _existing, fresh, _update = quarter
    body = {"values": [{"indicator": fresh[0].pk, "value_number": "1"}]}
    as_role(client, api, "viewer")
    assert post(client, world, body).status_code == 403
    as_role(client, api, "outsider")
    assert post(client, world, body).status_code == 404
    as_role(client, api, "coordinator")
    closed = post(client, world, body, period=world.closed)
    assert closed.status_code == 403 and "clos" in closed.json()["detail"]
    assert client.post(url(world).replace(f"/{world.open.quarter}/values", "/7/values"), body).status_code == 404
    nothing = post(client, world, {"values": []})  # nothing to do is not an error (as DHIS2's empty import)
    assert nothing.status_code == 200 and set(nothing.json()["counts"].values()) == {0}
    assert post(client, world, body, "?dry_run=yes").status_code == 400
    assert "dryrun" in post(client, world, body, "?dryrun=true").json()  # a misspelt flag would write for real
    assert post(client, world, {"valeurs": []}).status_code == 400
    lead = world.users["lead"]  # a contributor reports on the actions their organisation leads only
    client.force_login(lead)
    not_led = next(a for a in world.actions if a.lead_id != lead.partner_id)
    item = IndicatorFactory(action=not_led, plan=world.plan)
    response = post(client, world, {"values": [{"indicator": item.pk, "value_number": "2"}]})
    assert response.status_code == 409 and "rôle" in response.json()["items"][0]["errors"]["indicator"][0]


def test_the_queries_do_not_grow_with_the_items(client, api):
    """2,000 values in one request in under 2 s (`make bench`): a fixed number of queries, whatever the count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = api["own"]
    as_role(client, api, "coordinator")
    counts = []
    for n in (5, 25):
        indicators = [IndicatorFactory(action=world.actions[1], plan=world.plan) for _ in range(n)]
        new = [{"indicator": i.pk, "value_number": "2"} for i in indicators]
        with CaptureQueriesContext(connection) as created:
            assert post(client, world, {"values": new}).json()["counts"]["created"] == n
        saved = Measurement.objects.filter(indicator__in=indicators, period=world.open)
        changed = [{"indicator": m.indicator_id, "value_number": "3", "version": m.version} for m in saved]
        with CaptureQueriesContext(connection) as updated:
            assert post(client, world, {"values": changed}).json()["counts"]["updated"] == n
        assert {m.version for m in saved.all()} == {2}
        counts.append((len(created), len(updated)))
    assert counts[0] == counts[1], counts
