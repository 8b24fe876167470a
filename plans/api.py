"""The plans API: read plans and actions; update an action with optimistic locking (409 on conflict)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from plans import perms, services
from plans.inputs import parse_id
from plans.models import Action, Axis, Plan


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
        ]


class ActionSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(help_text="The version you read; required to update.")

    class Meta:
        model = Action
        fields = ["id", "plan", *Action.EDITABLE_FIELDS, "version"]
        read_only_fields = ["plan"]

    def validate_axis(self, axis: Axis):
        if self.instance and axis.pillar.plan_id != self.instance.plan_id:
            raise serializers.ValidationError(_("Cet axe appartient à un autre plan."))
        return axis

    def validate_lead(self, lead):
        if lead and self.instance and not self.instance.plan.partners.filter(pk=lead.pk).exists():
            raise serializers.ValidationError(_("Ce partenaire n'est pas partenaire du plan."))
        return lead


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PlanSerializer

    def get_queryset(self):
        return Plan.objects.visible_to(self.request.user).select_related("territory").order_by("-period_start", "pk")


class ActionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """`?plan=<id>` filters; PATCH/PUT must carry the `version` read, else 409 with what changed."""

    serializer_class = ActionSerializer
    permission_classes = [IsAuthenticated, PlanPermission.require(perms.can_edit)]

    def get_queryset(self):
        plans = Plan.objects.visible_to(self.request.user).values("pk")
        queryset = Action.objects.filter(plan__in=plans).select_related("plan", "axis__pillar")
        if (plan := self.request.query_params.get("plan")) is not None:
            plan_id = parse_id(plan)
            queryset = queryset.filter(plan=plan_id) if plan_id else queryset.none()
        return queryset.order_by("plan", "axis__pillar__order", "axis__number", "order", "pk")

    def update(self, request, *args, **kwargs):
        action = self.get_object()
        serializer = self.get_serializer(action, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        expected = fields.pop("version", None)
        if expected is None:
            return Response({"version": [_("Indiquez la version lue.")]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            action = services.action_update(action=action, by=request.user, expected_version=expected, **fields)
        except services.ActionConflict as conflict:  # the API's own answer: 409 with what differs
            return Response(
                {
                    "detail": _("Quelqu'un d'autre a modifié cette action depuis votre lecture."),
                    "current_version": conflict.current.version,
                    "differences": [
                        {"field": label, "saved": theirs, "yours": mine}
                        for label, theirs, mine in conflict.differences
                    ],
                },
                status=status.HTTP_409_CONFLICT,
            )
        return Response(self.get_serializer(action).data)
