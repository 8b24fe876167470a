"""Issue 28: the schema used as a contract by a tool the project did not write. openapi-python-client (pinned in
requirements-dev.txt) generates a client from the schema; every module must import, and the client runs a
reporting tool's journey against the application (in process, on httpx's WSGI transport): list the plans, read
a plan's actions with their indicators, post a quarter in bulk (dry run, then for real), meet a 409 and a 412
with a stale version, delete a value and find it in the deletions feed, submit and validate the quarter.
Errors arrive typed (`Error`, `Conflict`), not as `parsed=None`."""

import datetime
import importlib
import os
import pkgutil
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application

from indicators.models import Measurement
from partners.tokens import token_create
from plans.enums import MemberRole
from tests.indicators.factories import second_year_plan

if os.environ.get("CI") != "true":
    pytest.importorskip("openapi_python_client", reason="openapi-python-client absent: `make test` installs it")

PACKAGE = "plans_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The client generated from the schema the application serves (validated on the way by drf-spectacular)."""
    folder = tmp_path_factory.mktemp("client")
    schema, config = folder / "schema.json", folder / "config.yaml"
    call_command("spectacular", "--file", str(schema), "--format", "openapi-json", "--validate", "--fail-on-warn")
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    command = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(schema)]
    command += ["--output-path", str(folder / PACKAGE), "--meta", "none", "--config", str(config)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr  # nothing skipped or left out
    sys.path.insert(0, str(folder))
    yield importlib.import_module(PACKAGE)
    sys.path.remove(str(folder))
    for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_every_generated_module_imports(generated):
    names = [info.name for info in pkgutil.walk_packages(generated.__path__, f"{PACKAGE}.")]
    failures = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 — every failure listed, not the first one only
            failures[name] = repr(error)
    assert not failures
    operations = [name for name in names if name.count(".") == 3 and name.startswith(f"{PACKAGE}.api.")]
    assert len(operations) >= 45, operations  # every operation of the schema became a module
    # One shared error model, not a copy per operation.
    models = [name for name in names if name.startswith(f"{PACKAGE}.models.")]
    assert not [name for name in models if "response_4" in name or "response_5" in name], models


@pytest.mark.django_db
def test_a_reporting_tool_journey(generated, in_process_wsgi, settings):
    settings.API_THROTTLE_RATES = {"user": "10000/minute", "token": "10000/minute"}
    models = importlib.import_module(f"{PACKAGE}.models")
    world = second_year_plan(actions=3, indicators=1)
    _token, coordinator_token = token_create(user=world.users[MemberRole.COORDINATOR], name="Outil", read_only=False)
    _token, editor_token = token_create(user=world.users[MemberRole.EDITOR], name="Saisie", read_only=False)
    transport = {"transport": __import__("httpx").WSGITransport(app=get_wsgi_application())}

    def client(token):
        return generated.AuthenticatedClient(base_url="http://testserver", token=token, httpx_args=transport)

    coordinator, editor = client(coordinator_token), client(editor_token)
    load = importlib.import_module

    # The plans, then one plan's actions with their indicators.
    plans = load(f"{PACKAGE}.api.plans.plans_list").sync_detailed(client=coordinator)
    assert plans.status_code == 200 and [p.id for p in plans.parsed.results] == [world.plan.pk]
    actions = load(f"{PACKAGE}.api.actions.actions_list").sync_detailed(client=coordinator, plan=world.plan.pk)
    indicators = load(f"{PACKAGE}.api.indicators.indicators_list").sync_detailed(
        client=coordinator, plan=world.plan.pk, page_size=200
    )
    by_action = {}
    for indicator in indicators.parsed.results:
        by_action.setdefault(indicator.action, []).append(indicator)
    assert sorted(by_action) == sorted(a.id for a in actions.parsed.results) and actions.parsed.count == 3

    # A whole quarter (T4 2026, started and empty): dry run, then for real.
    quarter_import = load(f"{PACKAGE}.api.plans.quarter_import")
    body = models.BulkQuarterRequest(
        values=[models.BulkValueRequest(indicator=i.id, value_number="12") for i in indicators.parsed.results],
        progress_updates=[
            models.BulkProgressRequest(
                action=a.id, status=models.ActionStatusEnum.IN_PROGRESS, progress=50, note="Deux ateliers"
            )
            for a in actions.parsed.results
        ],
    )
    arguments = {"id": world.plan.pk, "year": 2026, "quarter": models.QuarterImportQuarter.VALUE_4}
    dry = quarter_import.sync_detailed(client=editor, body=body, dry_run=True, **arguments)
    assert dry.status_code == 200 and dry.parsed.counts.created == 6 and dry.parsed.dry_run is True
    assert not Measurement.objects.filter(period__year=2026, period__quarter=4).exists()
    real = quarter_import.sync_detailed(client=editor, body=body, **arguments)
    assert real.status_code == 200 and real.parsed.counts.created == 6
    assert Measurement.objects.filter(period__year=2026, period__quarter=4).count() == 3

    # A stale version: 409 with the current state (body field), 412 (If-Match); both typed.
    value = Measurement.objects.filter(period__year=2026, period__quarter=4).order_by("pk").first()
    patch = load(f"{PACKAGE}.api.measurements.measurements_partial_update").sync_detailed
    changed = patch(value.pk, client=editor, body=models.PatchedMeasurementRequest(comment="Source : PV", version=1))
    assert changed.status_code == 200 and changed.parsed.version == 2 and changed.parsed.comment == "Source : PV"
    stale = patch(value.pk, client=editor, body=models.PatchedMeasurementRequest(comment="Autre", version=1))
    assert stale.status_code == 409 and isinstance(stale.parsed, models.Conflict)
    assert stale.parsed.current["version"] == 2 and stale.parsed.current["comment"] == "Source : PV"
    stale_tag = patch(value.pk, client=editor, body=models.PatchedMeasurementRequest(comment="Autre"), if_match='"1"')
    assert stale_tag.status_code == 412 and isinstance(stale_tag.parsed, models.Conflict)
    missing = patch(value.pk, client=editor, body=models.PatchedMeasurementRequest(comment="Autre"))
    assert missing.status_code == 428 and isinstance(missing.parsed, models.Error) and missing.parsed.detail

    # A deletion, then the feed a mirror reads.
    before = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
    deleted = load(f"{PACKAGE}.api.measurements.measurements_destroy").sync_detailed(
        value.pk, client=editor, if_match='"2"'
    )
    assert deleted.status_code == 204
    feed = load(f"{PACKAGE}.api.deletions.deletions_list").sync_detailed(client=coordinator, since=before)
    assert [(d.resource, d.id, d.version) for d in feed.parsed.results] == [("measurements", value.pk, 2)]

    # Submitted by the editor, validated by the coordinator (four eyes), with the page's rules.
    action = actions.parsed.results[0].id
    review = {"id": world.plan.pk, "year": 2026, "quarter": 4, "action": action}
    validate = load(f"{PACKAGE}.api.plans.quarter_action_validate").sync_detailed
    early = validate(client=coordinator, **review)
    assert early.status_code == 409 and isinstance(early.parsed, models.Conflict) and early.parsed.detail
    submitted = load(f"{PACKAGE}.api.plans.quarter_action_submit").sync_detailed(client=editor, **review)
    assert submitted.status_code == 200 and submitted.parsed.state == "submitted"
    validated = validate(client=coordinator, **review)
    assert validated.status_code == 200 and validated.parsed.state == "validated"

    # A bad request is typed too, with its message per field.
    wrong = quarter_import.sync_detailed(
        client=editor,
        body=models.BulkQuarterRequest(
            values=[models.BulkValueRequest(indicator=value.indicator_id, value_number="1,5")]
        ),
        **arguments,
    )
    assert wrong.status_code == 400 and wrong.parsed.items[0].errors["value_number"]
