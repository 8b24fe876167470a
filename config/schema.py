"""The OpenAPI schema: drf-spectacular's, with every status a view can return (each described in French and in
English), so that a client, and the contract test, know them all."""

from drf_spectacular.openapi import AutoSchema

ERROR = {
    "type": "object",
    "description": "`detail`, or one list of messages per field / `detail`, or one list of messages per field",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

STATUSES = {
    400: "Requête invalide : un message par champ / Invalid request: one message per field",
    401: "Jeton ou session absent, invalide, révoqué ou expiré / Missing, invalid, revoked or expired credentials",
    403: "Votre rôle, un jeton en lecture seule, un trimestre clos ou validé l'interdisent / "
    "Refused by your role, a read-only token, a closed or validated quarter",
    404: "Introuvable, hors de vos plans, ou page au-delà de la dernière / Not found, outside your plans, or a "
    "page past the last",
    409: "Modifié depuis votre lecture : l'état actuel est joint / Changed since you read it: the current state is "
    "attached",
    413: "Corps de requête trop gros (1 Mo au plus) / Request body too large (1 MB at most)",
    429: "Trop de requêtes : voir Retry-After / Too many requests: see Retry-After",
}


class Schema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        writes = self.method in {"POST", "PUT", "PATCH", "DELETE"}
        codes = {401, 429}
        if "{" in self.path:
            codes.add(404)
        if writes:
            codes |= {400, 403, 413}
        if self.method in {"PUT", "PATCH"}:
            codes.add(409)
        if self.method == "GET" and "{" not in self.path:
            codes |= {400, 404}  # a filter's value (an id, a date, a choice) it cannot read; a page past the last
        for code in sorted(codes):
            responses.setdefault(
                str(code),
                {"description": STATUSES[code], "content": {"application/json": {"schema": ERROR}}},
            )
        return responses
