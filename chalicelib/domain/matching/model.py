"""Inputs and outputs of matching: plain values, no reference data, no storage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True, slots=True)
class CandidateInput:
    id: str
    lat: float  # centre of the candidate's commune
    lon: float
    code_insee: str
    mobility_km: int  # 0: their own commune only
    metiers: frozenset[str]  # ROME codes of the training and the targeted métiers
    competences: frozenset[str]  # OGR codes
    contract_types: frozenset[str]
    available_from: date
    training_end: date
    active: bool = True
    consent_contact: bool = True


@dataclass(frozen=True, slots=True)
class OfferInput:
    id: str
    lat: float  # centre of the workplace's commune
    lon: float
    code_insee: str
    code_rome: str
    competences: frozenset[str]  # required, OGR codes
    contract_type: str
    start_date: date
    expires_at: date | None = None
    is_open: bool = True


@dataclass(frozen=True, slots=True)
class MatchResult:
    offer_id: str
    candidate_id: str
    score: int  # 0–100
    exact: bool  # same métier (True) or a ROME mobility of one (False)
    distance_km: float
    competences_held: int
    competences_required: int
    reasons: tuple[str, ...]  # French, shown to people


def check_limits(top_per_offer: int, top_per_candidate: int) -> None:
    if top_per_offer < 0 or top_per_candidate < 0:
        raise ValueError("top list sizes cannot be negative")


class Labels(Protocol):
    def metier(self, code_rome: str) -> str: ...

    def competence(self, code: str) -> str: ...


@dataclass(frozen=True, slots=True)
class MatchingStats:
    pairs_examined: int  # (offer, candidate) pairs whose rules were evaluated one by one
    eligible_pairs: int  # pairs that pass every rule
    kept: int  # distinct pairs in by_offer ∪ by_candidate


@dataclass(frozen=True, slots=True)
class Matching:
    """Both top lists, keyed by id in id order, one entry per input offer / candidate (an empty
    list when nothing matched, so that a caller knows what to delete).

    The fast engine returns read-only mappings that build each list when it is read; the naive
    reference returns dicts. Both compare equal to a dict of the same lists once passed to dict().
    """

    by_offer: Mapping[str, list[MatchResult]]  # best first
    by_candidate: Mapping[str, list[MatchResult]]  # best first
    stats: MatchingStats
