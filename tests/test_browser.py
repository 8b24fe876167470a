"""The real thing in headless Chromium: logging in through the page as a person would.

Module-level functions, not a class: pytest 9 deprecates the plugin's session fixtures inside classes.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_and_out(live_server, page, user, password):
    """A visitor is sent to the login page, logs in, opens the user menu and logs out."""
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes plans")).to_be_visible()
    # The CSP lets our own Bootstrap bundle run: the user menu opens.
    page.get_by_role("button", name=re.compile(re.escape(user.first_name))).click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/compte/connexion/"))


def test_skip_link_reaches_content(live_server, page):
    """The first Tab stop is the skip link, and it leads to the main content."""
    page.goto(f"{live_server.url}/accessibilite/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenu$"))


def test_dashboard_fits_a_phone(live_server, page):
    """A partner reads the dashboard on a phone: no horizontal scrolling, charts and tables visible."""
    from plans.enums import MemberRole
    from tests.partners.factories import DEFAULT_PASSWORD
    from tests.plans.factories import MembershipFactory, PlanFactory

    plan = PlanFactory(adopted=True, with_actions=12)
    viewer = MembershipFactory(plan=plan, role=MemberRole.VIEWER).user
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(viewer.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes plans")).to_be_visible()  # logged in before moving on
    page.goto(f"{live_server.url}/plans/{plan.pk}/tableau-de-bord/")
    expect(page.get_by_role("heading", name="Actions par pilier et par statut")).to_be_visible()
    too_wide = """() => [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > 391)
        .slice(0, 4)
        .map((e) => e.tagName + "." + e.className)"""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.evaluate(too_wide)
