"""Indicators, progress updates and values through the API: read what you can see, write what your role allows,
by the same services as the pages (never in a closed quarter, never what is submitted or validated).

Every update carries the `version` read (409 with the current state when someone changed it since)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Subquery
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.inputs import MAX_ID, MAX_YEAR, MIN_YEAR, parse_id
from core.resources import (
    BooleanFilter,
    DecimalTextField,
    IdFilter,
    SinceFilter,
    StrictSerializer,
    VersionedResource,
    YearFilter,
    schema_operation,
)
from indicators import jobs, perms, services
from indicators.enums import IndicatorKind, ReviewState
from indicators.exports import FORMATS
from indicators.exports import render as render_export
from indicators.models import ActionReview, ExportJob, Indicator, Measurement, ProgressUpdate
from plans.api import PlanScoped
from plans.enums import ActionStatus, PillarKind
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


class QuarterItemViewSet(
    PlanScoped,
    VersionedResource,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """What a quarter holds (values, progress updates), written through the quarter's service, by the pages' rules.

    POST creates, never updates: over an existing item it answers 409 with it. PATCH/PUT and DELETE carry the
    version read (`version`, or If-Match): 428 without, 409/412 with the current state when it changed."""

    item_key = ""  # "indicator" or "action": what, with the quarter, names one item

    def create(self, request, *args, **kwargs):
        posted = self.created_fields(request)
        item, period = posted[self.item_key], posted["period"]
        if (refused := self._other_plan(item, period)) is not None:
            return refused
        existing = self._existing(period, item)
        if existing is not None and not period.is_closed:  # a closed quarter: the service says so (403)
            return self._exists(existing)
        values = self.values(None, posted)
        if isinstance(values, Response):
            return values
        if refused := self._saved(period, {self.item_key: item, **values, "expect_new": True}):
            return refused
        return Response(self._read(item, period), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        posted = dict(serializer.validated_data)
        version, from_header = self.version_read(request, posted.pop("version", None))
        if version != instance.version:
            return self.stale(instance, from_header)
        item, period = getattr(instance, self.item_key), instance.period
        moved = []
        for name in (self.item_key, "period"):
            if posted.pop(name, getattr(instance, name)) != getattr(instance, name):
                moved.append(name)
        if moved:
            return Response({name: [self.fixed_message] for name in moved}, status=status.HTTP_400_BAD_REQUEST)
        if not kwargs.get("partial", False):  # PUT: what is not sent takes its default
            instance = None
        values = self.values(instance, posted)
        if isinstance(values, Response):
            return values
        if refused := self._saved(period, {self.item_key: item, **values, "version": version}, from_header):
            return refused
        return Response(self._read(item, period))

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        version, from_header = self.deletion_version(request)
        if version != instance.version:
            return self.stale(instance, from_header)
        try:
            self.remove_item(instance, version)
        except ValidationError as error:
            if not _is_conflict(error):
                raise
            return self._stale_now(instance, from_header)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # What each kind of item says.
    fixed_message = ""

    def values(self, instance, posted) -> dict | Response:
        """The item's fields once `posted` is applied to `instance` (None: the defaults)."""
        raise NotImplementedError

    def save_items(self, period, item) -> None:
        raise NotImplementedError

    def remove_item(self, instance, version) -> None:
        raise NotImplementedError

    def _other_plan(self, item, period) -> Response | None:
        if item.plan_id != period.plan_id:
            return Response(
                {"period": [_("Ce trimestre appartient à un autre plan.")]}, status=status.HTTP_400_BAD_REQUEST
            )
        return None

    def _existing(self, period, item):
        """The item the quarter already holds, looked for before writing (the service looks again, under the
        quarter's lock, for a client that raced this one)."""
        return self.get_queryset().filter(period=period, **{self.item_key: item}).first()

    def _exists(self, existing) -> Response:
        body = {
            "detail": _("Ce trimestre a déjà cet élément : modifiez-le (PATCH, avec sa version) au lieu de le créer."),
            "current": self.get_serializer(existing).data,
        }
        return Response(body, status=status.HTTP_409_CONFLICT)

    def _saved(self, period, item, from_header=False) -> Response | None:
        """Run the quarter's service; someone else's save meanwhile (checked under the quarter's lock) is 409 (or
        412) with what is saved now, never a silent overwrite."""
        try:
            self.save_items(period, item)
        except ValidationError as error:
            if not _is_conflict(error):
                raise
            existing = self.get_queryset().filter(period=period, **{self.item_key: item[self.item_key]}).first()
            if existing is None:
                return Response({"detail": _("Cet élément a été supprimé depuis votre lecture.")}, status=409)
            if "version" not in item:
                return self._exists(existing)
            return self.stale(existing, from_header)
        return None

    def _stale_now(self, instance, from_header) -> Response:
        existing = self.get_queryset().filter(pk=instance.pk).first()
        if existing is None:
            return Response({"detail": _("Cet élément a été supprimé depuis votre lecture.")}, status=409)
        return self.stale(existing, from_header)

    def _read(self, item, period) -> dict:
        return self.get_serializer(self.get_queryset().get(period=period, **{self.item_key: item})).data


def _is_conflict(error: ValidationError) -> bool:
    errors = [e for field in error.error_dict.values() for e in field] if hasattr(error, "error_dict") else []
    return any(e.code == "conflict" for e in errors)


VERSION_HELP = (
    "The version you read (also the ETag). Required to update (or If-Match): 428 without it, 409 with the current "
    "state if it changed since. Not sent on creation."
)


# --- Values ---------------------------------------------------------------------------------------------------


class MeasurementSerializer(StrictSerializer):
    # Where the value stands with its validator (indicators.reviews): draft, submitted, validated or returned.
    review_state = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(source="entered_at", read_only=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=VERSION_HELP)
    parts = serializers.DictField(
        child=DecimalTextField(max_digits=14, decimal_places=2, normalize_output=True),
        required=False,
        help_text='A broken-down indicator\'s value per category id ({"12": "4"}): they must add up to the '
        "value (left out, the value is their total).",
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
            "updated_at",
            "review_state",
            "version",
        ]
        # The value per category of a broken-down indicator ({"<category id>": "12"}); the total must match them.
        read_only_fields = ["entered_by"]
        # `null` is not a way to delete a value (DELETE is): a number, or no field at all.
        extra_kwargs = {"value_number": {"allow_null": False}}
        # One value per indicator and quarter: a second POST answers 409 with the first.
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
    page. POST creates (409 with the value if the quarter has one); PATCH/PUT update and DELETE removes, with
    the version read."""

    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    ordering_fields = ["entered_at", "id"]
    ordering = ["indicator", "period__year", "period__quarter", "id"]
    item_key = "indicator"
    fixed_message = _lazy("L'indicateur et le trimestre d'une valeur ne changent pas : créez une autre valeur.")

    plan_path = "indicator__plan"

    def base_queryset(self):
        review = ActionReview.objects.of_row("indicator__action")
        return Measurement.objects.select_related("period", "indicator").annotate(
            review=Subquery(review.values("state")[:1])
        )

    def values(self, instance, posted):
        current = {
            "value_number": instance.value_number if instance else None,
            "value_text": instance.value_text if instance else "",
            "comment": instance.comment if instance else "",
        }
        values = {**current, **{k: v for k, v in posted.items() if k in current}}
        if "parts" in posted:
            values["parts"] = {str(key): value for key, value in posted["parts"].items()}
            if "value_number" not in posted:  # new parts without a total: the total is theirs
                values["value_number"] = None
        if (
            values["value_number"] is None
            and not values["value_text"]
            and not values["comment"]
            and not values.get("parts")
        ):
            message = _("Une valeur vide n'est pas enregistrée : pour supprimer une valeur, utilisez DELETE.")
            return Response({"value_number": [message]}, status=status.HTTP_400_BAD_REQUEST)
        return values

    def save_items(self, period, item):
        services.quarter_save(period=period, by=self.request.user, measurements=[item])

    def remove_item(self, instance, version):
        empty = {"indicator": instance.indicator, "value_number": None, "value_text": "", "comment": "", "parts": {}}
        item = {**empty, "version": version}
        services.quarter_save(period=instance.period, by=self.request.user, measurements=[item])


# --- Indicators -----------------------------------------------------------------------------------------------


class IndicatorSerializer(StrictSerializer):
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=VERSION_HELP)

    class Meta:
        model = Indicator
        fields = ["id", "plan", *Indicator.EDITABLE_FIELDS, "order", "updated_at", "version"]
        read_only_fields = ["order", "updated_at"]

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
    is_key = BooleanFilter()
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
    PlanScoped,
    VersionedResource,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Result (R), impact (I) and context indicators. The drafting committee (coordinators, editors) defines
    them; what gives values their meaning does not change once a closed quarter holds one. Updates and
    deletions carry the version read (`version` or If-Match)."""

    serializer_class = IndicatorSerializer
    filterset_class = IndicatorFilter
    ordering_fields = ["order", "updated_at", "id"]
    ordering = ["plan", "action", "order", "id"]

    def base_queryset(self):
        return Indicator.objects.select_related("plan")

    def _plan(self, plan_id):
        return Plan.objects.visible_to(self.request.user).get(pk=plan_id)

    def create(self, request, *args, **kwargs):
        fields = self.created_fields(request)
        plan = self._plan(fields.pop("plan").pk)
        indicator = services.indicator_create(plan=plan, by=request.user, **fields)
        return Response(self.get_serializer(indicator).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        indicator = self.get_object()
        serializer = self.get_serializer(indicator, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        version, from_header = self.version_read(request, fields.pop("version", None))
        if fields.pop("plan", indicator.plan) != indicator.plan:
            return Response({"plan": [_("Un indicateur ne change pas de plan.")]}, status=400)
        plan = self._plan(indicator.plan_id)
        if not perms.can_define_indicators(request.user, plan):
            return Response({"detail": _("Votre rôle ne permet pas cette modification sur ce plan.")}, status=403)
        with transaction.atomic():  # the version compared under the row's lock: two writers, one wins
            locked = Indicator.objects.select_for_update().get(pk=indicator.pk)
            if locked.version != version:
                return self.stale(locked, from_header)
            locked.plan = plan
            indicator = services.indicator_update(indicator=locked, by=request.user, **fields)
        return Response(self.get_serializer(indicator).data)

    def destroy(self, request, *args, **kwargs):
        indicator = self.get_object()
        version, from_header = self.deletion_version(request)
        with transaction.atomic():
            locked = Indicator.objects.select_for_update().select_related("plan").get(pk=indicator.pk)
            if locked.version != version:
                return self.stale(locked, from_header)
            services.indicator_delete(indicator=locked, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Progress updates -----------------------------------------------------------------------------------------


class ProgressUpdateSerializer(StrictSerializer):
    review_state = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField(source="entered_at", read_only=True)
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=VERSION_HELP)

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
            "updated_at",
            "review_state",
            "version",
        ]
        read_only_fields = ["entered_by"]
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
    item_key = "action"
    fixed_message = _lazy("L'action et le trimestre d'un point d'avancement ne changent pas.")

    plan_path = "action__plan"

    def base_queryset(self):
        review = ActionReview.objects.of_row()
        return ProgressUpdate.objects.select_related("period", "action").annotate(
            review=Subquery(review.values("state")[:1])
        )

    def values(self, instance, posted):
        current = {
            "status": instance.status if instance else ActionStatus.IN_PROGRESS,
            "progress": instance.progress if instance else 0,
            "note": instance.note if instance else "",
            "blockers": instance.blockers if instance else "",
        }
        return {**current, **{k: v for k, v in posted.items() if k in current}}

    def save_items(self, period, item):
        services.quarter_save(period=period, by=self.request.user, progress=[item])

    def remove_item(self, instance, version):
        services.progress_update_delete(update=instance, by=self.request.user, version=version)


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


# A report's file, in the media type it is sent with (indicators.exports.FORMATS), not "application/octet-stream".
FILE_RESPONSES = {(200, media.split(";")[0]): OpenApiTypes.BINARY for media, _extension in FORMATS.values()}


class ReportFileView(APIView):
    """A report as a file: sent at once when it is quick to build, else prepared in the background (202 with the
    export to follow at `/api/v1/exports/<id>/`). `format`: pdf, xlsx, ods, csv, csv-opendata (`section` for a
    CSV: one part of the report). One operation of the schema per report (REPORT_VIEWS), each with the
    parameters it requires; this view answers the others (404)."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    report = ""  # set by each report's operation (REPORT_VIEWS); else taken from the URL

    @extend_schema(exclude=True)
    def get(self, request, pk, report=""):
        report = report or self.report
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
        built = jobs.build_report(plan, report, params, today=timezone.localdate(), period=period)
        built.generated_at = timezone.localtime()
        chosen = built.section(section) if section else None
        if section and chosen is None:
            raise NotFound(_("Cette partie du rapport n'existe pas pour cette période."))
        content_type, extension = FORMATS[fmt]
        body = render_export(built, fmt, section=chosen, base_url=request.build_absolute_uri("/"))
        return _file(body, content_type, built.filename(extension, section=chosen, opendata=fmt == "csv-opendata"))


def _report_operation(report: str, operation_id: str, summary: str, *parameters) -> type[ReportFileView]:
    """A report's own operation: the year (and quarter) it needs are required parameters of its schema."""
    schema = {
        "operation_id": operation_id,
        "description": summary,
        "parameters": [
            OpenApiParameter("format", str, enum=list(FORMATS), required=True),
            *parameters,
            OpenApiParameter("section", str, description="A CSV's part of the report (default: the actions)."),
        ],
        "responses": {
            **FILE_RESPONSES,
            202: ExportJobSerializer,
            400: INVALID,
            404: OpenApiResponse(description="Plan, période ou partie introuvable / Plan, period or part not found"),
        },
    }
    name = f"Report{report.title()}View"
    return schema_operation(ReportFileView, name, "get", schema, report=report, __doc__=summary)


YEAR = OpenApiParameter("year", {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}, required=True)
REPORT_VIEWS = {
    "trimestre": _report_operation(
        "trimestre",
        "plan_report_quarter",
        "The quarterly report of a quarter of the plan.",
        YEAR,
        OpenApiParameter("quarter", int, enum=[1, 2, 3, 4], required=True),
    ),
    "bilan": _report_operation("bilan", "plan_report_annual", "The annual review of a year of the plan.", YEAR),
    "suivi": _report_operation("suivi", "plan_report_tracking", "The tracking table (SeNe model) of the plan."),
}


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
    @extend_schema(responses=FILE_RESPONSES)
    def get(self, request, job_pk):
        job = ExportJob.objects.filter(plan__in=_visible_plans(request), pk=job_pk, status=ExportJob.DONE).first()
        if job is None:
            raise NotFound
        with job.file.open("rb") as stored:
            return _file(stored.read(), job.content_type, job.filename)
