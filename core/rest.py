"""What DRF's settings name (so nothing here imports DRF's views): throttles, pagination, and the exception
handler that turns the services' refusals (shared with the pages) into DRF answers. The base classes of the
resources are in core.resources."""

from django.conf import settings
from django.utils.translation import gettext as _
from django_filters import CharFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.throttling import SimpleRateThrottle


class RateHeaders:
    """Rates read from settings.API_THROTTLE_RATES when a request comes (so that they can be set per test); what is
    left of the tightest one is told in X-RateLimit-* headers (config.middleware.ApiBodyLimitMiddleware)."""

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if getattr(self, "key", None) is not None:
            remaining = max(0, self.num_requests - len(self.history))  # the history holds this request once allowed
            reset = int(self.duration - (self.now - self.history[-1])) if self.history else int(self.duration)
            current = getattr(request._request, "rate_limit", None)
            if current is None or remaining < current[1]:
                request._request.rate_limit = (self.num_requests, remaining, max(reset, 0))
        return allowed


class UserThrottle(RateHeaders, SimpleRateThrottle):
    """Per person: the session and every token of theirs together. 429 with Retry-After beyond the rate."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None  # refused anyway (401)
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class Pagination(PageNumberPagination):
    """`?page=` and `?page_size=` (at most 200); every list has a stable order (ending with the id)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """A page size from 1 to 200, written in digits; another is a 400 (201 or -5 were silently replaced)."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            message = _("Un nombre entier de 1 à %(max)s.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(raw)

    def get_page_number(self, request, paginator):
        """A page number written in digits (`?page=` or `?page=abc` is a 400); one past the last is a 404."""
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) >= 1 and len(raw) <= 18):
            raise ValidationError({self.page_query_param: [_("Un numéro de page : un entier à partir de 1.")]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            parameter["schema"]["maximum"] = (
                self.max_page_size if parameter["name"] == self.page_size_query_param else 10**18 - 1
            )
        return parameters


# --- Query parameters read strictly (issue 28): a misspelt filter is a 400 that names it ------------------------

# Every list's own parameters, besides its filters.
LIST_PARAMETERS = {"page", "page_size", "ordering", "format"}


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing a parameter the resource does not know (`?plann=2` returned everything)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        known |= LIST_PARAMETERS | set(getattr(view, "extra_query_parameters", ()))
        if request.method == "DELETE":
            known.add("version")
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({name: [_("Paramètre inconnu.")] for name in unknown})
        # An empty date, number or choice (`?updated_since=`) is not "no filter": the schema says what it takes.
        typed = (
            {n for n, f in filterset_class.base_filters.items() if not isinstance(f, CharFilter)}
            if filterset_class
            else set()
        )
        empty = sorted(n for n in typed if n in request.query_params and not request.query_params[n].strip())
        if empty:
            raise ValidationError({name: [_("Ce paramètre ne peut pas être vide.")] for name in empty})
        return super().filter_queryset(request, queryset, view)


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` on the fields the resource lists only; another is a 400 (it was silently ignored)."""

    def remove_invalid_fields(self, queryset, fields, view, request):
        valid = super().remove_invalid_fields(queryset, fields, view, request)
        if len(valid) != len([f for f in fields if f]):
            allowed = ", ".join(name for name, _label in self.get_valid_fields(queryset, view, {"request": request}))
            raise ValidationError({"ordering": [_("Tri possible sur : %(fields)s.") % {"fields": allowed}]})
        return valid

    def get_schema_operation_parameters(self, view):
        """The fields one can sort on, each ascending or descending (`-`), as a comma-separated list."""
        (parameter,) = super().get_schema_operation_parameters(view)
        fields = [field for name in view.ordering_fields for field in (name, f"-{name}")]
        parameter.update(schema={"type": "array", "items": {"type": "string", "enum": fields}}, style="form")
        parameter["explode"] = False
        return [parameter]


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
        errors = (
            [e for field in exc.error_dict.values() for e in field] if hasattr(exc, "error_dict") else exc.error_list
        )
        if errors and all(error.code in FORBIDDEN_CODES for error in errors):
            exc = exceptions.PermissionDenied(errors[0].messages[0])
        elif errors and all(error.code in CONFLICT_CODES for error in errors):
            exc = StateConflict(errors[0].messages[0])
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
# "locked": what an action reported this quarter is submitted or validated (indicators.reviews).
FORBIDDEN_CODES = {"closed", "not_tracked", "closed_quarter", "locked", "not_started", "own_submission"}
# A decision the item's state does not allow now (validate what is not submitted, submit twice): 409, as the
# request itself is well formed.
CONFLICT_CODES = {"state", "empty"}


class StateConflict(APIException):
    status_code = 409
    default_code = "state"
