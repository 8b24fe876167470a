"""Base classes of the API's resources: serializers that refuse unknown fields, filters that read ids and dates
strictly, and viewsets scoped to the plans the user is a member of."""

import datetime

from django import forms
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from plans.inputs import MAX_ID, MAX_YEAR, MIN_YEAR, parse_id


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """Another object by its id, read strictly: `1e400` (infinity once parsed), `1.5`, `true`, "²" or an id
    beyond a bigint are a 400 with a message, never an OverflowError."""

    def to_internal_value(self, data):
        object_id = None if isinstance(data, float | bool) else parse_id(data)
        if object_id is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(object_id)


class StrictSerializer(serializers.ModelSerializer):
    """Refuses fields it does not know (a typo would otherwise be ignored silently): 400, one message each; reads
    the ids of related objects strictly (IdRelatedField)."""

    serializer_related_field = IdRelatedField

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            unknown = sorted(set(self.initial_data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("Champ inconnu.")] for name in unknown})
        return super().validate(attrs)


class IdField(forms.CharField):
    """A database id written with ASCII digits (plans.inputs.parse_id): "²", "١٢", " 3" or 30 digits are a 400."""

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


@extend_schema_field({"type": "string", "format": "date-time"})
class SinceFilter(filters.IsoDateTimeFilter):
    """`updated_since`: what changed at or after this moment (ISO 8601), for tools that sync incrementally."""

    field_class = SinceField

    def __init__(self, field_name="updated_at", **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault("label", "updated_since")
        super().__init__(field_name=field_name, **kwargs)


class PlanScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """What belongs to a plan, read by the plan's members only: `plan_path` leads from the model to its plan.

    Another plan's object answers 404 whether it exists or not; a filter on another plan gives an empty list."""

    plan_path = "plan"
    queryset = None

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        from plans.models import Plan

        plans = Plan.objects.visible_to(self.request.user).values("pk")
        return self.base_queryset().filter(**{f"{self.plan_path}__in": plans})


@extend_schema_field({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR})
class YearFilter(filters.NumberFilter):
    """A year the product accepts (plans.inputs): 1900 to 2100; year 0 or 99999 is a 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(*args, **kwargs)
