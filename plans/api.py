"""The plans API: read plans and actions; update an action with optimistic locking (409 on conflict)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from plans import perms, services
from plans.models import Action, Axis, Plan


class PlanSerializer(serializers.ModelSerializer):
    territory = serializers.CharField(source="territory.name")
    territory_code = serializers.CharField(source="territory.official_code")
    role = serializers.CharField(source="user_role")

    class Meta:
        model = Plan
        fields = ["id", "title", "slug", "territory", "territory_code", "period_start", "period_end", "status",
                  "adopted_on", "role"]  # fmt: skip


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

    def get_queryset(self):
        plans = Plan.objects.visible_to(self.request.user).values("pk")
        queryset = Action.objects.filter(plan__in=plans).select_related("plan", "axis__pillar")
        if plan := self.request.query_params.get("plan"):
            queryset = queryset.filter(plan=plan) if plan.isdigit() else queryset.none()
        return queryset.order_by("plan", "axis__pillar__order", "axis__number", "order", "pk")

    def update(self, request, *args, **kwargs):
        action = self.get_object()
        if not perms.can_edit(request.user, action.plan):
            raise PermissionDenied(_("Votre rôle ne permet pas de modifier cette action."))
        serializer = self.get_serializer(action, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        expected = fields.pop("version", None)
        if expected is None:
            return Response({"version": [_("Indiquez la version lue.")]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            action = services.action_update(action=action, by=request.user, expected_version=expected, **fields)
        except services.ActionConflict as conflict:
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
        except DjangoValidationError as error:
            return Response(
                error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}, status=400
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied from error
        return Response(self.get_serializer(action).data)
