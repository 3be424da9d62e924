"""HTTP in one place: the answers' format, error mapping, and the request headers the API reads.

Services never see a header: routes read `If-Match` and `Idempotency-Key` here and pass plain
values (a version number, a key) down.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from chalice import Response
from pydantic import BaseModel

from chalicelib.errors import AppError, ValidationFailed

JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}

# --- request headers --------------------------------------------------------------------------
IF_MATCH = "If-Match"
# A version read from a `version` field (3) or from an ETag ("3", or weak: W/"3"); the OpenAPI
# document publishes this same pattern.
IF_MATCH_PATTERN = r'^(W/)?("[0-9]{1,9}"|[0-9]{1,9})$'
IF_MATCH_REQUIRED = "En-tête If-Match obligatoire : la version lue (champ « version »)."
IF_MATCH_INVALID = "En-tête If-Match invalide : un numéro de version est attendu."
IDEMPOTENCY_KEY = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_.:-]{8,128}$"


def version_from_if_match(value: str | None) -> int:
    """The version the client read, from `If-Match: 3`, `"3"` or `W/"3"` (400 naming If-Match)."""
    value = (value or "").strip()
    if not value:
        raise ValidationFailed(IF_MATCH_REQUIRED, {IF_MATCH: IF_MATCH_REQUIRED})
    if not re.fullmatch(IF_MATCH_PATTERN, value):
        raise ValidationFailed(IF_MATCH_INVALID, {IF_MATCH: IF_MATCH_INVALID})
    return int(value.removeprefix("W/").strip('"'))


def etag(version: int) -> dict[str, str]:
    """The headers of an answer carrying a resource at `version`."""
    return {"ETag": f'"{version}"'}


# --- answers ---------------------------------------------------------------------------------
@dataclass
class Reply:
    """A view's answer when it needs a status, headers or cookies of its own."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)

    @classmethod
    def versioned(cls, body: Any, version: int, status: int = 200) -> Reply:
        return cls(body, status, etag(version))


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=False)
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def respond(body: Any, status: int, headers: dict | None = None, cookies: list | None = None) -> Response:
    all_headers: dict[str, Any] = {**JSON_HEADERS, **(headers or {})}
    if cookies:
        all_headers["Set-Cookie"] = cookies if len(cookies) > 1 else cookies[0]
    payload = "" if body is None and status == 204 else json.dumps(_dump(body), ensure_ascii=False)
    return Response(body=payload, status_code=status, headers=all_headers)


def error_response(exc: AppError) -> Response:
    headers = {"Retry-After": "60"} if exc.status == 429 else None
    return respond(exc.to_body(), exc.status, headers)


# botocore's exceptions, named rather than imported: routing must not import boto3 at cold start.
AWS_UNAVAILABLE = frozenset(
    {"ReadTimeoutError", "ConnectTimeoutError", "EndpointConnectionError", "ConnectionClosedError"}
)
UNAVAILABLE = "Le service est momentanément surchargé. Réessayez dans quelques secondes."
INTERNAL_ERROR = "Une erreur interne est survenue."


def unavailable_response() -> Response:
    return respond({"error": {"code": "unavailable", "message": UNAVAILABLE}}, 503, {"Retry-After": "5"})


def internal_error_response() -> Response:
    return respond({"error": {"code": "internal_error", "message": INTERNAL_ERROR}}, 500)


_FRAMEWORK_ERRORS = {
    415: (
        "unsupported_media_type",
        "Type de contenu non pris en charge : envoyez du JSON (application/json).",
    ),
    405: ("method_not_allowed", "Méthode non autorisée pour cette adresse."),
    400: ("bad_request", "Requête invalide."),
}


def framework_error_in_api_format(response: Response) -> Response:
    """Chalice answers some refusals itself (e.g. 415 before any view runs), as {"Code", "Message"}
    in English: give them the API's error format and a French message."""
    body = response.body
    if response.status_code in _FRAMEWORK_ERRORS and isinstance(body, dict) and "Code" in body:
        code, message = _FRAMEWORK_ERRORS[response.status_code]
        return respond({"error": {"code": code, "message": message}}, response.status_code)
    return response
