"""The fast matching engine: index lookups, then the rules and the score on whole arrays.

It returns exactly what the naive reference returns (naive.py; checked by the tests and the
benchmark): same eligible pairs, same scores, same order. Steps:

1. offers and candidates become numpy columns in id order (tables.py);
2. listed candidates are indexed by ROME code, contract type, reach class and place
   (fits.py, index.py); live offers, by blocks, read a few ranges of postings each: the pairs
   worth examining;
3. pairs are examined by chunks of about a hundred thousand: the haversine against each
   candidate's radius and the availability (the contract type is in the index key), then the
   competences held (popcount) and the score (scoring.score_array);
4. each chunk keeps the best `top_per_offer` candidates of its offers (final: a chunk holds all
   the pairs of its offers) and the offers of each candidate that can still make their top
   `top_per_candidate`, merged from time to time.

Memory stays bounded by the block and chunk sizes and the kept pairs, whatever the number of
pairs examined.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date

import numpy as np

from chalicelib.domain.geo import hav_from_terms_array, km_from_hav_array
from chalicelib.domain.matching.fits import expand
from chalicelib.domain.matching.index import CandidateIndex, build_index, query_ranges
from chalicelib.domain.matching.model import (
    CandidateInput,
    Labels,
    Matching,
    MatchingStats,
    OfferInput,
    check_limits,
)
from chalicelib.domain.matching.results import (
    SCORE_BITS,
    Materializer,
    RunTables,
    TopLists,
    bits_for,
    pack,
    pack_other,
    swap,
    top_per_owner,
)
from chalicelib.domain.matching.scoring import competence_table, score_array
from chalicelib.domain.matching.tables import (
    CandidateTable,
    Interner,
    OfferTable,
    build_candidates,
    build_offers,
)

OFFER_BLOCK = 4096
CHUNK_PAIRS = 1 << 17  # pairs per chunk: temporaries of a few MB each
MERGE_KEYS = 1 << 20  # candidate keys gathered before the first merge


def _chunks(rows: np.ndarray, counts: np.ndarray, size: int) -> Iterator[tuple[int, int]]:
    """Query ranges [first, end) of about `size` pairs, never splitting an offer's queries."""
    if rows.size == 0:
        return
    offer_starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    before = np.r_[0, np.cumsum(counts)][offer_starts]  # pairs before each offer
    bounds = np.r_[offer_starts, rows.size]
    position = 0
    while position < offer_starts.size:
        # The furthest offer start within `size` pairs, and at least one offer.
        next_position = int(np.searchsorted(before, before[position] + size, side="right"))
        next_position = max(next_position, position + 1)
        yield int(bounds[position]), int(bounds[next_position])
        position = next_position


def _eligible(
    postings: np.ndarray,
    offer_rows: np.ndarray,
    index: CandidateIndex,
    offers: OfferTable,
    candidates: CandidateTable,
    competence_points: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(offer row, candidate row, score, exact) of the eligible pairs among the examined ones."""
    p, o = postings, offer_rows
    c = index.candidate[p]
    # Offer first, candidate second: the order of rules.distance_km. np.take along an axis is
    # several times faster than terms[:, rows].
    hav = hav_from_terms_array(np.take(offers.terms, o, axis=1), np.take(candidates.terms, c, axis=1))
    distance = km_from_hav_array(hav)
    # Reach and availability together: one selection instead of two (the contract type is in
    # the index key). Mobility 0: the index only pairs them with offers of their own commune,
    # their reach is infinite.
    keep = distance <= candidates.reach[c]
    keep &= candidates.ready_on[c] <= offers.starts_on[o]
    keep = np.flatnonzero(keep)
    p, o, c, distance = p[keep], o[keep], c[keep], distance[keep]
    mobility = candidates.mobility[c]
    held = np.zeros(p.size, dtype=np.int64)
    if p.size:
        start = index.word_start[p]
        for slot in range(int(offers.words_used[o].max())):
            word = index.bits[start + offers.word[slot][o]] & offers.mask[slot][o]
            held += np.bitwise_count(word)
    competence = competence_points[held, offers.required[o]]
    exact = index.exact[p]
    score = score_array(exact, competence, distance, mobility, candidates.training[c])
    return o, c, score, exact


class _Collector:
    """Per-offer and per-candidate top lists, as packed keys (results.pack).

    A chunk holds every examined pair of its offers, so its per-offer tops are final. A
    candidate's offers are spread over all chunks: their keys are kept while they beat the
    candidate's current last kept key (`cutoff`), and merged from time to time.
    """

    def __init__(self, n_offers: int, n_candidates: int, per_offer: int, per_candidate: int) -> None:
        # The other side's field holds its row and, in the lowest bit, whether the métier is
        # the same (results.pack_other): unique per pair, so the order stays by row.
        self.offer_bits, self.candidate_bits = bits_for(n_offers) + 1, bits_for(n_candidates) + 1
        if self.offer_bits + self.candidate_bits + SCORE_BITS > 62:  # owner + score + other
            raise ValueError("too many offers and candidates for one run")
        self.per_offer, self.per_candidate = per_offer, per_candidate
        self._by_offer: list[np.ndarray] = []
        self._by_candidate: list[np.ndarray] = []
        self._cutoff = np.full(n_candidates, np.iinfo(np.int64).max, dtype=np.int64)
        self._pending = 0  # keys added since the last merge
        self._merged = 0  # keys kept by the last merge

    def add(self, o: np.ndarray, c: np.ndarray, score: np.ndarray, exact: np.ndarray) -> None:
        if self.per_offer > 0:
            keys = pack(o, score, pack_other(c, exact), self.candidate_bits)
            self._by_offer.append(top_per_owner(keys, self.candidate_bits, self.per_offer))
        if self.per_candidate == 0:  # the per-event functions and the workers store only offers' lists
            return
        keys = pack(c, score, pack_other(o, exact), self.offer_bits)
        keys = keys[keys <= self._cutoff[c]]
        self._by_candidate.append(keys)
        self._pending += keys.size
        # Merging when the new keys outnumber the merged ones keeps the total work linear.
        if self._pending > max(MERGE_KEYS, self._merged):
            self._merge()

    def _merge(self) -> None:
        merged = self.candidate_keys()
        self._by_candidate, self._pending, self._merged = [merged], 0, merged.size
        if self.per_candidate == 0 or merged.size < self.per_candidate:
            return
        owner = merged >> (SCORE_BITS + self.offer_bits)
        # The last key of an owner that has a full list is its cutoff.
        full = np.zeros(merged.size, dtype=bool)
        full[self.per_candidate - 1 :] = (
            owner[self.per_candidate - 1 :] == owner[: merged.size - self.per_candidate + 1]
        )
        self._cutoff[owner[full]] = merged[full]

    def offer_keys(self) -> np.ndarray:
        # Chunks come in offer order and each is sorted: the concatenation is sorted.
        return np.concatenate(self._by_offer) if self._by_offer else np.zeros(0, dtype=np.int64)

    def candidate_keys(self) -> np.ndarray:
        if not self._by_candidate:
            return np.zeros(0, dtype=np.int64)
        return top_per_owner(np.concatenate(self._by_candidate), self.offer_bits, self.per_candidate)


def _examine(
    index: CandidateIndex,
    offers: OfferTable,
    candidates: CandidateTable,
    points: np.ndarray,
    collector: _Collector,
) -> tuple[int, int]:
    """Examines the pairs the index proposes, by blocks of offers and chunks of pairs, into the
    collector: (pairs examined, eligible pairs)."""
    examined = eligible = 0
    live = np.flatnonzero(offers.live)
    # Blocks of offers, in row order, keep the query arrays small.
    for block in range(0, live.size, OFFER_BLOCK):
        rows, first, end = query_ranges(index, offers, live[block : block + OFFER_BLOCK])
        counts = end - first
        examined += int(counts.sum())
        for query_first, query_end in _chunks(rows, counts, CHUNK_PAIRS):
            lengths = counts[query_first:query_end]
            postings = expand(first[query_first:query_end], lengths)
            offer_rows = np.repeat(rows[query_first:query_end], lengths)
            o, c, score, exact = _eligible(postings, offer_rows, index, offers, candidates, points)
            eligible += o.size
            collector.add(o, c, score, exact)
    return examined, eligible


def run_matching(
    offers: Sequence[OfferInput],
    candidates: Sequence[CandidateInput],
    mobility: Mapping[str, Iterable[str]],
    labels: Labels,
    today: date,
    top_per_offer: int = 50,
    top_per_candidate: int = 30,
) -> Matching:
    check_limits(top_per_offer, top_per_candidate)
    communes, contracts, codes = Interner(), Interner(), Interner()
    offer_table, competences = build_offers(offers, today, communes, contracts, codes)
    candidate_table = build_candidates(candidates, today, communes, contracts, competences)
    index = build_index(candidate_table, offer_table, mobility, codes, len(communes), len(contracts))
    points = competence_table(int(offer_table.required.max(initial=0)))
    collector = _Collector(
        len(offer_table.items), len(candidate_table.items), top_per_offer, top_per_candidate
    )
    examined, eligible = _examine(index, offer_table, candidate_table, points, collector)
    del index  # the postings are the largest arrays of a run
    offer_keys, candidate_keys = collector.offer_keys(), collector.candidate_keys()
    kept = _kept(offer_keys, candidate_keys, collector, len(offer_table.items))
    build = Materializer(offer_table.items, candidate_table.items, labels, today)
    run = RunTables(offer_table, candidate_table, competences, codes, labels, today)
    return Matching(
        by_offer=TopLists(offer_table.ids, offer_keys, collector.candidate_bits, build, run),
        by_candidate=TopLists(candidate_table.ids, candidate_keys, collector.offer_bits, swap(build)),
        stats=MatchingStats(examined, eligible, kept),
    )


def _kept(offer_keys: np.ndarray, candidate_keys: np.ndarray, collector: _Collector, n_offers: int) -> int:
    """Distinct pairs of both lists: a candidate's pair is also in its offer's list when it ranks
    within that list (the offer's lists are complete: every eligible pair of a list that is not
    full is in it)."""
    if collector.per_offer == 0 or candidate_keys.size == 0:
        return int(offer_keys.size + candidate_keys.size)
    offer_shift = SCORE_BITS + collector.candidate_bits
    start = np.searchsorted(offer_keys >> offer_shift, np.arange(n_offers + 1))
    last = np.full(n_offers, np.iinfo(np.int64).max, dtype=np.int64)
    full = np.diff(start) >= collector.per_offer
    last[full] = offer_keys[start[1:][full] - 1]
    both = 0
    for block in range(0, candidate_keys.size, CHUNK_PAIRS):  # bounded temporaries
        keys = candidate_keys[block : block + CHUNK_PAIRS]
        candidate = keys >> (SCORE_BITS + collector.offer_bits)
        score_part = (keys >> collector.offer_bits) & ((1 << SCORE_BITS) - 1)
        other = keys & ((1 << collector.offer_bits) - 1)
        offer = other >> 1
        as_offer_key = (
            (offer << offer_shift)
            | (score_part << collector.candidate_bits)
            | pack_other(candidate, other & 1)
        )
        both += int(np.count_nonzero(as_offer_key <= last[offer]))
    return int(offer_keys.size + candidate_keys.size) - both
