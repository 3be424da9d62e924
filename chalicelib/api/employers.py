"""Employer routes: sign-up, own account, own offers."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, Reply, Role, route
from chalicelib.schemas.common import Created
from chalicelib.schemas.employers import EmployerCreate, EmployerUpdate, EmployerView
from chalicelib.schemas.offers import OwnOfferPage
from chalicelib.services import employer_account, register_employer, sessions

bp = Blueprint(__name__)
TAGS = ("Employeurs",)


@route(
    bp,
    "/employers",
    "POST",
    access=Access.PUBLIC,
    summary="Inscrire une entreprise (SIRET) ; un lien de connexion est envoyé par e-mail",
    body=EmployerCreate,
    response=Created,
    status=201,
    errors=(409, 422, 429),
    tags=TAGS,
)
def sign_up(ctx: Context) -> dict:
    sessions.check_sign_up_rate(ctx.client_ip)
    return register_employer.register(ctx.body, ctx.idempotency_key)


@route(
    bp,
    "/employers/me",
    access=Role.EMPLOYER,
    summary="Mon compte employeur",
    response=EmployerView,
    errors=(404,),
    tags=TAGS,
)
def get_me(ctx: Context) -> Reply:
    profile = employer_account.get_profile(ctx.principal.id)
    return Reply.versioned(profile, profile.version)


@route(
    bp,
    "/employers/me",
    "PATCH",
    access=Role.EMPLOYER,
    summary="Modifier mon compte employeur (en-tête If-Match : la version lue)",
    body=EmployerUpdate,
    response=EmployerView,
    errors=(404, 409),
    tags=TAGS,
)
def patch_me(ctx: Context) -> Reply:
    profile = employer_account.update_profile(ctx.principal.id, ctx.body, ctx.if_match())
    return Reply.versioned(profile, profile.version)


@route(
    bp,
    "/employers/me",
    "DELETE",
    access=Role.EMPLOYER,
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
    access=Role.EMPLOYER,
    summary="Mes offres, avec le nombre de correspondances et le taux de réponse",
    response=OwnOfferPage,
    tags=TAGS,
)
def my_offers(ctx: Context) -> OwnOfferPage:
    return employer_account.own_offers(ctx.principal.id)
