"""Route registration: access rule, body/query parsing, error mapping, in one place.

Every route is declared with `route(...)`, which records its access rule and models in ROUTES.
The OpenAPI document and the table-driven access tests are generated from ROUTES, so a route
cannot exist without a declared rule. How to add one: docs/layers.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from chalice import Blueprint, Response
from pydantic import BaseModel, ValidationError

from chalicelib import context
from chalicelib.api import http
from chalicelib.api.access import Access, Admits, Rule, admits, check
from chalicelib.api.http import Reply
from chalicelib.config import get_settings
from chalicelib.context import Principal, Role
from chalicelib.errors import AppError, Forbidden, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from chalicelib.observability import logger
from chalicelib.schemas import json_input
from chalicelib.schemas.validation import to_validation_failed

# What a route module needs, from one import.
__all__ = ["ROUTES", "Access", "Context", "Reply", "Role", "RouteSpec", "route"]

MAX_BODY_BYTES = 64 * 1024
IDEMPOTENCY_KEY_INVALID = (
    "En-tête Idempotency-Key invalide (8 à 128 caractères : lettres, chiffres, - _ . :)."
)


@dataclass(frozen=True)
class RouteSpec:
    path: str
    method: str
    access: Admits
    summary: str
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: Any = None
    status: int = 200
    errors: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    # A route that reads its raw body (a file): the types it takes, documented as binary bodies.
    content_types: tuple[str, ...] = ()


ROUTES: list[RouteSpec] = []


@dataclass
class Context:
    """What a view gets: the request, its parsed body and query, and the caller (read lazily)."""

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

    def if_match(self) -> int:
        """The version named by `If-Match` (400 when it is missing or malformed)."""
        return http.version_from_if_match(self.header(http.IF_MATCH))

    @property
    def idempotency_key(self) -> str | None:
        key = self.header(http.IDEMPOTENCY_KEY)
        if key is not None and not re.fullmatch(http.IDEMPOTENCY_KEY_PATTERN, key):
            raise ValidationFailed(IDEMPOTENCY_KEY_INVALID, {http.IDEMPOTENCY_KEY: IDEMPOTENCY_KEY_INVALID})
        return key

    @property
    def client_ip(self) -> str:
        """The client's address as CloudFront saw it (requests reach the API through it only)."""
        from chalicelib.services import edge

        identity = (self.request.context or {}).get("identity") or {}
        return edge.client_address(self.headers, identity.get("sourceIp"))


def _parse_body(request: Any, model: type[BaseModel]) -> BaseModel:
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise PayloadTooLarge()
    try:
        data = json_input.loads(raw) if raw.strip() else None
    except json_input.TooDeep as exc:
        raise ValidationFailed(str(exc), {"body": str(exc)}) from exc
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


DIRECT_ACCESS = "Accès direct refusé : l'API se consulte par l'adresse du site."


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NOT_JSON = "Type de contenu non pris en charge : envoyez du JSON (application/json)."
FOREIGN_ORIGIN = "Requête refusée : elle ne vient pas du site Passerelle."


def _check_edge(ctx: Context, method: str, content_types: tuple[str, ...] = ()) -> None:
    """Only CloudFront reaches the API; a change comes as JSON from the site's own pages (CSRF:
    a form of another site can send neither JSON nor our Origin). API clients send no Origin.
    `content_types`: the raw-body types a route declares (a cohort file), allowed besides JSON;
    the Origin check still applies to them."""
    from chalicelib.services import edge

    if not edge.from_cloudfront(ctx.headers):
        raise Forbidden(DIRECT_ACCESS)
    if method not in UNSAFE_METHODS:
        return
    content_type = (ctx.header("content-type") or "").split(";", 1)[0].strip().lower()
    if content_type not in ("application/json", *content_types) and (content_type or ctx.request.raw_body):
        raise UnsupportedMediaType(NOT_JSON)
    origin = ctx.header("origin")
    if origin is not None and origin.rstrip("/") != site_origin():
        raise Forbidden(FOREIGN_ORIGIN)


def site_origin() -> str:
    parts = urlsplit(get_settings().site_url)
    return f"{parts.scheme}://{parts.netloc}"


def _serve(spec: RouteSpec, fn: Callable, params: dict[str, str]) -> Response:
    # The request from the middleware's context variable, never `bp.current_request` (shared by
    # threads: chalicelib/context.py).
    ctx = Context(request=context.current_request())
    try:
        _check_edge(ctx, spec.method, spec.content_types)
        check(spec.access, ctx.principal if spec.access is not Access.PUBLIC else None)
        if spec.query is not None:
            ctx.query = _parse_query(ctx.request, spec.query)
        if spec.body is not None:
            ctx.body = _parse_body(ctx.request, spec.body)
        result = fn(ctx, **params)
    except AppError as exc:
        return http.error_response(exc)
    except Exception as exc:
        if type(exc).__name__ in http.AWS_UNAVAILABLE:
            # A dependency (DynamoDB, SES...) timed out or refused the connection: not a bug of
            # ours, and the client may retry. Logged without the request's content.
            logger.warning(
                "AWS dependency unavailable", extra={"route": spec.path, "error": type(exc).__name__}
            )
            return http.unavailable_response()
        logger.exception("Unhandled error", extra={"route": spec.path, "method": spec.method})
        return http.internal_error_response()
    if isinstance(result, Reply):
        return http.respond(result.body, result.status, result.headers, result.cookies)
    return http.respond(result, spec.status)


def route(
    bp: Blueprint,
    path: str,
    method: str = "GET",
    *,
    access: Rule,
    summary: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: Any = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
    tags: tuple[str, ...] = (),
    content_types: tuple[str, ...] = (),
) -> Callable:
    """`content_types`: what a route reading its raw body (a file) accepts beyond the usual ones."""
    spec = RouteSpec(
        path, method, admits(access), summary, body, query, response, status, errors, tags, content_types
    )
    ROUTES.append(spec)

    def decorate(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def view(**params: str) -> Response:
            return _serve(spec, fn, params)

        # Chalice refuses bodies whose content type a route does not list with a 415 of its own
        # format; accepting the common ones lets our parser answer in the API's error format.
        bp.route(
            path,
            methods=[method],
            content_types=[
                "application/json",
                "text/plain",
                "application/x-www-form-urlencoded",
                *content_types,
            ],
        )(view)
        return view

    return decorate
