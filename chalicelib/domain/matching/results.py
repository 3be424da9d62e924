"""Top lists of the fast engine: compact arrays, turned into MatchResult objects on reading.

A region-wide run keeps over a million pairs; as objects with their French reasons they would
take several times longer to build than the whole matching, and hundreds of MB. They are kept as
sorted int64 keys instead, and each list is built when it is read (a worker that stores the
results reads each of its lists once). Reading is deterministic: the same list every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np

from chalicelib.domain.matching import rules
from chalicelib.domain.matching.model import CandidateInput, Labels, MatchResult, OfferInput
from chalicelib.domain.matching.reasons import reasons
from chalicelib.domain.matching.tables import CandidateTable, Interner, OfferTable

SCORE_BITS = 7  # scores are 0–100


def bits_for(count: int) -> int:
    return max(1, int(count).bit_length())


def pack(owner: np.ndarray, score: np.ndarray, other: np.ndarray, other_bits: int) -> np.ndarray:
    """One sortable int64 per pair: owner, then best score first, then the other row (id order)."""
    owner, score, other = (np.asarray(a, dtype=np.int64) for a in (owner, score, other))
    return (owner << (SCORE_BITS + other_bits)) | ((100 - score) << other_bits) | other


def pack_other(row: np.ndarray, exact: np.ndarray) -> np.ndarray:
    """The other side's field of a key: its row, and whether the métier is the same."""
    return (np.asarray(row, dtype=np.int64) << 1) | np.asarray(exact, dtype=np.int64)


def top_per_owner(keys: np.ndarray, other_bits: int, limit: int) -> np.ndarray:
    """The first `limit` keys of each owner, sorted."""
    if limit <= 0:
        return keys[:0]
    keys = np.sort(keys)
    if keys.size <= limit:
        return keys
    owner = keys >> (SCORE_BITS + other_bits)
    # Sorted by owner: a key is within the first `limit` of its owner when the key `limit`
    # places before it belongs to another owner.
    keep = np.ones(keys.size, dtype=bool)
    keep[limit:] = owner[limit:] != owner[:-limit]
    return keys[keep]


class Materializer:
    """Builds the MatchResult of a pair kept by the engine, with the naive reference's helpers."""

    def __init__(
        self, offers: list[OfferInput], candidates: list[CandidateInput], labels: Labels, today: date
    ) -> None:
        self._offers, self._candidates = offers, candidates
        self._labels, self._today = labels, today

    def __call__(self, offer_row: int, candidate_row: int, score: int) -> MatchResult:
        offer, candidate = self._offers[offer_row], self._candidates[candidate_row]
        exact = offer.code_rome in candidate.metiers
        distance = rules.distance_km(candidate, offer)
        held = offer.competences & candidate.competences
        return MatchResult(
            offer_id=offer.id,
            candidate_id=candidate.id,
            score=score,
            exact=exact,
            distance_km=distance,
            competences_held=len(held),
            competences_required=len(offer.competences),
            reasons=reasons(offer, candidate, exact, distance, held, self._labels, self._today),
        )


@dataclass(frozen=True, slots=True)
class RunTables:
    """What a run's lists refer to, for building their stored columns (stored.py)."""

    offers: OfferTable
    candidates: CandidateTable
    competences: Interner  # ids of the competences live offers require
    codes: Interner  # ids of the ROME codes of live offers
    labels: Labels
    today: date


class TopLists(Mapping[str, list[MatchResult]]):
    """Read-only mapping id → list of MatchResult, best first, built on each read."""

    def __init__(
        self,
        ids: list[str],
        keys: np.ndarray,
        other_bits: int,
        build: Callable[[int, int, int], MatchResult],
        run: RunTables | None = None,
    ) -> None:
        self._ids = ids
        self._row_of: dict[str, int] | None = None
        self.packed, self._other_bits = keys, other_bits
        owners = keys >> (SCORE_BITS + other_bits)
        self.start = np.searchsorted(owners, np.arange(len(ids) + 1))
        del owners
        self._build = build
        self.run = run

    def decode(self, first: int = 0, end: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(other row, score, exact) of the keys first:end (all of them by default)."""
        keys = self.packed[first:end]
        other = keys & ((1 << self._other_bits) - 1)
        score = 100 - ((keys >> self._other_bits) & ((1 << SCORE_BITS) - 1))
        return other >> 1, score, (other & 1).astype(bool)

    @property
    def _rows(self) -> dict[str, int]:
        if self._row_of is None:
            self._row_of = dict(zip(self._ids, range(len(self._ids)), strict=True))
        return self._row_of

    def __getitem__(self, identifier: str) -> list[MatchResult]:
        row = self._rows[identifier]
        others, scores, _ = self.decode(int(self.start[row]), int(self.start[row + 1]))
        return [
            self._build(row, other, score)
            for other, score in zip(others.tolist(), scores.tolist(), strict=True)
        ]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def count(self, identifier: str) -> int:
        """Length of a list without building it."""
        row = self._rows[identifier]
        return int(self.start[row + 1] - self.start[row])

    def total(self) -> int:
        return int(self.start[-1])


def swap(build: Callable[[int, int, int], MatchResult]) -> Callable[[int, int, int], MatchResult]:
    """The builder of a candidate's list: its rows come candidate first."""
    return lambda candidate_row, offer_row, score: build(offer_row, candidate_row, score)
