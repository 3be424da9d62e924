"""What a worker stores of a run: the per-offer top lists as columns, without an object per pair.

A region-wide run stores about 900,000 pairs. Built one MatchResult at a time, with their French
reasons, they cost about 8 µs each: more than the whole matching. `StoredMatches` holds the
stored fields as numpy columns and the reasons as ids into a table of distinct sentences
(reason_columns.py), so that a caller compares what it has stored with `values_by_offer` (one
small tuple per pair, what `match_value` makes of a stored record) and builds full results only
for the pairs it writes (`result`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, itemgetter

import numpy as np

from chalicelib.domain.geo import hav_from_terms_array, km_from_hav_array
from chalicelib.domain.matching.model import Matching, MatchResult
from chalicelib.domain.matching.reason_columns import MAX_REQUIRED, reason_ids
from chalicelib.domain.matching.results import TopLists

# (score, reasons, exact, distance_km to 0.1 km, competences held, competences required):
# what decides whether a stored match must be rewritten.
MatchValue = tuple[int, tuple[str, ...], bool, float, int, int]
Pair = tuple[str, str]  # (offer id, candidate id)


def match_value(
    score: int, reasons: Iterable[str], exact: bool, distance_km: float, held: int, required: int
) -> MatchValue:
    """The comparable form of a match, stored or computed (the distance as stored: 0.1 km)."""
    return (score, tuple(reasons), bool(exact), round(distance_km, 1), held, required)


def value_of(match) -> MatchValue:
    """match_value of a MatchResult, a stored record or anything with their attributes."""
    return match_value(
        match.score,
        match.reasons,
        match.exact,
        match.distance_km,
        match.competences_held,
        match.competences_required,
    )


def round_tenths(distance_km: np.ndarray) -> np.ndarray:
    """round(d, 1) of each distance, as Python rounds it (the nearest tenth of the exact binary
    value); the rare distances within rounding error of a half tenth are rounded by Python."""
    tenths = distance_km * 10.0
    rounded = np.rint(tenths) / 10.0
    close = np.flatnonzero(np.abs(tenths - np.floor(tenths) - 0.5) < 1e-6)
    rounded[close] = [round(d, 1) for d in distance_km[close].tolist()]
    return rounded


@dataclass(slots=True)
class StoredMatches:
    """The per-offer top lists of one run: row i is the pair (offer_ids[offer[i]],
    candidate_ids[candidate[i]]); the rows of offer row k are start[k]:start[k + 1], best first."""

    offer_ids: list[str]
    candidate_ids: list[str]
    start: np.ndarray  # int64 (offers + 1)
    offer: np.ndarray  # int64 offer row
    candidate: np.ndarray  # int64 candidate row
    score: np.ndarray  # int64
    exact: np.ndarray  # bool
    distance_km: np.ndarray  # float64, full precision (MatchResult.distance_km)
    held: np.ndarray  # int64 competences held
    required: np.ndarray  # int64 competences required
    reasons: (
        np.ndarray
    )  # (rows, 4) int32 ids into `texts`: métier, competences, distance, training; -1: no line
    texts: list[str]
    _offer_rows: dict[str, int] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return int(self.offer.size)

    def _rows_by_offer(self) -> dict[str, int]:
        if self._offer_rows is None:
            self._offer_rows = dict(zip(self.offer_ids, range(len(self.offer_ids)), strict=True))
        return self._offer_rows

    def rows(self, offer_id: str) -> range:
        row = self._rows_by_offer()[offer_id]
        return range(int(self.start[row]), int(self.start[row + 1]))

    def reasons_of(self, i: int) -> tuple[str, ...]:
        return tuple(self.texts[t] for t in self.reasons[i].tolist() if t >= 0)

    def result(self, i: int) -> MatchResult:
        return MatchResult(
            offer_id=self.offer_ids[int(self.offer[i])],
            candidate_id=self.candidate_ids[int(self.candidate[i])],
            score=int(self.score[i]),
            exact=bool(self.exact[i]),
            distance_km=float(self.distance_km[i]),
            competences_held=int(self.held[i]),
            competences_required=int(self.required[i]),
            reasons=self.reasons_of(i),
        )

    def results(self, offer_id: str) -> list[MatchResult]:
        return [self.result(i) for i in self.rows(offer_id)]

    def find(self, offer_id: str, candidate_id: str) -> int:
        """Row of a stored pair (a linear search in the offer's list: for the pairs written)."""
        for i in self.rows(offer_id):
            if self.candidate_ids[int(self.candidate[i])] == candidate_id:
                return i
        raise KeyError((offer_id, candidate_id))

    def digests(self) -> list[str]:
        """One 64-bit digest per offer (16 hex digits, in offer_ids order) of everything `diff`
        compares in its list: candidate ids in order, score, exact, distance to 0.1 km, held,
        required, reasons. Equal lists give equal digests in any process (blake2b of the texts,
        then fixed integer mixing); different ones differ but with probability 2⁻⁶⁴."""
        n = len(self)
        texts = np.array([*map(_hash64, self.texts), 0], dtype=np.uint64)  # id -1 (no line) → 0
        candidates = np.array(list(map(_hash64, self.candidate_ids)), dtype=np.uint64)
        tenths = np.rint(round_tenths(self.distance_km) * 10.0).astype(np.int64)
        position = np.arange(n, dtype=np.int64) - self.start[self.offer]
        h = np.zeros(n, dtype=np.uint64)
        parts = [candidates[self.candidate], self.score, self.exact, tenths, self.held, self.required]
        parts += [texts[self.reasons[:, k]] for k in range(4)] + [position]
        for part in parts:
            h = _mix64(h ^ np.asarray(part).astype(np.uint64))
        summed = np.zeros(n + 1, dtype=np.uint64)
        np.cumsum(h, out=summed[1:])  # wraps modulo 2⁶⁴, as the difference below does
        per_offer = summed[self.start[1:]] - summed[self.start[:-1]]
        per_offer = _mix64(per_offer ^ np.diff(self.start).astype(np.uint64))
        return [f"{x:016x}" for x in per_offer.tolist()]

    def diff(self, stored: Iterable) -> tuple[np.ndarray, list[Pair]]:
        """(rows to put, pairs to delete) that turn `stored` into these lists: diff_matches on
        arrays. `stored`: the stored matches of these offers, objects with the attributes of a
        MatchRecord (offer_id, candidate_id, score, exact, distance_km, competences_held,
        competences_required, reasons) or mappings with those keys (the table's items, numbers
        as Decimal or not); computed_at and the rest are not compared. A stored pair of an offer
        or a candidate this run does not know is deleted."""
        stored = list(stored)
        # Records (attributes) or items (keys) as the table holds them, numbers as Decimal or not.
        fields = _STORED_ITEMS if stored and isinstance(stored[0], Mapping) else _STORED_FIELDS
        records = list(map(fields, stored))
        del stored
        columns = [list(map(itemgetter(k), records)) for k in range(len(_FIELDS))]
        offer_rows = self._rows_by_offer()
        candidate_rows = dict(zip(self.candidate_ids, range(len(self.candidate_ids)), strict=True))
        width = len(self.candidate_ids) + 1
        # Pairs as integers: offer row × width + candidate row; -1 for a pair this run cannot have.
        offer = np.array(list(map(offer_rows.get, columns[0], repeat(-1))), dtype=np.int64).reshape(-1)
        candidate = np.array(list(map(candidate_rows.get, columns[1], repeat(-1))), dtype=np.int64).reshape(
            -1
        )
        key = np.where((offer >= 0) & (candidate >= 0), offer * width + candidate, -1)
        new_key = self.offer * width + self.candidate
        order = np.argsort(new_key)
        ordered = np.append(new_key[order], -2)  # a sentinel no key equals
        found = np.minimum(np.searchsorted(ordered[:-1], key), order.size)
        matched = ordered[found] == key
        row = np.where(matched, np.append(order, 0)[found], 0)
        same = matched.copy()
        for column, index in ((self.score, 2), (self.exact, 3), (self.held, 5), (self.required, 6)):
            same &= column[row] == np.array(columns[index], dtype=column.dtype).reshape(-1)
        # Distances as stored (0.1 km); rounding a stored one again leaves it as it is.
        stored_km = round_tenths(np.array(columns[4], dtype=np.float64).reshape(-1))
        same &= round_tenths(self.distance_km)[row] == stored_km
        same &= (self.reasons[row] == _reason_slots(columns[7], self.texts)).all(axis=1)
        unchanged = np.zeros(len(self), dtype=bool)
        unchanged[row[same]] = True
        gone = np.flatnonzero(~matched).tolist()
        deletes = [(columns[0][i], columns[1][i]) for i in gone]
        return np.flatnonzero(~unchanged), deletes


def _hash64(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)


def _mix64(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser on uint64 arrays (products wrap modulo 2⁶⁴)."""
    x = (x ^ (x >> _S30)) * _M1
    x = (x ^ (x >> _S27)) * _M2
    return x ^ (x >> _S31)


_FIELDS = (
    "offer_id",
    "candidate_id",
    "score",
    "exact",
    "distance_km",
    "competences_held",
    "competences_required",
    "reasons",
)
_STORED_FIELDS = attrgetter(*_FIELDS)
_STORED_ITEMS = itemgetter(*_FIELDS)


def _reason_slots(lines: list, texts: list[str]) -> np.ndarray:
    """Stored reasons as (rows, 4) text ids in StoredMatches.reasons' slots; -2 for a sentence
    this run does not write (it differs), every slot -2 for a list of another length."""
    ids = {text: i for i, text in enumerate(texts)}
    lengths = np.array([len(line) for line in lines], dtype=np.int64)
    flat = np.array(list(map(ids.get, chain.from_iterable(lines), repeat(-2))), dtype=np.int32)
    slots = np.full((len(lines), 4), -2, dtype=np.int32)
    starts = np.cumsum(lengths) - lengths
    for length, columns in ((4, (0, 1, 2, 3)), (3, (0, 2, 3))):
        rows = np.flatnonzero(lengths == length)
        if length == 3:
            slots[rows, 1] = -1
        for k, column in enumerate(columns):
            slots[rows, column] = flat[starts[rows] + k]
    return slots


def stored_matches(matching: Matching) -> StoredMatches:
    """The per-offer top lists of a run as columns: from the engine's arrays, or from result
    objects (the naive reference, or offers requiring more than MAX_REQUIRED competences)."""
    top = matching.by_offer
    if isinstance(top, TopLists) and top.run and top.run.offers.required.max(initial=0) <= MAX_REQUIRED:
        return _from_engine(top)
    return from_results(matching.by_offer)


def _from_engine(top: TopLists) -> StoredMatches:
    run = top.run
    assert run is not None
    offers, candidates = run.offers, run.candidates
    offer = np.repeat(np.arange(len(offers.ids)), np.diff(top.start))
    candidate, score, exact = top.decode()
    # The engine's own distance operations (geo.py): the same floats as rules.distance_km.
    hav = hav_from_terms_array(
        np.take(offers.terms, offer, axis=1), np.take(candidates.terms, candidate, axis=1)
    )
    distance = km_from_hav_array(hav)
    ids, texts, held = reason_ids(run, offer, candidate, exact, distance)
    return StoredMatches(
        offer_ids=offers.ids,
        candidate_ids=candidates.ids,
        start=top.start.astype(np.int64),
        offer=offer,
        candidate=candidate,
        score=score,
        exact=exact,
        distance_km=distance,
        held=held,
        required=offers.required[offer],
        reasons=ids,
        texts=texts,
    )


def from_results(by_offer: Mapping[str, list[MatchResult]]) -> StoredMatches:
    """Columns from per-offer lists of results (any mapping in id order, lists best first)."""
    offer_ids = list(by_offer)
    lists = [by_offer[o] for o in offer_ids]
    flat = [r for results in lists for r in results]
    candidate_ids = sorted({r.candidate_id for r in flat})
    candidate_row = {c: i for i, c in enumerate(candidate_ids)}
    texts: dict[str, int] = {}
    reasons = np.full((len(flat), 4), -1, dtype=np.int32)
    for i, r in enumerate(flat):
        lines = list(r.reasons)
        slots = (0, 1, 2, 3) if len(lines) == 4 else (0, 2, 3)
        for slot, line in zip(slots, lines, strict=True):
            reasons[i, slot] = texts.setdefault(line, len(texts))
    start = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum([len(results) for results in lists], out=start[1:])
    return StoredMatches(
        offer_ids=offer_ids,
        candidate_ids=candidate_ids,
        start=start,
        offer=np.repeat(np.arange(len(lists)), np.diff(start)),
        candidate=np.array([candidate_row[r.candidate_id] for r in flat], dtype=np.int64),
        score=np.array([r.score for r in flat], dtype=np.int64),
        exact=np.array([r.exact for r in flat], dtype=bool),
        distance_km=np.array([r.distance_km for r in flat], dtype=np.float64),
        held=np.array([r.competences_held for r in flat], dtype=np.int64),
        required=np.array([r.competences_required for r in flat], dtype=np.int64),
        reasons=reasons,
        texts=list(texts),
    )
