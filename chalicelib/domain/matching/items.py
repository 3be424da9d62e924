"""Matching one new or changed item instead of whole bassins: the per-event path, pure.

The stored set is the best `top_per_offer` candidates of each offer (docs/matching.md). When one
item changes, only the lists that can differ from a full recompute are touched:

- an offer (`match_offer`): its own list, recomputed against the candidates who can reach it
  (any superset: the rules decide); no other list depends on it (a candidate's view is read from
  what is stored, best first);
- a candidate (`match_candidate`): their pair in each offer they can reach or were stored for.
  Entering a full list pushes its last candidate out; leaving a full list (or falling below its
  last) lets in a candidate nobody has stored: the 51st, known only by recomputing that offer's
  list, so those offers come back in `refill` for `match_offer`.

Both return the writes a full recompute would make for those lists, as `diff_matches` does: new
or changed pairs to put (with their results), vanished pairs to delete. Correct when the stored
lists are those of a run on the same `today` (the scheduled run re-bases them as time passes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from chalicelib.domain.matching.diff import diff_matches
from chalicelib.domain.matching.engine import run_matching
from chalicelib.domain.matching.model import CandidateInput, Labels, MatchResult, OfferInput
from chalicelib.domain.matching.stored import MatchValue, Pair, value_of

Listed = tuple[str, int]  # (candidate id, score) of a stored match, as an offer's list holds it


@dataclass(frozen=True, slots=True)
class ItemChanges:
    puts: dict[Pair, MatchResult] = field(default_factory=dict)  # new or changed stored matches
    deletes: list[Pair] = field(default_factory=list)
    refill: tuple[str, ...] = ()  # offers whose whole list must be recomputed with match_offer


def _rank(candidate_id: str, score: int) -> tuple[int, str]:
    """Sort key of a list: best score first, then candidate id (as the engine orders them)."""
    return -score, candidate_id


def match_offer(
    offer: OfferInput,
    candidates: Sequence[CandidateInput],
    stored: Mapping[str, MatchValue],
    mobility: Mapping[str, Iterable[str]],
    labels: Labels,
    today: date,
    top_per_offer: int = 50,
) -> ItemChanges:
    """The writes that bring one offer's stored list up to date.

    `candidates`: every candidate who can reach the offer (a superset is fine: rules decide);
    `stored`: candidate id → value_of(stored match) of the offer's current list. A closed or
    expired offer gets an empty list: everything stored is deleted.
    """
    matching = run_matching([offer], candidates, mobility, labels, today, top_per_offer, 0)
    results = {(r.offer_id, r.candidate_id): r for r in matching.by_offer[offer.id]}
    puts, deletes = diff_matches(
        {(offer.id, candidate_id): value for candidate_id, value in stored.items()},
        {pair: value_of(r) for pair, r in results.items()},
    )
    return ItemChanges({pair: results[pair] for pair in puts}, deletes)


def match_candidate(
    candidate: CandidateInput,
    offers: Sequence[OfferInput],
    lists: Mapping[str, Sequence[Listed]],
    current: Mapping[str, MatchValue],
    mobility: Mapping[str, Iterable[str]],
    labels: Labels,
    today: date,
    top_per_offer: int = 50,
) -> ItemChanges:
    """The writes that bring the lists one new or changed candidate belongs in up to date.

    `offers`: every open offer the candidate can reach now (a superset is fine; reach.py says
    which keys to read); an offer of `lists` that is not among them counts as out of reach.
    `lists`: offer id → its stored list as (candidate id, score), for every offer of `offers`
    and every offer the candidate is stored for (an offer absent from it has an empty list).
    `current`: offer id → value_of(stored match) of the candidate's own stored matches (the
    offers whose lists hold them).
    A candidate who withdrew (not active, no consent) leaves every list.
    """
    matching = run_matching(
        offers, [candidate], mobility, labels, today, top_per_offer=1, top_per_candidate=0
    )
    top = matching.by_offer  # the engine's lists: their lengths are known without building them
    mine = {offer_id: top[offer_id][0] for offer_id in top if top.count(offer_id)}
    puts: dict[Pair, MatchResult] = {}
    deletes: list[Pair] = []
    refill: list[str] = []
    for offer_id in sorted({*mine, *current}):
        listed = sorted((_rank(c, s) for c, s in lists.get(offer_id, ())))
        was_in = any(c == candidate.id for _, c in listed)
        others = [entry for entry in listed if entry[1] != candidate.id]
        full = len(listed) >= top_per_offer
        new = mine.get(offer_id)
        pair = (offer_id, candidate.id)
        if new is None:
            if was_in:
                if full:  # someone nobody has stored may take the place
                    refill.append(offer_id)
                else:
                    deletes.append(pair)
            continue
        rank = _rank(candidate.id, new.score)
        if was_in:
            if full and rank > listed[-1]:  # fell below the list's last: the 51st may rank higher
                refill.append(offer_id)
            elif current.get(offer_id) != value_of(new):
                puts[pair] = new
        elif not full:
            puts[pair] = new
        elif rank < others[-1]:  # enters, and pushes the last one out
            puts[pair] = new
            deletes.append((offer_id, others[-1][1]))
    return ItemChanges(puts, deletes, tuple(refill))


def updated_list(
    offer_id: str, listed: Iterable[Listed], changes: ItemChanges, top_per_offer: int = 50
) -> list[Listed]:
    """An offer's list after `changes` (its pairs put or deleted), best first, as a full recompute
    orders it: what the caller stores so that the next event knows the list without reading it."""
    gone = {c for o, c in changes.deletes if o == offer_id}
    entries = {c: s for c, s in listed if c not in gone}
    entries.update({c: r.score for (o, c), r in changes.puts.items() if o == offer_id})
    return sorted(entries.items(), key=lambda e: _rank(*e))[:top_per_offer]
