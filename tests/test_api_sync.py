"""Issue 28: an API another system can stay in step with — one kind of version (an integer, also the ETag),
preconditions (If-Match, If-None-Match, 428), POST that never updates, `null` that never deletes, explicit
DELETE, the deletions feed, and `updated_since` on every resource."""

import datetime
import json

import pytest
from django.utils import timezone

from indicators.models import Measurement, ProgressUpdate
from plans.enums import MemberRole
from plans.models import Action, Deletion
from tests.indicators.factories import IndicatorFactory
from tests.plans.factories import ActionFactory, BudgetLineFactory, DeletionFactory, FundingFactory
from tests.test_api import ENDPOINTS, _ids, as_role

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _value(api):
    return f"/api/v1/measurements/{_ids(api['own'])['measurements']}/"


def test_one_version_an_integer_on_every_writable_resource(client, api):
    """Versions were an integer on actions, a timestamp on indicators, a content hash on values and updates."""
    own = _ids(api["own"])
    as_role(client, api, "coordinator")
    for endpoint in ("actions", "indicators", "measurements", "progress-updates", "budget-lines", "fundings"):
        response = client.get(f"/api/v1/{endpoint}/{own[endpoint]}/")
        body = response.json()
        assert isinstance(body["version"], int) and body["version"] >= 1, endpoint
        assert response["ETag"] == f'"{body["version"]}"', endpoint
        assert "updated_at" in body, endpoint


def test_if_none_match_answers_304_until_the_item_changes(client, api):
    as_role(client, api, "editor")
    url = _value(api)
    first = client.get(url)
    tag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again["ETag"] == tag and again.content == b""
    changed = client.patch(url, {"comment": "revu"}, content_type=JSON, HTTP_IF_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200


def test_a_change_on_an_old_version_is_refused_even_when_the_content_came_back(client, api):
    """3 → 4 → 3 by someone else: a content hash saw nothing; the version counts every save."""
    as_role(client, api, "editor")
    url = _value(api)
    read = client.get(url).json()
    original = read["value_number"]
    for number in ("4", original):  # someone else, twice, back to the same content
        version = client.get(url).json()["version"]
        assert client.patch(url, {"value_number": number, "version": version}, content_type=JSON).status_code == 200
    stale = client.patch(url, {"value_number": "99", "version": read["version"]}, content_type=JSON)
    assert stale.status_code == 409 and stale.json()["current"]["version"] == read["version"] + 2
    header = client.patch(url, {"value_number": "99"}, content_type=JSON, HTTP_IF_MATCH=f'"{read["version"]}"')
    assert header.status_code == 412 and header.json()["current"]["value_number"] == original
    assert Measurement.objects.get(pk=read["id"]).value_number != 99


@pytest.mark.parametrize("verb", ["patch", "put", "delete"])
def test_a_write_without_a_version_is_428(client, api, verb):
    as_role(client, api, "editor")
    url = _value(api)
    before = client.get(url).json()
    body = {"indicator": before["indicator"], "period": before["period"], "value_number": "7"}
    response = getattr(client, verb)(url, json.dumps(body), content_type=JSON)
    assert response.status_code == 428 and "If-Match" in response.json()["detail"]
    assert client.get(url).json() == before


@pytest.mark.parametrize("header", ['W/"1"', "abc", '"-1"', '"1.5"', "3", '"3', "*", '"3", "4"'])
def test_an_unreadable_if_match_is_400(client, api, header):
    as_role(client, api, "editor")
    response = client.patch(_value(api), {"comment": "x"}, content_type=JSON, HTTP_IF_MATCH=header)
    assert response.status_code == 400 and "If-Match" in response.json()


def test_null_is_not_a_deletion(client, api):
    """A PATCH or POST with `value_number: null` deleted the value and answered 200 {} / 201 {}."""
    as_role(client, api, "editor")
    url = _value(api)
    before = client.get(url).json()
    response = client.patch(url, {"value_number": None, "version": before["version"]}, content_type=JSON)
    assert response.status_code == 400 and "value_number" in response.json()
    emptied = client.put(
        url,
        {"indicator": before["indicator"], "period": before["period"], "version": before["version"]},
        content_type=JSON,
    )
    assert emptied.status_code == 400 and "DELETE" in emptied.json()["value_number"][0]
    assert client.get(url).json() == before


def test_put_replaces_and_patch_keeps_what_is_not_sent(client, api):
    as_role(client, api, "editor")
    url = _value(api)
    read = client.get(url).json()
    kept = client.patch(url, {"comment": "Source : registre", "version": read["version"]}, content_type=JSON).json()
    assert kept["value_number"] == read["value_number"] and kept["comment"] == "Source : registre"
    body = {"indicator": read["indicator"], "period": read["period"], "value_number": "8", "version": kept["version"]}
    replaced = client.put(url, body, content_type=JSON).json()
    assert replaced["value_number"] == "8.00" and replaced["comment"] == ""


class TestDelete:
    def test_a_value_is_deleted_with_its_version_and_listed_in_the_feed(self, client, api):
        as_role(client, api, "editor")
        url = _value(api)
        read = client.get(url).json()
        since = timezone.now() - datetime.timedelta(seconds=1)
        stale = client.delete(f"{url}?version={read['version'] + 1}")
        assert stale.status_code == 409 and stale.json()["current"]["id"] == read["id"]
        assert client.delete(url, HTTP_IF_MATCH=f'"{read["version"]}"').status_code == 204
        assert client.get(url).status_code == 404
        feed = client.get("/api/v1/deletions/", {"since": since.isoformat()}).json()["results"]
        assert {"resource": "measurements", "id": read["id"], "plan": api["own"].plan.pk} in [
            {k: row[k] for k in ("resource", "id", "plan")} for row in feed
        ]
        assert next(row for row in feed if row["id"] == read["id"])["version"] == read["version"]

    def test_the_rules_of_the_page_hold(self, client, api):
        """A viewer may not; another plan's value is 404; a closed quarter's value stays."""
        own, other = _ids(api["own"]), _ids(api["other"])
        as_role(client, api, "viewer")
        read = client.get(_value(api)).json()
        assert client.delete(_value(api), HTTP_IF_MATCH=f'"{read["version"]}"').status_code == 403
        as_role(client, api, "coordinator")
        assert client.delete(f"/api/v1/measurements/{other['measurements']}/?version=1").status_code == 404
        closed = Measurement.objects.filter(indicator__plan=api["own"].plan, period__closed_at__isnull=False).first()
        response = client.delete(f"/api/v1/measurements/{closed.pk}/?version={closed.version}")
        assert response.status_code == 403 and "clos" in response.json()["detail"]
        assert Measurement.objects.filter(pk=closed.pk).exists() and Measurement.objects.filter(pk=read["id"]).exists()
        assert own

    def test_a_progress_update_the_action_then_follows_its_latest_remaining_quarter(self, client, api):
        world = api["own"]
        as_role(client, api, "coordinator")
        update = ProgressUpdate.objects.filter(action=world.actions[0], period=world.open).first()
        previous = (
            ProgressUpdate.objects.filter(action=world.actions[0])
            .exclude(pk=update.pk)
            .order_by("-period__year", "-period__quarter")
            .first()
        )
        response = client.delete(f"/api/v1/progress-updates/{update.pk}/?version={update.version}")
        assert response.status_code == 204, response.content
        action = Action.objects.get(pk=world.actions[0].pk)
        assert (action.status, action.progress) == (previous.status, previous.progress)
        assert Deletion.objects.filter(resource="progress-updates", object_id=update.pk).exists()

    def test_an_action_and_what_it_held(self, client, api):
        """Deleting an action deletes its indicators and open quarters' values: each is in the feed."""
        world = api["own"]
        action = ActionFactory(plan=world.plan, axis=world.actions[0].axis)
        indicator = IndicatorFactory(action=action, plan=world.plan)
        client.force_login(world.users[MemberRole.COORDINATOR])
        response = client.delete(f"/api/v1/actions/{action.pk}/", HTTP_IF_MATCH=f'"{action.version}"')
        assert response.status_code == 204, response.content
        feed = client.get("/api/v1/deletions/", {"plan": world.plan.pk, "page_size": 200}).json()["results"]
        assert {("actions", action.pk), ("indicators", indicator.pk)} <= {(row["resource"], row["id"]) for row in feed}

    def test_an_action_a_closed_quarter_holds_stays(self, client, api):
        world = api["own"]
        action = Action.objects.get(pk=world.actions[0].pk)
        client.force_login(world.users[MemberRole.COORDINATOR])
        response = client.delete(f"/api/v1/actions/{action.pk}/?version={action.version}")
        assert response.status_code in (400, 403) and Action.objects.filter(pk=action.pk).exists()

    @pytest.mark.parametrize("endpoint", ["indicators", "budget-lines", "fundings"])
    def test_indicators_budget_lines_and_fundings(self, client, api, endpoint):
        world = api["own"]
        action = world.actions[0]
        item = {
            "indicators": lambda: IndicatorFactory(action=action, plan=world.plan),
            "budget-lines": lambda: BudgetLineFactory(plan=world.plan, action=action, year=2027),
            "fundings": lambda: FundingFactory(plan=world.plan, year=2027),
        }[endpoint]()
        client.force_login(world.users[MemberRole.VIEWER])
        assert client.delete(f"/api/v1/{endpoint}/{item.pk}/?version={item.version}").status_code == 403
        client.force_login(world.users[MemberRole.COORDINATOR])
        assert client.delete(f"/api/v1/{endpoint}/{item.pk}/").status_code == 428
        assert client.delete(f"/api/v1/{endpoint}/{item.pk}/?version={item.version}").status_code == 204
        assert not type(item).objects.filter(pk=item.pk).exists()
        assert Deletion.objects.filter(resource=endpoint, object_id=item.pk, plan_id=world.plan.pk).exists()


def test_the_deletions_feed_shows_only_your_plans(client, api):
    other = api["other"]
    DeletionFactory(resource="measurements", object_id=123456, plan_id=other.plan.pk)
    as_role(client, api, "coordinator")
    feed = client.get("/api/v1/deletions/", {"page_size": 200}).json()["results"]
    assert 123456 not in {row["id"] for row in feed}
    assert client.get("/api/v1/deletions/", {"since": "0000-01-01"}).status_code == 400
    assert client.get("/api/v1/deletions/", {"resource": "plans"}).status_code == 400


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e != "territories"])
def test_updated_since_and_updated_at_on_every_resource(client, api, endpoint):
    own = _ids(api["own"])
    as_role(client, api, "coordinator")
    row = client.get(f"/api/v1/{endpoint}/{own[endpoint]}/").json()
    assert "updated_at" in row, endpoint
    later = (datetime.datetime.fromisoformat(row["updated_at"]) + datetime.timedelta(seconds=1)).isoformat()
    earlier = (datetime.datetime.fromisoformat(row["updated_at"]) - datetime.timedelta(seconds=1)).isoformat()
    ids = {
        r["id"]
        for r in client.get(f"/api/v1/{endpoint}/", {"updated_since": earlier, "page_size": 200}).json()["results"]
    }
    assert own[endpoint] in ids
    ids = {
        r["id"]
        for r in client.get(f"/api/v1/{endpoint}/", {"updated_since": later, "page_size": 200}).json()["results"]
    }
    assert own[endpoint] not in ids


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("actions/?plann=2", "plann"),
        ("actions/?page_size=201", "page_size"),
        ("actions/?page_size=-5", "page_size"),
        ("actions/?page_size=²", "page_size"),
        ("actions/?ordering=nope", "ordering"),
        ("actions/?ordering=due_date,nope", "ordering"),
        ("periods/?closed=yes", "closed"),
        ("measurements/?year=1.5", "year"),
        ("actions/?updated_since=", "updated_since"),  # empty is not "no filter": the schema says a date
        ("actions/?status=", "status"),
        ("actions/?page=", "page"),
        ("actions/?page=abc", "page"),
        ("actions/?page=0", "page"),
        ("actions/?updated_since=0005-02-28T12:20:31Z", "updated_since"),
    ],
)
def test_every_query_parameter_is_read_strictly(client, api, query, named):
    """Issue 28: bad parameters were silently ignored (`?plann=2` returned everything)."""
    as_role(client, api, "coordinator")
    response = client.get(f"/api/v1/{query}")
    assert response.status_code == 400 and named in response.json(), response.content
    assert client.get("/api/v1/actions/?ordering=-due_date&page_size=200").status_code == 200
    assert client.get("/api/v1/actions/?ordering=-due_date,title").status_code == 200
    past_the_last = client.get("/api/v1/actions/?page=999")
    assert past_the_last.status_code == 404 and past_the_last.json()["detail"]


class TestBodiesAreReadAsTheSchemaSays:
    """What the schema states is what the server reads: no more (a number where text is documented, "yes" for a
    boolean), no less (7.0 is an integer for JSON Schema)."""

    @pytest.mark.parametrize("number", [12.5, 12, "1e3", ".5", " 12", "12,5", "NaN", "", "1.234"])
    def test_a_value_is_a_decimal_written_as_text(self, client, api, number):
        as_role(client, api, "editor")
        url = _value(api)
        read = client.get(url).json()
        response = client.patch(url, {"value_number": number, "version": read["version"]}, content_type=JSON)
        assert response.status_code == 400 and '"12.5"' in response.json()["value_number"][0]
        assert client.get(url).json() == read
        english = client.patch(
            url, {"value_number": number, "version": read["version"]}, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert english.json()["value_number"] == ['A number written as text, with a decimal point: "12.5".']

    def test_a_boolean_is_a_json_boolean(self, client, api):
        as_role(client, api, "coordinator")
        indicator = api["own"].indicators[0]
        url = f"/api/v1/indicators/{indicator.pk}/"
        version = client.get(url).json()["version"]
        for wrong in ("true", 1, "yes"):
            refused = client.patch(url, {"is_key": wrong, "version": version}, content_type=JSON)
            assert refused.status_code == 400 and "is_key" in refused.json()
        assert client.patch(url, {"is_key": True, "version": version}, content_type=JSON).json()["is_key"] is True

    def test_an_id_may_be_written_7_0_and_never_0(self, client, api):
        world = api["own"]
        as_role(client, api, "editor")
        period = world.open
        Measurement.objects.filter(indicator=world.indicators[0], period=period).delete()
        body = {"indicator": float(world.indicators[0].pk), "period": period.pk, "value_number": "3"}
        assert client.post("/api/v1/measurements/", body, content_type=JSON).status_code == 201
        zero = client.post("/api/v1/measurements/", {**body, "indicator": 0}, content_type=JSON)
        assert zero.status_code == 400 and "Identifiant invalide" in zero.json()["indicator"][0]

    def test_pasted_control_characters_are_cleaned_not_refused(self, client, api):
        as_role(client, api, "editor")
        url = _value(api)
        version = client.get(url).json()["version"]
        pasted = "Deux\x00 séances\x0bde plus\ud83d"
        response = client.patch(url, {"comment": pasted, "version": version}, content_type=JSON)
        assert response.status_code == 200 and response.json()["comment"] == "Deux séances\nde plus\ufffd"

    def test_if_match_and_a_different_version_fail_the_precondition(self, client, api):
        as_role(client, api, "editor")
        url = _value(api)
        version = client.get(url).json()["version"]
        both = client.patch(
            url, {"comment": "x", "version": version + 1}, content_type=JSON, HTTP_IF_MATCH=f'"{version}"'
        )
        assert both.status_code == 412 and both.json()["current"]["version"] == version


class TestPlausibility:
    """Issue 28: implausible data was accepted through the API — the pages' rules, on every path."""

    def test_a_count_is_whole_and_texts_are_bounded(self, client, api):
        as_role(client, api, "editor")
        url = _value(api)
        read = client.get(url).json()
        half = client.patch(url, {"value_number": "2.5", "version": read["version"]}, content_type=JSON)
        assert half.status_code == 400 and "entier" in half.json()["value_number"][0]
        long = client.patch(url, {"comment": "x" * 100_000, "version": read["version"]}, content_type=JSON)
        assert long.status_code == 400 and "comment" in long.json()
        assert client.get(url).json() == read

    def test_status_and_progress_agree(self, client, api):
        world = api["own"]
        as_role(client, api, "editor")
        update = ProgressUpdate.objects.get(action=world.actions[1], period=world.open)
        url = f"/api/v1/progress-updates/{update.pk}/"
        body = {"status": "planned", "progress": 100, "version": update.version}
        response = client.patch(url, body, content_type=JSON)
        assert response.status_code == 400 and "Réalisée" in response.json()["progress"][0]
        done = client.patch(url, {"status": "done", "progress": 40, "version": update.version}, content_type=JSON)
        assert done.status_code == 200 and done.json()["progress"] == 100

    def test_no_value_for_a_quarter_that_has_not_started(self, client, api):
        from plans.models import ReportingPeriod

        world = api["own"]
        future = ReportingPeriod.objects.get(plan=world.plan, year=2027, quarter=4)
        indicator = Measurement.objects.filter(period=world.open).first().indicator
        as_role(client, api, "editor")
        body = {"indicator": indicator.pk, "period": future.pk, "value_number": "3"}
        response = client.post("/api/v1/measurements/", body, content_type=JSON)
        assert response.status_code == 403 and "n'a pas commencé" in response.json()["detail"]
        bulk = client.post(
            f"/api/v1/plans/{world.plan.pk}/quarters/2027/4/values/",
            {"values": [{"indicator": indicator.pk, "value_number": "3"}]},
            content_type=JSON,
        )
        assert bulk.status_code == 403 and "n'a pas commencé" in bulk.json()["detail"]
        assert not Measurement.objects.filter(period=future).exists()


class TestReviewsThroughTheApi:
    """Issue 28: submission, validation and return through the API, with the page's rules and mails."""

    def url(self, world, action, decision):
        period = world.open
        return f"/api/v1/plans/{world.plan.pk}/quarters/{period.year}/{period.quarter}/actions/{action.pk}/{decision}/"

    def test_submit_then_validate_by_someone_else(self, client, api, mailoutbox, django_capture_on_commit_callbacks):
        world = api["own"]
        action = world.actions[0]
        as_role(client, api, "editor")
        with django_capture_on_commit_callbacks(execute=True):
            submitted = client.post(self.url(world, action, "submit"), content_type=JSON)
        assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
        assert mailoutbox, "the validators are told"
        value = Measurement.objects.filter(indicator__action=action, period=world.open).first()
        locked = client.patch(
            f"/api/v1/measurements/{value.pk}/", {"value_number": "1", "version": value.version}, content_type=JSON
        )
        assert locked.status_code == 403
        own = client.post(self.url(world, action, "validate"), content_type=JSON)
        assert own.status_code == 403  # four eyes, or not a validator
        as_role(client, api, "coordinator")
        validated = client.post(self.url(world, action, "validate"), content_type=JSON)
        assert validated.status_code == 200 and validated.json()["state"] == "validated"

    def test_a_decision_the_state_does_not_allow_is_a_conflict(self, client, api):
        """Validating what is not submitted, or submitting twice: 409 with the reason (the request is well formed)."""
        world = api["own"]
        action = world.actions[0]
        as_role(client, api, "coordinator")
        not_submitted = client.post(self.url(world, action, "validate"), content_type=JSON)
        assert not_submitted.status_code == 409 and "n'a pas été soumis" in not_submitted.json()["detail"]
        assert client.post(self.url(world, action, "submit"), content_type=JSON).status_code == 200
        twice = client.post(self.url(world, action, "submit"), content_type=JSON)
        assert twice.status_code == 409 and "ne s'applique pas" in twice.json()["detail"]

    def test_return_needs_a_reason_and_readers_cannot(self, client, api):
        world = api["own"]
        action = world.actions[1]
        as_role(client, api, "editor")
        assert client.post(self.url(world, action, "submit"), content_type=JSON).status_code == 200
        as_role(client, api, "viewer")
        assert client.post(self.url(world, action, "return"), {"reason": "x"}, content_type=JSON).status_code == 403
        as_role(client, api, "coordinator")
        empty = client.post(self.url(world, action, "return"), {}, content_type=JSON)
        assert empty.status_code == 400 and "reason" in empty.json()
        returned = client.post(self.url(world, action, "return"), {"reason": "Chiffre à vérifier"}, content_type=JSON)
        assert returned.status_code == 200 and returned.json()["reason"] == "Chiffre à vérifier"
        assert client.post(self.url(world, action, "approve"), content_type=JSON).status_code == 404
        other = api["other"]
        assert client.post(self.url(other, other.actions[0], "submit"), content_type=JSON).status_code == 404


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_say_their_language(client, page):
    """Issue 28: the docs page was the only one of 120 with a serious axe finding (no `lang` on `<html>`)."""
    response = client.get(page)
    assert response.status_code == 200 and '<html lang="fr">' in response.text
    assert '<html lang="en">' in client.get(page, HTTP_ACCEPT_LANGUAGE="en").text
    assert "https://" not in response.text and "http://" not in response.text  # nothing from a CDN


def test_every_answer_says_what_is_left_of_the_rate(client, api, settings):
    settings.API_THROTTLE_RATES = {"user": "1000/minute", "token": "3/minute"}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api['token']}"}
    answers = [client.get("/api/v1/plans/", **headers) for _ in range(4)]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a["X-RateLimit-Limit"] for a in answers} == {"3"}
    assert answers[-1].status_code == 429 and int(answers[-1]["Retry-After"]) > 0
    assert int(answers[0]["X-RateLimit-Reset"]) <= 60


def test_the_schema_is_a_contract(client, api):
    """Issue 28: bodies declared in three media types (8 generated modules did not import), `nullable` of OpenAPI
    3.0 in a 3.1 schema, 27 error answers without a body, unknown fields refused but allowed by the schema."""
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.1") and '"nullable"' not in json.dumps(schema)
    assert schema["components"]["schemas"]["PaginatedMeasurementList"]["properties"]["next"]["type"] == [
        "string",
        "null",
    ]
    for path, operations in schema["paths"].items():
        for verb, operation in operations.items():
            if body := operation.get("requestBody"):
                assert list(body["content"]) == ["application/json"], (path, verb)
            for code, answer in operation["responses"].items():
                if code.startswith("4"):
                    described = answer["content"]["application/json"]["schema"]
                    references = [described] if "$ref" in described else described["anyOf"]
                    assert all(r["$ref"].startswith("#/components/schemas/") for r in references), (path, verb, code)
            if verb in {"put", "patch"} and "{id}" in path and path.split("/")[3] in {"measurements", "actions"}:
                assert {"409", "412", "428"} <= set(operation["responses"]), (path, verb)
    components = schema["components"]["schemas"]
    requests = [name for name in components if name.endswith("Request")]
    assert requests and all(components[n]["additionalProperties"] is False for n in requests)
    # A creation never carries a version; the rules between fields are stated (if/then); dates say their years.
    creations = [name for name in requests if name.endswith("CreateRequest")]
    assert len(creations) == 3 and not any("version" in components[n]["properties"] for n in creations)
    assert components["IndicatorCreateRequest"]["allOf"] and components["ProgressUpdateRequest"]["allOf"]
    assert components["ActionRequest"]["properties"]["due_date"]["pattern"].startswith("^(19")
    assert components["MeasurementRequest"]["properties"]["value_number"]["pattern"]
    for path, operations in schema["paths"].items():
        for verb, operation in operations.items():
            for parameter in operation.get("parameters", []):
                assert "title" not in parameter["schema"], (path, verb, parameter["name"])  # class names
            assert {"401", "405", "429"} <= set(operation["responses"]), (path, verb)
    ordering = next(p for p in schema["paths"]["/api/v1/actions/"]["get"]["parameters"] if p["name"] == "ordering")
    assert ordering["schema"]["items"]["enum"][:2] == ["due_date", "-due_date"] and ordering["explode"] is False
    as_role(client, api, "editor")
    form = client.post("/api/v1/measurements/", {"indicator": 1, "period": 1})  # multipart, as a form sends it
    assert form.status_code == 415 and form.json()["detail"]
    not_here = client.delete(f"/api/v1/axes/{api['own'].actions[0].axis_id}/")
    assert not_here.status_code == 405 and not_here.json()["detail"] and "GET" in not_here["Allow"]
