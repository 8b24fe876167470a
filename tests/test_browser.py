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


def _log_in(page, live_server, user):
    from tests.partners.factories import DEFAULT_PASSWORD

    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(user.email)
    page.get_by_label("Mot de passe").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes plans")).to_be_visible()


def test_a_contributor_reports_from_a_phone(live_server, page):
    """At 390 × 844: no sideways scroll, the first action within the first screen, fields for the thumb."""
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=6, indicators=2)
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server, world.users["lead"])
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/suivi/{world.open.year}/T{world.open.quarter}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.locator(".quarter-action").first
    assert first.bounding_box()["y"] < 844, first.bounding_box()
    # The plan's sections are one menu; the quarters one list.
    expect(page.locator(".plan-tabs")).to_be_hidden()
    page.locator(".plan-menu summary").click()
    expect(page.locator(".plan-menu").get_by_role("link", name="Budget")).to_be_visible()
    page.locator("#period-select").select_option(f"{world.closed.year}-{world.closed.quarter}")
    page.get_by_role("button", name="Afficher").first.click()
    expect(page).to_have_url(re.compile(rf"/suivi/{world.closed.year}/T{world.closed.quarter}/$"))
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/suivi/{world.open.year}/T{world.open.quarter}/")
    value = page.locator("input[name$='-value']").first
    assert value.get_attribute("inputmode") == "decimal"
    box = value.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390


def test_a_quarter_filled_and_saved_with_the_keyboard_only(live_server, page):
    """Tab, Shift+Tab, arrows, typing and Enter: the save bar never hides the field that has the focus."""
    from indicators.models import ProgressUpdate
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=6, indicators=2)
    mine = next(a for a in world.actions if a.lead_id == world.users["lead"].partner_id)
    page.set_viewport_size({"width": 1280, "height": 700})
    _log_in(page, live_server, world.users["lead"])
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/suivi/{world.open.year}/T{world.open.quarter}/")
    focused_name = "() => document.activeElement && document.activeElement.name"
    hidden_by_bar = """() => { const f = document.activeElement, bar = document.querySelector('.quarter-save');
        if (!f || !bar || bar.contains(f)) return false;
        const r = f.getBoundingClientRect(), b = bar.getBoundingClientRect();
        return r.bottom > b.top && r.top < b.bottom; }"""

    def tab_to(name, *, limit=400):
        for _ in range(limit):
            page.keyboard.press("Tab")
            assert not page.evaluate(hidden_by_bar), page.evaluate(focused_name)
            if page.evaluate(focused_name) == name:
                return
        raise AssertionError(f"{name} not reached by Tab")

    tab_to(f"a-{mine.pk}-status")
    page.keyboard.press("ArrowUp")  # "En cours" → "Prévue", with the arrows as on any select
    assert page.evaluate("() => document.activeElement.value") == "planned"
    tab_to(f"a-{mine.pk}-progress")
    page.keyboard.press("Control+A")
    page.keyboard.type("55")
    tab_to(f"a-{mine.pk}-note")
    page.keyboard.press("Control+A")
    page.keyboard.type("Saisi au clavier")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(focused_name) == f"a-{mine.pk}-progress"
    for _ in range(400):
        page.keyboard.press("Tab")
        assert not page.evaluate(hidden_by_bar), page.evaluate(focused_name)
        if page.evaluate("() => document.activeElement.type") == "submit" and page.evaluate(
            "() => document.activeElement.closest('.quarter-save') !== null"
        ):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("est enregistré")
    update = ProgressUpdate.objects.get(action=mine, period=world.open)
    assert (update.status, update.progress, update.note) == ("planned", 55, "Saisi au clavier")


def test_a_plan_brought_in_from_its_spreadsheet(live_server, page, tmp_path):
    """Upload a messy SeNe table, read the problems, send the corrected file, choose nothing, import."""
    from plans.enums import MemberRole
    from tests.indicators.test_imports import MESSY, xlsx
    from tests.plans.factories import MembershipFactory, PlanFactory

    plan = PlanFactory()
    coordinator = MembershipFactory(plan=plan, role=MemberRole.COORDINATOR).user
    wrong = [list(row) for row in MESSY]
    wrong[6][3] = "bientôt"
    (tmp_path / "plan-a-corriger.xlsx").write_bytes(xlsx(wrong, merges=["A6:A8"]))
    (tmp_path / "plan.xlsx").write_bytes(xlsx(MESSY, merges=["A6:A8"]))
    _log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/plans/{plan.pk}/actions/")
    page.get_by_role("link", name="Ajouter depuis un tableau").click()
    page.get_by_label("Tableau à importer").set_input_files(tmp_path / "plan-a-corriger.xlsx")
    page.screenshot(path=tmp_path / "1-envoi.png", full_page=True)
    page.get_by_role("button", name="Voir ce qui sera importé").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Feuille « Suivi », ligne 7, colonne D")
    expect(alert).to_contain_text("Date « bientôt » non reconnue")
    page.screenshot(path=tmp_path / "2-apercu-avec-problemes.png", full_page=True)
    page.get_by_role("link", name="Envoyer le fichier corrigé").click()
    page.get_by_label("Tableau à importer").set_input_files(tmp_path / "plan.xlsx")
    page.get_by_role("button", name="Voir ce qui sera importé").click()
    expect(page.get_by_text("Patrouilles aux abords des écoles")).to_be_visible()
    expect(page.get_by_label("Type du pilier « Réduction de l'offre »")).to_have_value("supply_reduction")
    page.screenshot(path=tmp_path / "3-apercu.png", full_page=True)
    page.get_by_role("button", name="Importer les 5 actions").click()
    expect(page.get_by_text("Import terminé. Créés : actions 5, indicateurs 6, lignes budgétaires")).to_be_visible()
    expect(page.get_by_role("link", name="Forum des parents")).to_be_visible()
    page.screenshot(path=tmp_path / "4-plan-importe.png", full_page=True)
    assert plan.actions.count() == 5


def test_a_quarter_submitted_returned_corrected_validated_and_closed(live_server, page, tmp_path):
    """The contributor submits, the coordinator returns one action with a reason, the contributor corrects,
    attaches the attendance sheet and submits again, the coordinator validates and closes the quarter."""
    from indicators.models import ActionReview, Measurement
    from plans.enums import MemberRole
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=3, indicators=1)
    mine = next(a for a in world.actions if a.lead_id == world.users["lead"].partner_id)
    indicator = mine.indicators.get()
    quarter = f"{live_server.url}/plans/{world.plan.pk}/suivi/{world.open.year}/T{world.open.quarter}/"
    card = page.locator(f"#action-{mine.pk}")

    def as_user(user):
        page.context.clear_cookies()
        _log_in(page, live_server, user)
        page.goto(quarter)

    as_user(world.users["lead"])
    card.get_by_role("button", name="Enregistrer et soumettre pour validation").click()
    expect(page.get_by_text("Soumis pour validation : les validateurs sont prévenus.")).to_be_visible()
    expect(card.locator(".review")).to_contain_text("Soumis")

    as_user(world.users[MemberRole.COORDINATOR])
    card.get_by_text("Renvoyer…").click()
    card.get_by_label("Ce qui est à corriger").fill("La valeur du T3 reprend celle du T2.")
    card.get_by_role("button", name="Renvoyer pour correction").click()
    expect(card.locator(".review")).to_contain_text("La valeur du T3 reprend celle du T2.")

    as_user(world.users["lead"])
    expect(card.locator(".review")).to_contain_text("Renvoyé par")
    # The attendance sheet behind the figure, attached to the value.
    (tmp_path / "émargement T3.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    card.get_by_role("link", name="Pièces justificatives").click()
    page.get_by_label("Rattacher à").select_option(label=f"la valeur de R · {indicator.label}")
    page.get_by_label("Fichier").set_input_files(tmp_path / "émargement T3.pdf")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_text("« émargement T3.pdf » est ajouté")).to_be_visible()
    expect(page.get_by_role("link", name="émargement T3.pdf")).to_be_visible()
    page.goto(quarter)
    expect(card.get_by_role("link", name="1 pièce justificative")).to_be_visible()
    # Corrected and submitted in one click: what was typed is saved first.
    card.locator(f"input[name='m-{indicator.pk}-value']").fill("31")
    card.get_by_role("button", name="Enregistrer et soumettre pour validation").click()
    expect(card.locator(".review")).to_contain_text("Soumis")

    as_user(world.users[MemberRole.COORDINATOR])
    card.get_by_role("button", name="Valider", exact=True).click()
    expect(card.locator(".review")).to_contain_text("Validé")
    page.goto(f"{quarter}cloture/")
    page.get_by_role("button", name=f"Clore le {world.open.label}").click()
    expect(page.get_by_text(f"Le {world.open.label} est clos.")).to_be_visible()
    assert ActionReview.objects.get(action=mine, period=world.open).state == "validated"
    assert Measurement.objects.get(indicator=indicator, period=world.open).value_number == 31
    assert indicator.evidence.get().name == "émargement T3.pdf"


def test_a_save_that_meets_a_lock_twice_is_sent_again_from_the_503_page(live_server, page, monkeypatch):
    """Issue 25: the busy page keeps what was typed; one click sends it again once the lock is gone."""
    from django.db import OperationalError

    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=2, indicators=1)
    action = world.actions[0]
    _log_in(page, live_server, world.users["coordinator"])

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("plans.views.actions.services.action_update", locked)
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/actions/{action.pk}/modifier/")
    page.get_by_label("Intitulé").fill("Titre tapé pendant un verrou")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.get_by_role("heading", name="Enregistrement à refaire dans quelques secondes")).to_be_visible()
    monkeypatch.undo()
    page.get_by_role("button", name="Envoyer à nouveau").click()
    expect(page.get_by_text("L'action est enregistrée.")).to_be_visible()
    action.refresh_from_db()
    assert action.title == "Titre tapé pendant un verrou"


def test_the_pdf_link_opens_its_preparation_page_instead_of_downloading_it(live_server, page, settings):
    """Issue 26: a PDF is prepared by a worker; its link opens the page that follows it, with the file when ready."""
    from io import StringIO

    from django.core.management import call_command

    from tests.indicators.factories import second_year_plan

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    world = second_year_plan(actions=2, indicators=1)
    _log_in(page, live_server, world.users["coordinator"])
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/rapports/trimestre/{world.open.year}/T{world.open.quarter}/")
    assert page.get_by_role("link", name="PDF", exact=True).get_attribute("download") is None
    page.get_by_role("link", name="PDF", exact=True).click()
    expect(page.get_by_role("heading", name="Préparation du fichier")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/rapports/exports/\d+/$"))
    expect(page.get_by_role("progressbar")).to_be_visible()
    # The worker prepares it; the page, refreshing itself, then starts the download without a click.
    with page.expect_download(timeout=15000) as download:
        call_command(
            "db_worker", "--batch", "--interval", "0", "--no-startup-delay", stdout=StringIO(), stderr=StringIO()
        )
    assert download.value.suggested_filename.endswith(".pdf")
    expect(page.get_by_role("link", name="Télécharger", exact=True)).to_be_visible()


def test_a_share_link_is_copied_with_a_button_and_revoked_only_once_confirmed(live_server, page):
    """Issue 26: the link shown once has a copy button; "Révoquer" asks before it acts."""
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=1, indicators=1)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    _log_in(page, live_server, world.users["coordinator"])
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/tableau-de-bord/partage/")
    page.get_by_label("Destinataire").fill("Préfecture")
    page.get_by_role("button", name="Créer le lien").click()
    link = page.locator("#new-link").input_value()
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.get_by_role("button", name="Lien copié")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.get_by_text("Révoquer…").click()
    expect(page.get_by_text("ne pourra plus ouvrir le tableau de bord")).to_be_visible()
    assert world.plan.share_links.get().revoked_at is None  # opening the question changed nothing
    page.get_by_role("button", name="Révoquer ce lien").click()
    expect(page.get_by_text("est révoqué")).to_be_visible()
    assert world.plan.share_links.get().revoked_at is not None


def test_many_actions_get_a_lead_and_a_due_date_in_one_form(live_server, page):
    """Issue 26: a template plan's actions get their lead and due date from the list, not one by one."""
    from plans.models import Action
    from tests.partners.factories import PartnerFactory
    from tests.plans.factories import ActionFactory, AxisFactory, MembershipFactory, PlanFactory

    plan = PlanFactory()
    axis = AxisFactory(pillar__plan=plan)
    for index in range(8):
        ActionFactory(axis=axis, lead=None, due_date=None, title=f"Mesure du modèle {index + 1}")
    plan.partners.add(PartnerFactory(name="Ville de Saint-Nazaire"))
    coordinator = MembershipFactory(plan=plan, role="coordinator").user
    _log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}/plans/{plan.pk}/actions/")
    page.get_by_label("Cocher toutes les actions de la page").check()
    page.get_by_text("Modifier la sélection").click()
    bulk = page.locator("#bulk-form")
    bulk.get_by_label("Gestionnaire").select_option(label="Ville de Saint-Nazaire")
    bulk.get_by_label("Échéance").fill("12/2027")
    page.get_by_role("button", name="Appliquer aux actions cochées").click()
    expect(page.get_by_text("8 actions modifiées.")).to_be_visible()
    assert Action.objects.filter(plan=plan, lead__name="Ville de Saint-Nazaire", due_date="2027-12-31").count() == 8
    expect(page.get_by_text("décembre 2027").first).to_be_visible()


def test_charts_are_drawn_for_a_phone_and_their_tables_fit_a_wide_screen(live_server, page):
    """Issue 26: at 390 px the charts were 720 px wide in a 366 px box, the latest quarters off-screen; at
    1280 px the data tables lost their last columns."""
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=6, indicators=1)
    world.indicators[0].is_key = True
    world.indicators[0].save()
    _log_in(page, live_server, world.users["viewer"])
    url = f"{live_server.url}/plans/{world.plan.pk}/tableau-de-bord/"

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    overflowing = """() => [...document.querySelectorAll("svg.chart")]
        .filter((svg) => svg.getClientRects().length)
        .filter((svg) => svg.getBoundingClientRect().width > svg.parentElement.clientWidth + 1)
        .map((svg) => svg.id || svg.getAttribute("aria-labelledby"))"""
    shown = """() => [...document.querySelectorAll("svg.chart")].filter((svg) => svg.getClientRects().length).length"""
    assert page.evaluate(shown) >= 3
    assert page.evaluate(overflowing) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    latest = f"T{world.open.quarter} {world.open.year}"
    visible_text = """(t) => [...document.querySelectorAll("figure.chart-narrow svg text")]
        .some((e) => e.textContent.trim() === t && e.getClientRects().length)"""
    assert page.evaluate(visible_text, latest)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)
    assert page.evaluate(shown) >= 3 and page.evaluate(overflowing) == []
    status_table = page.get_by_role("region", name="Données du graphique : Actions par pilier et par statut")
    last_header = status_table.get_by_role("columnheader", name="Abandonnée")
    expect(last_header).to_be_visible()
    clipped = """(region) => region.scrollWidth > region.clientWidth + 1"""
    assert not status_table.evaluate(clipped)


def test_the_overview_keeps_its_late_and_budget_figures_on_a_phone(live_server, page):
    """Issue 26: at 390 px the overview's late and budget columns were cut off; each plan now reads as a block."""
    from tests.indicators.factories import second_year_plan

    world = second_year_plan(actions=3, indicators=1)
    _log_in(page, live_server, world.users["viewer"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/tableau-de-bord/")
    for label in ("En retard", "Budget engagé", "Dernier trimestre clos"):
        cell = page.locator(f'table.table-stack td[data-label="{label}"]').first
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, label
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
