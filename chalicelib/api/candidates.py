"""Candidate routes: sign-up, own profile, RGPD erasure and export, matched offers."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, Reply, route
from chalicelib.schemas.candidates import (
    CandidateCreated,
    CandidateExport,
    CandidateIn,
    CandidateMatchOut,
    CandidateOut,
    CandidatePatch,
    InterestIn,
)
from chalicelib.services import candidate_account, candidate_matches, register_candidate, sessions
from chalicelib.services.idempotency import HEADER as IDEMPOTENCY_KEY

bp = Blueprint(__name__)
TAGS = ("Candidats",)
EXPORT_FILENAME = "passerelle-mes-donnees.json"


def _etag(profile: CandidateOut) -> dict[str, str]:
    return {"ETag": f'"{profile.version}"'}


@route(
    bp,
    "/candidates",
    "POST",
    access=Access.PUBLIC,
    summary="S'inscrire comme candidat(e) (un lien de connexion est envoyé par e-mail)",
    body=CandidateIn,
    response=CandidateCreated,
    status=201,
    errors=(409, 422),
    tags=TAGS,
)
def sign_up(ctx: Context) -> dict:
    return register_candidate.register(ctx.body, ctx.header(IDEMPOTENCY_KEY))


@route(bp, "/candidates/me", access=Access.CANDIDATE, summary="Mon profil", response=CandidateOut, tags=TAGS)
def get_me(ctx: Context) -> Reply:
    profile = candidate_account.get_profile(ctx.principal.id)
    return Reply(profile, headers=_etag(profile))


@route(
    bp,
    "/candidates/me",
    "PATCH",
    access=Access.CANDIDATE,
    summary="Modifier mon profil (en-tête If-Match : la version lue)",
    body=CandidatePatch,
    response=CandidateOut,
    errors=(404, 409),
    tags=TAGS,
)
def patch_me(ctx: Context) -> Reply:
    profile = candidate_account.update_profile(ctx.principal.id, ctx.body, ctx.header("if-match"))
    return Reply(profile, headers=_etag(profile))


@route(
    bp,
    "/candidates/me",
    "DELETE",
    access=Access.CANDIDATE,
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
    access=Access.CANDIDATE,
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
    access=Access.CANDIDATE,
    summary="Mes offres correspondantes (ouvertes, les meilleures d'abord, 30 au plus)",
    response=list[CandidateMatchOut],
    tags=TAGS,
)
def my_matches(ctx: Context) -> list[CandidateMatchOut]:
    return candidate_matches.list_matches(ctx.principal.id)


@route(
    bp,
    "/candidates/me/matches/{offer_id}",
    "POST",
    access=Access.CANDIDATE,
    summary="Dire si une offre correspondante m'intéresse",
    body=InterestIn,
    response=CandidateMatchOut,
    errors=(404,),
    tags=TAGS,
)
def say_interest(ctx: Context, offer_id: str) -> CandidateMatchOut:
    return candidate_matches.set_interest(ctx.principal.id, offer_id, ctx.body.interested)
