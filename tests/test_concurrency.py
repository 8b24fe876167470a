"""Several people saving at once on the set-up a newcomer gets: `make run`'s development server and its worker,
on SQLite (and, where the suite runs on PostgreSQL, on PostgreSQL too).

Each run: a fresh database, migrated and seeded with the demo; the server and the worker started as the Makefile
starts them; seven people for a bounded time — two coordinators saving the open quarter's page, editors saving
actions (two of them on the same actions, so that some saves meet a newer version), one asking for PDF exports
that the worker prepares, one importing small tables into the draft plan. No answer may be a server error, and
neither log may hold "database is locked" or a traceback.
"""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.test_hostile_input import Forms

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "demo-plans-2026"
SECONDS = float(os.environ.get("CONCURRENCY_SECONDS", "20"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _databases() -> list[str]:
    names = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        names.append("postgresql")
    return names


def _admin(statements: list[str]):
    """Run statements on the suite's PostgreSQL server, from its maintenance database; the server's URL parts."""
    import psycopg2

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    admin.close()
    return parts


def _postgres_url(name: str) -> str:
    """A database of its own on the suite's PostgreSQL server, created empty."""
    parts = _admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'])
    return parts._replace(path=f"/{name}").geturl()


def _drop_postgres(name: str) -> None:
    _admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


class Site:
    """The development server and its worker, with their logs."""

    def __init__(self, tmp: Path, database_url: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.dev",
            "DATABASE_URL": database_url,
            "SITE_URL": self.base,
            "MAIL_DIR": str(tmp / "mails"),
            "MEDIA_ROOT": str(tmp / "media"),
            "PYTHONUNBUFFERED": "1",
        }
        self.server_log, self.worker_log = tmp / "server.log", tmp / "worker.log"
        self.processes: list[subprocess.Popen] = []

    def manage(self, *args: str, log: Path | None = None) -> subprocess.Popen | str:
        command = [sys.executable, str(ROOT / "manage.py"), *args]
        if log is None:
            return subprocess.run(command, env=self.env, cwd=ROOT, check=True, capture_output=True, text=True).stdout
        with log.open("w") as output:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def start(self) -> str:
        self.manage("migrate", "--noinput", "-v", "0")
        seeded = self.manage("seed_demo")
        self.manage("db_worker", "--interval", "1", "--no-reload", log=self.worker_log)
        self.manage("runserver", f"127.0.0.1:{self.port}", "--noreload", log=self.server_log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return seeded
            except requests.ConnectionError:
                time.sleep(0.3)
        raise AssertionError(f"the server did not start:\n{self.server_log.read_text()}")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(params=_databases())
def site(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    else:
        url = _postgres_url(f"plans_concurrency_{os.getpid()}")
    site = Site(tmp_path, url)
    try:
        site.seeded = site.start()
        yield site
    finally:
        site.stop()
        if request.param == "postgresql":
            _drop_postgres(f"plans_concurrency_{os.getpid()}")


class Person:
    def __init__(self, site: Site, email: str):
        self.site, self.session = site, requests.Session()
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        page = self.session.get(f"{site.base}/compte/connexion/", timeout=30)
        response = self.session.post(
            f"{site.base}/compte/connexion/",
            data={"csrfmiddlewaretoken": self._token(page.text), "username": email, "password": DEMO_PASSWORD},
            headers={"Referer": page.url},
            timeout=30,
        )
        assert response.url.rstrip("/") == site.base, f"{email} could not log in"

    @staticmethod
    def _token(html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def record(self, response: requests.Response) -> None:
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.errors.append(f"{response.request.method} {response.url}: {response.status_code}")

    def save_form(self, url: str, change=None) -> None:
        """Open the page, send its main form back as shown (with `change` applied): one save."""
        page = self.session.get(url, timeout=60)
        self.record(page)
        if page.status_code != 200:
            return
        forms = Forms()
        forms.feed(page.text)
        own = [f for f in forms.forms if f["action"] not in {"/langue/", "/compte/deconnexion/"}]
        form = max(own, key=lambda f: len(f["fields"]))  # the page's main form, not the header's
        fields = dict(form["fields"])
        if change:
            change(fields)
        response = self.session.post(
            page.url,
            data={**fields, "csrfmiddlewaretoken": self._token(page.text)},
            headers={"Referer": page.url},
            allow_redirects=False,
            timeout=60,
        )
        self.record(response)


def _until(deadline: float, work) -> None:
    while time.monotonic() < deadline:
        work()


def test_seven_people_saving_at_once_never_meet_a_server_error(site):
    base = site.base
    people = {
        "quarter_1": Person(site, "coordination@val-de-sorne.example"),
        "quarter_2": Person(site, "coordination@val-de-sorne.example"),
        "editor_1": Person(site, "redaction@val-de-sorne.example"),
        "editor_2": Person(site, "redaction@val-de-sorne.example"),
        "zone": Person(site, "strategie@zp-sene.example"),
        "exports": Person(site, "coordination@val-de-sorne.example"),
        "importer": Person(site, "pilotage@zp-sene.example"),
    }
    actions_1 = sorted(
        set(re.findall(r"/plans/1/actions/(\d+)/", people["editor_1"].session.get(f"{base}/plans/1/actions/").text)),
        key=int,
    )[:4]
    actions_2 = sorted(
        set(re.findall(r"/plans/2/actions/(\d+)/", people["zone"].session.get(f"{base}/plans/2/actions/").text)),
        key=int,
    )[:4]
    assert actions_1 and actions_2
    deadline = time.monotonic() + SECONDS
    counter = iter(range(10**6))

    def note(fields):
        fields["comments"] = f"{fields.get('comments', '')[:200]} · enregistrement {next(counter)}".strip(" ·")

    def editor(person, plan, actions):
        def work():
            for action in actions:
                person.save_form(f"{base}/plans/{plan}/actions/{action}/modifier/", note)

        return work

    def quarter(person):
        return lambda: person.save_form(f"{base}/plans/1/suivi/")

    def importer():
        """Upload a small SeNe table into the draft plan, then confirm it: the file read before the transaction."""
        from tests.indicators.test_imports import SENE, sene, xlsx

        person, n = people["importer"], next(counter)
        rows = [SENE, sene("Prévention", "Écoles", f"Ville\nForum n°{n}", "2028", "Participants (R)")]
        page = person.session.get(f"{base}/plans/2/actions/import/", timeout=60)
        response = person.session.post(
            page.url,
            data={"csrfmiddlewaretoken": person._token(page.text)},
            files={"spreadsheet": (f"plan-{n}.xlsx", xlsx(rows))},
            headers={"Referer": page.url},
            timeout=60,
        )
        person.record(response)
        if response.status_code == 200 and "/import/" in response.url:
            person.save_form(response.url, lambda fields: fields.update(
                {k: v or "prevention" for k, v in fields.items() if k.startswith("pilier")}))  # fmt: skip

    exports_asked = []

    def exports():
        person = people["exports"]
        response = person.session.get(
            f"{base}/plans/1/rapports/trimestre/2026/T3/", params={"format": "pdf"}, timeout=60
        )
        person.record(response)
        exports_asked.append(response.url)
        time.sleep(1)

    work = {
        "quarter_1": quarter(people["quarter_1"]),
        "quarter_2": quarter(people["quarter_2"]),
        "editor_1": editor(people["editor_1"], 1, actions_1),
        "editor_2": editor(people["editor_2"], 1, actions_1),
        "zone": editor(people["zone"], 2, actions_2),
        "exports": exports,
        "importer": importer,
    }
    threads = [threading.Thread(target=_until, args=(deadline, work[name])) for name in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 180)

    statuses = sum((person.statuses for person in people.values()), Counter())
    errors = [error for person in people.values() for error in person.errors]
    saves = statuses[302]
    engine = site.env["DATABASE_URL"].split(":")[0]
    print(f"\n{engine}: {sum(statuses.values())} requests in {SECONDS:.0f} s: {dict(statuses)}")
    assert not errors, errors
    assert saves >= 10, dict(statuses)
    assert people["importer"].statuses[302] >= 1, people["importer"].statuses  # imports confirmed
    # The worker prepared the PDF asked for.
    status_page = people["exports"].session.get(exports_asked[-1], timeout=30)
    for _ in range(60):
        if "/fichier/" in status_page.text:
            break
        time.sleep(1)
        status_page = people["exports"].session.get(exports_asked[-1], timeout=30)
    assert "/fichier/" in status_page.text, "the worker did not prepare the PDF"
    site.stop()
    for log in (site.server_log, site.worker_log):
        text = log.read_text()
        assert "database is locked" not in text, text[-3000:]
        assert "Traceback" not in text, text[-3000:]
