"""Route registration: access rule, body/query parsing, error mapping, in one place.

Every route is declared with `route(...)`, which records its access rule and models
in ROUTES. The OpenAPI document and the table-driven access tests are generated
from ROUTES, so a route cannot exist without a declared rule.
"""

from __future__ import annotations

import contextvars
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ValidationError

from chalicelib.errors import AppError, Forbidden, PayloadTooLarge, Unauthorized, ValidationFailed
from chalicelib.observability import logger
from chalicelib.schemas.validation import to_validation_failed

MAX_BODY_BYTES = 64 * 1024
JSON_HEADERS = {"Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store"}


class Access(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"
    CANDIDATE = "candidate"
    EMPLOYER = "employer"
    STAFF = "staff"


@dataclass(frozen=True)
class Principal:
    id: str
    role: str
    session_key: str


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    access: Access
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    errors: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()


ROUTES: list[RouteSpec] = []

# The Lambda context of the request being served (Powertools Idempotency needs its remaining time).
lambda_context: contextvars.ContextVar[Any] = contextvars.ContextVar("lambda_context", default=None)


@dataclass
class Reply:
    """A view's answer when it needs a status, headers or cookies of its own."""

    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)


@dataclass
class Context:
    request: Any
    body: Any = None
    query: Any = None
    _principal: Principal | None = None
    _resolved: bool = False

    @property
    def principal(self) -> Principal | None:
        if not self._resolved:
            from chalicelib.services.sessions import principal_from_headers

            self._principal = principal_from_headers(self.headers)
            self._resolved = True
        return self._principal

    @property
    def headers(self) -> dict[str, str]:
        return {k.lower(): v for k, v in (self.request.headers or {}).items()}

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def client_ip(self) -> str:
        identity = (self.request.context or {}).get("identity") or {}
        return str(identity.get("sourceIp") or "inconnu")


def _check_access(ctx: Context, access: Access) -> None:
    if access is Access.PUBLIC:
        return
    principal = ctx.principal
    if principal is None:
        raise Unauthorized()
    if access is not Access.SIGNED_IN and principal.role != access.value:
        raise Forbidden()


def _parse_body(request: Any, model: type[BaseModel]) -> BaseModel:
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    try:
        data = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(
            "Le corps de la requête n'est pas un JSON valide.",
            {"body": "Le corps de la requête n'est pas un JSON valide."},
        ) from exc
    if not isinstance(data, dict):
        raise ValidationFailed("Un objet JSON est attendu.", {"body": "Un objet JSON est attendu."})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise to_validation_failed(exc) from exc


def _parse_query(request: Any, model: type[BaseModel]) -> BaseModel:
    params = dict(request.query_params or {})
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise to_validation_failed(exc) from exc


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=False)
    if isinstance(value, list):
        return [_dump(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v) for k, v in value.items()}
    return value


def _respond(body: Any, status: int, headers: dict | None = None, cookies: list | None = None) -> Response:
    all_headers: dict[str, Any] = {**JSON_HEADERS, **(headers or {})}
    if cookies:
        all_headers["Set-Cookie"] = cookies if len(cookies) > 1 else cookies[0]
    payload = "" if body is None and status == 204 else json.dumps(_dump(body), ensure_ascii=False)
    return Response(body=payload, status_code=status, headers=all_headers)


# botocore's exceptions, named rather than imported: routing must not import boto3 at cold start.
_AWS_UNAVAILABLE = frozenset(
    {"ReadTimeoutError", "ConnectTimeoutError", "EndpointConnectionError", "ConnectionClosedError"}
)
UNAVAILABLE = "Le service est momentanément surchargé. Réessayez dans quelques secondes."

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
        return _respond({"error": {"code": code, "message": message}}, response.status_code)
    return response


def error_response(exc: AppError) -> Response:
    headers = {"Retry-After": "60"} if exc.status == 429 else None
    return _respond(exc.to_body(), exc.status, headers)


def route(
    bp: Blueprint,
    path: str,
    method: str = "GET",
    *,
    access: Access,
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    tags: tuple[str, ...] = (),
) -> Callable:
    spec = RouteSpec(path, method, access, summary, body, query, response, status, errors, tags)
    ROUTES.append(spec)

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def view(**params: str) -> Response:
            request = bp.current_request
            ctx = Context(request=request)
            lambda_context.set(getattr(bp, "lambda_context", None))
            try:
                _check_access(ctx, access)
                if query is not None:
                    ctx.query = _parse_query(request, query)
                if body is not None:
                    ctx.body = _parse_body(request, body)
                result = fn(ctx, **params)
            except AppError as exc:
                return error_response(exc)
            except Exception as exc:
                if type(exc).__name__ in _AWS_UNAVAILABLE:
                    # A dependency (DynamoDB, SES...) timed out or refused the connection: not a bug
                    # of ours, and the client may retry. Logged without the request's content.
                    logger.warning(
                        "AWS dependency unavailable", extra={"route": path, "error": type(exc).__name__}
                    )
                    return _respond(
                        {"error": {"code": "unavailable", "message": UNAVAILABLE}}, 503, {"Retry-After": "5"}
                    )
                logger.exception("Unhandled error", extra={"route": path, "method": method})
                return _respond(
                    {"error": {"code": "internal_error", "message": "Une erreur interne est survenue."}}, 500
                )
            if isinstance(result, Reply):
                return _respond(result.body, result.status, result.headers, result.cookies)
            return _respond(result, status)

        # Chalice refuses bodies whose content type a route does not list with a 415 of its own
        # format; accepting the common ones lets our parser answer in the API's error format.
        bp.route(
            path,
            methods=[method],
            content_types=["application/json", "text/plain", "application/x-www-form-urlencoded"],
        )(view)
        return view

    return decorate
