"""Login, logout, password change and brute-force lockout, in French."""

import pytest
from django.urls import reverse

from tests.partners.factories import UserFactory

WRONG_CREDENTIALS = "Adresse électronique ou mot de passe incorrect"


def attempt(client, email, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
class TestLogin:
    def test_login_page_in_french(self, client):
        html = client.get(reverse("login")).content.decode()
        assert "Connexion" in html
        assert "Adresse électronique" in html
        assert "Mot de passe" in html

    def test_login_with_email_redirects_home(self, client, user, password):
        response = attempt(client, user.email, password)
        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        assert client.get(reverse("home")).status_code == 200

    def test_login_ignores_case_and_spaces(self, client, user, password):
        response = attempt(client, f"  {user.email.upper()} ", password)
        assert response.status_code == 302

    def test_wrong_password_says_so_in_french(self, client, user):
        response = attempt(client, user.email, "pas-le-bon")
        assert response.status_code == 200
        html = response.content.decode()
        assert WRONG_CREDENTIALS in html
        # What was typed is kept.
        assert f'value="{user.email}"' in html

    def test_unknown_account_gets_the_same_message(self, client, user):
        """Never reveal whether an account exists."""
        known = attempt(client, user.email, "pas-le-bon").context["form"].non_field_errors()
        unknown = attempt(client, "inconnu@exemple.fr", "pas-le-bon").context["form"].non_field_errors()
        assert list(known) == list(unknown)

    def test_inactive_user_cannot_log_in(self, client, password):
        user = UserFactory(is_active=False)
        response = attempt(client, user.email, password)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_safe_next_is_followed_and_foreign_one_is_not(self, client, user, password):
        url = reverse("login")
        ok = client.post(f"{url}?next=/accessibilite/", {"username": user.email, "password": password})
        assert ok["Location"] == "/accessibilite/"
        client.logout()
        bad = client.post(f"{url}?next=https://evil.example/", {"username": user.email, "password": password})
        assert bad["Location"] == reverse("home")


@pytest.mark.django_db
class TestLogout:
    def test_logout_by_post(self, logged_client):
        response = logged_client.post(reverse("logout"))
        assert response.status_code == 302
        assert response["Location"] == reverse("login")
        assert logged_client.get(reverse("home")).status_code == 302

    def test_logout_refuses_get(self, logged_client):
        assert logged_client.get(reverse("logout")).status_code == 405


@pytest.mark.django_db
class TestLockout:
    def test_sixth_failure_in_a_row_is_locked_out(self, client, user, password):
        """Five wrong passwords are answered normally; the sixth locks the account from that address."""
        for n in range(1, 6):
            response = attempt(client, user.email, "mauvais")
            assert response.status_code == 200
            assert WRONG_CREDENTIALS in response.content.decode()
            # Issue 26: the fifth says that one more locks, and offers a new password.
            warned = "encore un échec et la connexion à ce compte sera bloquée" in response.content.decode()
            assert warned == (n == 5), n
        assert reverse("password_reset") in response.content.decode()
        locked = attempt(client, user.email, "mauvais")
        assert locked.status_code == 429
        assert "Connexion temporairement bloquée" in locked.content.decode()
        assert reverse("password_reset") in locked.content.decode()
        # Even the right password is refused while locked.
        still_locked = attempt(client, user.email, password)
        assert still_locked.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_lockout_counts_case_variants_as_one_account(self, client, user):
        for i in range(5):
            attempt(client, user.email.upper() if i % 2 else user.email, "mauvais")
        assert attempt(client, user.email.title(), "mauvais").status_code == 429

    def test_lockout_is_per_user_and_address(self, client, user, password):
        """Another address, or another account from the same address, is not locked."""
        for _ in range(6):
            attempt(client, user.email, "mauvais", ip="10.0.0.1")
        assert attempt(client, user.email, password, ip="10.0.0.2").status_code == 302
        client.logout()
        other = UserFactory()
        assert attempt(client, other.email, password, ip="10.0.0.1").status_code == 302

    def test_success_resets_the_counter(self, client, user, password):
        for _ in range(5):
            attempt(client, user.email, "mauvais")
        assert attempt(client, user.email, password).status_code == 302
        client.logout()
        for _ in range(5):
            assert attempt(client, user.email, "mauvais").status_code == 200


@pytest.mark.django_db
class TestPasswordChange:
    def test_change_password(self, logged_client, user, password):
        response = logged_client.post(
            reverse("password_change"),
            {
                "old_password": password,
                "new_password1": "Un-nouveau-secret-2026",
                "new_password2": "Un-nouveau-secret-2026",
            },
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password("Un-nouveau-secret-2026")

    def test_wrong_old_password_is_refused_in_french(self, logged_client):
        response = logged_client.post(
            reverse("password_change"),
            {
                "old_password": "faux",
                "new_password1": "Un-nouveau-secret-2026",
                "new_password2": "Un-nouveau-secret-2026",
            },
        )
        assert response.status_code == 200
        assert "Votre ancien mot de passe est incorrect" in response.content.decode()

    def test_short_password_is_refused_in_french(self, logged_client, password):
        response = logged_client.post(
            reverse("password_change"),
            {"old_password": password, "new_password1": "court", "new_password2": "court"},
        )
        assert response.status_code == 200
        assert "Ce mot de passe est trop court" in response.content.decode()


@pytest.mark.django_db
class TestLockoutBehindTheLoadBalancer:
    """In production every request comes from the load balancer; the client is in X-Forwarded-For."""

    LB = "10.0.0.254"

    def via_lb(self, client, email, password, client_ip):
        return client.post(
            reverse("login"),
            {"username": email, "password": password},
            REMOTE_ADDR=self.LB,
            HTTP_X_FORWARDED_FOR=client_ip,
        )

    def test_a_stranger_guessing_elsewhere_does_not_lock_the_owner_out(self, client, settings, user, password):
        settings.TRUSTED_PROXY_COUNT = 1
        for _ in range(6):
            self.via_lb(client, user.email, "mauvais", "198.51.100.7")
        assert self.via_lb(client, user.email, "mauvais", "198.51.100.7").status_code == 429
        assert self.via_lb(client, user.email, password, "203.0.113.20").status_code == 302

    def test_a_forged_forwarded_for_does_not_escape_the_lockout(self, client, settings, user):
        """The load balancer appends the real address; what the client wrote is further left and ignored."""
        settings.TRUSTED_PROXY_COUNT = 1
        for n in range(6):
            self.via_lb(client, user.email, "mauvais", f"192.0.2.{n}, 198.51.100.7")
        assert self.via_lb(client, user.email, "mauvais", "192.0.2.99, 198.51.100.7").status_code == 429

    def test_many_accounts_from_one_address_lock_that_address(self, client, settings, password):
        """8 accounts × 5 attempts from one address: the address is locked once it reaches its own limit."""
        settings.TRUSTED_PROXY_COUNT = 1
        settings.AXES_ADDRESS_FAILURE_LIMIT = 30
        accounts = [UserFactory() for _ in range(8)]
        statuses = [
            self.via_lb(client, account.email, "mauvais", "198.51.100.66").status_code
            for account in accounts
            for _ in range(5)
        ]
        assert statuses[:29] == [200] * 29  # no single account reached six failures
        assert set(statuses[30:]) == {429}
        # Even a right password from that address waits; the same account elsewhere is fine.
        assert self.via_lb(client, accounts[0].email, password, "198.51.100.66").status_code == 429
        assert self.via_lb(client, accounts[0].email, password, "203.0.113.5").status_code == 302

    def test_a_successful_login_does_not_clear_the_address_count(self, client, settings, user, password):
        """An attacker with an account of its own cannot reset the per-address counter by logging in."""
        settings.TRUSTED_PROXY_COUNT = 1
        settings.AXES_ADDRESS_FAILURE_LIMIT = 10
        victims = [UserFactory() for _ in range(4)]
        for victim in victims:
            for _ in range(2):
                self.via_lb(client, victim.email, "mauvais", "198.51.100.66")
        assert self.via_lb(client, user.email, password, "198.51.100.66").status_code == 302  # 8 failures so far
        client.logout()
        assert self.via_lb(client, victims[0].email, "mauvais", "198.51.100.66").status_code == 200  # 9
        assert self.via_lb(client, victims[1].email, "mauvais", "198.51.100.66").status_code == 429  # 10

    def test_without_trusted_proxies_the_header_is_ignored(self, client, settings, user):
        settings.TRUSTED_PROXY_COUNT = 0
        for n in range(6):
            self.via_lb(client, user.email, "mauvais", f"198.51.100.{n}")
        # Every attempt counted against the connection's address: locked whatever the header says.
        assert self.via_lb(client, user.email, "mauvais", "198.51.100.200").status_code == 429
