"""Offer routes: public listing and view; the owner's edits, closing, matches and outcomes."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.employers import etag, if_match_version
from chalicelib.api.routing import Access, Context, Reply, route
from chalicelib.domain.calendar import paris_today
from chalicelib.schemas.employers import Created
from chalicelib.schemas.offers import (
    CandidateMatchOut,
    OfferCreate,
    OfferListQuery,
    OfferOwnerView,
    OfferPage,
    OfferPublic,
    OfferUpdate,
    OutcomeRequest,
)
from chalicelib.services import browse_offers, offer_matches, submit_offer
from chalicelib.services.idempotency import HEADER as IDEMPOTENCY_KEY

bp = Blueprint(__name__)
TAGS = ("Offres",)


def _owner_reply(employer_id: str, record) -> Reply:
    view = browse_offers.owner_views(employer_id, [record], paris_today())[0]
    return Reply(view, headers=etag(view.version))


@route(
    bp,
    "/offers",
    "POST",
    access=Access.EMPLOYER,
    summary="Publier une offre",
    body=OfferCreate,
    response=Created,
    status=201,
    errors=(409, 422),
    tags=TAGS,
)
def submit(ctx: Context) -> dict:
    return submit_offer.submit(ctx.principal.id, ctx.body, ctx.header(IDEMPOTENCY_KEY))


@route(
    bp,
    "/offers",
    access=Access.PUBLIC,
    summary="Offres ouvertes (filtres : bassin, métier, distance d'une commune), page par page",
    query=OfferListQuery,
    response=OfferPage,
    tags=TAGS,
)
def list_offers(ctx: Context) -> OfferPage:
    return browse_offers.search(ctx.query)


@route(
    bp,
    "/offers/{offer_id}",
    access=Access.PUBLIC,
    summary="Une offre (vue publique ; son employeur voit aussi l'état, la version et les compteurs)",
    response=OfferPublic | OfferOwnerView,
    errors=(404,),
    tags=TAGS,
)
def get_offer(ctx: Context, offer_id: str) -> Reply:
    principal = ctx.principal
    viewer = principal.id if principal is not None and principal.role == "employer" else None
    view = browse_offers.view_offer(offer_id, viewer)
    headers = etag(view.version) if isinstance(view, OfferOwnerView) else {}
    return Reply(view, headers=headers)


@route(
    bp,
    "/offers/{offer_id}",
    "PATCH",
    access=Access.EMPLOYER,
    summary="Modifier mon offre (en-tête If-Match : la version lue)",
    body=OfferUpdate,
    response=OfferOwnerView,
    errors=(404, 409),
    tags=TAGS,
)
def patch_offer(ctx: Context, offer_id: str) -> Reply:
    version = if_match_version(ctx)
    record = submit_offer.edit(ctx.principal.id, offer_id, ctx.body, version)
    return _owner_reply(ctx.principal.id, record)


@route(
    bp,
    "/offers/{offer_id}/close",
    "POST",
    access=Access.EMPLOYER,
    summary="Clôturer mon offre (elle n'est plus publiée ni proposée)",
    response=OfferOwnerView,
    errors=(404, 409),
    tags=TAGS,
)
def close_offer(ctx: Context, offer_id: str) -> Reply:
    record = submit_offer.close(ctx.principal.id, offer_id)
    return _owner_reply(ctx.principal.id, record)


@route(
    bp,
    "/offers/{offer_id}/matches",
    access=Access.EMPLOYER,
    summary="Candidats correspondant à mon offre (ceux qui acceptent d'être contactés), les meilleurs d'abord",
    response=list[CandidateMatchOut],
    errors=(404,),
    tags=TAGS,
)
def offer_candidates(ctx: Context, offer_id: str) -> list[dict]:
    found = offer_matches.list_for_owner(ctx.principal.id, offer_id)
    # e-mail and phone are left out, not null, until the candidate said "interested".
    return [m.model_dump(mode="json", exclude_unset=True) for m in found]


@route(
    bp,
    "/offers/{offer_id}/matches/{candidate_id}",
    "POST",
    access=Access.EMPLOYER,
    summary="Enregistrer la suite donnée à un candidat (contacté, entretien, recruté, non retenu)",
    body=OutcomeRequest,
    response=CandidateMatchOut,
    errors=(404,),
    tags=TAGS,
)
def record_outcome(ctx: Context, offer_id: str, candidate_id: str) -> dict:
    found = offer_matches.record_outcome(ctx.principal.id, offer_id, candidate_id, ctx.body.status)
    return found.model_dump(mode="json", exclude_unset=True)
