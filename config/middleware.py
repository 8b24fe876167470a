from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import JsonResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers


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
        return self.get_response(request)
