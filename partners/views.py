from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from partners import tokens
from partners.enums import NoticeKind
from partners.forms import LoginForm
from partners.models import ApiToken


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        """One failure before the lockout, the page says so (and offers a new password) instead of locking
        without warning."""
        from axes.handlers.proxy import AxesProxyHandler

        username = (form.data.get("username") or "").strip().lower()
        failures = AxesProxyHandler.get_failures(self.request, {"username": username}) if username else 0
        remaining = settings.AXES_FAILURE_LIMIT - failures
        response = super().form_invalid(form)
        response.context_data["last_try"] = remaining == 1
        return response


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
        "notices_form": notices_form(request.user),
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


class NoticesForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Un courriel par jour au plus, quand :"),
        choices=NoticeKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


def notices_form(user, data=None) -> NoticesForm:
    off = set(user.notices_off or [])
    return NoticesForm(data, initial={"kinds": [kind for kind in NoticeKind.values if kind not in off]})


@require_POST
def notices(request):
    """Which reminders the person receives in their daily digest."""
    form = notices_form(request.user, request.POST)
    if form.is_valid():
        wanted = set(form.cleaned_data["kinds"])
        request.user.notices_off = [kind for kind in NoticeKind.values if kind not in wanted]
        request.user.save(update_fields=["notices_off"])
        messages.success(request, _("Vos choix de rappels sont enregistrés."))
    else:
        messages.error(request, _("Choix de rappels non reconnu : rien n'a changé."))
    return redirect("account")


@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """From the link in every reminder mail, without logging in: a button, then no more reminders."""
    user = tokens.user_from_unsubscribe_token(token)
    if user is None:
        return render(request, "registration/unsubscribe.html", {"invalid": True}, status=404)
    done = request.method == "POST"
    if done:
        user.notices_off = list(NoticeKind.values)
        user.save(update_fields=["notices_off"])
    response = render(request, "registration/unsubscribe.html", {"done": done, "email": user.email})
    response["X-Robots-Tag"] = "noindex"
    return response
