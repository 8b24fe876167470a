from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """The login form; the address is matched case-insensitively."""

    error_messages = {
        **AuthenticationForm.error_messages,
        # Same message whether or not the account exists.
        "invalid_login": _(
            "Adresse électronique ou mot de passe incorrect. Vérifiez votre saisie : "
            "le mot de passe distingue les majuscules des minuscules."
        ),
    }

    def clean_username(self):
        return (self.cleaned_data.get("username") or "").strip().lower()
