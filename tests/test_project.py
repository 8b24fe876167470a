"""Project-wide promises: migrations, health check, security headers, layout and languages."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse


@pytest.mark.django_db
class TestMigrations:
    def test_no_missing_migration(self):
        """Every model change has its migration."""
        out = StringIO()
        # --check exits with an error when a migration is missing; the output says so either way.
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
        assert out.getvalue().strip() == "No changes detected"


@pytest.mark.django_db
class TestHealthz:
    def test_answers_200_without_login(self, client):
        """The load balancer's probe needs no session and checks the database."""
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_answers_503_when_database_is_down(self, client, monkeypatch):
        """A broken database makes the instance leave the pool."""

        def broken_cursor(*args, **kwargs):
            raise DatabaseError("connection refused")

        monkeypatch.setattr("config.views.connection.cursor", broken_cursor)
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["database"] == "unreachable"

    def test_is_not_cached(self, client):
        response = client.get("/healthz")
        assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
class TestSecurityHeaders:
    def test_csp_header_on_public_page(self, client):
        """Django's built-in CSP middleware sends default-src 'self'."""
        response = client.get(reverse("login"))
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp

    def test_csp_header_on_logged_in_page(self, logged_client):
        response = logged_client.get(reverse("home"))
        assert "default-src 'self'" in response["Content-Security-Policy"]

    def test_pages_never_inline_scripts_or_styles(self, logged_client):
        """The CSP forbids inline code, so templates must not rely on it."""
        html = logged_client.get(reverse("home")).content.decode()
        assert "<script>" not in html
        assert " style=" not in html
        assert "<style" not in html

    def test_no_cdn(self, logged_client):
        html = logged_client.get(reverse("home")).content.decode()
        assert "cdn." not in html
        assert "https://" not in html.split("</head>")[0]

    def test_clickjacking_and_sniffing_headers(self, client):
        response = client.get(reverse("login"))
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
class TestLayout:
    def test_base_layout_landmarks(self, logged_client, user):
        """Skip link, header with product name and user menu, navigation, footer with accessibility link."""
        html = logged_client.get(reverse("home")).content.decode()
        assert '<html lang="fr">' in html
        assert 'href="#contenu"' in html and "Aller au contenu" in html
        assert 'id="contenu"' in html
        assert "Plans locaux drogues et addictions" in html
        assert 'aria-label="Navigation principale"' in html
        assert user.email in html
        assert "Se déconnecter" in html
        assert reverse("accessibility") in html

    def test_accessibility_statement_is_public(self, client):
        response = client.get(reverse("accessibility"))
        assert response.status_code == 200
        assert "Déclaration d’accessibilité" in response.content.decode()
        assert "RGAA" in response.content.decode()

    def test_login_required_everywhere_else(self, client):
        """LoginRequiredMiddleware sends anonymous visitors to the login page."""
        for url in [reverse("home"), reverse("password_change")]:
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))

    def test_admin_is_for_staff_only(self, logged_client):
        response = logged_client.get("/admin/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
class TestLanguages:
    def test_french_by_default(self, client):
        html = client.get(reverse("login")).content.decode()
        assert "Connexion" in html
        assert "Mot de passe" in html

    def test_switch_to_english(self, client):
        """The language switch stores the choice and the interface follows, from compiled catalogues."""
        response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
        assert response.status_code == 302
        html = client.get(reverse("login")).content.decode()
        assert '<html lang="en">' in html
        assert "Log in" in html
        assert "Skip to content" in html
        assert "Accessibility: partially compliant" in html

    def test_browser_language_does_not_override_french(self, client):
        """An English browser still gets French until the user switches."""
        html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
        assert '<html lang="fr">' in html
        assert "Mot de passe" in html


class TestTranslations:
    def test_english_catalogue_has_no_empty_entry(self):
        """Every French string of the interface has its English translation."""
        from pathlib import Path

        text = (Path(__file__).resolve().parent.parent / "locale/en/LC_MESSAGES/django.po").read_text()
        blocks = [b for b in text.split("\n\n") if "msgid" in b and not b.lstrip().startswith('#, fuzzy\nmsgid ""')]
        untranslated = [
            b for b in blocks[1:] if b.rstrip().endswith('msgstr ""') or 'msgstr[0] ""' in b or "#, fuzzy" in b
        ]
        assert untranslated == []

    def test_french_catalogue_gives_every_plural_the_french_rule(self):
        """Issue 26: "(0 actions)": without a French catalogue, gettext applied English's rule."""
        from pathlib import Path

        import polib

        root = Path(__file__).resolve().parent.parent / "locale"
        french = polib.pofile(str(root / "fr/LC_MESSAGES/django.po"))
        assert french.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);" and not french.metadata_is_fuzzy
        plurals = {e.msgid for e in polib.pofile(str(root / "en/LC_MESSAGES/django.po")) if e.msgid_plural}
        filled = {e.msgid for e in french if e.msgstr_plural.get(0) == e.msgid and e.msgstr_plural.get(1)}
        assert plurals - filled == set(), "run locale/fr_plurals.py after makemessages"


def test_english_format_labels_follow_the_language():
    """Issue 26: the formats' labels were translated once, at import, in French."""
    from django.utils import translation

    from indicators.views.reports import FORMAT_LABELS

    with translation.override("en"):
        assert str(FORMAT_LABELS["csv"]) == "CSV (spreadsheet)"
