from django.conf import settings
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
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        # Plan pages switch to their territory's zone (plans.views.common.get_plan); start each request afresh.
        timezone.deactivate()
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
