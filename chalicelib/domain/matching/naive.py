"""The reference matching: every (offer, candidate) pair, in pure Python, rule after rule.

Slow on purpose and easy to read: the fast engine must return exactly what this returns.
Rules are checked in the order of rules.py and the first failed rule ends the pair; the
distance, the only costly rule, is computed only when the cheap rules passed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from chalicelib.domain.matching import rules
from chalicelib.domain.matching.model import (
    CandidateInput,
    Labels,
    Matching,
    MatchingStats,
    MatchResult,
    OfferInput,
    check_limits,
)
from chalicelib.domain.matching.reasons import reasons
from chalicelib.domain.matching.scoring import score


def _evaluate(
    offer: OfferInput, candidate: CandidateInput, targets: rules.Targets, today: date
) -> tuple[int, bool, float, frozenset[str]] | None:
    """(score, exact, distance, competences held) of an eligible pair, None otherwise."""
    if not rules.offer_is_live(offer, today):
        return None
    if not rules.candidate_is_listed(candidate, today):
        return None
    if not rules.is_available(candidate, offer, today):
        return None
    if not rules.accepts_contract(candidate, offer):
        return None
    exact = rules.metier_fit(candidate, offer, targets)
    if exact is None:
        return None
    distance = rules.distance_km(candidate, offer)
    if not rules.is_reachable(candidate, offer, distance):
        return None
    held = offer.competences & candidate.competences
    points = score(
        exact,
        len(held),
        len(offer.competences),
        distance,
        candidate.mobility_km,
        rules.days_since_training_end(candidate, today),
    )
    return points, exact, distance, held


def run_matching_naive(
    offers: Sequence[OfferInput],
    candidates: Sequence[CandidateInput],
    mobility: Mapping[str, Iterable[str]],
    labels: Labels,
    today: date,
    top_per_offer: int = 50,
    top_per_candidate: int = 30,
) -> Matching:
    check_limits(top_per_offer, top_per_candidate)
    targets = rules.mobility_targets(mobility)
    by_offer: dict[str, list[MatchResult]] = {o.id: [] for o in sorted(offers, key=lambda o: o.id)}
    by_candidate: dict[str, list[MatchResult]] = {c.id: [] for c in sorted(candidates, key=lambda c: c.id)}
    if len(by_offer) != len(offers) or len(by_candidate) != len(candidates):
        raise ValueError("offer and candidate ids must be unique")
    examined = eligible = 0
    for offer in offers:
        for candidate in candidates:
            examined += 1
            evaluation = _evaluate(offer, candidate, targets, today)
            if evaluation is None:
                continue
            eligible += 1
            points, exact, distance, held = evaluation
            result = MatchResult(
                offer_id=offer.id,
                candidate_id=candidate.id,
                score=points,
                exact=exact,
                distance_km=distance,
                competences_held=len(held),
                competences_required=len(offer.competences),
                reasons=reasons(offer, candidate, exact, distance, held, labels, today),
            )
            by_offer[offer.id].append(result)
            by_candidate[candidate.id].append(result)
    for results in by_offer.values():
        results.sort(key=lambda r: (-r.score, r.candidate_id))
        del results[top_per_offer:]
    for results in by_candidate.values():
        results.sort(key=lambda r: (-r.score, r.offer_id))
        del results[top_per_candidate:]
    kept = {
        (r.offer_id, r.candidate_id)
        for lists in (by_offer, by_candidate)
        for rs in lists.values()
        for r in rs
    }
    return Matching(by_offer, by_candidate, MatchingStats(examined, eligible, len(kept)))
