"""Staff back office routes: figures per bassin, matching runs, exports and their audit log."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Context, Role, route
from chalicelib.schemas.common import Queued
from chalicelib.schemas.daily_runs import DailyRunListQuery, DailyRunView
from chalicelib.schemas.employers import EmployerResponsivenessView, UnansweredQuery
from chalicelib.schemas.exports import ExportLogPage, ExportLogQuery, ExportRequest, ExportView
from chalicelib.schemas.runs import RunListQuery, RunView
from chalicelib.schemas.stats import StatsQuery, StatsRefreshRequest, StatsRefreshView, StatsView

bp = Blueprint(__name__)
TAGS = ("Agents de la Région",)
# The services are imported in the views: the matching's (numpy) is not paid by the other routes.


@route(
    bp,
    "/staff/stats",
    access=Role.STAFF,
    summary="Chiffres par bassin d'emploi et pour la région, sur une période (mois entiers)",
    query=StatsQuery,
    response=StatsView,
    tags=TAGS,
)
def staff_stats(ctx: Context) -> StatsView:
    from chalicelib.services.staff_stats import get_stats

    return get_stats(ctx.query)


@route(
    bp,
    "/staff/stats/refresh",
    "POST",
    access=Role.STAFF,
    summary="Recalculer maintenant les chiffres d'un bassin (ou de tous sans bassin)",
    body=StatsRefreshRequest,
    response=StatsRefreshView,
    tags=TAGS,
)
def refresh_staff_stats(ctx: Context) -> StatsRefreshView:
    from chalicelib.services.staff_stats import refresh_now

    return refresh_now(ctx.body.bassin)


# --- matching runs ----------------------------------------------------------------------------
@route(
    bp,
    "/staff/matching-runs",
    "POST",
    access=Role.STAFF,
    summary="Lancer un appariement de toute la région maintenant",
    response=Queued,
    status=202,
    errors=(409, 422),
    tags=TAGS,
)
def start_matching_run(ctx: Context) -> dict:
    from chalicelib.services.matching_runs import start_run_for_staff

    return start_run_for_staff(ctx.principal.id, ctx.idempotency_key)


@route(
    bp,
    "/staff/matching-runs",
    access=Role.STAFF,
    summary="Derniers appariements, du plus récent au plus ancien",
    query=RunListQuery,
    response=list[RunView],
    tags=TAGS,
)
def list_matching_runs(ctx: Context) -> list[RunView]:
    from chalicelib.services.matching_runs import recent_runs

    return recent_runs(ctx.query.limit)


@route(
    bp,
    "/staff/matching-runs/{run_id}",
    access=Role.STAFF,
    summary="Avancement d'un appariement (bassins traités) et ses compteurs",
    response=RunView,
    errors=(404,),
    tags=TAGS,
)
def get_matching_run(ctx: Context, run_id: str) -> RunView:
    from chalicelib.services.matching_runs import get_run

    return get_run(run_id)


# --- exports --------------------------------------------------------------------------------
@route(
    bp,
    "/staff/exports",
    "POST",
    access=Role.STAFF,
    summary="Demander un export (produit en arrière-plan ; suivre son état avec GET /staff/exports/{id})",
    body=ExportRequest,
    response=Queued,
    status=202,
    errors=(409, 422),
    tags=TAGS,
)
def request_export(ctx: Context) -> dict:
    from chalicelib.services.export_requests import request_export

    return request_export(ctx.principal.id, ctx.body, ctx.idempotency_key)


@route(
    bp,
    "/staff/exports/{export_id}",
    access=Role.STAFF,
    summary="État d'un export ; une fois prêt, un lien de téléchargement signé (15 min) à chaque lecture",
    response=ExportView,
    errors=(404,),
    tags=TAGS,
)
def get_export(ctx: Context, export_id: str) -> ExportView:
    from chalicelib.services.export_requests import export_view

    return export_view(export_id, ctx.principal.id)


@route(
    bp,
    "/staff/exports",
    access=Role.STAFF,
    summary="Journal des exports (qui, quoi, quand, combien de lignes), du plus récent au plus ancien",
    query=ExportLogQuery,
    response=ExportLogPage,
    tags=TAGS,
)
def export_log(ctx: Context) -> ExportLogPage:
    from chalicelib.services.export_requests import export_log

    return export_log(ctx.query, ctx.principal.id)


# --- daily runs (reminders, closures, expiry, follow-up questions) ------------------------------
@route(
    bp,
    "/staff/daily-runs",
    "POST",
    access=Role.STAFF,
    summary="Lancer maintenant le traitement quotidien (rappels, clôtures, expirations, questions de suivi)",
    response=Queued,
    status=202,
    errors=(409, 422),
    tags=TAGS,
)
def start_daily_run(ctx: Context) -> dict:
    from chalicelib.services.daily_runs import start_run_for_staff

    return start_run_for_staff(ctx.principal.id, ctx.idempotency_key)


@route(
    bp,
    "/staff/daily-runs",
    access=Role.STAFF,
    summary="Derniers traitements quotidiens, du plus récent au plus ancien",
    query=DailyRunListQuery,
    response=list[DailyRunView],
    tags=TAGS,
)
def list_daily_runs(ctx: Context) -> list[DailyRunView]:
    from chalicelib.services.daily_runs import recent_runs

    return recent_runs(ctx.query.limit)


@route(
    bp,
    "/staff/daily-runs/{run_id}",
    access=Role.STAFF,
    summary="Avancement d'un traitement quotidien (étapes faites) et ses compteurs",
    response=DailyRunView,
    errors=(404,),
    tags=TAGS,
)
def get_daily_run(ctx: Context, run_id: str) -> DailyRunView:
    from chalicelib.services.daily_runs import get_run

    return get_run(run_id)


# --- employers who do not answer --------------------------------------------------------------
@route(
    bp,
    "/staff/employers",
    access=Role.STAFF,
    summary="Employeurs qui laissent des personnes intéressées sans réponse, avec leur taux de réponse",
    query=UnansweredQuery,
    response=list[EmployerResponsivenessView],
    tags=TAGS,
)
def unanswering_employers(ctx: Context) -> list[EmployerResponsivenessView]:
    from chalicelib.services.employer_responsiveness import list_for_staff

    return list_for_staff(ctx.query.unanswered_days)


@route(
    bp,
    "/staff/employers/{employer_id}/resume",
    "POST",
    access=Role.STAFF,
    summary="Proposer de nouveau les offres d'un employeur mis en pause",
    response=EmployerResponsivenessView,
    errors=(404,),
    tags=TAGS,
)
def resume_employer(ctx: Context, employer_id: str) -> EmployerResponsivenessView:
    from chalicelib.services.employer_responsiveness import resume_by_staff

    return resume_by_staff(employer_id)
