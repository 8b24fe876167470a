"""Every page a coordinator reaches passes an axe-core check with no serious or critical violation (RGAA / WCAG AA)."""

import pytest

from plans.enums import MemberRole
from tests.partners.factories import DEFAULT_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}
# Buttons, not pages: they answer POST only.
POST_ONLY = (
    "/supprimer/",
    "/validation/",
    "/deplacer/",
    "/retirer/",
    "/revoquer/",
    "/role/",
    "/dupliquer/",
    "/suggestions/",
    "/piliers/",
    "/axes/",
    "/envoi/",
    "/engagements/",
    "/etat/",
    "/rappels/",
    "/modifier-la-selection/",
)


def log_in(page, live_server, user):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes plans")).to_be_visible()


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {node['target']}"
        for v in result.response["violations"]
        if v["impact"] in SERIOUS
        for node in v["nodes"][:3]
    ]


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
TOO_WIDE = """() => { const W = document.documentElement.clientWidth + 1;
    return [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > W)
        .filter((e) => !e.parentElement || e.parentElement.getBoundingClientRect().right <= W)
        .slice(0, 4).map((e) => e.tagName + "." + e.getAttribute("class")); }"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("role", [MemberRole.COORDINATOR, MemberRole.CONTRIBUTOR, MemberRole.VIEWER])
def test_every_page_a_member_reaches(live_server, page, role, viewport):
    """Zero serious or critical axe violation on every page this role reaches; on a phone, no sideways scroll."""
    from tests.test_hostile_input import plan_pages, world_for_pages

    world = world_for_pages()
    page.set_viewport_size(viewport)
    log_in(page, live_server, world.users[role])
    found, checked = {}, 0
    for url in plan_pages(world):
        if url.endswith(POST_ONLY):
            continue
        response = page.goto(f"{live_server.url}{url}")
        if response.status != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        checked += 1
        problems = violations(page)
        if viewport is PHONE and page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            problems.append(f"scrolls sideways: {page.evaluate(TOO_WIDE)}")
        if problems:
            found[url] = problems
    assert checked >= (30 if role == MemberRole.COORDINATOR else 15), checked
    assert not found, found
