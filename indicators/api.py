"""Indicator values through the API: read what you can see, write what your role allows, never in a closed quarter."""

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from indicators import services
from indicators.enums import ReviewState
from indicators.models import ActionReview, Indicator, Measurement
from plans.inputs import parse_id
from plans.models import Plan, ReportingPeriod


class MeasurementSerializer(serializers.ModelSerializer):
    # Where the value stands with its validator (indicators.reviews): draft, submitted, validated or returned.
    review_state = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "period",
            "value_number",
            "value_text",
            "comment",
            "parts",
            "entered_by",
            "entered_at",
            "review_state",
        ]
        # The value per category of a broken-down indicator ({"<category id>": "12"}); the total must match them.
        read_only_fields = ["parts", "entered_by", "entered_at"]
        # One value per indicator and quarter: the service updates the existing one instead of refusing.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        plans = Plan.objects.visible_to(self.context["request"].user).values("pk")
        fields["indicator"].queryset = Indicator.objects.filter(plan__in=plans)
        fields["period"].queryset = ReportingPeriod.objects.filter(plan__in=plans)
        return fields

    def get_review_state(self, measurement) -> str:
        state = getattr(measurement, "review", None)
        if state is None and not hasattr(measurement, "review"):
            review = ActionReview.objects.filter(
                action_id=measurement.indicator.action_id, period_id=measurement.period_id
            ).first()
            state = review.state if review else None
        return state or ReviewState.DRAFT


class MeasurementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """`?plan=<id>` and `?period=<id>` filter. Writes go through the quarter's service: same rules as the page."""

    serializer_class = MeasurementSerializer

    def get_queryset(self):
        plans = Plan.objects.visible_to(self.request.user).values("pk")
        review = ActionReview.objects.filter(action=OuterRef("indicator__action"), period=OuterRef("period"))
        queryset = (
            Measurement.objects.filter(indicator__plan__in=plans)
            .select_related("period")
            .annotate(review=Subquery(review.values("state")[:1]))
        )
        for param, lookup in (("plan", "indicator__plan"), ("period", "period")):
            if (value := self.request.query_params.get(param)) is not None:
                object_id = parse_id(value)
                queryset = queryset.filter(**{lookup: object_id}) if object_id else queryset.none()
        return queryset.order_by("indicator", "period__year", "period__quarter")

    def create(self, request, *args, **kwargs):
        return self._save(request, instance=None)

    def update(self, request, *args, **kwargs):
        return self._save(request, instance=self.get_object(), partial=kwargs.get("partial", False))

    def _save(self, request, instance, partial=False):
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = {
            **(
                {}
                if instance is None
                else {
                    "indicator": instance.indicator,
                    "period": instance.period,
                    "value_number": instance.value_number,
                    "value_text": instance.value_text,
                    "comment": instance.comment,
                }
            ),
            **serializer.validated_data,
        }
        indicator, period = data["indicator"], data["period"]
        if instance is not None:
            moved = {
                name: [_("L'indicateur et le trimestre d'une valeur ne changent pas : créez une autre valeur.")]
                for name, current in (("indicator", instance.indicator), ("period", instance.period))
                if data[name] != current
            }
            if moved:
                return Response(moved, status=status.HTTP_400_BAD_REQUEST)
        if indicator.plan_id != period.plan_id:
            return Response(
                {"period": [_("Ce trimestre appartient à un autre plan.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        item = {k: data.get(k, "" if k != "value_number" else None) for k in ("value_number", "value_text", "comment")}
        services.quarter_save(period=period, by=request.user, measurements=[{"indicator": indicator, **item}])
        saved = Measurement.objects.filter(indicator=indicator, period=period).first()
        body = self.get_serializer(saved).data if saved else {}
        return Response(body, status=status.HTTP_201_CREATED if instance is None else status.HTTP_200_OK)
