from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import tokens
from partners.forms import LoginForm
from partners.models import ApiToken


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("home")
    success_message = _("Votre mot de passe a été modifié.")


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=80,
        help_text=_("Pour le reconnaître : « tableau de bord ORS », « script du département »…"),
    )
    read_only = forms.BooleanField(
        label=_("Lecture seule"), required=False, initial=True, help_text=_("Décochez pour envoyer des valeurs.")
    )
    days = forms.TypedChoiceField(label=_("Durée de validité"), coerce=int, choices=tokens.DURATIONS, initial=365)


@require_http_methods(["GET", "POST"])
def account(request):
    """The person's account: who they are, their password, and their personal API tokens."""
    form = TokenForm(request.POST if request.method == "POST" else None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_token = tokens.token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(
                request,
                _("Le jeton « %(name)s » est créé. Copiez-le maintenant : il ne sera plus affiché.")
                % {"name": token.name},
            )
            form = TokenForm()
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": request.user.api_tokens.all(),
        "now": timezone.now(),
        "memberships": request.user.memberships.select_related("plan__territory").order_by("plan__title"),
    }
    response = render(request, "registration/account.html", context, status=400 if form.errors else 200)
    response["Cache-Control"] = "private, no-store"  # the new token is on this page once
    return response


@require_POST
def token_revoke(request, token_pk):
    token = get_object_or_404(ApiToken, pk=token_pk, user=request.user)
    tokens.token_revoke(token=token, by=request.user)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("account")
