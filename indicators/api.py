"""Indicators, progress updates and values through the API: read what you can see, write what your role allows,
by the same services as the pages (never in a closed quarter, never what is submitted or validated).

Every update carries the `version` read (409 with the current state when someone changed it since)."""

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from config.resources import IdFilter, SinceFilter, StrictSerializer, YearFilter
from indicators import jobs, perms, services
from indicators.enums import IndicatorKind, ReviewState
from indicators.exports import FORMATS
from indicators.exports import render as render_export
from indicators.models import ActionReview, ExportJob, Indicator, Measurement, ProgressUpdate
from plans.enums import ActionStatus, PillarKind
from plans.inputs import parse_id
from plans.models import Plan, ReportingPeriod

CONFLICT = OpenApiResponse(
    description="Changé par quelqu'un d'autre depuis votre lecture : l'état actuel est joint / Changed by someone "
    "else since you read it: the current state is attached"
)
REFUSED = OpenApiResponse(
    description="Votre rôle ne le permet pas, le trimestre est clos, ou il est soumis / validé / Your role does not "
    "allow it, the quarter is closed, or it is submitted / validated"
)
INVALID = OpenApiResponse(
    description="Une erreur par champ, dans la langue demandée (Accept-Language) / One error per field, in the "
    "language asked for (Accept-Language)"
)


def _visible_plans(request):
    return Plan.objects.visible_to(request.user).values("pk")


def _conflict(serializer_data) -> Response:
    return Response(
        {
            "detail": _("Quelqu'un d'autre a modifié cet élément depuis votre lecture : voici son état actuel."),
            "current": serializer_data,
        },
        status=status.HTTP_409_CONFLICT,
    )


def _version_missing() -> Response:
    return Response({"version": [_("Indiquez la version lue.")]}, status=status.HTTP_400_BAD_REQUEST)


class QuarterItemViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """What a quarter holds (values, progress updates), written through the quarter's service; every update, and
    a POST over an existing item, carries the `version` read (409 with the current state otherwise)."""

    def create(self, request, *args, **kwargs):
        return self._save(request, instance=None)

    def update(self, request, *args, **kwargs):
        return self._save(request, instance=self.get_object(), partial=kwargs.get("partial", False))

    def _posted(self, request, instance, partial):
        """(posted fields, version read, None), or (None, None, the refusal) when the version is missing or old."""
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        posted = dict(serializer.validated_data)
        version = posted.pop("fingerprint", None)
        if instance is not None:
            if version is None:
                return None, None, _version_missing()
            if version != instance.fingerprint:
                return None, None, _conflict(self.get_serializer(instance).data)
        return posted, version, None

    def _conflicted(self, save, **item) -> Response | None:
        """Run the quarter's service; when someone else saved the same item meanwhile (checked under the quarter's
        lock), 409 with what is saved now instead of a silent overwrite."""
        try:
            save()
        except ValidationError as error:
            codes = {e.code for errors in getattr(error, "error_dict", {}).values() for e in errors}
            if "conflict" not in codes:
                raise
            return _conflict(self.get_serializer(self.get_queryset().get(**item)).data)
        return None

    def _already_there(self, version, period, **item):
        """A POST over an item the quarter already holds: only knowingly (its version), else 409 with it. A
        closed quarter is left to the service, which says so (403)."""
        if period.is_closed:
            return None
        existing = self.get_queryset().filter(period=period, **item).first()
        if existing is not None and version != existing.fingerprint:
            return _conflict(self.get_serializer(existing).data)
        return None


# --- Values ---------------------------------------------------------------------------------------------------


class MeasurementSerializer(StrictSerializer):
    # Where the value stands with its validator (indicators.reviews): draft, submitted, validated or returned.
    review_state = serializers.SerializerMethodField()
    version = serializers.CharField(
        source="fingerprint",
        required=False,
        max_length=64,
        help_text="The version you read; required to update (409 if the value changed since).",
    )

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
            "version",
        ]
        # The value per category of a broken-down indicator ({"<category id>": "12"}); the total must match them.
        read_only_fields = ["parts", "entered_by", "entered_at"]
        # One value per indicator and quarter: the service updates the existing one instead of refusing.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        plans = _visible_plans(self.context["request"])
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


class MeasurementFilter(filters.FilterSet):
    plan = IdFilter(field_name="indicator__plan")
    period = IdFilter(field_name="period")
    indicator = IdFilter(field_name="indicator")
    action = IdFilter(field_name="indicator__action")
    year = YearFilter(field_name="period__year")
    updated_since = SinceFilter(field_name="entered_at")

    class Meta:
        model = Measurement
        fields = ["plan", "period", "indicator", "action", "year", "updated_since"]


@extend_schema_view(
    create=extend_schema(responses={201: MeasurementSerializer, 400: INVALID, 403: REFUSED, 409: CONFLICT}),
    update=extend_schema(responses={200: MeasurementSerializer, 400: INVALID, 403: REFUSED, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: MeasurementSerializer, 400: INVALID, 403: REFUSED, 409: CONFLICT}),
)
class MeasurementViewSet(QuarterItemViewSet):
    """The values of the indicators, one per quarter. Writes go through the quarter's service: same rules as the
    page. POST on an indicator and quarter that already hold a value updates it if it carries that value's
    `version`, else answers 409 with the value."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    ordering_fields = ["entered_at", "id"]
    ordering = ["indicator", "period__year", "period__quarter", "id"]

    def get_queryset(self):
        review = ActionReview.objects.filter(action=OuterRef("indicator__action"), period=OuterRef("period"))
        return (
            Measurement.objects.filter(indicator__plan__in=_visible_plans(self.request))
            .select_related("period", "indicator")
            .annotate(review=Subquery(review.values("state")[:1]))
        )

    def _save(self, request, instance, partial=False):
        posted, version, refused = self._posted(request, instance, partial)
        if refused is not None:
            return refused
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
            **posted,
        }
        indicator, period = data["indicator"], data["period"]
        if instance is None and (refused := self._already_there(version, period, indicator=indicator)):
            return refused
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
        if version is not None:
            item["loaded"] = version  # the service checks it again, under the quarter's lock
        elif instance is None:
            item["expect_new"] = True  # …and that no one created it since _already_there() looked
        measurements = [{"indicator": indicator, **item}]
        if refused := self._conflicted(
            lambda: services.quarter_save(period=period, by=request.user, measurements=measurements),
            indicator=indicator,
            period=period,
        ):
            return refused
        saved = self.get_queryset().filter(indicator=indicator, period=period).first()
        body = self.get_serializer(saved).data if saved else {}
        return Response(body, status=status.HTTP_201_CREATED if instance is None else status.HTTP_200_OK)


# --- Indicators -----------------------------------------------------------------------------------------------


class IndicatorSerializer(StrictSerializer):
    version = serializers.DateTimeField(
        source="updated_at",
        required=False,
        help_text="The version you read (its `updated_at`); required to update (409 if it changed since).",
    )

    class Meta:
        model = Indicator
        fields = ["id", "plan", *Indicator.EDITABLE_FIELDS, "order", "version"]
        read_only_fields = ["order"]

    def get_fields(self):
        fields = super().get_fields()
        plans = _visible_plans(self.context["request"])
        fields["plan"].queryset = Plan.objects.filter(pk__in=plans)
        fields["action"].queryset = fields["action"].queryset.filter(plan__in=plans)
        for name in ("breakdown", "breakdown_second"):
            fields[name].queryset = fields[name].queryset.filter(plan__in=plans)
        return fields


class IndicatorFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan")
    action = IdFilter(field_name="action")
    kind = filters.ChoiceFilter(choices=IndicatorKind.choices)
    pillar_kind = filters.ChoiceFilter(field_name="action__axis__pillar__kind", choices=PillarKind.choices)
    is_key = filters.BooleanFilter()
    updated_since = SinceFilter()

    class Meta:
        model = Indicator
        fields = ["plan", "action", "kind", "pillar_kind", "is_key", "updated_since"]


@extend_schema_view(
    create=extend_schema(responses={201: IndicatorSerializer, 400: INVALID, 403: REFUSED}),
    update=extend_schema(responses={200: IndicatorSerializer, 400: INVALID, 403: REFUSED, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: IndicatorSerializer, 400: INVALID, 403: REFUSED, 409: CONFLICT}),
)
class IndicatorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Result (R), impact (I) and context indicators. The drafting committee (coordinators, editors) defines
    them; what gives values their meaning does not change once a closed quarter holds one."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering_fields = ["order", "updated_at", "id"]
    ordering = ["plan", "action", "order", "id"]

    def get_queryset(self):
        return Indicator.objects.filter(plan__in=_visible_plans(self.request)).select_related("plan")

    def _plan(self, plan_id):
        return Plan.objects.visible_to(self.request.user).get(pk=plan_id)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        fields.pop("updated_at", None)
        plan = self._plan(fields.pop("plan").pk)
        indicator = services.indicator_create(plan=plan, by=request.user, **fields)
        return Response(self.get_serializer(indicator).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        indicator = self.get_object()
        serializer = self.get_serializer(indicator, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        version = fields.pop("updated_at", None)
        if version is None:
            return _version_missing()
        if version != indicator.updated_at:
            return _conflict(self.get_serializer(indicator).data)
        if fields.pop("plan", indicator.plan) != indicator.plan:
            return Response({"plan": [_("Un indicateur ne change pas de plan.")]}, status=400)
        plan = self._plan(indicator.plan_id)
        if not perms.can_define_indicators(request.user, plan):
            return Response({"detail": _("Votre rôle ne permet pas cette modification sur ce plan.")}, status=403)
        indicator.plan = plan
        indicator = services.indicator_update(indicator=indicator, by=request.user, **fields)
        return Response(self.get_serializer(indicator).data)


# --- Progress updates -----------------------------------------------------------------------------------------


class ProgressUpdateSerializer(StrictSerializer):
    review_state = serializers.SerializerMethodField()
    version = serializers.CharField(
        source="fingerprint",
        required=False,
        max_length=64,
        help_text="The version you read; required to update (409 if it changed since).",
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "action",
            "period",
            "status",
            "progress",
            "note",
            "blockers",
            "entered_by",
            "entered_at",
            "review_state",
            "version",
        ]
        read_only_fields = ["entered_by", "entered_at"]
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        plans = _visible_plans(self.context["request"])
        fields["action"].queryset = fields["action"].queryset.filter(plan__in=plans)
        fields["period"].queryset = ReportingPeriod.objects.filter(plan__in=plans)
        return fields

    def get_review_state(self, update) -> str:
        return getattr(update, "review", None) or ReviewState.DRAFT


class ProgressUpdateFilter(filters.FilterSet):
    plan = IdFilter(field_name="action__plan")
    period = IdFilter(field_name="period")
    action = IdFilter(field_name="action")
    status = filters.ChoiceFilter(choices=ActionStatus.choices)
    year = YearFilter(field_name="period__year")
    updated_since = SinceFilter(field_name="entered_at")

    class Meta:
        model = ProgressUpdate
        fields = ["plan", "period", "action", "status", "year", "updated_since"]


@extend_schema_view(
    create=extend_schema(responses={201: ProgressUpdateSerializer, 400: INVALID, 403: REFUSED, 409: CONFLICT}),
    update=extend_schema(responses={200: ProgressUpdateSerializer, 400: INVALID, 403: REFUSED, 409: CONFLICT}),
    partial_update=extend_schema(responses={200: ProgressUpdateSerializer, 400: INVALID, 403: REFUSED, 409: CONFLICT}),
)
class ProgressUpdateViewSet(QuarterItemViewSet):
    """Where each action stands at the end of a quarter. Written by whoever reports on the action (contributors
    on what their organisation leads), through the quarter's service."""

    serializer_class = ProgressUpdateSerializer
    filterset_class = ProgressUpdateFilter
    ordering_fields = ["entered_at", "id"]
    ordering = ["action", "period__year", "period__quarter", "id"]

    def get_queryset(self):
        review = ActionReview.objects.filter(action=OuterRef("action"), period=OuterRef("period"))
        return (
            ProgressUpdate.objects.filter(action__plan__in=_visible_plans(self.request))
            .select_related("period", "action")
            .annotate(review=Subquery(review.values("state")[:1]))
        )

    def _save(self, request, instance, partial=False):
        posted, version, refused = self._posted(request, instance, partial)
        if refused is not None:
            return refused
        if instance is not None:
            for name in ("action", "period"):
                if posted.get(name, getattr(instance, name)) != getattr(instance, name):
                    message = _("L'action et le trimestre d'un point d'avancement ne changent pas.")
                    return Response({name: [message]}, status=status.HTTP_400_BAD_REQUEST)
        current = {
            "action": instance.action if instance else None,
            "period": instance.period if instance else None,
            "status": instance.status if instance else ActionStatus.IN_PROGRESS,
            "progress": instance.progress if instance else 0,
            "note": instance.note if instance else "",
            "blockers": instance.blockers if instance else "",
        }
        data = {**current, **posted}
        action, period = data["action"], data["period"]
        if instance is None and (refused := self._already_there(version, period, action=action)):
            return refused
        if action.plan_id != period.plan_id:
            return Response(
                {"period": [_("Ce trimestre appartient à un autre plan.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        item = {name: data[name] for name in ("action", "status", "progress", "note", "blockers")}
        if version is not None:
            item["loaded"] = version
        elif instance is None:
            item["expect_new"] = True
        if refused := self._conflicted(
            lambda: services.quarter_save(period=period, by=request.user, progress=[item]),
            action=action,
            period=period,
        ):
            return refused
        saved = self.get_queryset().filter(action=action, period=period).first()
        body = self.get_serializer(saved).data if saved else {}
        return Response(body, status=status.HTTP_201_CREATED if instance is None else status.HTTP_200_OK)


# --- Reports --------------------------------------------------------------------------------------------------

REPORT_NAMES = {"trimestre": "Rapport trimestriel", "bilan": "Bilan annuel", "suivi": "Tableau de suivi SeNe"}


def _visible_plan(request, pk) -> Plan:
    plan = Plan.objects.visible_to(request.user).select_related("territory").filter(pk=pk).first()
    if plan is None:
        raise NotFound
    return plan


class ReportLinkSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=list(REPORT_NAMES))
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    quarter = serializers.IntegerField(allow_null=True)
    formats = serializers.DictField(child=serializers.URLField(), help_text="format → download URL")


class ExportJobSerializer(serializers.ModelSerializer):
    file = serializers.SerializerMethodField(help_text="The download URL once `status` is `done`.")

    class Meta:
        model = ExportJob
        fields = ["id", "report", "params", "fmt", "section", "status", "error", "requested_at", "finished_at", "file"]

    def get_file(self, job) -> str | None:
        if job.status != ExportJob.DONE:
            return None
        return self.context["request"].build_absolute_uri(reverse("api_export_file", args=[job.pk]))


def _report_params(report: str, query) -> dict | None:
    """The year / quarter a report needs, read strictly; None if they are missing or wrong."""
    needs = {"trimestre": ("year", "quarter"), "bilan": ("year",), "suivi": ()}[report]
    params = {}
    for name in needs:
        value = parse_id(query.get(name, ""))
        if value is None:
            return None
        params[name] = value
    return params


class PlanReportsView(APIView):
    """Every report of a plan, with a download URL per format: quarterly reports, annual reviews, the SeNe table."""

    @extend_schema(responses={200: ReportLinkSerializer(many=True)})
    def get(self, request, pk):
        plan = _visible_plan(request, pk)
        base = request.build_absolute_uri(reverse("api_report", args=[plan.pk, "placeholder"]))

        def link(report, title, **params):
            url = base.replace("placeholder", report)
            query = "&".join(f"{name}={value}" for name, value in params.items())
            formats = {fmt: f"{url}?{query + '&' if query else ''}format={fmt}" for fmt in FORMATS}
            return {"report": report, "title": title, "formats": formats, **{"year": None, "quarter": None}, **params}

        links = [link("suivi", str(REPORT_NAMES["suivi"]))]
        links += [link("bilan", f"{REPORT_NAMES['bilan']} {year}", year=year) for year in plan.years]
        links += [
            link("trimestre", f"{REPORT_NAMES['trimestre']} {period.label}", year=period.year, quarter=period.quarter)
            for period in plan.periods.order_by("year", "quarter")
        ]
        return Response(ReportLinkSerializer(links, many=True).data)


class JsonOnly(DefaultContentNegotiation):
    """`?format=` names the report's file format here, not DRF's renderer: errors and exports are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReportFileView(APIView):
    """A report as a file: sent at once when it is quick to build, else prepared in the background (202 with the
    export to follow at `/api/v1/exports/<id>/`). `format`: pdf, xlsx, ods, csv, csv-opendata (`section` for a
    CSV: one part of the report)."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=list(FORMATS), required=True),
            OpenApiParameter("year", int),
            OpenApiParameter("quarter", int, enum=[1, 2, 3, 4]),
            OpenApiParameter("section", str),
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            202: ExportJobSerializer,
            400: INVALID,
            404: OpenApiResponse(description="Plan ou période introuvable / Plan or period not found"),
        },
    )
    def get(self, request, pk, report):
        plan = _visible_plan(request, pk)
        if report not in REPORT_NAMES:
            raise NotFound
        fmt = request.query_params.get("format", "")
        if fmt not in FORMATS:
            message = _("Format inconnu : choisissez parmi %(formats)s.") % {"formats": ", ".join(FORMATS)}
            return Response({"format": [message]}, status=400)
        params = _report_params(report, request.query_params)
        if params is None:
            return Response({"detail": _("Indiquez l'année (et le trimestre) du rapport.")}, status=400)
        period = None
        if report == "trimestre":
            period = plan.periods.filter(year=params["year"], quarter=params["quarter"]).first()
            if period is None:
                raise NotFound(_("Ce trimestre n'est pas dans la période du plan."))
        elif report == "bilan" and params["year"] not in plan.years:
            raise NotFound(_("Cette année n'est pas dans la période du plan."))
        section = ""
        if fmt.startswith("csv"):
            section = request.query_params.get("section") or jobs.MAIN_SECTION[report]
        if jobs.needs_background(plan, fmt):
            job = jobs.export_request(
                plan=plan, by=request.user, report=report, params=params, fmt=fmt, section=section
            )
            if job.status != ExportJob.DONE:
                body = ExportJobSerializer(job, context={"request": request}).data
                location = request.build_absolute_uri(reverse("api_export", args=[job.pk]))
                return Response(body, status=202, headers={"Location": location})
            with job.file.open("rb") as stored:
                return _file(stored.read(), job.content_type, job.filename)
        built = jobs.build_report(plan, report, params, period=period)
        built.generated_at = timezone.localtime()
        chosen = built.section(section) if section else None
        if section and chosen is None:
            return Response({"section": [_("Cette partie du rapport n'existe pas pour cette période.")]}, status=400)
        content_type, extension = FORMATS[fmt]
        body = render_export(built, fmt, section=chosen, base_url=request.build_absolute_uri("/"))
        return _file(body, content_type, built.filename(extension, section=chosen, opendata=fmt == "csv-opendata"))


def _file(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ExportJobView(APIView):
    """A report being prepared: queued, running, done (with its file's URL) or failed (with why)."""

    @extend_schema(responses={200: ExportJobSerializer, 202: ExportJobSerializer})
    def get(self, request, job_pk):
        jobs.exports_reap()
        job = ExportJob.objects.filter(plan__in=_visible_plans(request), pk=job_pk).first()
        if job is None:
            raise NotFound
        body = ExportJobSerializer(job, context={"request": request}).data
        return Response(body, status=202 if job.is_pending else 200)


class ExportFileView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, job_pk):
        job = ExportJob.objects.filter(plan__in=_visible_plans(request), pk=job_pk, status=ExportJob.DONE).first()
        if job is None:
            raise NotFound
        with job.file.open("rb") as stored:
            return _file(stored.read(), job.content_type, job.filename)
