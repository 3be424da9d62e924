"""Offer routes: public listing and view; the owner's edits, closing, matches and outcomes."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, Reply, Role, route
from chalicelib.schemas.common import Created
from chalicelib.schemas.offers import (
    MatchForEmployer,
    OfferCreate,
    OfferListQuery,
    OfferPage,
    OfferPublic,
    OfferUpdate,
    OfferView,
    OutcomeRequest,
)
from chalicelib.services import browse_offers, offer_matches, submit_offer

bp = Blueprint(__name__)
TAGS = ("Offres",)


def _owner_reply(employer_id: str, record) -> Reply:
    view = browse_offers.owner_view_of(employer_id, record)
    return Reply.versioned(view, view.version)


@route(
    bp,
    "/offers",
    "POST",
    access=Role.EMPLOYER,
    summary="Publier une offre",
    body=OfferCreate,
    response=Created,
    status=201,
    errors=(409, 422),
    tags=TAGS,
)
def submit(ctx: Context) -> dict:
    return submit_offer.submit(ctx.principal.id, ctx.body, ctx.idempotency_key)


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
    response=OfferPublic | OfferView,
    errors=(404,),
    tags=TAGS,
)
def get_offer(ctx: Context, offer_id: str) -> Reply:
    principal = ctx.principal
    viewer = principal.id if principal is not None and principal.role is Role.EMPLOYER else None
    view = browse_offers.view_offer(offer_id, viewer)
    if isinstance(view, OfferView):
        return Reply.versioned(view, view.version)
    return Reply(view)


@route(
    bp,
    "/offers/{offer_id}",
    "PATCH",
    access=Role.EMPLOYER,
    summary="Modifier mon offre (en-tête If-Match : la version lue)",
    body=OfferUpdate,
    response=OfferView,
    errors=(404, 409),
    tags=TAGS,
)
def patch_offer(ctx: Context, offer_id: str) -> Reply:
    version = ctx.if_match()
    record = submit_offer.edit(ctx.principal.id, offer_id, ctx.body, version)
    return _owner_reply(ctx.principal.id, record)


@route(
    bp,
    "/offers/{offer_id}/close",
    "POST",
    access=Role.EMPLOYER,
    summary="Clôturer mon offre (elle n'est plus publiée ni proposée)",
    response=OfferView,
    errors=(404, 409),
    tags=TAGS,
)
def close_offer(ctx: Context, offer_id: str) -> Reply:
    record = submit_offer.close(ctx.principal.id, offer_id)
    return _owner_reply(ctx.principal.id, record)


@route(
    bp,
    "/offers/{offer_id}/matches",
    access=Role.EMPLOYER,
    summary="Candidats correspondant à mon offre (ceux qui acceptent d'être contactés), les meilleurs d'abord",
    response=list[MatchForEmployer],
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
    access=Role.EMPLOYER,
    summary="Enregistrer la suite donnée à un candidat (contacté, entretien, embauché, non retenu avec sa raison)",
    body=OutcomeRequest,
    response=MatchForEmployer,
    errors=(404, 409),
    tags=TAGS,
)
def record_outcome(ctx: Context, offer_id: str, candidate_id: str) -> dict:
    details = ctx.body.model_dump(exclude={"status"}, exclude_none=True)
    found = offer_matches.record_outcome(
        ctx.principal.id, offer_id, candidate_id, ctx.body.status, details=details
    )
    return found.model_dump(mode="json", exclude_unset=True)
