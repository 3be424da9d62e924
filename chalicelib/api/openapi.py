"""OpenAPI 3.1 document generated from the declared routes and their pydantic models."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import BaseModel, TypeAdapter

from chalicelib.api.routing import ROUTES, Access, RouteSpec

REF = "#/components/schemas/{model}"


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorBody(BaseModel):
    error: ErrorDetail


_STATUS_TEXT = {
    400: "Requête invalide (champs nommés dans error.fields)",
    401: "Non connecté",
    403: "Accès refusé",
    404: "Introuvable",
    409: "Conflit (doublon ou version périmée)",
    413: "Requête trop volumineuse",
    422: "Demande impossible à traiter",
    429: "Trop de demandes",
}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, tp: Any) -> dict[str, Any]:
        schema = TypeAdapter(tp).json_schema(ref_template=REF, mode="serialization")
        self.components.update(schema.pop("$defs", {}))
        return schema

    def request(self, model: type[BaseModel]) -> dict[str, Any]:
        schema = model.model_json_schema(ref_template=REF, mode="validation")
        self.components.update(schema.pop("$defs", {}))
        self.components[model.__name__] = schema
        return {"$ref": REF.format(model=model.__name__)}


def _error_statuses(spec: RouteSpec) -> list[int]:
    statuses = set(spec.errors)
    if spec.query or spec.body:
        statuses.add(400)
    if spec.body:
        statuses.add(413)
    if spec.access is not Access.PUBLIC:
        statuses.add(401)
        if spec.access is not Access.SIGNED_IN:
            statuses.add(403)
    return sorted(statuses)


def _operation(spec: RouteSpec, schemas: _Schemas) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": spec.summary,
        "operationId": f"{spec.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', spec.path.lower()).strip('_')}",
        "tags": list(spec.tags) or ["API"],
        "parameters": [],
        "responses": {},
    }
    for name in re.findall(r"{(\w+)}", spec.path):
        op["parameters"].append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
    if spec.query:
        query_schema = spec.query.model_json_schema(mode="validation")
        required = set(query_schema.get("required", []))
        for name, prop in query_schema.get("properties", {}).items():
            op["parameters"].append(
                {"name": name, "in": "query", "required": name in required, "schema": prop}
            )
    if spec.body:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schemas.request(spec.body)}},
        }
    if spec.access is not Access.PUBLIC:
        op["security"] = [{"session": []}]
    ok: dict[str, Any] = {"description": "Succès"}
    if spec.status != 204:
        schema = schemas.ref(spec.response) if spec.response is not None else {"type": "object"}
        ok["content"] = {"application/json": {"schema": schema}}
    op["responses"][str(spec.status)] = ok
    for status in _error_statuses(spec):
        op["responses"][str(status)] = {
            "description": _STATUS_TEXT.get(status, "Erreur"),
            "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorBody")}}},
        }
    return op


@cache
def build_openapi() -> dict[str, Any]:
    schemas = _Schemas()
    schemas.components["ErrorBody"] = schemas.ref(ErrorBody)
    paths: dict[str, Any] = {}
    for spec in ROUTES:
        paths.setdefault(f"/api{spec.path}", {})[spec.method.lower()] = _operation(spec, schemas)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passerelle — API",
            "version": "1.0.0",
            "description": "Service public de la Région Grand Est : rapprocher les personnes "
            "formées et les employeurs du même bassin d'emploi.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas.components,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "passerelle_session"}},
        },
    }
