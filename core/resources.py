"""Base classes of the API's resources: serializers that refuse unknown fields, filters that read ids and dates
strictly, and viewsets scoped to the plans the user is a member of."""

import datetime
import re

from django import forms
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from core.inputs import MAX_ID, MAX_YEAR, MIN_YEAR, clean_text, parse_id


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """Another object by its id, read strictly: `0`, `1e400` (infinity once parsed), `1.5`, `true`, "²" or an id
    beyond a bigint are a 400 with a message, never an OverflowError."""

    default_error_messages = {"invalid_id": _lazy("Identifiant invalide : un entier positif, en chiffres.")}

    def to_internal_value(self, data):
        if isinstance(data, float) and data.is_integer() and abs(data) < 2**63:
            data = int(data)  # 7.0 is an integer for JSON Schema, as for JavaScript
        object_id = None if isinstance(data, float | bool) else parse_id(data)
        if object_id is None:
            self.fail("invalid_id")
        return super().to_internal_value(object_id)


def decimal_pattern(max_digits: int, decimal_places: int, *, signed: bool = True) -> str:
    """What a decimal field takes: digits written as text, a point and at most `decimal_places` more."""
    sign = "-?" if signed else ""
    return rf"^{sign}[0-9]{{1,{max_digits - decimal_places}}}(?:\.[0-9]{{1,{decimal_places}}})?$"


class DecimalTextField(serializers.DecimalField):
    """A decimal written as the schema says (config.schema documents `decimal_pattern`): "12.5" is read; 12.5,
    "1e3", " 12", "12,5", ".5" or "NaN" are a 400 that shows the expected form, not numbers guessed at."""

    default_error_messages = {"text": _lazy('Un nombre écrit en texte, avec un point décimal : "12.5".')}

    @property
    def pattern(self) -> str:
        signed = self.min_value is None or self.min_value < 0
        return decimal_pattern(self.max_digits, self.decimal_places, signed=signed)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(self.pattern, data, re.ASCII):
            self.fail("text")
        return super().to_internal_value(data)


def schema_operation(base: type, name: str, method: str, schema: dict, **attributes) -> type:
    """A subclass of the view `base` that is one operation of the schema of its own: `method` does what the base's
    does, documented by `schema` (extend_schema's arguments). For a view that serves several URLs which each take
    their own body or required parameters (an operation id on a class would give them all the same)."""
    inherited = getattr(base, method)

    @extend_schema(**schema)
    def handler(self, request, *args, **kwargs):
        return inherited(self, request, *args, **kwargs)

    return type(name, (base,), {method: handler, "__module__": base.__module__, **attributes})


class RefusesUnknownFields:
    """A serializer that refuses fields it does not know (a typo would otherwise be ignored silently): 400, one
    message each."""

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Champ inconnu.")] for name in unknown})
        return super().validate(attrs)


class JsonBooleanField(serializers.BooleanField):
    """`true` or `false`, as the schema says: "yes", "true", 1 or "" are a 400 (DRF's own field reads them)."""

    default_error_messages = {"invalid": _lazy("« true » ou « false » (un booléen JSON, sans guillemets).")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class CleanCharField(serializers.CharField):
    """Text as the pages save it (core.inputs.clean_text), before the checks: pasted control characters, the
    null character included, are removed and lone surrogates replaced, not refused (nor a 500 from the database)."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return clean_text(value)


class StrictSerializer(RefusesUnknownFields, serializers.ModelSerializer):
    """Refuses unknown fields; reads the ids of related objects strictly (IdRelatedField)."""

    serializer_related_field = IdRelatedField
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping}
    serializer_field_mapping[models.DecimalField] = DecimalTextField
    serializer_field_mapping[models.BooleanField] = JsonBooleanField
    serializer_field_mapping[models.CharField] = CleanCharField
    serializer_field_mapping[models.TextField] = CleanCharField


class IdField(forms.CharField):
    """A database id written with ASCII digits (core.inputs.parse_id): "²", "١٢", " 3" or 30 digits are a 400."""

    def __init__(self, *args, **kwargs):
        kwargs["strip"] = False
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        object_id = parse_id(value)
        if object_id is None:
            raise forms.ValidationError(_("Identifiant invalide : un entier positif, en chiffres."), code="invalid")
        return object_id


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.Filter):
    """An object's id in a filter (see IdField); another plan's id gives an empty list, never a sign it exists."""

    field_class = IdField


class SinceField(IsoDateTimeField):
    """An ISO 8601 moment within the years the product knows, given to the database in UTC (an offset such as
    -21:55, which Python reads, is out of PostgreSQL's range)."""

    def clean(self, value):
        value = super().clean(value)
        if value is None:
            return None
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise forms.ValidationError(
                _("Une date entre %(min)s et %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}, code="year"
            )
        return value.astimezone(datetime.UTC) if value.tzinfo else value


# A date's year as the server checks it (core.inputs: 1900 to 2100), stated in the schema of every date.
YEAR_PATTERN = r"^(19[0-9]{2}|20[0-9]{2}|2100)-"


@extend_schema_field({"type": "string", "format": "date-time", "pattern": YEAR_PATTERN})
class SinceFilter(filters.IsoDateTimeFilter):
    """`updated_since`: what changed at or after this moment (ISO 8601), for tools that sync incrementally."""

    field_class = SinceField

    def __init__(self, field_name="updated_at", **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", "updated_since")
        super().__init__(field_name=field_name, **kwargs)


@extend_schema_field({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR})
class YearFilter(filters.NumberFilter):
    """A year the product accepts (core.inputs): 1900 to 2100; year 0 or 99999 is a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)


# --- Versions, ETags and preconditions (issue 28) -------------------------------------------------------------


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = _lazy(
        "Indiquez la version lue : le champ `version`, ou l'en-tête If-Match avec l'ETag reçu à la lecture."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = 412
    default_detail = _lazy("L'ETag donné dans If-Match n'est plus celui de cet élément : relisez-le.")
    default_code = "precondition_failed"


def etag(version: int) -> str:
    """A strong ETag: the resource's version, quoted."""
    return f'"{version}"'


# What If-Match takes, as the schema says: one strong ETag as this API sends them (a version, quoted).
ETAG_PATTERN = r'^"[1-9][0-9]{0,17}"$'


def _tag_version(header: str, name: str) -> int:
    text = header.strip()
    if text.startswith("W/"):
        raise ValidationError({name: [_("Un ETag faible (W/) ne vaut pas pour une écriture : donnez l'ETag reçu.")]})
    version = int(text[1:-1]) if re.fullmatch(ETAG_PATTERN, text, re.ASCII) else None
    if version is None:
        raise ValidationError({name: [_('ETag illisible : donnez celui reçu à la lecture, par exemple "3".')]})
    return version


class VersionedResource:
    """What every writable resource shares: its `version` as a strong ETag on every answer about one item,
    `If-None-Match` answered 304 on reads, and the version read required on every change (the `version` field
    or `If-Match`; 428 without either). A stale `version` is 409 with the current state; a stale `If-Match`,
    412 with it."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        one_item = isinstance(data, dict) and isinstance(data.get("version"), int) and "id" in data
        if one_item and 200 <= response.status_code < 300:
            response["ETag"] = etag(data["version"])
        return response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        tags = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",") if tag.strip()]
        if etag(instance.version) in tags or "*" in tags:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
            response["ETag"] = etag(instance.version)
            return response
        return Response(self.get_serializer(instance).data)

    def created_fields(self, request) -> dict:
        """A creation's fields, checked; a `version` is refused there (a POST never updates)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        posted = dict(serializer.validated_data)
        if "version" in posted:
            message = _("Une création ne porte pas de version : pour modifier ce qui existe, utilisez PATCH.")
            raise ValidationError({"version": [message]})
        return posted

    def version_read(self, request, body_version: int | None) -> tuple[int, bool]:
        """(the version the client read, whether it came from If-Match); 428 when it gave none."""
        header = request.headers.get("If-Match")
        if header is None:
            if body_version is None:
                raise PreconditionRequired
            return body_version, False
        version = _tag_version(header, "If-Match")
        if body_version is not None and body_version != version:
            return 0, True  # two versions: one at least is stale, so the precondition fails (412, current state)
        return version, True

    def stale(self, instance, from_header: bool) -> Response:
        """The answer to a change made on a version that is no longer the item's: its current state."""
        current = self.get_serializer(instance).data
        if from_header:
            body = {"detail": str(PreconditionFailed.default_detail), "current": current}
            return Response(body, status=status.HTTP_412_PRECONDITION_FAILED)
        body = {
            "detail": _("Quelqu'un d'autre a modifié cet élément depuis votre lecture : voici son état actuel."),
            "current": current,
        }
        return Response(body, status=status.HTTP_409_CONFLICT)

    def deletion_version(self, request) -> tuple[int, bool]:
        """A DELETE's version: If-Match, or `?version=`."""
        raw = request.query_params.get("version")
        body_version = None
        if raw is not None:
            body_version = parse_id(raw)
            if body_version is None:
                raise ValidationError({"version": [_("Une version est un entier positif.")]})
        return self.version_read(request, body_version)


class StrictBooleanField(forms.Field):
    """`true` or `false` (or 1 / 0); "yes" is a 400, not a filter silently left out."""

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        if value in ("true", "True", "1"):
            return True
        if value in ("false", "False", "0"):
            return False
        raise forms.ValidationError(_("« true » ou « false »."), code="invalid")


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput)  # the value as sent: BooleanWidget turns "yes" into None
        super().__init__(*args, **kwargs)
