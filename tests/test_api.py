"""The API as a whole: every endpoint × role (and read-only token) × own / other plan; tokens, throttling,
bad input, languages, fixed query counts, the schema and its docs."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import Indicator, Measurement, ProgressUpdate
from partners.models import ApiToken
from partners.tokens import token_create, token_revoke
from plans.enums import MemberRole
from plans.models import Axis, BudgetLine, Funding, Meeting

pytestmark = pytest.mark.django_db
ROLES = ["coordinator", "editor", "lead", "viewer", "outsider", "token"]


def _ids(world) -> dict:
    plan = world.plan
    led = next(a for a in world.actions if a.lead_id == world.users["lead"].partner_id)
    return {
        "territories": plan.territory_id,
        "plans": plan.pk,
        "pillars": plan.pillars.order_by("pk").first().pk,
        "axes": Axis.objects.filter(pillar__plan=plan).order_by("pk").first().pk,
        "actions": led.pk,
        "partners": plan.partners.order_by("pk").first().pk,
        "periods": world.open.pk,
        "indicators": Indicator.objects.filter(action=led).first().pk,
        "progress-updates": ProgressUpdate.objects.get(action=led, period=world.open).pk,
        "measurements": Measurement.objects.filter(indicator__action=led, period=world.open).first().pk,
        "fundings": Funding.objects.filter(plan=plan).first().pk,
        "budget-lines": BudgetLine.objects.filter(plan=plan).first().pk,
        "meetings": Meeting.objects.filter(plan=plan).first().pk,
    }


ENDPOINTS = [
    "territories",
    "plans",
    "pillars",
    "axes",
    "actions",
    "partners",
    "periods",
    "indicators",
    "progress-updates",
    "measurements",
    "fundings",
    "budget-lines",
    "meetings",
]


def as_role(client, api, role) -> dict:
    """Log the client in as `role` on our plan; the headers to send (a token's)."""
    client.logout()
    if role == "token":
        return {"HTTP_AUTHORIZATION": f"Bearer {api['token']}"}
    user = api["outsider"] if role == "outsider" else api["own"].users[role]
    client.force_login(user)
    return {}


def listed(client, url, headers) -> set[int]:
    response = client.get(url, {"page_size": 200}, **headers)
    assert response.status_code == 200, (url, response.content[:300])
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("role", ROLES)
def test_reads(client, api, endpoint, role):
    own, other = _ids(api["own"]), _ids(api["other"])
    # Organisations are shared between plans (a préfecture, MILDECA): the other plan's own one.
    shared = set(api["own"].plan.partners.values_list("pk", flat=True))
    other["partners"] = min(set(api["other"].plan.partners.values_list("pk", flat=True)) - shared)
    headers = as_role(client, api, role)
    member = role != "outsider"
    url = f"/api/v1/{endpoint}/"
    ids = listed(client, url, headers)
    assert (own[endpoint] in ids) is member, (endpoint, role)
    assert other[endpoint] not in ids  # another territory's plan: never listed
    assert client.get(f"{url}{own[endpoint]}/", **headers).status_code == (200 if member else 404)
    assert client.get(f"{url}{other[endpoint]}/", **headers).status_code == 404  # not even told it exists


def _patch(client, url, headers, body):
    version = client.get(url, **headers).json().get("version")
    return client.patch(url, json.dumps({**body, "version": version}), content_type="application/json", **headers)


WRITES = {
    # name: (method, what; expected status per role)
    "action": {"coordinator": 200, "editor": 200, "lead": 403, "viewer": 403, "outsider": 404, "token": 403},
    "partner": {"coordinator": 201, "editor": 201, "lead": 403, "viewer": 403, "outsider": 404, "token": 403},
    "indicator": {"coordinator": 201, "editor": 201, "lead": 403, "viewer": 403, "outsider": 400, "token": 403},
    "progress": {"coordinator": 200, "editor": 200, "lead": 200, "viewer": 403, "outsider": 404, "token": 403},
    "value": {"coordinator": 200, "editor": 200, "lead": 200, "viewer": 403, "outsider": 404, "token": 403},
}


@pytest.mark.parametrize("write", list(WRITES))
@pytest.mark.parametrize("role", ROLES)
def test_writes_follow_the_pages_rules(client, api, write, role):
    own = _ids(api["own"])
    plan = api["own"].plan
    headers = as_role(client, api, role)
    if write == "action":
        response = _patch(client, f"/api/v1/actions/{own['actions']}/", headers, {"title": "Titre revu par l'API"})
    elif write == "partner":
        body = {"plan": plan.pk, "name": "Mission locale du Val", "kind": "association"}
        response = client.post("/api/v1/partners/", body, content_type="application/json", **headers)
    elif write == "indicator":
        body = {
            "plan": plan.pk,
            "action": own["actions"],
            "kind": "result",
            "label": "Nombre de stands",
            "unit": "count",
        }
        response = client.post("/api/v1/indicators/", body, content_type="application/json", **headers)
    elif write == "progress":
        response = _patch(client, f"/api/v1/progress-updates/{own['progress-updates']}/", headers, {"progress": 65})
    else:
        response = _patch(client, f"/api/v1/measurements/{own['measurements']}/", headers, {"value_number": "44"})
    expected = WRITES[write][role]
    assert response.status_code == expected, (write, role, response.content[:400])
    if expected >= 400:
        assert response.json()  # always a JSON body saying why


def test_a_write_on_another_plans_object_is_404(client, api):
    other = _ids(api["other"])
    headers = as_role(client, api, "coordinator")
    for endpoint in ("actions", "progress-updates", "measurements", "indicators"):
        url = f"/api/v1/{endpoint}/{other[endpoint]}/"
        response = client.patch(url, {"version": "x"}, content_type="application/json", **headers)
        assert response.status_code == 404, endpoint
    body = {"plan": api["other"].plan.pk, "name": "Intrus", "kind": "association"}
    assert client.post("/api/v1/partners/", body, content_type="application/json", **headers).status_code == 404


def test_a_value_written_with_an_old_version_is_409_with_the_current_state(client, api):
    own = _ids(api["own"])
    headers = as_role(client, api, "editor")
    url = f"/api/v1/measurements/{own['measurements']}/"
    read = client.get(url).json()
    first = client.patch(url, {"value_number": "50", "version": read["version"]}, content_type="application/json")
    assert first.status_code == 200
    stale = client.patch(url, {"value_number": "60", "version": read["version"]}, content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["current"]["value_number"] == "50.00"
    missing = client.patch(url, {"value_number": "60"}, content_type="application/json", **headers)
    assert missing.status_code == 428 and "version" in missing.json()["detail"]


class TestTokens:
    def test_a_token_reads_and_a_write_token_writes(self, client, api):
        own = _ids(api["own"])
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api['token_write']}"}
        assert client.get("/api/v1/plans/", **headers).status_code == 200
        response = _patch(client, f"/api/v1/progress-updates/{own['progress-updates']}/", headers, {"progress": 70})
        assert response.status_code == 200
        token = ApiToken.objects.get(name="Script")
        assert token.last_used_at is not None

    def test_revoked_expired_unknown_and_malformed_tokens_are_401(self, client, api):
        user = api["own"].users[MemberRole.VIEWER]
        token, raw = token_create(user=user, name="Vieux")
        token_revoke(token=token, by=user)
        expired, raw_expired = token_create(user=user, name="Expiré")
        ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        for header, message in [
            (f"Bearer {raw}", "révoqué"),
            (f"Bearer {raw_expired}", "expiré"),
            ("Bearer plt_inconnu", "Jeton invalide"),
            ("Bearer a b", "mal formé"),
        ]:
            response = client.get("/api/v1/plans/", HTTP_AUTHORIZATION=header)
            assert response.status_code == 401 and message in response.json()["detail"], header

    def test_only_a_hash_is_stored_and_the_account_page_shows_the_token_once(self, client, api):
        user = api["own"].users[MemberRole.EDITOR]
        client.force_login(user)
        response = client.post("/compte/", {"name": "Tableau de bord ORS", "days": "90", "read_only": "on"})
        assert response.status_code == 200
        raw = response.context["new_token"]
        token = ApiToken.objects.get(user=user, name="Tableau de bord ORS")
        assert raw.startswith("plt_") and raw not in token.key_hash and token.key_hash == ApiToken.hash(raw)
        assert token.read_only
        assert (token.expires_at - timezone.now()).days in (89, 90)
        page = client.get("/compte/")
        assert raw not in page.text and "Tableau de bord ORS" in page.text and token.prefix in page.text
        assert client.post("/compte/", {"name": "", "days": "90"}).status_code == 400
        assert client.post("/compte/", {"name": "x", "days": "9999"}).status_code == 400
        client.force_login(api["own"].users[MemberRole.VIEWER])
        assert client.post(f"/compte/jetons/{token.pk}/revoquer/").status_code == 404  # someone else's
        client.force_login(user)
        assert client.post(f"/compte/jetons/{token.pk}/revoquer/").status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_throttling_per_token_says_when_to_retry(client, api, settings):
    settings.API_THROTTLE_RATES = {"user": "1000/minute", "token": "3/minute"}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api['token']}"}
    statuses = [client.get("/api/v1/plans/", **headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/plans/", **headers)
    assert int(refused["Retry-After"]) > 0 and refused.json()["detail"]
    settings.API_THROTTLE_RATES = {"user": "2/minute", "token": "1000/minute"}
    as_role(client, api, "viewer")
    assert [client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 429]


class TestBadInput:
    @pytest.fixture
    def editor(self, client, api):
        as_role(client, api, "editor")
        return _ids(api["own"])

    def test_malformed_json_wrong_types_and_unknown_fields(self, client, api, editor):
        url = f"/api/v1/measurements/{editor['measurements']}/"
        response = client.patch(url, '{"value_number": ', content_type="application/json")
        assert response.status_code == 400 and "JSON" in response.json()["detail"]
        version = client.get(url).json()["version"]
        response = client.patch(url, {"value_number": "beaucoup", "version": version}, content_type="application/json")
        assert response.status_code == 400 and "value_number" in response.json()
        response = client.patch(url, {"valeur": "3", "version": version}, content_type="application/json")
        assert response.status_code == 400 and response.json() == {"valeur": ["Champ inconnu."]}
        response = client.post("/api/v1/measurements/", [1, 2], content_type="application/json")
        assert response.status_code == 400

    def test_a_10_mb_body_is_413(self, client, api, editor):
        body = json.dumps({"comment": "x" * (10 * 1024 * 1024)})
        response = client.post("/api/v1/measurements/", body, content_type="application/json")
        assert response.status_code == 413 and "dépasse" in response.json()["detail"]

    def test_ids_of_another_plan_say_nothing_of_its_objects(self, client, api, editor):
        other = _ids(api["other"])
        body = {"indicator": other["indicators"], "period": other["periods"], "value_number": "3"}
        response = client.post("/api/v1/measurements/", body, content_type="application/json")
        missing = {"indicator": 999_999_999, "period": 999_999_998, "value_number": "3"}
        nowhere = client.post("/api/v1/measurements/", missing, content_type="application/json")
        assert response.status_code == nowhere.status_code == 400
        # The same words for an object that exists elsewhere and one that exists nowhere.
        assert response.json()["indicator"][0].replace(str(other["indicators"]), "N") == nowhere.json()["indicator"][
            0
        ].replace("999999999", "N")

    def test_errors_in_the_language_asked(self, client, api, editor):
        url = f"/api/v1/measurements/{editor['measurements']}/"
        response = client.patch(url, {"value_number": "3"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 428 and response.json()["detail"].startswith("Give the version you read")
        assert response["Content-Language"] == "en"
        response = client.patch(url, {"value_number": "3"}, content_type="application/json")
        assert response.json()["detail"].startswith("Indiquez la version lue")

    @pytest.mark.parametrize(
        "query", ["plan=²", "plan=9999999999999999999999", "updated_since=0000-01-01", "status=fini"]
    )
    def test_bad_filters_are_400(self, client, api, editor, query):
        response = client.get(f"/api/v1/actions/?{query}")
        assert response.status_code == 400 and response.json()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_make_the_same_queries_whatever_the_page_size(client, api, endpoint):
    as_role(client, api, "coordinator")
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/{endpoint}/", {"page_size": size}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 9, (endpoint, counts)


def test_updated_since_for_incremental_sync(client, api):
    as_role(client, api, "viewer")
    own = _ids(api["own"])
    later = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/actions/", {"updated_since": later}).json()["results"] == []
    Indicator.objects.filter(pk=own["indicators"]).update(updated_at=timezone.now() + datetime.timedelta(hours=2))
    rows = client.get("/api/v1/indicators/", {"updated_since": later}).json()["results"]
    assert [row["id"] for row in rows] == [own["indicators"]]


class TestSchema:
    def test_openapi_31_with_every_endpoint(self, client, db):
        response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.1")
        for endpoint in ENDPOINTS:
            assert f"/api/v1/{endpoint}/" in schema["paths"], endpoint
        assert schema["components"]["securitySchemes"]["jeton"]["scheme"] == "bearer"
        patch = schema["paths"]["/api/v1/measurements/{id}/"]["patch"]["responses"]
        assert {"200", "400", "403", "409"} <= set(patch)

    def test_the_docs_load_nothing_from_elsewhere(self, client, db):
        page = client.get("/api/docs/")
        assert page.status_code == 200
        assert "https://" not in page.text.replace("https://swagger.io", "") and "cdn" not in page.text.lower()
        assert (
            "script-src" not in page.get("Content-Security-Policy", "")
            or "'unsafe-inline'" not in page["Content-Security-Policy"]
        )
        assert "/static/drf_spectacular_sidecar/" in page.text


def test_a_post_never_updates(client, api):
    """Issue 28: a POST over an existing value updated it (resetting the fields not sent), and a second POST
    without a version said someone else had changed it when nobody had."""
    own = _ids(api["own"])
    as_role(client, api, "editor")
    url = f"/api/v1/measurements/{own['measurements']}/"
    value = client.get(url).json()
    client.patch(
        url, {"comment": "Source : main courante", "version": value["version"]}, content_type="application/json"
    )
    value = client.get(url).json()
    body = {"indicator": value["indicator"], "period": value["period"], "value_number": "70"}
    response = client.post("/api/v1/measurements/", body, content_type="application/json")
    assert response.status_code == 409 and response.json()["current"] == value
    assert "déjà" in response.json()["detail"]
    with_version = client.post(
        "/api/v1/measurements/", body | {"version": value["version"]}, content_type="application/json"
    )
    assert with_version.status_code == 400 and "PATCH" in with_version.json()["version"][0]
    assert client.get(url).json() == value  # nothing changed, the comment kept


class TestReports:
    def test_links_and_files_for_a_token(self, client, api):
        plan = api["own"].plan
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api['token']}"}
        links = client.get(f"/api/v1/plans/{plan.pk}/reports/", **headers).json()
        quarterly = next(
            link for link in links if link["report"] == "trimestre" and link["quarter"] == 3 and link["year"] == 2026
        )
        assert set(quarterly["formats"]) == {"pdf", "xlsx", "ods", "csv", "csv-opendata"}
        response = client.get(quarterly["formats"]["csv-opendata"], **headers)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert "trimestre" in response["Content-Disposition"] and b"action_id" in response.content
        pdf = client.get(quarterly["formats"]["pdf"], **headers)  # built at once by the tests' task backend
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    def test_a_slow_file_is_followed_as_an_export(self, client, api, settings):
        settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
        plan = api["own"].plan
        headers = {"HTTP_AUTHORIZATION": f"Bearer {api['token']}"}
        response = client.get(f"/api/v1/plans/{plan.pk}/reports/bilan/", {"year": 2026, "format": "pdf"}, **headers)
        assert response.status_code == 202 and response.json()["status"] == "queued"
        status = client.get(response["Location"], **headers)
        assert status.status_code == 202 and status.json()["file"] is None
        as_role(client, api, "outsider")
        assert client.get(response["Location"]).status_code == 404
        assert client.get(response["Location"] + "file/").status_code == 404

    def test_bad_requests(self, client, api):
        plan = api["own"].plan
        as_role(client, api, "viewer")
        base = f"/api/v1/plans/{plan.pk}/reports/"
        assert client.get(base + "trimestre/", {"year": 2026, "quarter": 3, "format": "docx"}).status_code == 400
        assert client.get(base + "trimestre/", {"year": 2026, "format": "csv"}).status_code == 400
        assert client.get(base + "trimestre/", {"year": 1999, "quarter": 1, "format": "csv"}).status_code == 404
        assert client.get(base + "inconnu/", {"format": "csv"}).status_code == 404
        other = api["other"].plan
        assert client.get(f"/api/v1/plans/{other.pk}/reports/").status_code == 404
        assert client.get(f"/api/v1/plans/{other.pk}/reports/suivi/", {"format": "csv"}).status_code == 404


@pytest.mark.parametrize(
    "since", ["0824-11-06T07:44:41-21:55", "2026-11-06T07:44:41-21:55", "9999-01-01T00:00:00Z", "hier"]
)
def test_updated_since_out_of_range_is_a_400_or_read_in_utc(client, api, since):
    """Found by the contract test on PostgreSQL: an offset of -21:55 was a DataError (500)."""
    as_role(client, api, "viewer")
    response = client.get("/api/v1/plans/", {"updated_since": since})
    assert response.status_code == (200 if since.startswith("2026") else 400), response.content[:200]


def test_an_action_moved_to_another_territorys_axis_reads_as_a_missing_one(client, api):
    own, other = _ids(api["own"]), _ids(api["other"])
    as_role(client, api, "editor")
    url = f"/api/v1/actions/{own['actions']}/"
    version = client.get(url).json()["version"]
    foreign = client.patch(url, {"axis": other["axes"], "version": version}, content_type="application/json")
    missing = client.patch(url, {"axis": 999_999_999, "version": version}, content_type="application/json")
    assert foreign.status_code == missing.status_code == 400
    assert foreign.json()["axis"][0].replace(str(other["axes"]), "N") == missing.json()["axis"][0].replace(
        "999999999", "N"
    )
