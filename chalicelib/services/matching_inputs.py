"""What the matching workers give the engine and what they store of its results, in one place:
the scheduled run (services/run_matching.py) and the per-event path (services/match_events.py)
build the same inputs from what they read and the same stored records from what they computed.
"""

from __future__ import annotations

from chalicelib.domain.matching import CandidateInput, MatchResult, OfferInput
from chalicelib.domain.referentials import get_referentials
from chalicelib.repositories.match_index import reach_candidate
from chalicelib.schemas.candidates_store import CandidateRecord
from chalicelib.schemas.match_index_store import ReachCandidateRecord
from chalicelib.schemas.matches_store import MatchRecord


def offer_input(offer, is_open: bool | None = None) -> OfferInput | None:
    """An offer (OfferRecord, or an index entry ReachOfferRecord: listed only while open) as the
    engine reads it; None for an unknown commune."""
    commune = get_referentials().commune(offer.code_insee)
    if commune is None:
        return None
    return OfferInput(
        id=offer.id,
        lat=commune.lat,
        lon=commune.lon,
        code_insee=commune.code_insee,
        code_rome=offer.code_rome,
        competences=frozenset(offer.competences),
        contract_type=offer.contract_type,
        start_date=offer.start_date,
        expires_at=offer.expires_at,
        is_open=getattr(offer, "is_open", True) if is_open is None else is_open,
    )


def candidate_input(c: ReachCandidateRecord, listed: bool = True) -> CandidateInput | None:
    """A candidate's index entry as the engine reads it (`listed`: False for a withdrawn one)."""
    commune = get_referentials().commune(c.code_insee)
    if commune is None:
        return None
    return CandidateInput(
        id=c.id,
        lat=commune.lat,
        lon=commune.lon,
        code_insee=commune.code_insee,
        mobility_km=c.mobility_km,
        metiers=frozenset(c.metiers),
        competences=frozenset(c.competences),
        contract_types=frozenset(c.contract_types),
        available_from=c.available_from,
        training_end=c.training_end,
        active=listed,
        consent_contact=listed,
    )


def profile_input(candidate: CandidateRecord) -> CandidateInput | None:
    """A profile as the engine reads it (listed when it consents and is visible)."""
    return candidate_input(reach_candidate(candidate), listed=candidate.consent_contact and candidate.visible)


def match_record(m: MatchResult, employer_id: str, bassin: str, now: str) -> MatchRecord:
    """The stored match (OFFER#<offer> / MATCH#<candidate>) of a computed result."""
    return MatchRecord(
        offer_id=m.offer_id,
        candidate_id=m.candidate_id,
        employer_id=employer_id,
        bassin=bassin,
        score=m.score,
        exact=m.exact,
        distance_km=round(m.distance_km, 1),
        competences_held=m.competences_held,
        competences_required=m.competences_required,
        reasons=list(m.reasons),
        computed_at=now,
    )
