"""The eligibility rules of a (offer, candidate) pair, one function per rule.

The naive reference applies them pair by pair in this order; the fast engine applies the same
rules to whole arrays (engine.py) and must agree with them exactly.

1. the offer is open and not expired (expires_at is None or ≥ today);
2. the candidate is active, agreed to be shown to employers (consent_contact), and their
   training ends at the latest 8 weeks after today (someone further from the end of their
   training is not looking for a job yet);
3. the candidate is available when the job starts: they can start on `ready_on`, the later of
   `available_from` and `training_end` (nobody starts a job before finishing their training),
   and the job starts on `starts_on`, the later of `start_date` and today (an open offer whose
   start date has passed is filled as soon as possible);
4. the offer's contract type is one the candidate accepts;
5. the métier fits: the offer's ROME code is one of the candidate's (training or target:
   exact), or a ROME mobility target of one of them (close);
6. the workplace is within reach: mobility_km = 0 means the candidate's own commune only,
   otherwise the great-circle distance between commune centres is ≤ mobility_km (inclusive).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from chalicelib.domain.geo import haversine_km
from chalicelib.domain.matching.model import CandidateInput, OfferInput

TRAINING_END_HORIZON = timedelta(weeks=8)

Targets = Mapping[str, frozenset[str]]


def mobility_targets(mobility: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """Freezes the ROME mobility map once (its values may be one-shot iterables)."""
    return {code: frozenset(targets) for code, targets in mobility.items()}


def offer_is_live(offer: OfferInput, today: date) -> bool:
    return offer.is_open and (offer.expires_at is None or offer.expires_at >= today)


def candidate_is_listed(candidate: CandidateInput, today: date) -> bool:
    return (
        candidate.active
        and candidate.consent_contact
        and candidate.training_end <= today + TRAINING_END_HORIZON
    )


def ready_on(candidate: CandidateInput) -> date:
    return max(candidate.available_from, candidate.training_end)


def starts_on(offer: OfferInput, today: date) -> date:
    return max(offer.start_date, today)


def is_available(candidate: CandidateInput, offer: OfferInput, today: date) -> bool:
    return ready_on(candidate) <= starts_on(offer, today)


def accepts_contract(candidate: CandidateInput, offer: OfferInput) -> bool:
    return offer.contract_type in candidate.contract_types


def metier_fit(candidate: CandidateInput, offer: OfferInput, targets: Targets) -> bool | None:
    """True: same métier, False: close métier (ROME mobility), None: no fit."""
    if offer.code_rome in candidate.metiers:
        return True
    for code in candidate.metiers:
        if offer.code_rome in targets.get(code, ()):
            return False
    return None


def distance_km(candidate: CandidateInput, offer: OfferInput) -> float:
    # Always offer first: the engine computes the same operations in the same order.
    return haversine_km(offer.lat, offer.lon, candidate.lat, candidate.lon)


def is_reachable(candidate: CandidateInput, offer: OfferInput, distance: float) -> bool:
    if candidate.mobility_km <= 0:
        return candidate.code_insee == offer.code_insee
    return distance <= candidate.mobility_km


def days_since_training_end(candidate: CandidateInput, today: date) -> int:
    """Negative while the training is still running."""
    return (today - candidate.training_end).days
