"""Matching of candidates with offers: pure, no reference data and no storage.

`run_matching` is the engine; `run_matching_naive` the all-pairs reference it must equal.
Rules in rules.py, score in scoring.py, reasons in reasons.py; docs/matching.md has the design.
"""

from chalicelib.domain.matching.diff import diff_matches
from chalicelib.domain.matching.engine import run_matching
from chalicelib.domain.matching.model import (
    CandidateInput,
    Labels,
    Matching,
    MatchingStats,
    MatchResult,
    OfferInput,
)
from chalicelib.domain.matching.naive import run_matching_naive

__all__ = [
    "CandidateInput",
    "Labels",
    "MatchResult",
    "Matching",
    "MatchingStats",
    "OfferInput",
    "diff_matches",
    "run_matching",
    "run_matching_naive",
]
