"""Staff back office routes: figures per bassin, matching runs, exports and their audit log."""

from __future__ import annotations

import base64
import binascii
import re

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, route
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.schemas.staff import (
    ExportLogEntry,
    ExportLogPage,
    ExportLogQuery,
    ExportOut,
    ExportRequest,
    Queued,
    RunListQuery,
    RunOut,
    StatsOut,
    StatsQuery,
)
from chalicelib.services.idempotency import HEADER as IDEMPOTENCY_KEY

bp = Blueprint(__name__)
TAGS = ("Agents de la Région",)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_LOG_CURSOR = re.compile(r"^\d{4}-\d{2}-\d{2}T[0-9:.+Z-]{8,40}#[A-Za-z0-9_-]{1,64}$")
BAD_CURSOR = "Curseur de page invalide : repartez de la première page."


@route(
    bp,
    "/staff/stats",
    access=Access.STAFF,
    summary="Chiffres par bassin d'emploi et pour la région, sur une période (mois entiers)",
    query=StatsQuery,
    response=StatsOut,
    tags=TAGS,
)
def staff_stats(ctx: Context) -> StatsOut:
    from chalicelib.services.staff_stats import get_stats

    return get_stats(ctx.query)


# --- matching runs ----------------------------------------------------------------------------
@route(
    bp,
    "/staff/matching-runs",
    "POST",
    access=Access.STAFF,
    summary="Lancer un appariement de toute la région maintenant",
    response=Queued,
    status=202,
    errors=(409, 422),
    tags=TAGS,
)
def start_matching_run(ctx: Context) -> dict:
    from chalicelib.jobs.matching import start_run
    from chalicelib.services.idempotency import run_idempotent

    scope = f"POST /staff/matching-runs:{ctx.principal.id}"
    return run_idempotent(scope, ctx.header(IDEMPOTENCY_KEY), {}, lambda: {"id": start_run("staff")})


@route(
    bp,
    "/staff/matching-runs",
    access=Access.STAFF,
    summary="Derniers appariements, du plus récent au plus ancien",
    query=RunListQuery,
    response=list[RunOut],
    tags=TAGS,
)
def list_matching_runs(ctx: Context) -> list[RunOut]:
    from chalicelib.repositories import runs

    return [RunOut.from_run(run) for run in runs.recent(ctx.query.limit)]


@route(
    bp,
    "/staff/matching-runs/{run_id}",
    access=Access.STAFF,
    summary="Avancement d'un appariement (bassins traités) et ses compteurs",
    response=RunOut,
    errors=(404,),
    tags=TAGS,
)
def get_matching_run(ctx: Context, run_id: str) -> RunOut:
    from chalicelib.repositories import runs

    run = runs.get(run_id) if _ID.fullmatch(run_id) else None
    if run is None:
        raise NotFound("Appariement introuvable.")
    return RunOut.from_run(run)


# --- exports --------------------------------------------------------------------------------
@route(
    bp,
    "/staff/exports",
    "POST",
    access=Access.STAFF,
    summary="Demander un export (produit en arrière-plan ; suivre son état avec GET /staff/exports/{id})",
    body=ExportRequest,
    response=Queued,
    status=202,
    errors=(409, 422),
    tags=TAGS,
)
def request_export(ctx: Context) -> dict:
    from chalicelib.services.build_export import request_export

    return request_export(ctx.principal.id, ctx.body, ctx.header(IDEMPOTENCY_KEY))


@route(
    bp,
    "/staff/exports/{export_id}",
    access=Access.STAFF,
    summary="État d'un export ; une fois prêt, un lien de téléchargement signé (15 min) à chaque lecture",
    response=ExportOut,
    errors=(404,),
    tags=TAGS,
)
def get_export(ctx: Context, export_id: str) -> ExportOut:
    from chalicelib.services.build_export import export_view

    return export_view(export_id)


def _encode(cursor: str | None) -> str | None:
    return base64.urlsafe_b64encode(cursor.encode()).decode().rstrip("=") if cursor else None


def _decode(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(BAD_CURSOR, {"next": BAD_CURSOR}) from exc
    if not _LOG_CURSOR.fullmatch(text):
        raise ValidationFailed(BAD_CURSOR, {"next": BAD_CURSOR})
    return text


@route(
    bp,
    "/staff/exports",
    access=Access.STAFF,
    summary="Journal des exports (qui, quoi, quand, combien de lignes), du plus récent au plus ancien",
    query=ExportLogQuery,
    response=ExportLogPage,
    tags=TAGS,
)
def export_log(ctx: Context) -> ExportLogPage:
    from chalicelib.repositories import exports

    query = ctx.query
    staff_id = ctx.principal.id if query.mine else None
    records, last = exports.page(query.limit, _decode(query.next), staff_id)
    items = [
        ExportLogEntry.model_validate(r.model_dump(include=set(ExportLogEntry.model_fields))) for r in records
    ]
    return ExportLogPage(items=items, next=_encode(last))
