"""A whole quarter through the API at once (issue 28), as systems that report into plans expect (DHIS2's
`dataValueSets`): values (with their parts) and progress updates in one request, checked item by item by the
quarter's service, answered with an import summary (created, updated, unchanged, refused with the reason).

All or nothing by default; `?atomic=false` keeps the valid items; `?dry_run=true` checks without writing. An
item that changes something existing carries the `version` read (a sync tool re-sending what is already there
gets "unchanged", not a refusal)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.inputs import MAX_ID
from core.resources import CleanCharField, DecimalTextField, RefusesUnknownFields, schema_operation
from core.rest import StateConflict
from indicators import breakdowns, perms, services
from indicators.models import NARRATIVE_LIMIT, TEXT_LIMIT, Indicator, Measurement, ProgressUpdate
from plans.enums import ActionStatus
from plans.models import Action, Plan, ReportingPeriod

MAX_ITEMS = 5000  # a plan's quarter: a few hundred actions, a few indicators each
CREATED, UPDATED, UNCHANGED, REFUSED = "created", "updated", "unchanged", "refused"
# All or nothing: when an item is refused, the others are not written either.
SKIPPED = "skipped"
RESULTS = (CREATED, UPDATED, UNCHANGED, REFUSED, SKIPPED)


class _Strict(RefusesUnknownFields, serializers.Serializer):
    pass


class BulkValueSerializer(_Strict):
    indicator = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    value_number = DecimalTextField(max_digits=14, decimal_places=2, required=False, allow_null=False)
    value_text = CleanCharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    comment = CleanCharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    parts = serializers.DictField(
        child=DecimalTextField(max_digits=14, decimal_places=2),
        required=False,
        help_text='A broken-down indicator\'s value per category id ({"12": "4"}); their total is the value.',
    )
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="The version read, to change an existing value."
    )


class BulkProgressSerializer(_Strict):
    action = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    progress = serializers.IntegerField(min_value=0, max_value=100)
    note = CleanCharField(required=False, allow_blank=True, max_length=NARRATIVE_LIMIT)
    blockers = CleanCharField(required=False, allow_blank=True, max_length=NARRATIVE_LIMIT)
    version = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class BulkQuarterSerializer(_Strict):
    """Each item is read on its own afterwards (a bad one is reported with its index, the others still read)."""

    values = serializers.ListField(child=serializers.DictField(), required=False, max_length=MAX_ITEMS)
    progress_updates = serializers.ListField(child=serializers.DictField(), required=False, max_length=MAX_ITEMS)


@extend_schema_serializer(component_name="BulkQuarter")
class BulkQuarterSchema(serializers.Serializer):
    """The body as documented: what each item holds (BulkQuarterSerializer reads them one by one)."""

    values = BulkValueSerializer(many=True, required=False, max_length=MAX_ITEMS)
    progress_updates = BulkProgressSerializer(many=True, required=False, max_length=MAX_ITEMS)


ITEM_RESULT = inline_serializer(
    "QuarterImportItem",
    {
        "index": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=["value", "progress_update"]),
        "indicator": serializers.IntegerField(required=False),
        "action": serializers.IntegerField(required=False),
        "result": serializers.ChoiceField(choices=RESULTS),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False),
    },
)
SUMMARY = inline_serializer(
    "QuarterImportSummary",
    {
        "status": serializers.ChoiceField(choices=["OK", "WARNING", "ERROR"]),
        "dry_run": serializers.BooleanField(),
        "atomic": serializers.BooleanField(),
        "counts": inline_serializer(
            "QuarterImportCounts",
            {name: serializers.IntegerField() for name in RESULTS},
        ),
        "items": ITEM_RESULT.__class__(many=True),
    },
)


def _quarter(request, pk: int, year: int, quarter: int) -> ReportingPeriod | None:
    """The quarter of one of the user's plans, with its plan; None for another plan's, or none at all."""
    plans = Plan.objects.visible_to(request.user).values("pk")
    return (
        ReportingPeriod.objects.select_related("plan")
        .filter(plan__in=plans, plan=pk, year=year, quarter=quarter)
        .first()
    )


def _flag(request, name: str, default: bool) -> bool:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw not in {"true", "false"}:
        raise ApiValidationError({name: [_("« true » ou « false ».")]})
    return raw == "true"


class _Item:
    """One item of the request: what it says, what it is checked against, and what became of it."""

    def __init__(self, index: int, kind: str, data: dict):
        self.index, self.kind, self.data = index, kind, data
        self.result, self.errors, self.service_item = None, {}, None
        self.unreadable = False  # refused for its shape (the schema's rules), not for what the quarter holds
        self.target = None  # the Indicator or Action

    @property
    def key(self) -> str:
        return f"{'m' if self.kind == 'value' else 'a'}{self.target.pk}" if self.target else ""

    def refuse(self, errors: dict) -> None:
        self.result = REFUSED
        for field, messages in errors.items():
            self.errors.setdefault(field, []).extend(str(m) for m in messages)

    def answer(self) -> dict:
        name = "indicator" if self.kind == "value" else "action"
        body = {"index": self.index, "kind": self.kind, "result": self.result}
        if isinstance(self.data.get(name), int):
            body[name] = self.data[name]
        if self.errors:
            body["errors"] = self.errors
        return body


class QuarterImportView(APIView):
    """POST a quarter's values and progress updates at once; the answer says what became of each item."""

    @extend_schema(
        operation_id="quarter_import",
        request=BulkQuarterSchema,
        parameters=[
            OpenApiParameter("year", int, OpenApiParameter.PATH),
            OpenApiParameter("quarter", int, OpenApiParameter.PATH, enum=[1, 2, 3, 4]),
            OpenApiParameter("dry_run", bool, description="Check everything, write nothing (default false)."),
            OpenApiParameter(
                "atomic", bool, description="All or nothing (default true); false keeps the valid items."
            ),
        ],
        responses={
            200: SUMMARY,
            409: OpenApiResponse(
                SUMMARY,
                description="Items that conflict with what the plan holds (a version, an indicator's rule, twice "
                "the same item): the summary names them, nothing written (atomic)",
            ),
            400: OpenApiResponse(
                {
                    "anyOf": [
                        {"$ref": "#/components/schemas/QuarterImportSummary"},
                        {"$ref": "#/components/schemas/Error"},
                    ]
                },
                description="An item that cannot be read: the summary, nothing written (atomic); or a body or "
                "parameter that cannot be read: one message per field",
            ),
            403: OpenApiResponse(description="Quarter closed, plan not tracked, or your role does not report"),
            404: OpenApiResponse(description="No such plan or quarter among yours"),
        },
    )
    def post(self, request, pk, year, quarter):
        period = _quarter(request, pk, year, quarter)
        if period is None:
            raise NotFound(_("Ce trimestre n'existe pas dans vos plans."))
        plan = period.plan
        if unknown := sorted(set(request.query_params) - {"dry_run", "atomic"}):
            raise ApiValidationError({name: [_("Paramètre inconnu.")] for name in unknown})
        dry_run, atomic = _flag(request, "dry_run", False), _flag(request, "atomic", True)
        body = BulkQuarterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        items = [_Item(i, "value", d) for i, d in enumerate(body.validated_data.get("values", []))]
        items += [
            _Item(i, "progress_update", d) for i, d in enumerate(body.validated_data.get("progress_updates", []))
        ]
        if period.is_closed:
            raise services.closed_quarter_error(period)
        if period.start > timezone.localdate():
            raise services.not_started_error(period)
        scope = perms.ReportingScope(request.user, plan, period)
        if not scope.any:
            raise PermissionDenied(_("Votre rôle ne permet pas de renseigner ce trimestre, ou il est clos."))
        self._check(items, plan, period, scope)
        self._write(items, period, request.user, dry_run=dry_run, atomic=atomic)
        if atomic and any(item.result == REFUSED for item in items):
            for item in items:
                if item.result in (CREATED, UPDATED):
                    item.result = SKIPPED
        counts = {name: sum(item.result == name for item in items) for name in RESULTS}
        refused = counts[REFUSED]
        summary = {
            "status": "OK" if not refused else ("ERROR" if atomic else "WARNING"),
            "dry_run": dry_run,
            "atomic": atomic,
            "counts": counts,
            "items": [item.answer() for item in items],
        }
        # As DHIS2's imports: an item that cannot be read is a bad request (400); one that conflicts with what the
        # plan holds (a version, a rule of the indicator, a duplicate) a conflict (409). Atomic=false: 200.
        answer = status.HTTP_200_OK
        if refused and atomic:
            unreadable = any(item.unreadable for item in items)
            answer = status.HTTP_400_BAD_REQUEST if unreadable else status.HTTP_409_CONFLICT
        return Response(summary, status=answer)

    # --- Each item against what the quarter holds -------------------------------------------------------------

    def _check(self, items, plan, period, scope) -> None:
        values = [i for i in items if i.kind == "value"]
        updates = [i for i in items if i.kind == "progress_update"]
        for group, serializer_class in ((values, BulkValueSerializer), (updates, BulkProgressSerializer)):
            checker = serializer_class()  # its fields built once, not once for each of 2,000 items
            for item in group:
                checker.initial_data = item.data
                try:
                    item.data = dict(checker.run_validation(item.data))
                except serializers.ValidationError as error:
                    item.refuse(error.detail if isinstance(error.detail, dict) else {"detail": error.detail})
                    item.unreadable = True
        indicators = Indicator.objects.filter(
            plan=plan, pk__in=[i.data["indicator"] for i in values if i.result is None]
        ).select_related("action")
        indicators = {i.pk: i for i in indicators}
        actions = Action.objects.filter(plan=plan, pk__in=[i.data["action"] for i in updates if i.result is None])
        actions = {a.pk: a for a in actions}
        measurements = {m.indicator_id: m for m in Measurement.objects.filter(period=period, indicator__in=indicators)}
        progress = {u.action_id: u for u in ProgressUpdate.objects.filter(period=period, action__in=actions)}
        breakdowns.attach_grids(plan, list(indicators.values()), measurements)
        seen = set()
        for item in items:
            if item.result is not None:
                continue
            if item.kind == "value":
                target = indicators.get(item.data["indicator"])
                name, allowed = "indicator", target is not None and scope.indicator(target)
            else:
                target = actions.get(item.data["action"])
                name, allowed = "action", target is not None and scope.action(target)
            if target is None:
                item.refuse({name: [_("Introuvable dans ce plan.")]})
                continue
            item.target = target
            if not allowed:
                item.refuse({name: [_("Votre rôle ne permet pas de renseigner cet élément.")]})
                continue
            if item.key in seen:
                item.refuse({name: [_("Cet élément figure deux fois dans la requête.")]})
                continue
            seen.add(item.key)
            if item.kind == "value":
                self._value(item, measurements.get(target.pk))
            else:
                self._progress(item, progress.get(target.pk))

    def _value(self, item, existing) -> None:
        data = item.data
        number, text, comment = data.get("value_number"), data.get("value_text", ""), data.get("comment", "")
        if number is None and not text and not comment and not data.get("parts"):
            message = _("Une valeur vide n'est pas enregistrée : pour supprimer une valeur, utilisez DELETE.")
            item.refuse({"value_number": [message]})
            return
        service_item = {"indicator": item.target, "value_number": number, "value_text": text, "comment": comment}
        if "parts" in data:
            service_item["parts"] = {str(key): value for key, value in data["parts"].items()}
        if existing is not None:
            saved_parts = breakdowns.as_numbers(existing.parts)
            parts = service_item.get("parts", saved_parts)
            total = number if number is not None else (sum(parts.values(), Decimal(0)) if parts else None)
            if (existing.value_number, existing.value_text, existing.comment, saved_parts) == (
                total,
                text,
                comment,
                parts,
            ):
                item.result = UNCHANGED
                return
        self._versioned(item, existing, service_item)

    def _progress(self, item, existing) -> None:
        data = item.data
        values = {
            "status": data["status"],
            "progress": Action.progress_for(data["status"], data["progress"]),
            "note": data.get("note", ""),
            "blockers": data.get("blockers", ""),
        }
        if existing is not None and all(getattr(existing, k) == v for k, v in values.items()):
            item.result = UNCHANGED
            return
        self._versioned(item, existing, {"action": item.target, **values})

    def _versioned(self, item, existing, service_item) -> None:
        version = item.data.get("version")
        if existing is None:
            if version is not None:
                item.refuse(
                    {"version": [_("Cet élément n'existe pas encore : une création ne porte pas de version.")]}
                )
                return
            item.service_item, item.result = {**service_item, "expect_new": True}, CREATED
            return
        if version is None:
            message = _("Cet élément existe déjà (version %(v)s) : donnez la version lue pour le modifier.")
            item.refuse({"version": [message % {"v": existing.version}]})
            return
        if version != existing.version:
            message = _("Modifié depuis votre lecture : la version actuelle est %(v)s.")
            item.refuse({"version": [message % {"v": existing.version}]})
            return
        item.service_item, item.result = {**service_item, "version": version}, UPDATED

    # --- Writing, all or nothing --------------------------------------------------------------------------

    def _write(self, items, period, by, *, dry_run: bool, atomic: bool) -> None:
        if atomic and any(item.result == REFUSED for item in items):
            return
        while True:
            to_write = [item for item in items if item.service_item is not None and item.result != REFUSED]
            if not to_write:
                return
            try:
                with transaction.atomic():
                    services.quarter_save(
                        period=period,
                        by=by,
                        measurements=[i.service_item for i in to_write if i.kind == "value"],
                        progress=[i.service_item for i in to_write if i.kind == "progress_update"],
                    )
                    if dry_run:
                        transaction.set_rollback(True)
                return
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    raise  # the quarter itself (closed, not tracked): the whole request
                by_key = {item.key: item for item in to_write}
                refused_any = False
                for key, messages in error.message_dict.items():
                    prefix, _dot, field = key.partition(".")
                    if prefix in by_key:
                        by_key[prefix].refuse({"detail" if field in ("", "__all__") else field: messages})
                        refused_any = True
                if not refused_any:
                    raise
                if atomic:
                    return


# --- Submitting, validating, returning an action's quarter -----------------------------------------------------


class ReviewSerializer(serializers.Serializer):
    action = serializers.IntegerField(source="action_id")
    period = serializers.IntegerField(source="period_id")
    state = serializers.CharField()
    submitted_by = serializers.IntegerField(source="submitted_by_id", allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()


class ReturnSerializer(_Strict):
    reason = CleanCharField(max_length=2000, help_text="What is to be corrected (required to return).")


REVIEW_PARAMETERS = [
    OpenApiParameter("year", int, OpenApiParameter.PATH),
    OpenApiParameter("quarter", int, OpenApiParameter.PATH, enum=[1, 2, 3, 4]),
    OpenApiParameter("action", int, OpenApiParameter.PATH),
]
REVIEW_RESPONSES = {
    200: ReviewSerializer,
    409: OpenApiResponse(
        {"$ref": "#/components/schemas/Conflict"},
        description="Not in a state this decision applies to (already submitted, not submitted, already "
        "validated) or no progress entered yet",
    ),
}


class QuarterReviewView(APIView):
    """An action's quarter: submitted by whoever reports on it, then validated or returned (with a reason) by
    a validator of the plan — the quarter page's rules, mails and history. One operation per decision, each with
    its own body (none, none, the reason)."""

    decision = ""
    body = None  # the serializer of the decision's body; none: a body is refused

    def post(self, request, pk, year, quarter, action):
        from indicators import reviews
        from indicators.models import ActionReview

        period = _quarter(request, pk, year, quarter)
        action = period and Action.objects.filter(plan=period.plan, pk=action).first()
        if action is None:
            raise NotFound(_("Cette action ou ce trimestre n'existe pas dans vos plans."))
        if self.body is None and request.data:
            raise ApiValidationError({name: [_("Champ inconnu.")] for name in request.data})
        base_url = request.build_absolute_uri("/")
        if self.decision == "submit":
            review = reviews.review_submit(action=action, period=period, by=request.user, base_url=base_url)
            return Response(ReviewSerializer(review).data)
        review = ActionReview.objects.filter(action=action, period=period).first()
        if review is None:
            raise StateConflict(_("Ce trimestre de l'action n'a pas été soumis."))
        if self.decision == "validate":
            review = reviews.review_validate(review=review, by=request.user, base_url=base_url)
        else:
            body = self.body(data=request.data)
            body.is_valid(raise_exception=True)
            review = reviews.review_return(
                review=review, by=request.user, reason=body.validated_data["reason"], base_url=base_url
            )
        return Response(ReviewSerializer(review).data)


def _decision(decision: str, summary: str, body=None) -> type[QuarterReviewView]:
    schema = {
        "operation_id": f"quarter_action_{decision}",
        "description": summary,
        "request": body,
        "parameters": REVIEW_PARAMETERS,
        "responses": REVIEW_RESPONSES,
    }
    name = f"Quarter{decision.title()}View"
    return schema_operation(QuarterReviewView, name, "post", schema, decision=decision, body=body, __doc__=summary)


QuarterSubmitView = _decision(
    "submit", "Submit the action's quarter for validation (its progress entered first); the validators get a mail."
)
QuarterValidateView = _decision(
    "validate", "Validate a submitted quarter: by a validator other than who submitted it (four eyes)."
)
QuarterReturnView = _decision(
    "return",
    "Return a submitted (or validated) quarter to whoever reports on it, saying what is to be corrected.",
    ReturnSerializer,
)
