"""Project-wide pages that belong to no app: health check, accessibility statement, language switch."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers: 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_not_required
@require_GET
def accessibility(request):
    return render(request, "core/accessibility.html")


# The language switch is offered on the login page too.
set_language = login_not_required(django_set_language)


def page_not_found(request, exception):
    """An API address that does not exist answers in JSON, like the rest of the API; a page, with the 404 page."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": gettext("Introuvable.")}, status=404)
    return defaults.page_not_found(request, exception)
