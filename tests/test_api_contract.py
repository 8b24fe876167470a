"""The API against its own OpenAPI schema (schemathesis), as a coordinator with a read-write token on a plan in its
second year: generated requests on every operation (examples, coverage and fuzzing phases), then sequences of
calls that follow the schema's links (stateful phase). Every check runs (`--checks all`), and any finding fails.

What a schema cannot say, and that schemathesis' documentation leaves to the tester (hooks below):
- which ids exist: a positive id drawn for a reference in a body (`"indicator": 7`) is replaced by one of the
  plan's, and the plan's quarter and report operations go to the plan, so that valid requests reach the rules
  behind the ids; ids left as drawn in other paths and in filters answer 404 or an empty list, as documented;
- the plan's country: a partner of a Belgian kind is refused in a French plan, so the kind drawn is a French one;
- which version is current: a version or ETag drawn at random is stale (409, 412) or missing (428), which the
  positive-data check accepts as it accepts 404 and 409 by default.
Bounded (a few examples an operation, derandomised) so that `make test` stays quick and repeatable."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.config import SchemathesisConfig

from core.inputs import MAX_ID
from partners.enums import PartnerKind, kind_in_country
from partners.tokens import token_create
from plans.enums import MemberRole
from tests.indicators.factories import second_year_plan

pytestmark = pytest.mark.django_db

POSITIVE = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis' default
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE, "412", "428"]}},
    }
)

# Loaded from the application itself (in process, through WSGI): the schema a client would download.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), config=CONFIG)

# The plan's own objects, by the name of the field that refers to them (filled by the `token` fixture).
REFERENCES: dict[str, int | None] = {}


def _realistic(value, name=None):
    if isinstance(value, dict):
        return {key: _realistic(item, key) for key, item in value.items()}
    if isinstance(value, list):
        return [_realistic(item, name) for item in value]
    integral = (
        isinstance(value, float) and value.is_integer() or isinstance(value, int) and not isinstance(value, bool)
    )
    drawn_id = integral and 1 <= value <= MAX_ID
    if drawn_id and name in REFERENCES:
        return REFERENCES[name]
    return value


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """Applied to every phase's cases just before they are sent (schemathesis then re-reads whether the case is
    still valid). Ids drawn for references become the plan's; its quarter endpoints go to its open quarter, its
    reports to that quarter and year (valid years and quarters stay valid)."""
    if "plan" not in REFERENCES:
        return
    if isinstance(case.body, dict | list):
        case.body = _realistic(case.body)
    kind = isinstance(case.body, dict) and case.body.get("kind")
    if case.operation.path == "/api/v1/partners/" and isinstance(kind, str) and not kind_in_country(kind, "FR"):
        case.body["kind"] = PartnerKind.ASSOCIATION  # the plan is French: a Belgian kind is rightly refused
    if case.operation.path.startswith("/api/v1/plans/{id}/"):  # the plan's quarters and reports
        case.path_parameters.update(id=REFERENCES["plan"])
        if "/quarters/" in case.operation.path:
            case.path_parameters.update(year=2026, quarter=3)
        if "action" in case.path_parameters:
            case.path_parameters["action"] = REFERENCES["action"]
        if isinstance(case.query, dict) and "/reports/" in case.operation.path:
            case.query.update(
                {k: v for k, v in (("year", 2026), ("quarter", 3)) if isinstance(case.query.get(k), int)}
            )


@schema.auth(refresh_interval=None)
class Token:
    """The coordinator's read-write token (the `token` fixture's), sent as `Authorization: Bearer …`: explicit
    credentials, so that the authentication checks also send none and wrong ones and expect 401."""

    def get(self, case, ctx):
        return REFERENCES.get("token")

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def token(db, settings, in_process_wsgi):
    settings.API_THROTTLE_RATES = {"user": "100000/minute", "token": "100000/minute"}
    world = second_year_plan(actions=2, indicators=1)
    REFERENCES.clear()
    REFERENCES.update(
        plan=world.plan.pk,
        action=world.actions[0].pk,
        axis=world.actions[0].axis_id,
        indicator=world.indicators[0].pk,
        period=world.open.pk,
        lead=world.actions[0].lead_id,
        partner=world.actions[0].lead_id,
        funder=world.funder.pk,
        territory=world.plan.territory_id,
        breakdown=None,
        breakdown_second=None,
    )
    _token, raw = token_create(user=world.users[MemberRole.COORDINATOR], name="Contrat", read_only=False)
    REFERENCES["token"] = raw
    yield raw
    REFERENCES.clear()


HEADERS = {"Accept-Language": "fr"}


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_its_contract(case, token):
    case.call_and_validate(headers=HEADERS)


def test_sequences_of_calls_keep_the_contract(token):
    """The stateful phase: create, read, change and delete, each call using what an earlier one answered."""

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": HEADERS}

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=10,
            stateful_step_count=10,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        ),
    )
