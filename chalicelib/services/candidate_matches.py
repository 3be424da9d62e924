"""Use cases: a candidate reads their matched open offers and says interested or not."""

from __future__ import annotations

import re
from datetime import date, datetime

from chalicelib.domain.calendar import paris_today, utc_timestamp
from chalicelib.errors import NotFound
from chalicelib.observability import logger, metrics
from chalicelib.repositories import employers, matches, offers
from chalicelib.schemas.candidates import MatchForCandidate, OfferSummary
from chalicelib.schemas.matches_store import MatchPair
from chalicelib.schemas.offers_store import OfferRecord
from chalicelib.services import labels

MAX_SHOWN = 30
_OFFER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NO_MATCH = "Cette offre ne fait pas (ou plus) partie de vos correspondances."


def offer_summary(offer: OfferRecord, company_name: str | None = None) -> OfferSummary:
    """The public view of an offer: no employer contact, no description; the company's name."""
    return OfferSummary(
        **offer.model_dump(
            include=set(OfferSummary.model_fields) - {"bassin", "company_name", "contract_type_label"}
        ),
        company_name=company_name,
        contract_type_label=labels.contract_label(offer.contract_type),
        metier_label=labels.metier_label(offer.code_rome),
        **labels.place(offer.code_insee, offer.bassin),
    )


def company_names(records: list[OfferRecord]) -> dict[str, str]:
    """employer id → company name, in one batch read."""
    found = employers.get_many({r.employer_id for r in records})
    return {key: employer.company_name for key, employer in found.items()}


def is_shown(offer: OfferRecord | None, today: date) -> bool:
    return offer is not None and offer.is_open and offer.expires_at >= today


def _view(pair: MatchPair, offer: OfferRecord, company_name: str | None) -> MatchForCandidate:
    assert pair.match is not None
    return MatchForCandidate(
        offer=offer_summary(offer, company_name),
        score=pair.match.score,
        distance_km=pair.match.distance_km,
        reasons=pair.match.reasons,
        interest=pair.interest,
        status=pair.status,
        status_label=labels.outcome_label(pair.status),
    )


def _company(offer: OfferRecord) -> str | None:
    return company_names([offer]).get(offer.employer_id)


def list_matches(candidate_id: str, today: date | None = None) -> list[MatchForCandidate]:
    """The best MAX_SHOWN matches whose offer is still open, best first."""
    today = today or paris_today()
    proposed = [p for p in matches.for_candidate(candidate_id) if p.match is not None]
    found = offers.get_many(p.offer_id for p in proposed)
    shown = [(p, found[p.offer_id]) for p in proposed if is_shown(found.get(p.offer_id), today)]
    shown.sort(key=lambda pair: (-pair[0].score, pair[1].start_date, pair[0].offer_id))
    shown = shown[:MAX_SHOWN]
    names = company_names([offer for _, offer in shown])
    return [_view(pair, offer, names.get(offer.employer_id)) for pair, offer in shown]


def get_match(candidate_id: str, offer_id: str, today: date | None = None) -> MatchForCandidate:
    """One of the candidate's matches (the offer page shows the choice next to the offer)."""
    today = today or paris_today()
    pair = matches.get(offer_id, candidate_id) if _OFFER_ID.match(offer_id) else None
    offer = offers.get(offer_id) if pair is not None and pair.match is not None else None
    if pair is None or offer is None or not is_shown(offer, today):
        raise NotFound(NO_MATCH)
    return _view(pair, offer, _company(offer))


def set_interest(
    candidate_id: str, offer_id: str, interested: bool, now: datetime | None = None
) -> MatchForCandidate:
    if not _OFFER_ID.match(offer_id):
        raise NotFound(NO_MATCH)
    pair = matches.get(offer_id, candidate_id)  # the caller's own pair only
    offer = offers.get(offer_id) if pair is not None and pair.match is not None else None
    stamp = utc_timestamp(now)
    today = paris_today() if now is None else date.fromisoformat(stamp[:10])
    if pair is None or offer is None or not is_shown(offer, today):
        raise NotFound(NO_MATCH)
    matches.set_interest(pair, interested, stamp)
    metrics.add_metric(
        name="CandidateInterested" if interested else "CandidateNotInterested", unit="Count", value=1
    )
    logger.info("interest recorded", extra={"candidate_id": candidate_id, "offer_id": offer_id})
    updated = matches.get(offer_id, candidate_id)
    assert updated is not None
    return _view(updated, offer, _company(offer))
