"""Candidate routes: sign-up, own profile, RGPD erasure and export, matched offers."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, Reply, Role, route
from chalicelib.schemas.candidates import (
    CandidateCreate,
    CandidateExport,
    CandidateUpdate,
    CandidateView,
    InterestRequest,
    MatchForCandidate,
)
from chalicelib.schemas.common import Accepted, Created
from chalicelib.services import candidate_account, candidate_matches, register_candidate, sessions

bp = Blueprint(__name__)
TAGS = ("Candidats",)
EXPORT_FILENAME = "passerelle-mes-donnees.json"


@route(
    bp,
    "/candidates",
    "POST",
    access=Access.PUBLIC,
    summary="S'inscrire comme candidat(e) (un lien de connexion est envoyé par e-mail)",
    body=CandidateCreate,
    response=Created,
    status=201,
    errors=(409, 422, 429),
    tags=TAGS,
)
def sign_up(ctx: Context) -> dict:
    sessions.check_sign_up_rate(ctx.client_ip)
    return register_candidate.register(ctx.body, ctx.idempotency_key)


@route(bp, "/candidates/me", access=Role.CANDIDATE, summary="Mon profil", response=CandidateView, tags=TAGS)
def get_me(ctx: Context) -> Reply:
    profile = candidate_account.get_profile(ctx.principal.id)
    return Reply.versioned(profile, profile.version)


@route(
    bp,
    "/candidates/me",
    "PATCH",
    access=Role.CANDIDATE,
    summary="Modifier mon profil (en-tête If-Match : la version lue)",
    body=CandidateUpdate,
    response=CandidateView,
    errors=(404, 409),
    tags=TAGS,
)
def patch_me(ctx: Context) -> Reply:
    profile = candidate_account.update_profile(ctx.principal.id, ctx.body, ctx.if_match())
    return Reply.versioned(profile, profile.version)


@route(
    bp,
    "/candidates/me",
    "DELETE",
    access=Role.CANDIDATE,
    summary="Effacer mon compte et toutes les données qui en découlent",
    status=204,
    tags=TAGS,
)
def delete_me(ctx: Context) -> Reply:
    candidate_account.erase(ctx.principal.id)
    return Reply(None, status=204, cookies=[sessions.close_session(ctx.principal)])


@route(
    bp,
    "/candidates/me/export",
    access=Role.CANDIDATE,
    summary="Télécharger toutes mes données (RGPD)",
    response=CandidateExport,
    errors=(404,),
    tags=TAGS,
)
def export_me(ctx: Context) -> Reply:
    document = candidate_account.export(ctx.principal.id)
    return Reply(document, headers={"Content-Disposition": f'attachment; filename="{EXPORT_FILENAME}"'})


@route(
    bp,
    "/candidates/me/matches",
    access=Role.CANDIDATE,
    summary="Mes offres correspondantes (ouvertes, les meilleures d'abord, 30 au plus)",
    response=list[MatchForCandidate],
    tags=TAGS,
)
def my_matches(ctx: Context) -> list[MatchForCandidate]:
    return candidate_matches.list_matches(ctx.principal.id)


@route(
    bp,
    "/candidates/me/matches/{offer_id}",
    "POST",
    access=Role.CANDIDATE,
    summary="Dire si une offre correspondante m'intéresse",
    body=InterestRequest,
    response=MatchForCandidate,
    errors=(404,),
    tags=TAGS,
)
def say_interest(ctx: Context, offer_id: str) -> MatchForCandidate:
    return candidate_matches.set_interest(ctx.principal.id, offer_id, ctx.body.interested)


@route(
    bp,
    "/candidates/me/matches/{offer_id}/reminder",
    "POST",
    access=Role.CANDIDATE,
    summary="Relancer l'employeur (une fois, 10 jours après m'être dit(e) intéressé(e), sans réponse)",
    response=Accepted,
    status=202,
    errors=(404, 409),
    tags=TAGS,
)
def remind_employer(ctx: Context, offer_id: str) -> Accepted:
    candidate_matches.send_reminder(ctx.principal.id, offer_id)
    return Accepted(message="L'employeur a été relancé par e-mail.")


@route(
    bp,
    "/candidates/me/matches/{offer_id}",
    access=Role.CANDIDATE,
    summary="Une de mes offres correspondantes (ce que j'en ai dit, la suite donnée par l'employeur)",
    response=MatchForCandidate,
    errors=(404,),
    tags=TAGS,
)
def my_match(ctx: Context, offer_id: str) -> MatchForCandidate:
    return candidate_matches.get_match(ctx.principal.id, offer_id)
