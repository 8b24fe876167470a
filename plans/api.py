"""The plans API: territories, plans, their structure, actions (updated with optimistic locking: 409 on a
conflict), partners (added to a plan), quarters, fundings, budget lines and meetings; every list scoped to the
plans the user is a member of, another plan's objects answering as if they did not exist."""

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from core.inputs import MAX_ID
from core.resources import (
    BooleanFilter,
    IdFilter,
    SinceFilter,
    StrictSerializer,
    VersionedResource,
    YearFilter,
)
from partners.enums import PartnerKind
from partners.models import Partner
from partners.tokens import ReadOnlyToken
from plans import perms, services
from plans.enums import ActionStatus, PillarKind, PlanStatus
from plans.models import (
    Action,
    ActionPartner,
    Axis,
    BudgetExecution,
    BudgetLine,
    Deletion,
    Funding,
    FundingInstalment,
    Meeting,
    Pillar,
    Plan,
    ReportingPeriod,
    Territory,
)


class PlanScoped:
    """What belongs to a plan, read by the plan's members only: `plan_path` leads from the model to its plan, and
    `base_queryset()` says what to load with it. Every resource of a plan's content stands on it (the plans
    themselves, their territories and their partners, which several plans share, are read by their own rule).

    Another plan's object answers 404 whether it exists or not; a filter on another plan gives an empty list."""

    plan_path = "plan"
    queryset = None

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        plans = Plan.objects.visible_to(self.request.user).values("pk")
        return self.base_queryset().filter(**{f"{self.plan_path}__in": plans})


class PlanScopedViewSet(PlanScoped, viewsets.ReadOnlyModelViewSet):
    """A plan's content, read only."""


class PlanPermission(BasePermission):
    """Reads for every member; writes only for those the plan's permission predicate (plans.perms) allows.

    `PlanPermission.require(perms.can_edit)` builds the class for one predicate; objects are reached through
    scoped querysets, so a non-member never gets this far (404).
    """

    predicate = staticmethod(lambda user, plan: False)
    message = _lazy("Votre rôle ne permet pas cette modification sur ce plan.")

    @classmethod
    def require(cls, predicate):
        return type(
            f"Plan{predicate.__name__.title().replace('_', '')}", (cls,), {"predicate": staticmethod(predicate)}
        )

    def has_object_permission(self, request, view, obj):
        if request.method in SAFE_METHODS:
            return True
        plan = obj if isinstance(obj, Plan) else obj.plan
        return self.predicate(request.user, plan)


class PlanSerializer(serializers.ModelSerializer):
    territory = serializers.CharField(source="territory.name")
    territory_code = serializers.CharField(source="territory.official_code")
    role = serializers.CharField(source="user_role")

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "slug",
            "territory",
            "territory_code",
            "period_start",
            "period_end",
            "status",
            "adopted_on",
            "role",
            "updated_at",
        ]


class ActionPartnerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="partner.name", read_only=True)

    class Meta:
        model = ActionPartner
        fields = ["partner", "name", "role"]


class ActionSerializer(StrictSerializer):
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="The version you read (also the ETag); required to update or delete (or If-Match): 428 without "
        "it, 409 with what changed if it is no longer the action's.",
    )
    partners = ActionPartnerSerializer(source="partner_links", many=True, read_only=True)

    class Meta:
        model = Action
        fields = ["id", "plan", *Action.EDITABLE_FIELDS, "partners", "version", "updated_at"]
        read_only_fields = ["plan", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        plans = Plan.objects.visible_to(self.context["request"].user).values("pk")
        # Another territory's axis or organisation reads as one that does not exist: no sign it does.
        fields["axis"].queryset = Axis.objects.filter(pillar__plan__in=plans)
        fields["lead"].queryset = Partner.objects.filter(plans__in=plans).distinct()
        return fields

    def validate_axis(self, axis: Axis):
        if self.instance and axis.pillar.plan_id != self.instance.plan_id:
            raise serializers.ValidationError(_("Cet axe appartient à un autre plan."))
        return axis

    def validate_lead(self, lead):
        if lead and self.instance and not self.instance.plan.partners.filter(pk=lead.pk).exists():
            raise serializers.ValidationError(_("Ce partenaire n'est pas partenaire du plan."))
        return lead


class PlanFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=PlanStatus.choices)
    territory = IdFilter(field_name="territory")
    updated_since = SinceFilter()

    class Meta:
        model = Plan
        fields = ["status", "territory", "updated_since"]


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """The plans you are a member of, with your role on each."""

    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["title", "period_start", "updated_at", "id"]
    ordering = ["-period_start", "id"]

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).select_related("territory")


class ActionFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan")
    status = filters.ChoiceFilter(choices=ActionStatus.choices)
    pillar = IdFilter(field_name="axis__pillar")
    pillar_kind = filters.ChoiceFilter(field_name="axis__pillar__kind", choices=PillarKind.choices)
    axis = IdFilter(field_name="axis")
    lead = IdFilter(field_name="lead")
    updated_since = SinceFilter()

    class Meta:
        model = Action
        fields = ["plan", "status", "pillar", "pillar_kind", "axis", "lead", "updated_since"]


class ActionViewSet(
    PlanScoped,
    VersionedResource,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """`?plan=<id>` filters; PATCH/PUT and DELETE carry the `version` read (or If-Match): 428 without it, 409 with
    what changed (412 for If-Match) when it is no longer the action's. DELETE follows the page's rules (nothing a
    closed quarter holds, no money committed)."""

    serializer_class = ActionSerializer
    permission_classes = [IsAuthenticated, ReadOnlyToken, PlanPermission.require(perms.can_edit)]
    filterset_class = ActionFilter
    ordering_fields = ["due_date", "updated_at", "title", "id"]
    ordering = ["plan", "axis__pillar__order", "axis__number", "order", "id"]

    def base_queryset(self):
        links = ActionPartner.objects.select_related("partner").order_by("role", "partner__name")
        return Action.objects.select_related("plan", "axis__pillar").prefetch_related(
            Prefetch("partner_links", queryset=links)
        )

    def update(self, request, *args, **kwargs):
        action = self.get_object()
        serializer = self.get_serializer(action, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        expected, from_header = self.version_read(request, fields.pop("version", None))
        try:
            action = services.action_update(action=action, by=request.user, expected_version=expected, **fields)
        except services.ActionConflict as conflict:  # the API's own answer: 409 with what differs
            if from_header:
                return self.stale(self.get_queryset().get(pk=action.pk), True)
            return Response(
                {
                    "detail": _("Quelqu'un d'autre a modifié cette action depuis votre lecture."),
                    "current": self.get_serializer(self.get_queryset().get(pk=action.pk)).data,
                    "current_version": conflict.current.version,
                    "differences": [
                        {"field": label, "saved": theirs, "yours": mine}
                        for label, theirs, mine in conflict.differences
                    ],
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(self.get_queryset().get(pk=action.pk)).data)

    def destroy(self, request, *args, **kwargs):
        action = self.get_object()
        version, from_header = self.deletion_version(request)
        with transaction.atomic():
            locked = Action.objects.select_for_update(of=("self",)).select_related("plan").get(pk=action.pk)
            if locked.version != version:
                return self.stale(self.get_queryset().get(pk=action.pk), from_header)
            services.action_delete(action=locked, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Reading the rest of the plan ------------------------------------------------------------------------------


class TerritorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Territory
        fields = [
            "id",
            "name",
            "kind",
            "country",
            "official_code",
            "population",
            "size_class",
            "department",
            "arrondissement",
        ]


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The territories of the plans you are a member of."""

    serializer_class = TerritorySerializer
    filterset_fields = ["country", "kind"]
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        plans = Plan.objects.visible_to(self.request.user).values("pk")
        return Territory.objects.filter(pk__in=Plan.objects.filter(pk__in=plans).values("territory"))


class PillarSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pillar
        fields = ["id", "plan", "kind", "name", "description", "order", "updated_at"]


class PillarFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan")
    kind = filters.ChoiceFilter(choices=PillarKind.choices)
    updated_since = SinceFilter()

    class Meta:
        model = Pillar
        fields = ["plan", "kind", "updated_since"]


class PillarViewSet(PlanScopedViewSet):
    serializer_class = PillarSerializer
    filterset_class = PillarFilter
    ordering_fields = ["order", "id"]
    ordering = ["plan", "order", "id"]

    def base_queryset(self):
        return Pillar.objects.all()


class AxisSerializer(serializers.ModelSerializer):
    plan = serializers.IntegerField(source="pillar.plan_id", read_only=True)

    class Meta:
        model = Axis
        fields = ["id", "plan", "pillar", "number", "name", "description", "updated_at"]


class AxisFilter(filters.FilterSet):
    plan = IdFilter(field_name="pillar__plan")
    pillar = IdFilter(field_name="pillar")
    pillar_kind = filters.ChoiceFilter(field_name="pillar__kind", choices=PillarKind.choices)
    updated_since = SinceFilter()

    class Meta:
        model = Axis
        fields = ["plan", "pillar", "pillar_kind", "updated_since"]


class AxisViewSet(PlanScopedViewSet):
    serializer_class = AxisSerializer
    filterset_class = AxisFilter
    plan_path = "pillar__plan"
    ordering_fields = ["number", "id"]
    ordering = ["pillar__plan", "pillar__order", "number", "id"]

    def base_queryset(self):
        return Axis.objects.select_related("pillar")


class PartnerSerializer(StrictSerializer):
    plan = serializers.IntegerField(
        write_only=True, help_text="The plan to add the organisation to (you must be able to edit it)."
    )

    class Meta:
        model = Partner
        fields = ["id", "plan", "name", "acronym", "kind", "contact_email", "updated_at"]
        read_only_fields = ["updated_at"]
        # The same name and kind is the same organisation: the service reuses it instead of refusing.
        validators = []


class PartnerFilter(filters.FilterSet):
    plan = IdFilter(field_name="plans")
    kind = filters.ChoiceFilter(choices=PartnerKind.choices)
    updated_since = SinceFilter()

    class Meta:
        model = Partner
        fields = ["plan", "kind", "updated_since"]


@extend_schema_view(
    create=extend_schema(
        responses={
            201: PartnerSerializer,
            404: OpenApiResponse(description="Ce plan n'existe pas ou ne vous est pas ouvert / Plan not found"),
        }
    )
)
class PartnerViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The organisations of your plans; POST adds one to a plan you edit (an existing one with the same name and
    kind is reused)."""

    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter
    ordering_fields = ["name", "id"]
    ordering = ["name", "id"]

    def get_queryset(self):
        plans = Plan.objects.visible_to(self.request.user).values("pk")
        return Partner.objects.filter(pk__in=Plan.partners.through.objects.filter(plan__in=plans).values("partner"))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plan = Plan.objects.visible_to(request.user).filter(pk=data.pop("plan")).first()
        if plan is None:
            return Response({"plan": [_("Ce plan n'existe pas ou ne vous est pas ouvert.")]}, status=404)
        partner = services.plan_partner_add(plan=plan, by=request.user, **data)
        return Response(self.get_serializer(partner).data, status=status.HTTP_201_CREATED)


class PeriodSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "plan", "year", "quarter", "label", "start", "end", "closed_at", "updated_at"]


class PeriodFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan")
    year = YearFilter()
    closed = BooleanFilter(field_name="closed_at", lookup_expr="isnull", exclude=True)
    updated_since = SinceFilter()

    class Meta:
        model = ReportingPeriod
        fields = ["plan", "year", "closed", "updated_since"]


class PeriodViewSet(PlanScopedViewSet):
    """The plan's quarters: `closed_at` is set once the coordinator closes one (nothing in it changes then)."""

    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter
    ordering_fields = ["year", "quarter", "id"]
    ordering = ["plan", "year", "quarter", "id"]

    def base_queryset(self):
        return ReportingPeriod.objects.all()


class InstalmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = FundingInstalment
        fields = ["id", "amount", "expected_on", "received_on"]


class FundingSerializer(serializers.ModelSerializer):
    instalments = InstalmentSerializer(many=True, read_only=True)

    class Meta:
        model = Funding
        fields = [
            "id", "plan", "funder", "year", "label", "amount_granted", "decided_on", "conditions", "instalments",
            "updated_at", "version",
        ]  # fmt: skip


class FundingFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan")
    year = YearFilter()
    funder = IdFilter(field_name="funder")
    updated_since = SinceFilter()

    class Meta:
        model = Funding
        fields = ["plan", "year", "funder", "updated_since"]


class BudgetLineFilter(FundingFilter):
    action = IdFilter(field_name="action")

    class Meta:
        model = BudgetLine
        fields = ["plan", "year", "funder", "action", "updated_since"]


class FundingViewSet(VersionedResource, mixins.DestroyModelMixin, PlanScopedViewSet):
    """Grants, each with its instalments (expected and received). DELETE with the version read (or If-Match),
    by the budget page's rules (nothing a closed quarter received)."""

    serializer_class = FundingSerializer
    filterset_class = FundingFilter
    ordering_fields = ["year", "id"]
    ordering = ["plan", "year", "id"]

    def base_queryset(self):
        return Funding.objects.prefetch_related(
            Prefetch("instalments", queryset=FundingInstalment.objects.order_by("expected_on", "pk"))
        )

    def destroy(self, request, *args, **kwargs):
        return _versioned_delete(
            self, request, Funding, lambda funding: services.funding_delete(funding=funding, by=request.user)
        )


class ExecutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetExecution
        fields = ["quarter", "committed", "paid"]


class BudgetLineSerializer(serializers.ModelSerializer):
    executions = ExecutionSerializer(many=True, read_only=True)

    class Meta:
        model = BudgetLine
        fields = [
            "id", "plan", "action", "funder", "year", "nature", "planned_amount", "fte", "executions", "updated_at",
            "version",
        ]  # fmt: skip


class BudgetLineViewSet(VersionedResource, mixins.DestroyModelMixin, PlanScopedViewSet):
    """Budget lines per action, each with what was committed and paid each quarter. DELETE with the version read
    (or If-Match), by the budget page's rules (nothing committed or paid)."""

    serializer_class = BudgetLineSerializer
    filterset_class = BudgetLineFilter
    ordering_fields = ["year", "id"]
    ordering = ["plan", "year", "id"]

    def base_queryset(self):
        return BudgetLine.objects.prefetch_related(
            Prefetch("executions", queryset=BudgetExecution.objects.order_by("quarter"))
        )

    def destroy(self, request, *args, **kwargs):
        return _versioned_delete(
            self, request, BudgetLine, lambda line: services.budget_line_delete(line=line, by=request.user)
        )


def _versioned_delete(view, request, model, delete) -> Response:
    """DELETE an object read at the version given (If-Match or `?version=`), under its row's lock."""
    instance = view.get_object()
    version, from_header = view.deletion_version(request)
    with transaction.atomic():
        locked = model.objects.select_for_update(of=("self",)).select_related("plan").get(pk=instance.pk)
        if locked.version != version:
            return view.stale(view.get_queryset().get(pk=instance.pk), from_header)
        delete(locked)
    return Response(status=status.HTTP_204_NO_CONTENT)


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "plan", "date", "kind", "decisions", "updated_at"]


class MeetingFilter(filters.FilterSet):
    plan = IdFilter(field_name="plan")
    updated_since = SinceFilter()

    class Meta:
        model = Meeting
        fields = ["plan", "updated_since"]


class MeetingViewSet(PlanScopedViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["date", "id"]
    ordering = ["plan", "-date", "id"]

    def base_queryset(self):
        return Meeting.objects.all()


# --- What was deleted ----------------------------------------------------------------------------------------

RESOURCES = [
    "actions", "pillars", "axes", "budget-lines", "fundings", "meetings", "indicators", "measurements",
    "progress-updates",
]  # fmt: skip


class DeletionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="object_id", help_text="The deleted object's id in its resource.")
    plan = serializers.IntegerField(source="plan_id", allow_null=True)

    class Meta:
        model = Deletion
        fields = ["resource", "id", "plan", "version", "deleted_at"]


class DeletionFilter(filters.FilterSet):
    since = SinceFilter(field_name="deleted_at", label="since")
    plan = IdFilter(field_name="plan_id")
    resource = filters.ChoiceFilter(choices=[(name, name) for name in RESOURCES])

    class Meta:
        model = Deletion
        fields = ["since", "plan", "resource"]


class DeletionViewSet(PlanScoped, mixins.ListModelMixin, viewsets.GenericViewSet):
    """What was deleted from your plans (through the API, the pages, or with what contained it), oldest first,
    kept at least a year: a mirror synchronised with `updated_since` removes these to stay exact. `since`: at or
    after this moment (ISO 8601)."""

    serializer_class = DeletionSerializer
    filterset_class = DeletionFilter
    ordering_fields = ["deleted_at", "id"]
    ordering = ["deleted_at", "id"]

    plan_path = "plan_id"  # a number kept after the plan itself is gone

    def base_queryset(self):
        return Deletion.objects.all()
