"""Offers and candidates as numpy columns, for the fast engine.

Rows are in id order, so a row number doubles as the tie-breaker of the top lists. Every
per-entity value that enters the rules or the score is computed with the scalar functions of
the naive reference (rules.py, scoring.py), once per distinct value where values repeat
(dates, contract type sets), so the engine only adds the per-pair part.

Reading 90,000 input objects is most of what this module costs: each attribute is read once,
by a comprehension or a C-level map, and never through a Python call per item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain, repeat
from operator import attrgetter

import numpy as np

from chalicelib.domain.geo import point_terms_array
from chalicelib.domain.matching import rules
from chalicelib.domain.matching.model import CandidateInput, OfferInput
from chalicelib.domain.matching.scoring import training_points

_WORD_BITS = 64
_WORD_SHIFT = 20  # (row << _WORD_SHIFT) | word: words per vocabulary are far fewer than 2**20


class Interner(dict[str, int]):
    """Dense ids for strings, in first-seen order."""

    def id(self, value: str) -> int:
        found = self.get(value)
        if found is None:
            found = self[value] = len(self)
        return found

    def ids(self, values: Iterable[str]) -> list[int]:
        # setdefault evaluates len(self) before inserting: the next id for a new value.
        setdefault = self.setdefault
        return [setdefault(value, len(self)) for value in values]


@dataclass(slots=True)
class OfferTable:
    items: list[OfferInput]
    ids: list[str]
    live: np.ndarray  # bool
    lat: np.ndarray  # float64 degrees
    lon: np.ndarray
    terms: np.ndarray  # (5, n) geo.point_terms
    commune: np.ndarray  # int32
    code: np.ndarray  # int32, the ROME code's id in `codes` (-1 for offers that are not live)
    contract: np.ndarray  # int64 contract type id
    starts_on: np.ndarray  # int64 ordinal of rules.starts_on
    required: np.ndarray  # int64, number of required competences
    # Required competences as bits of the code's vocabulary (the union of what the live offers
    # of that code require): word index and mask, one slot per distinct word, padded with 0.
    word: np.ndarray  # (slots, n) int64
    mask: np.ndarray  # (slots, n) uint64
    words_used: np.ndarray  # int64, slots used
    # Vocabularies, CSR by code id: bit i of code k is competence vocabulary[vocabulary_start[k] + i].
    vocabulary_start: np.ndarray  # int64 (codes + 1)
    vocabulary: np.ndarray  # int64 competence ids
    required_start: np.ndarray  # int64 (n + 1), CSR over required_ids (live offers only)
    required_ids: np.ndarray  # int64 competence ids


@dataclass(slots=True)
class CandidateTable:
    items: list[CandidateInput]
    ids: list[str]
    listed: np.ndarray  # bool: rules.candidate_is_listed
    lat: np.ndarray  # float64 degrees
    lon: np.ndarray
    terms: np.ndarray  # (5, n)
    commune: np.ndarray  # int32
    mobility: np.ndarray  # float64 km
    reach: np.ndarray  # float64 km: mobility, infinite for "own commune only" (enforced by the index)
    contracts: np.ndarray  # int64 bit set of contract type ids
    ready_on: np.ndarray  # int64 ordinal of rules.ready_on
    training_end: np.ndarray  # int64 ordinal
    training: np.ndarray  # float64 scoring.training_points
    competence_start: np.ndarray  # int64 (n + 1), CSR over competence_ids
    competence_ids: np.ndarray  # int32, only competences some live offer requires


def _sorted_unique(items: Sequence, kind: str) -> tuple[list, list[str]]:
    ordered = sorted(items, key=attrgetter("id"))
    ids = [item.id for item in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{kind} ids must be unique")
    return ordered, ids


def _column(values: Iterable, dtype) -> np.ndarray:
    # np.array of a list is faster than np.fromiter of a map.
    return np.array(list(values), dtype=dtype)


def _ordinals(days: list[date]) -> np.ndarray:
    ordinal = {day: day.toordinal() for day in set(days)}
    return _column(map(ordinal.__getitem__, days), np.int64)


def _contract_id(contracts: Interner, name: str) -> int:
    index = contracts.id(name)
    if index >= 63:
        raise ValueError("at most 63 contract types")
    return index


def _vocabulary_bits(
    rows: np.ndarray, code: np.ndarray, competence: np.ndarray, n: int, n_codes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(word, mask, words_used, vocabulary_start, vocabulary) from one (row, code, competence)
    entry per required competence of a live offer."""
    n_competences = int(competence.max(initial=-1)) + 1
    vocabulary_key, inverse = np.unique(code * n_competences + competence, return_inverse=True)
    vocabulary_start = np.searchsorted(vocabulary_key // max(n_competences, 1), np.arange(n_codes + 1))
    position = inverse - vocabulary_start[code]
    slot_key, slot = np.unique((rows << _WORD_SHIFT) | (position >> 6), return_inverse=True)
    masks = np.zeros(slot_key.size, dtype=np.uint64)
    # Bits are distinct within a slot (an offer requires a competence once): add is or.
    np.add.at(masks, slot, np.left_shift(np.uint64(1), (position & 63).astype(np.uint64)))
    slot_row = slot_key >> _WORD_SHIFT
    slot_number = np.arange(slot_key.size) - np.searchsorted(slot_row, slot_row)
    width = int(slot_number.max(initial=-1)) + 1
    word = np.zeros((width, n), dtype=np.int64)
    mask = np.zeros((width, n), dtype=np.uint64)
    word[slot_number, slot_row] = slot_key & ((1 << _WORD_SHIFT) - 1)
    mask[slot_number, slot_row] = masks
    words_used = np.bincount(slot_row, minlength=n)
    return word, mask, words_used, vocabulary_start, vocabulary_key % max(n_competences, 1)


def build_offers(
    offers: Sequence[OfferInput], today: date, communes: Interner, contracts: Interner, codes: Interner
) -> tuple[OfferTable, Interner]:
    """The offer table, and the ids of the competences live offers require (sorted by code, so
    that the bit layout does not depend on the iteration order of sets)."""
    items, ids = _sorted_unique(offers, "offer")
    n = len(items)
    live = np.array([rules.offer_is_live(o, today) for o in items], dtype=bool)
    live_rows = np.flatnonzero(live)
    live_items = [items[row] for row in live_rows.tolist()]
    code = np.full(n, -1, dtype=np.int32)
    code[live_rows] = codes.ids([o.code_rome for o in live_items])
    required_sets = [o.competences for o in live_items]
    names = list(chain.from_iterable(required_sets))
    competences = Interner({name: i for i, name in enumerate(sorted(set(names)))})
    competence = _column(map(competences.__getitem__, names), np.int64)
    entry_rows = np.repeat(live_rows, [len(s) for s in required_sets])
    required_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(entry_rows, minlength=n), out=required_start[1:])
    word, mask, words_used, vocabulary_start, vocabulary = _vocabulary_bits(
        entry_rows, code[entry_rows].astype(np.int64), competence, n, len(codes)
    )
    contract_ids = {name: _contract_id(contracts, name) for name in sorted({o.contract_type for o in items})}
    start = np.maximum(_ordinals([o.start_date for o in items]), today.toordinal())  # rules.starts_on
    lat = np.array([o.lat for o in items], dtype=np.float64)
    lon = np.array([o.lon for o in items], dtype=np.float64)
    table = OfferTable(
        items=items,
        ids=ids,
        live=live,
        lat=lat,
        lon=lon,
        terms=point_terms_array(lat, lon),
        commune=np.array(communes.ids([o.code_insee for o in items]), dtype=np.int32),
        code=code,
        contract=np.array([contract_ids[o.contract_type] for o in items], dtype=np.int64),
        starts_on=start,
        required=np.array([len(o.competences) for o in items], dtype=np.int64),
        word=word,
        mask=mask,
        words_used=words_used,
        vocabulary_start=vocabulary_start,
        vocabulary=vocabulary,
        required_start=required_start,
        required_ids=competence,
    )
    return table, competences


def _spread(values: list, rows: np.ndarray, n: int, dtype, fill=0) -> np.ndarray:
    """A column of n rows with `values` at `rows` and `fill` elsewhere."""
    column = np.full(n, fill, dtype=dtype)
    column[rows] = np.array(values, dtype=dtype)
    return column


def build_candidates(
    candidates: Sequence[CandidateInput],
    today: date,
    communes: Interner,
    contracts: Interner,
    competences: Interner,
) -> CandidateTable:
    """Columns of every candidate; only the listed ones (rules.candidate_is_listed) are ever
    matched, so the other columns are read for them only (zeros elsewhere)."""
    items, ids = _sorted_unique(candidates, "candidate")
    n = len(items)
    ends = [c.training_end for c in items]
    end_ordinal = _ordinals(ends)
    # rules.candidate_is_listed over arrays.
    horizon = (today + rules.TRAINING_END_HORIZON).toordinal()
    listed = np.array([c.active for c in items], dtype=bool)
    listed &= np.array([c.consent_contact for c in items], dtype=bool)
    listed &= end_ordinal <= horizon
    rows = np.flatnonzero(listed)
    people = [items[row] for row in rows.tolist()]
    lat = _spread([c.lat for c in people], rows, n, np.float64)
    lon = _spread([c.lon for c in people], rows, n, np.float64)
    mobility = _spread([c.mobility_km for c in people], rows, n, np.float64)
    # Most candidates share a few sets of contract types and a few hundred training end dates.
    distinct_types: dict[frozenset[str], int] = {}
    type_ids = [distinct_types.setdefault(c.contract_types, len(distinct_types)) for c in people]
    contract_bits = np.array(
        [sum(1 << _contract_id(contracts, name) for name in sorted(types)) for types in distinct_types],
        dtype=np.int64,
    )
    training_by_end = {end: training_points((today - end).days) for end in set(ends)}
    # Competences flattened in one pass, those no live offer requires dropped (-1).
    held_sets = [c.competences for c in people]
    lengths = np.zeros(n, dtype=np.int64)
    lengths[rows] = [len(s) for s in held_sets]
    held = _column(map(competences.get, chain.from_iterable(held_sets), repeat(-1)), np.int64)
    kept = held >= 0
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(np.repeat(np.arange(n), lengths)[kept], minlength=n), out=start[1:])
    return CandidateTable(
        items=items,
        ids=ids,
        listed=listed,
        lat=lat,
        lon=lon,
        terms=point_terms_array(lat, lon),
        commune=_spread(communes.ids([c.code_insee for c in people]), rows, n, np.int32, -1),
        mobility=mobility,
        reach=np.where(mobility > 0, mobility, np.inf),
        contracts=_spread(contract_bits[np.array(type_ids, dtype=np.int64)], rows, n, np.int64),
        # rules.ready_on: the later of available_from and training_end.
        ready_on=np.maximum(
            _spread(_ordinals([c.available_from for c in people]), rows, n, np.int64), end_ordinal
        ),
        training_end=end_ordinal,
        training=_column(map(training_by_end.__getitem__, ends), np.float64),
        competence_start=start,
        competence_ids=held[kept].astype(np.int32),
    )
