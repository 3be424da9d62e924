"""Advisor routes of a structure d'accompagnement: register a person, the caseload, the matches of
those who share them, the daily digest preference (docs/structures.md, "Advisors")."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Context, Reply, Role, route
from chalicelib.schemas.advisors import (
    AdvisedCreate,
    AdvisedCreated,
    AdvisedPage,
    AdvisedView,
    AdvisorPreferences,
    AdvisorPreferencesUpdate,
)
from chalicelib.schemas.candidates import MatchForCandidate
from chalicelib.services import advisors

bp = Blueprint(__name__)
TAGS = ("Conseillers",)


@route(
    bp,
    "/advisor/candidates",
    "POST",
    access=Role.ADVISOR,
    summary=(
        "Inscrire une personne accompagnée (l'inscription candidat sans les accords) : elle reçoit une "
        "invitation par e-mail et donne elle-même son accord ; rien n'est visible des employeurs avant"
    ),
    body=AdvisedCreate,
    response=AdvisedCreated,
    status=201,
    errors=(409,),
    tags=TAGS,
)
def register_person(ctx: Context) -> Reply:
    return Reply(advisors.register(ctx.principal, ctx.body, ctx.idempotency_key), status=201)


@route(
    bp,
    "/advisor/candidates",
    access=Role.ADVISOR,
    summary="Les personnes inscrites par ma structure : statut, et le suivi de celles qui le partagent",
    response=AdvisedPage,
    tags=TAGS,
)
def caseload(ctx: Context) -> AdvisedPage:
    return advisors.caseload(ctx.principal)


@route(
    bp,
    "/advisor/candidates/{person_id}",
    access=Role.ADVISOR,
    summary="Une personne de ma structure qui partage son suivi ; sinon, ou d'une autre structure : 404",
    response=AdvisedView,
    errors=(404,),
    tags=TAGS,
)
def one_person(ctx: Context, person_id: str) -> AdvisedView:
    return advisors.person(ctx.principal, person_id)


@route(
    bp,
    "/advisor/candidates/{person_id}/matches",
    access=Role.ADVISOR,
    summary="Les offres proposées à une personne qui partage son suivi avec ma structure (comme elle les voit)",
    response=list[MatchForCandidate],
    errors=(404,),
    tags=TAGS,
)
def person_matches(ctx: Context, person_id: str) -> list[MatchForCandidate]:
    return advisors.matches_of(ctx.principal, person_id)


@route(
    bp,
    "/advisor/preferences",
    access=Role.ADVISOR,
    summary="Mes préférences d'e-mail (récapitulatif quotidien des changements)",
    response=AdvisorPreferences,
    tags=TAGS,
)
def my_preferences(ctx: Context) -> AdvisorPreferences:
    return advisors.preferences(ctx.principal)


@route(
    bp,
    "/advisor/preferences",
    "PATCH",
    access=Role.ADVISOR,
    summary="Recevoir ou non le récapitulatif quotidien des changements du portefeuille",
    body=AdvisorPreferencesUpdate,
    response=AdvisorPreferences,
    tags=TAGS,
)
def set_preferences(ctx: Context) -> AdvisorPreferences:
    return advisors.set_preferences(ctx.principal, ctx.body.digest_opt_out)
