"""Use cases: anyone browses open offers; an offer is shown publicly, or in full to its owner.

The public view never carries the employer's contact: only the company name.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from chalicelib.domain.calendar import paris_today
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.repositories import employers, offers
from chalicelib.schemas.offers import MatchCounts, OfferListQuery, OfferPage, OfferPublic, OfferView
from chalicelib.schemas.offers_store import OfferRecord
from chalicelib.schemas.pagination import decode_cursor, encode_cursor
from chalicelib.services import labels, offer_matches
from chalicelib.services.submit_offer import NOT_FOUND, find_offer

DEFAULT_RADIUS_KM = 30
RADIUS_WITHOUT_COMMUNE = "Indiquez une commune (code INSEE) pour rechercher autour d'elle."


def public_view(offer: OfferRecord, company_name: str | None) -> OfferPublic:
    return OfferPublic(
        **offer.model_dump(include=set(OfferPublic.model_fields) - {"competences", "bassin"}),
        metier_label=labels.metier_label(offer.code_rome),
        competences=labels.competence_labels(offer.competences),
        **labels.place(offer.code_insee, offer.bassin),
        company_name=company_name,
    )


def public_views(records: Iterable[OfferRecord]) -> list[OfferPublic]:
    """Public views of several offers, with one batch read of their employers' names."""
    records = list(records)
    found = employers.get_many({r.employer_id for r in records})
    return [
        public_view(r, found[r.employer_id].company_name if r.employer_id in found else None) for r in records
    ]


def owner_view(offer: OfferRecord, company_name: str | None, counts: MatchCounts, today: date) -> OfferView:
    return OfferView(
        **public_view(offer, company_name).model_dump(),
        status=offer.status,
        expired=offer.is_expired(today),
        version=offer.version,
        created_at=offer.created_at,
        updated_at=offer.updated_at,
        closed_at=offer.closed_at,
        counts=counts,
        answer_rate=offer_matches.answer_rate([counts]),
    )


def owner_views(employer_id: str, records: list[OfferRecord], today: date) -> list[OfferView]:
    employer = employers.get(employer_id)
    company = employer.company_name if employer else None
    pairs = offer_matches.visible_pairs(r.id for r in records)
    return [owner_view(r, company, offer_matches.counts_of(pairs[r.id]), today) for r in records]


def view_offer(offer_id: str, viewer_id: str | None, today: date | None = None) -> OfferPublic | OfferView:
    """Its owner sees everything, closed or expired; others only a listed offer's public view."""
    today = today or paris_today()
    offer = find_offer(offer_id)
    if offer is not None and viewer_id is not None and offer.employer_id == viewer_id:
        return owner_views(viewer_id, [offer], today)[0]
    if offer is None or not offer.is_listed(today):
        raise NotFound(NOT_FOUND)
    return public_views([offer])[0]


# --- listing ---------------------------------------------------------------------------------
def search(query: OfferListQuery, today: date | None = None) -> OfferPage:
    """Open, unexpired offers, filtered by bassin, métier and distance from a commune.

    A page may hold fewer than `limit` offers while `next` is set: the search reads a bounded
    number of index items per request and says where to continue.
    """
    today = today or paris_today()
    refs = get_referentials()
    if query.radius_km is not None and query.commune is None:
        raise ValidationFailed(RADIUS_WITHOUT_COMMUNE, {"commune": RADIUS_WITHOUT_COMMUNE})
    accept = None
    if query.commune is not None:
        # Imported here: chalicelib.domain.geo brings numpy (~100 ms), which no other route needs at cold start.
        from chalicelib.domain.geo import haversine_km

        centre = refs.commune(query.commune)
        assert centre is not None  # checked by the query model
        radius = DEFAULT_RADIUS_KM if query.radius_km is None else query.radius_km

        def accept(offer: OfferRecord) -> bool:
            place = refs.commune(offer.code_insee)
            return place is not None and haversine_km(centre.lat, centre.lon, place.lat, place.lon) <= radius

    records, last_key = offers.search_open(
        bassin=query.bassin,
        code_rome=query.code_rome,
        today=today,
        limit=query.limit,
        start_key=decode_cursor(query.next, lambda key: offers.start_key_is_valid(query.bassin, key)),
        accept=accept,
    )
    return OfferPage(items=public_views(records), next=encode_cursor(last_key))


def owner_view_of(employer_id: str, record: OfferRecord) -> OfferView:
    """The owner's view of one of its offers (after an edit or a close)."""
    return owner_views(employer_id, [record], paris_today())[0]
