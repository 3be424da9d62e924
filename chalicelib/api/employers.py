"""Employer routes: sign-up, own account, own offers."""

from __future__ import annotations

import re

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, Reply, route
from chalicelib.errors import ValidationFailed
from chalicelib.schemas.employers import Created, EmployerCreate, EmployerOut, EmployerUpdate
from chalicelib.schemas.offers import OwnOffers
from chalicelib.services import employer_account, register_employer, sessions
from chalicelib.services.idempotency import HEADER as IDEMPOTENCY_KEY

bp = Blueprint(__name__)
TAGS = ("Employeurs",)
IF_MATCH_REQUIRED = "En-tête If-Match obligatoire : la version lue (champ « version »)."
IF_MATCH_INVALID = "En-tête If-Match invalide : un numéro de version est attendu."
_VERSION = re.compile(r'^(?:W/)?"?([0-9]{1,9})"?$')


def if_match_version(ctx: Context) -> int:
    """The version the client read, from `If-Match: 3` (or an ETag `"3"`)."""
    value = (ctx.header("if-match") or "").strip()
    if not value:
        raise ValidationFailed(IF_MATCH_REQUIRED, {"If-Match": IF_MATCH_REQUIRED})
    found = _VERSION.match(value)
    if not found:
        raise ValidationFailed(IF_MATCH_INVALID, {"If-Match": IF_MATCH_INVALID})
    return int(found.group(1))


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


@route(
    bp,
    "/employers",
    "POST",
    access=Access.PUBLIC,
    summary="Inscrire une entreprise (SIRET) ; un lien de connexion est envoyé par e-mail",
    body=EmployerCreate,
    response=Created,
    status=201,
    errors=(409, 422),
    tags=TAGS,
)
def sign_up(ctx: Context) -> dict:
    return register_employer.register(ctx.body, ctx.header(IDEMPOTENCY_KEY))


@route(
    bp,
    "/employers/me",
    access=Access.EMPLOYER,
    summary="Mon compte employeur",
    response=EmployerOut,
    errors=(404,),
    tags=TAGS,
)
def get_me(ctx: Context) -> Reply:
    profile = employer_account.get_profile(ctx.principal.id)
    return Reply(profile, headers=etag(profile.version))


@route(
    bp,
    "/employers/me",
    "PATCH",
    access=Access.EMPLOYER,
    summary="Modifier mon compte employeur (en-tête If-Match : la version lue)",
    body=EmployerUpdate,
    response=EmployerOut,
    errors=(404, 409),
    tags=TAGS,
)
def patch_me(ctx: Context) -> Reply:
    profile = employer_account.update_profile(ctx.principal.id, ctx.body, if_match_version(ctx))
    return Reply(profile, headers=etag(profile.version))


@route(
    bp,
    "/employers/me",
    "DELETE",
    access=Access.EMPLOYER,
    summary="Effacer mon compte (les offres sont clôturées)",
    status=204,
    tags=TAGS,
)
def delete_me(ctx: Context) -> Reply:
    employer_account.erase(ctx.principal.id)
    return Reply(None, status=204, cookies=[sessions.close_session(ctx.principal)])


@route(
    bp,
    "/employers/me/offers",
    access=Access.EMPLOYER,
    summary="Mes offres, avec le nombre de correspondances et le taux de réponse",
    response=OwnOffers,
    tags=TAGS,
)
def my_offers(ctx: Context) -> OwnOffers:
    return employer_account.own_offers(ctx.principal.id)
