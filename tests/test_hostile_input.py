"""Every form of every plan page, posted with hostile values by each role: never a server error, nothing
changed when the input is refused, and what was typed shown back.

The forms are found the way a browser finds them: the pages are fetched as the coordinator and their HTML
parsed, so a form added later is walked too.
"""

import hashlib
import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import get_resolver, resolve, reverse

from indicators.models import Indicator, Measurement, ProgressUpdate, ShareLink
from partners.models import Partner
from plans.enums import MemberRole
from plans.models import (
    Action,
    ActionPartner,
    Axis,
    BudgetExecution,
    BudgetLine,
    Funding,
    FundingInstalment,
    Meeting,
    Membership,
    Pillar,
    Plan,
    ReportingPeriod,
)
from tests.indicators.factories import second_year_plan

FIVE_MB = "x" * (5 * 1024 * 1024)
HOSTILE = [
    "Collé de Word\x0bligne\x0cpage\x07",
    "nul\x00",
    "²",
    "١٢",
    "01/0000",
    "0000-01",
    "-1",
    "1" + "0" * 30,
    "<script>alert(1)</script>",
]
# One field at a time: what each kind of field should be tried with.
PER_KIND = {
    "date": ["01/0000", "0000-01", "31/02/2026"],
    "number": ["1" + "0" * 30, "-5", "²"],
    "text": ["Texte\x0bcollé"],
    "hidden": ["²"],
    "file": ["pas un fichier"],  # files themselves: tests/indicators/test_imports.py
}
MODELS = [
    Plan, Pillar, Axis, Action, ActionPartner, Indicator, Measurement, ProgressUpdate, BudgetLine, BudgetExecution,
    Funding, FundingInstalment, Membership, Meeting, ReportingPeriod, ShareLink, Partner,
]  # fmt: skip


def snapshot() -> str:
    """A digest of every row the product's pages can change."""
    digest = hashlib.sha256()
    for model in MODELS:
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in {"updated_at", "entered_at"}]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


class Forms(HTMLParser):
    """The POST forms of a page: their action and their fields with the values the page shows."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": {}, "kinds": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name") and attrs.get("name") != "csrfmiddlewaretoken":
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._form["fields"][attrs["name"]] = attrs.get("value", "on")
                self._form["kinds"].setdefault(attrs["name"], "choice")
            elif kind not in {"submit", "button"}:
                self._form["fields"][attrs["name"]] = attrs.get("value", "")
                if kind in {"hidden", "file"}:
                    pass
                elif "AAAA" in attrs.get("placeholder", ""):
                    kind = "date"
                elif kind == "number" or attrs.get("inputmode") in {"decimal", "numeric"}:
                    kind = "number"
                else:
                    kind = "text"
                self._form["kinds"][attrs["name"]] = kind
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, "")
            self._form["kinds"][self._select] = "choice"
        elif tag == "option" and self._select and ("selected" in attrs):
            self._form["fields"][self._select] = attrs.get("value", "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea] = ""
            self._form["kinds"][self._textarea] = "text"

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea] += (
                data.lstrip("\n") if not self._form["fields"][self._textarea] else data
            )


def plan_pages(world) -> list[str]:
    """Every GET page of the plan's URL patterns, with ids of this plan's objects."""
    plan = world.plan
    ids = {
        "pk": plan.pk,
        "action_pk": world.actions[0].pk,
        "pillar_pk": world.pillars[0].pk,
        "axis_pk": world.actions[0].axis_id,
        "line_pk": world.lines[0].pk,
        "funding_pk": world.funding.pk,
        "indicator_pk": world.indicators[0].pk,
        "membership_pk": plan.memberships.filter(role=MemberRole.VIEWER).first().pk,
        "partner_pk": world.funder.pk,
        "link_pk": world.link.pk,
        "year": world.open.year,
        "quarter": world.open.quarter,
    }
    urls = []
    for namespace in ("plans", "indicators"):
        resolver = get_resolver().namespace_dict[namespace][1]
        for name, patterns in resolver.reverse_dict.items():
            if not isinstance(name, str):
                continue
            params = patterns[0][0][1]
            if set(params) <= set(ids):
                urls.append(reverse(f"{namespace}:{name}", kwargs={p: ids[p] for p in params}))
    return sorted(set(urls)) + [reverse("home"), reverse("overview"), reverse("password_change")]


def world_for_pages():
    """A plan in its second year, another territory's plan, and a share link: every page has something to show."""
    from indicators.services import share_link_create

    world = second_year_plan(actions=4, indicators=2)
    world.other = second_year_plan(actions=1, indicators=1)
    world.link, _token = share_link_create(
        plan=world.plan, by=world.users[MemberRole.COORDINATOR], label="Préfecture", days=30
    )
    world.users["outsider"] = world.other.users[MemberRole.COORDINATOR]
    return world


@pytest.fixture
def world(db):
    return world_for_pages()


def discover(client, world, *, as_user=None) -> dict[str, dict]:
    """The plan's POST forms, one per target URL name, as the coordinator (or `as_user`) sees them."""
    client.force_login(as_user or world.users[MemberRole.COORDINATOR])
    forms = {}
    for url in plan_pages(world):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            target = urlsplit(form["action"]).path or url
            name = resolve(target).view_name
            if name in {"logout", "set_language"} or not form["kinds"]:
                continue
            if name not in forms or len(form["fields"]) > len(forms[name]["fields"]):
                forms[name] = {**form, "url": target + (urlsplit(form["action"]).query and "?" + urlsplit(form[
                    "action"]).query), "page": url}  # fmt: skip
    return forms


def mutations(form, foreign_ids, *, each_field: bool, values=HOSTILE):
    """All fields hostile at once; then, with `each_field`, one field at a time with values of every kind.

    Yields (what was typed in a visible text field, or None; the data to post).
    """
    visible_text = any(kind in {"text", "date", "number"} for kind in form["kinds"].values())
    for value in values:
        yield (value if visible_text else None), {**form["fields"], **dict.fromkeys(form["kinds"], value)}
    if not each_field:
        return
    shapes = set()
    for name, kind in form["kinds"].items():
        # One field of each shape: `a-12-status` stands for the status of every action of the quarter page.
        shape = re.sub(r"-[0-9]+-", "-*-", name)
        if shape in shapes:
            continue
        shapes.add(shape)
        if kind == "choice":
            for foreign in foreign_ids:
                yield None, {**form["fields"], name: str(foreign)}
            continue
        for value in PER_KIND[kind]:
            # A file input never shows back what was chosen (browsers forbid it).
            yield (value if kind not in {"hidden", "file"} else None), {**form["fields"], name: value}


def shown_back(typed: str, html: str) -> bool:
    """On a form page, the value is in a field again (a NUL character, refused, is dropped)."""
    return "<form" not in html or escape(typed) in html or escape(typed.replace("\x00", "")) in html


@pytest.mark.django_db
class TestHostileInput:
    def test_every_form_as_every_role(self, client, world):
        """The coordinator tries every field; the other roles post everything hostile at once."""
        foreign = [world.other.actions[0].pk, world.other.funder.pk]
        failures = []
        forms = discover(client, world)
        assert len(forms) >= 25, sorted(forms)  # the walk really reached the plan's forms
        for role in [MemberRole.COORDINATOR, MemberRole.EDITOR, "lead", MemberRole.VIEWER, "outsider"]:
            member = role not in {MemberRole.VIEWER, "outsider"}
            if member and role != MemberRole.COORDINATOR:
                forms = discover(client, world, as_user=world.users[role]) | forms
            client.force_login(world.users[role])
            before = snapshot()
            for name, form in forms.items():
                values = HOSTILE if role == MemberRole.COORDINATOR else HOSTILE[:4]
                for typed, data in mutations(form, foreign, each_field=role == MemberRole.COORDINATOR, values=values):
                    response = client.post(form["url"], data)
                    status, after = response.status_code, snapshot()
                    problem = None
                    if status >= 500:
                        problem = status
                    elif not member and after != before:
                        problem = "changed by a non-editing role"
                    elif status == 400 and after != before:
                        problem = "refused, yet changed"
                    elif status == 400 and typed and not shown_back(typed, response.content.decode()):
                        problem = "what was typed is not shown back"
                    if problem:
                        failures.append((role, name, repr(typed)[:40], problem))
                    before = after
        assert not failures, failures

    def test_five_megabytes_in_every_form(self, client, world):
        """Too big for one request: a 400 in French, nothing saved, never a 500."""
        forms = discover(client, world)
        for name, form in forms.items():
            before = snapshot()
            data = {**form["fields"], **{k: FIVE_MB for k, kind in form["kinds"].items() if kind != "choice"}}
            if data == form["fields"]:
                continue
            response = client.post(form["url"], data)
            assert response.status_code == 400, name
            assert snapshot() == before, name
        assert "Demande refusée" in response.content.decode()

    def test_hostile_query_strings_on_every_page(self, client, world):
        """Filters, pages, sorts and formats with hostile values: an answer, never a server error."""
        client.force_login(world.users[MemberRole.COORDINATOR])
        params = ["mine", "page", "q", "pillar", "axis", "lead", "status", "late", "sort", "format", "section", "to",
                  "action", "kind", "size", "max_cost", "pillar_kind", "submitted", "ready", "period"]  # fmt: skip
        failures = []
        for url in plan_pages(world):
            for value in ["²", "9" * 40, "nul\x00", "01/0000", "-1", "'", "<b>"]:
                response = client.get(url, dict.fromkeys(params, value))
                if response.status_code >= 500:
                    failures.append((url, repr(value)[:30], response.status_code))
        assert not failures, failures


NUMBERS = ["NaN", "1e20", "Infinity", "-inf", "1E+5", "99999999999999999", "0.0000001", "1e-20"]


@pytest.mark.django_db
def test_out_of_range_numbers_in_every_number_field(client, world):
    """Issue 25: NaN, infinity and 1e20 in each number field: a message or a value in the column's range, never a
    500, and every page of the plan still opens afterwards."""
    forms = discover(client, world)
    failures = []
    for name, form in forms.items():
        numbers = [field for field, kind in form["kinds"].items() if kind == "number"]
        shapes = {re.sub(r"-[0-9]+-", "-*-", field): field for field in numbers}
        for field in shapes.values():
            for value in NUMBERS:
                response = client.post(form["url"], {**form["fields"], field: value})
                if response.status_code >= 500:
                    failures.append((name, field, value, response.status_code))
    for url in plan_pages(world):
        status = client.get(url).status_code
        if status >= 500:
            failures.append(("page afterwards", url, status))
    assert not failures, failures
