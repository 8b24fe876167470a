"""The OpenAPI schema: drf-spectacular's, with every status a view can return (each described in French and in
English), so that a client, and the contract test, know them all."""

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from core.inputs import MAX_ID
from core.resources import ETAG_PATTERN, YEAR_PATTERN, VersionedResource

ERROR = {
    "type": "object",
    "description": "`detail`, or one list of messages per field / `detail`, or one list of messages per field",
    "properties": {"detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
    "additionalProperties": True,
}

# A change on a stale version (409, 412), or a creation over what exists (409): the item as it is now.
CONFLICT = {
    "type": "object",
    "description": "Why, and the item as it is now / Why, and the item as it is now",
    "properties": {"detail": {"type": "string"}, "current": {"type": "object", "additionalProperties": True}},
    "required": ["detail"],
    "additionalProperties": True,
}

STATUSES = {
    400: "Requête invalide : un message par champ / Invalid request: one message per field",
    401: "Jeton ou session absent, invalide, révoqué ou expiré / Missing, invalid, revoked or expired credentials",
    403: "Votre rôle, un jeton en lecture seule, un trimestre clos ou validé l'interdisent / "
    "Refused by your role, a read-only token, a closed or validated quarter",
    404: "Introuvable, hors de vos plans, ou page au-delà de la dernière / Not found, outside your plans, or a "
    "page past the last",
    409: "Modifié depuis votre lecture (`version`), ou déjà là pour une création : l'état actuel est joint dans "
    "`current` / Changed since you read it (`version`), or already there for a creation: the current state is in "
    "`current`",
    412: "L'ETag d'If-Match n'est plus celui de l'élément : l'état actuel est joint dans `current` / The If-Match "
    "ETag is no longer the item's: the current state is in `current`",
    428: "Version lue absente : champ `version` ou en-tête If-Match / The version read is missing: `version` field "
    "or If-Match header",
    405: "Méthode non prise en charge sur ce chemin : l'en-tête Allow dit lesquelles le sont / Method not allowed "
    "on this path: the Allow header lists those that are",
    413: "Corps de requête trop gros (1 Mo au plus) / Request body too large (1 MB at most)",
    415: "Corps en JSON seulement (Content-Type: application/json) / JSON bodies only",
    429: "Trop de requêtes : voir Retry-After / Too many requests: see Retry-After",
}


class DecimalText(OpenApiSerializerFieldExtension):
    """A decimal as the field reads it: text matching its own pattern (digits and places of its model field)."""

    target_class = "core.resources.DecimalTextField"

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "format": "decimal", "pattern": self.target.pattern}


class Schema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if not (isinstance(self.view, VersionedResource) and "{" in self.path):
            return parameters
        if self.method in {"PUT", "PATCH", "DELETE"}:
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description='The ETag read (the item\'s version, quoted: "3"), instead of the `version` field.',
                    pattern=ETAG_PATTERN,
                )
            )
        if self.method == "DELETE":
            parameters.append(
                OpenApiParameter(
                    "version",
                    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                    OpenApiParameter.QUERY,
                    description="The version read, or If-Match.",
                )
            )
        if self.method == "GET":
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    str,
                    OpenApiParameter.HEADER,
                    description="The ETag you hold: 304 without a body while the item has not changed.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        writes = self.method in {"POST", "PUT", "PATCH", "DELETE"}
        codes = {401, 405, 429}
        if "{" in self.path:
            codes.add(404)
        if writes:
            codes |= {400, 403, 413}
            if self.method != "DELETE":
                codes.add(415)
        if self.method in {"PUT", "PATCH"}:
            codes.add(409)
        versioned = isinstance(self.view, VersionedResource)
        if versioned and self.method in {"PUT", "PATCH", "DELETE"}:
            codes |= {409, 412, 428}
        if versioned and self.method == "GET" and "{" in self.path:
            responses.setdefault(
                "304",
                {"description": "Inchangé depuis l'ETag donné dans If-None-Match / Unchanged since the If-None-Match "
                 "ETag"},
            )  # fmt: skip
        if self.method == "GET" and "{" not in self.path:
            codes |= {400, 404}  # a filter's value (an id, a date, a choice) it cannot read; a page past the last
        for code in sorted(codes):
            responses.setdefault(
                str(code),
                {"description": STATUSES[code], "content": {"application/json": {"schema": ERROR}}},
            )
        return responses


def contract_hook(result, generator, request, public):
    """The schema as a contract (issue 28), after drf-spectacular: request bodies in JSON only (the API reads no
    form), `additionalProperties: false` on every request body (unknown fields are refused), nullability in
    OpenAPI 3.1 form (`"type": [..., "null"]`, not 3.0's `nullable`), one shared, referenced error component
    instead of a copy per operation, creation bodies without `version`, and what the server checks on fields
    (years, visible text, category ids) and between them (FIELD_RULES). Parameters lose their `title` (a label
    in the language asked for, after which generated clients named their enums)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR
    schemas["Conflict"] = CONFLICT
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):  # a label in the language asked for is no name:
                parameter.get("schema", {}).pop("title", None)  # generated clients named enums after it
            body = operation.get("requestBody")
            if body:
                body["content"] = {"application/json": body["content"]["application/json"]}
            for code, response in operation.get("responses", {}).items():
                if not code.startswith("4"):
                    continue
                reference = {"$ref": f"#/components/schemas/{'Conflict' if code in ('409', '412') else 'Error'}"}
                content = response.setdefault("content", {}).setdefault("application/json", {})
                if content.get("schema") in (None, ERROR):  # every error has a body, described once
                    content["schema"] = reference
    _creations_without_version(result)
    _what_fields_take(schemas)
    for schema in schemas.values():  # broken-down values: by category id
        parts = schema.get("properties", {}).get("parts")
        if parts and parts.get("type") == "object":
            parts["propertyNames"] = {"pattern": "^[0-9]{1,19}$"}
    for name, rules in FIELD_RULES.items():
        if name in schemas:
            schemas[name]["allOf"] = rules
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    _nullable_to_31(result)
    return result


# Rules between fields the server checks (the models' clean()), stated with JSON Schema's if/then so that a
# client or a generator knows them: on the bodies that carry every field (creations, PUT and bulk items).
PERCENT_PATTERN = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"
# A context indicator describes the plan's territory (no action); a result or impact one measures an action.
INDICATOR_KIND_AND_ACTION = {
    "if": {"properties": {"kind": {"const": "context"}}, "required": ["kind"]},
    "then": {"properties": {"action": {"type": "null"}}},
    "else": {"properties": {"action": {"type": "integer"}}, "required": ["action"]},
}
INDICATOR_PERCENTAGES = {
    "if": {"properties": {"unit": {"const": "percentage"}}, "required": ["unit"]},
    "then": {
        "properties": {"baseline_value": {"pattern": PERCENT_PATTERN}, "target_value": {"pattern": PERCENT_PATTERN}}
    },
}
# 100 % is done (and done is 100 %: plans.models.Action.progress_for).
DONE_AT_100 = {
    "if": {"properties": {"progress": {"const": 100}}, "required": ["progress"]},
    "then": {"properties": {"status": {"const": "done"}}, "required": ["status"]},
}
FIELD_RULES = {
    "IndicatorCreateRequest": [INDICATOR_KIND_AND_ACTION, INDICATOR_PERCENTAGES],
    "IndicatorRequest": [INDICATOR_KIND_AND_ACTION, INDICATOR_PERCENTAGES],
    "ProgressUpdateCreateRequest": [DONE_AT_100],
    "ProgressUpdateRequest": [DONE_AT_100],
    "BulkProgressRequest": [DONE_AT_100],
}


# A required text holds something once trimmed and cleaned (core.inputs.clean_text): a visible character.
VISIBLE_PATTERN = r"[^\s\x00-\x1f\x7f]"


def _what_fields_take(schemas):
    """Dates in the years the server takes; required texts with something visible in them ("\x04" or "  " is
    blank once cleaned, as DRF trims and the models clean)."""
    for name, schema in schemas.items():
        if not name.endswith("Request"):
            continue
        for prop in schema.get("properties", {}).values():
            if prop.get("format") in ("date", "date-time"):
                prop["pattern"] = YEAR_PATTERN
            elif prop.get("type") == "string" and prop.get("minLength", 0) >= 1 and "pattern" not in prop:
                prop["pattern"] = VISIBLE_PATTERN


def _creations_without_version(result):
    """A POST creates and never carries a version (400 if it does): its body is the update's without `version`,
    as a component of its own (`MeasurementCreateRequest`)."""
    schemas = result["components"]["schemas"]
    for path in result.get("paths", {}).values():
        body = path.get("post", {}).get("requestBody", {}).get("content", {}).get("application/json", {})
        name = body.get("schema", {}).get("$ref", "").rpartition("/")[2]
        if "version" not in schemas.get(name, {}).get("properties", {}):
            continue
        creation = f"{name.removesuffix('Request')}CreateRequest"
        schema = dict(schemas[name])
        schema["properties"] = {key: value for key, value in schema["properties"].items() if key != "version"}
        schemas[creation] = schema
        body["schema"] = {"$ref": f"#/components/schemas/{creation}"}


def _nullable_to_31(node):
    if isinstance(node, dict):
        if node.pop("nullable", False):
            if "type" in node:
                kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
                node["type"] = [*kinds, "null"] if "null" not in kinds else kinds
            elif "$ref" in node or "allOf" in node or "oneOf" in node:
                node_copy = dict(node)
                node.clear()
                node["oneOf"] = [node_copy, {"type": "null"}]
        for value in list(node.values()):
            _nullable_to_31(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_to_31(value)
