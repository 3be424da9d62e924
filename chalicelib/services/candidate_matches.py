"""Use cases: a candidate reads their matched open offers and says interested or not."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from chalicelib.domain.calendar import paris_today
from chalicelib.errors import NotFound
from chalicelib.observability import logger, metrics
from chalicelib.repositories import matches, offers
from chalicelib.schemas.candidates import CandidateMatchOut, MatchedOfferOut
from chalicelib.schemas.matches import MatchView
from chalicelib.schemas.offers_store import OfferRecord
from chalicelib.schemas.referentials import BassinOut

MAX_SHOWN = 30
_OFFER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NO_MATCH = "Cette offre ne fait pas (ou plus) partie de vos correspondances."


def offer_view(offer: OfferRecord) -> MatchedOfferOut:
    """The public view of an offer: no employer contact, no description."""
    from chalicelib.domain.referentials import get_referentials

    refs = get_referentials()
    commune = refs.commune(offer.code_insee)
    bassin = refs.bassins.get(offer.bassin)
    metier = refs.metiers.get(offer.code_rome)
    return MatchedOfferOut(
        id=offer.id,
        title=offer.title,
        code_rome=offer.code_rome,
        metier_label=metier.label if metier else offer.code_rome,
        code_insee=offer.code_insee,
        commune_name=commune.name if commune else offer.code_insee,
        bassin=BassinOut(code=offer.bassin, label=bassin.label if bassin else offer.bassin),
        contract_type=offer.contract_type,
        positions=offer.positions,
        start_date=offer.start_date,
        expires_at=offer.expires_at,
    )


def is_shown(offer: OfferRecord | None, today: date) -> bool:
    return offer is not None and offer.is_open and offer.expires_at >= today


def _out(view: MatchView, offer: OfferRecord) -> CandidateMatchOut:
    assert view.match is not None
    return CandidateMatchOut(
        offer=offer_view(offer),
        score=view.match.score,
        distance_km=view.match.distance_km,
        reasons=view.match.reasons,
        interest=view.interest,
        status=view.status,
    )


def list_matches(candidate_id: str, today: date | None = None) -> list[CandidateMatchOut]:
    """The best MAX_SHOWN matches whose offer is still open, best first."""
    today = today or paris_today()
    proposed = [v for v in matches.for_candidate(candidate_id) if v.match is not None]
    found = offers.get_many(v.offer_id for v in proposed)
    shown = [(v, found[v.offer_id]) for v in proposed if is_shown(found.get(v.offer_id), today)]
    shown.sort(key=lambda pair: (-pair[0].score, pair[1].start_date, pair[0].offer_id))
    return [_out(view, offer) for view, offer in shown[:MAX_SHOWN]]


def set_interest(
    candidate_id: str, offer_id: str, interested: bool, now: datetime | None = None
) -> CandidateMatchOut:
    if not _OFFER_ID.match(offer_id):
        raise NotFound(NO_MATCH)
    view = matches.get(offer_id, candidate_id)  # the caller's own pair only
    offer = offers.get(offer_id) if view is not None and view.match is not None else None
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    today = paris_today() if now is None else moment.date()
    if view is None or offer is None or not is_shown(offer, today):
        raise NotFound(NO_MATCH)
    matches.set_interest(view, interested, moment.isoformat(timespec="seconds"))
    metrics.add_metric(
        name="CandidateInterested" if interested else "CandidateNotInterested", unit="Count", value=1
    )
    logger.info("interest recorded", extra={"candidate_id": candidate_id, "offer_id": offer_id})
    updated = matches.get(offer_id, candidate_id)
    assert updated is not None
    return _out(updated, offer)
