import logging
import random
import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.db import OperationalError
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)


class LocaleMiddleware:
    """French unless the user picked another language with the switch.

    Django's own LocaleMiddleware follows the browser's Accept-Language; our users' browsers are often
    set to English or Dutch while their plans and colleagues work in French, so only the explicit choice
    (the language cookie set by the switch) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in self.available:
            # An API client says which language it reads its errors in: Accept-Language, French otherwise.
            code = translation.get_language_from_request(request) if is_api(request) else settings.LANGUAGE_CODE
        translation.activate(code)
        # Plan pages switch to their territory's zone (plans.views.common.get_plan); start each request afresh.
        timezone.deactivate()
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Language"] if is_api(request) else ["Cookie"])
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


def is_api(request) -> bool:
    return request.path_info.startswith("/api/")


class PagesLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a session, except the API: it answers 401 itself (a token, or a session), never a
    redirect to the login page that a script could not follow."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_api(request):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ApiBodyLimitMiddleware:
    """An API request declaring a body over settings.API_MAX_BODY_BYTES is refused with 413 before it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.API_MAX_BODY_BYTES:
                limit = settings.API_MAX_BODY_BYTES // 1024
                return JsonResponse(
                    {"detail": translation.gettext("Le corps de la requête dépasse %(n)s Ko.") % {"n": limit}},
                    status=413,
                )
        response = self.get_response(request)
        # The tightest of the rates this request counted against (core.rest's throttles): what is left of it.
        if rate := getattr(request, "rate_limit", None):
            response["X-RateLimit-Limit"], response["X-RateLimit-Remaining"] = str(rate[0]), str(rate[1])
            response.setdefault("X-RateLimit-Reset", str(rate[2]))
        return response


# PostgreSQL's codes for a transaction that lost a race and may simply be run again: serialization failure,
# deadlock, lock not available (a NOWAIT or a lock_timeout).
TRANSIENT_PG_CODES = {"40001", "40P01", "55P03"}


def is_transient(error: BaseException) -> bool:
    """A database error that says "someone else held it, try again", not a fault of the request."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "pgcode", None) in TRANSIENT_PG_CODES:
        return True
    message = str(error).lower()
    return "database is locked" in message or "database table is locked" in message


class RetryTransientMiddleware:
    """A request whose view meets a transient lock or serialization failure is run once more; if it meets one
    again, the answer is a 503 with Retry-After: for a page, one that keeps what was typed in a form ready to
    send again, for the API a JSON message. Never a traceback.

    Every write runs in a transaction (the services are atomic), so the failed attempt left nothing behind.
    """

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            is_api(request)
            and request.method in {"POST", "PUT", "PATCH"}
            and request.content_type != "multipart/form-data"
        ):
            request.body  # noqa: B018 — kept, so that a second run of the view reads it again (at most 1 MB)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_transient(exception) or request.resolver_match is None:
            return None
        logger.warning("Transient database error on %s %s, run again: %s", request.method, request.path, exception)
        time.sleep(random.uniform(0.1, 0.5))  # noqa: S311 — let the other writer finish
        for upload in request.FILES.values():
            upload.seek(0)
        match = request.resolver_match
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            return response
        except Exception as again:
            if not is_transient(again):
                raise
            logger.warning("Transient database error again on %s %s: answered 503", request.method, request.path)
        return busy_response(request, self.RETRY_AFTER_SECONDS)


def busy_response(request, retry_after: int):
    message = translation.gettext(
        "Le service est très sollicité en ce moment et n'a pas pu enregistrer. Rien n'a été modifié : "
        "réessayez dans quelques secondes."
    )
    if is_api(request):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # What was typed, to send again with one click (files must be chosen again: a browser cannot refill them).
        fields = [
            (name, value) for name, values in request.POST.lists() if name != "csrfmiddlewaretoken" for value in values
        ]
        context = {"message": message, "fields": fields, "had_files": bool(request.FILES), "retry_after": retry_after}
        response = TemplateResponse(request, "503.html", context, status=503).render()
    response["Retry-After"] = str(retry_after)
    return response
