"""Matching of candidates with offers: pure, no reference data and no storage.

`run_matching` is the engine; `run_matching_naive` the all-pairs reference it must equal.
Rules in rules.py, score in scoring.py, reasons in reasons.py; docs/matching.md has the design.
"""

from chalicelib.domain.matching.diff import diff_matches
from chalicelib.domain.matching.engine import run_matching
from chalicelib.domain.matching.items import ItemChanges, match_candidate, match_offer, updated_list
from chalicelib.domain.matching.model import (
    CandidateInput,
    Labels,
    Matching,
    MatchingStats,
    MatchResult,
    OfferInput,
)
from chalicelib.domain.matching.naive import run_matching_naive
from chalicelib.domain.matching.stored import MatchValue, StoredMatches, match_value, stored_matches, value_of

__all__ = [
    "CandidateInput",
    "ItemChanges",
    "Labels",
    "MatchResult",
    "MatchValue",
    "Matching",
    "MatchingStats",
    "OfferInput",
    "StoredMatches",
    "diff_matches",
    "match_candidate",
    "match_offer",
    "match_value",
    "run_matching",
    "run_matching_naive",
    "stored_matches",
    "updated_list",
    "value_of",
]
