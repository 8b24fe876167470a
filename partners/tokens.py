"""Personal API tokens: created, named and revoked by their owner on the account page; sent as
`Authorization: Bearer plt_…`; only a SHA-256 hash is stored, the token itself is shown once.

A token acts as its owner, with the owner's roles on each plan; a read-only token never writes. Tokens expire
(a year by default); a revoked or expired token is refused with a 401 that says which.
"""

import datetime
import re
import secrets

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from core.rest import RateHeaders
from partners.models import ApiToken, User

PREFIX = "plt_"
MAX_ACTIVE = 20  # per person: a forgotten loop creating tokens stops here
LAST_USE_PRECISION = datetime.timedelta(minutes=1)  # "last used" is written at most once a minute per token
DURATIONS = [(30, _lazy("30 jours")), (90, _lazy("90 jours")), (365, _lazy("1 an"))]


def token_create(*, user: User, name: str, read_only: bool = True, days: int = 365) -> tuple[ApiToken, str]:
    """A new token for `user`: the model, and the token itself (shown once, never stored)."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    name = re.sub(r"[\x00-\x1f\x7f]+", " ", name or "").strip()  # pasted line breaks and control characters
    if not name:
        raise ValidationError({"name": _("Donnez un nom au jeton, pour le reconnaître ensuite.")})
    if days not in {value for value, _label in DURATIONS}:
        raise ValidationError({"days": _("Choisissez une durée proposée.")})
    if ApiToken.objects.filter(user=user).active().count() >= MAX_ACTIVE:
        raise ValidationError(
            {"name": _("Vous avez déjà %(n)s jetons actifs : révoquez ceux qui ne servent plus.") % {"n": MAX_ACTIVE}}
        )
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:80],
        key_hash=ApiToken.hash(raw),
        prefix=raw[: len(PREFIX) + 4],
        read_only=read_only,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    token.full_clean(exclude=["key_hash"])
    token.save()
    return token, raw


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    if token.user_id != by.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer plt_…` (or `Token plt_…`). No header: the next authentication (the session)."""

    keywords = {"bearer", "token"}

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("En-tête Authorization mal formé : « Bearer <jeton> »."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("Jeton invalide.")) from error
        token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(raw)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Jeton invalide."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Ce jeton a été révoqué."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Ce jeton a expiré : créez-en un autre sur votre page de compte."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ReadOnlyToken(BasePermission):
    """A read-only token reads; it never writes, whatever its owner's role."""

    message = _lazy("Ce jeton est en lecture seule.")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or not (isinstance(request.auth, ApiToken) and request.auth.read_only)


class TokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the tokens."""

    target_class = "partners.tokens.TokenAuthentication"
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Jeton personnel créé sur la page « Mon compte » (/compte/) : "
            "`Authorization: Bearer plt_…`.",
        }


# --- The unsubscribe link of the reminder mails ----------------------------------------------------------------

UNSUBSCRIBE_SALT = "notices.unsubscribe"


def unsubscribe_token(user: User) -> str:
    """Signed with the project's secret: whoever holds the mail may stop its reminders, nothing more."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT)


def user_from_unsubscribe_token(token: str) -> User | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first() if isinstance(data, dict) else None


class TokenThrottle(RateHeaders, SimpleRateThrottle):
    """Per token: a runaway script on one token does not use up its owner's other tools."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
