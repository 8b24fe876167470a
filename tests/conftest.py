import os
import shutil

import pytest
from django.db import connections

from tests.partners.factories import DEFAULT_PASSWORD, UserFactory
from tests.plans.factories import MeetingFactory

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or db['NAME']}"


def pytest_collection_modifyitems(config, items):
    """Skip browser tests, visibly, when Chromium is absent; in CI they must run."""
    if shutil.which(CHROMIUM) or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}: browser tests skipped (apt install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server(django_db_setup, django_db_blocker, live_server):
    """The plugin's live server, stopped before the test database is dropped.

    Playwright's sync API runs the tests in a greenlet, where Django's context-local connection handler
    opens a new connection: close the one the earlier tests used first, or it lingers and PostgreSQL
    refuses to drop the test database at the end of the session.
    """
    with django_db_blocker.unblock():
        connections.close_all()
    return live_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def in_process_wsgi():
    """Requests sent to Django's WSGI application in this process (schemathesis, a generated client on httpx's
    WSGI transport) see the test's transaction: Django's handler would close the database connection after each
    request, which the test client does not do, and neither must these."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def logged_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture(autouse=True)
def _french():
    """Each test starts in French, the product's language: a page read in English leaves the thread's language
    set, and services called directly afterwards would answer in English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (report previews are cached per state of a plan's data)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="module")
def api(django_db_setup, django_db_blocker):
    """The API tests' world (tests/test_api.py, tests/test_api_sync.py): two plans in their second year (ours, and
    another territory's), a meeting each, and a coordinator's tokens (read-only, and read-write). Built once per
    module, in a transaction rolled back after it (as Django's setUpTestData); each test's writes are rolled back
    too."""
    import datetime

    from django.db import transaction

    from partners.tokens import token_create
    from plans.enums import MemberRole
    from tests.indicators.factories import second_year_plan

    with django_db_blocker.unblock(), transaction.atomic():
        own, other = second_year_plan(actions=3, indicators=1), second_year_plan(actions=2, indicators=1)
        for world in (own, other):
            MeetingFactory(plan=world.plan, date=datetime.date(2026, 3, 2), decisions="Point d'étape")
        outsider = UserFactory()
        _token, raw = token_create(user=own.users[MemberRole.COORDINATOR], name="Observatoire", read_only=True)
        _token, raw_write = token_create(user=own.users[MemberRole.COORDINATOR], name="Script", read_only=False)
        yield {"own": own, "other": other, "outsider": outsider, "token": raw, "token_write": raw_write}
        transaction.set_rollback(True)
