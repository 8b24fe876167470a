"""The API router: each app registers its viewsets here (see <app>/api.py). Session authentication."""

from rest_framework.routers import DefaultRouter

from indicators.api import MeasurementViewSet
from plans.api import ActionViewSet, PlanViewSet

router = DefaultRouter()
router.register("plans", PlanViewSet, basename="plan")
router.register("actions", ActionViewSet, basename="action")
router.register("measurements", MeasurementViewSet, basename="measurement")


def exception_handler(exc, context):
    """Django's own refusals, raised by the services the API shares with the pages, as DRF answers.

    A ValidationError becomes 400 with one list of messages per field (`detail` for the others, and the
    quarter-page keys such as `m12.value_number` reduced to their field); a closed quarter or a plan not yet
    tracked is 403, like a PermissionDenied.
    """
    from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
    from django.core.exceptions import ValidationError as DjangoValidationError
    from rest_framework import exceptions
    from rest_framework.views import exception_handler as drf_handler

    if isinstance(exc, DjangoValidationError):
        if not hasattr(exc, "error_dict") and exc.error_list and exc.error_list[0].code in FORBIDDEN_CODES:
            exc = exceptions.PermissionDenied(exc.messages[0])
        elif hasattr(exc, "error_dict"):
            detail = {}
            for key, messages in exc.message_dict.items():
                field = key.partition(".")[2] or key
                detail.setdefault("detail" if field == "__all__" else field, []).extend(messages)
            exc = exceptions.ValidationError(detail)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_handler(exc, context)


# Refusals that are about the state of the plan (a closed quarter, a plan not tracked), not about the input.
FORBIDDEN_CODES = {"closed", "not_tracked", "closed_quarter"}
