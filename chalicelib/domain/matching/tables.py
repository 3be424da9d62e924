"""Offers and candidates as numpy columns, for the fast engine.

Rows are in id order, so a row number doubles as the tie-breaker of the top lists. Every
per-entity value that enters the score is computed here with the scalar functions of the naive
reference (rules.py, scoring.py), so the engine only adds the per-pair part.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from operator import attrgetter

import numpy as np

from chalicelib.domain.geo import point_terms_array
from chalicelib.domain.matching import rules
from chalicelib.domain.matching.model import CandidateInput, OfferInput
from chalicelib.domain.matching.scoring import training_points

_WORD_BITS = 64


class Interner(dict[str, int]):
    """Dense ids for strings, in first-seen order."""

    def id(self, value: str) -> int:
        found = self.get(value)
        if found is None:
            found = self[value] = len(self)
        return found


@dataclass(slots=True)
class OfferTable:
    items: list[OfferInput]
    live: np.ndarray  # bool
    lat: np.ndarray  # float64 degrees
    lon: np.ndarray
    terms: np.ndarray  # (5, n) geo.point_terms
    commune: np.ndarray  # int32
    code: np.ndarray  # int32, the ROME code's id in `codes`
    contract: np.ndarray  # int64 contract type id
    starts_on: np.ndarray  # int64 ordinal of rules.starts_on
    required: np.ndarray  # int64, number of required competences
    # Required competences as bits of the code's vocabulary (the union of what the live offers
    # of that code require): word index and mask, one slot per distinct word, padded with 0.
    word: np.ndarray  # (slots, n) int64
    mask: np.ndarray  # (slots, n) uint64
    words_used: np.ndarray  # int64, slots used
    vocabularies: list[list[int]]  # per code id: competence ids, bit i = vocabularies[code][i]


@dataclass(slots=True)
class CandidateTable:
    items: list[CandidateInput]
    listed: np.ndarray  # bool: rules.candidate_is_listed
    lat: np.ndarray  # float64 degrees
    lon: np.ndarray
    terms: np.ndarray  # (5, n)
    commune: np.ndarray  # int32
    mobility: np.ndarray  # float64 km
    reach: np.ndarray  # float64 km: mobility, infinite for "own commune only" (enforced by the index)
    contracts: np.ndarray  # int64 bit set of contract type ids
    ready_on: np.ndarray  # int64 ordinal of rules.ready_on
    training: np.ndarray  # float64 scoring.training_points
    competence_start: np.ndarray  # int64 (n + 1), CSR over competence_ids
    competence_ids: np.ndarray  # int32, only competences some live offer requires


def _sorted_unique(items: Sequence, kind: str) -> list:
    ordered = sorted(items, key=attrgetter("id"))
    if any(a.id == b.id for a, b in pairwise(ordered)):
        raise ValueError(f"{kind} ids must be unique")
    return ordered


def _bit(contracts: Interner, name: str) -> int:
    index = contracts.id(name)
    if index >= 63:
        raise ValueError("at most 63 contract types")
    return 1 << index


def build_offers(
    offers: Sequence[OfferInput], today: date, communes: Interner, contracts: Interner, codes: Interner
) -> tuple[OfferTable, Interner]:
    """The offer table, and the ids of the competences live offers require."""
    items = _sorted_unique(offers, "offer")
    n = len(items)
    live = np.array([rules.offer_is_live(o, today) for o in items], dtype=bool)
    competences = Interner()
    vocabularies: list[dict[int, int]] = []
    code_ids: list[int] = []
    # Flat lists of ints (row, slot, word index, mask): no container per offer, so that a big
    # caller's heap is not walked by the garbage collector because of us.
    slot_rows: list[int] = []
    slot_numbers: list[int] = []
    slot_words: list[int] = []
    slot_masks: list[int] = []
    for row, (offer, is_live) in enumerate(zip(items, live.tolist(), strict=True)):
        if not is_live:
            code_ids.append(-1)
            continue
        code = codes.id(offer.code_rome)
        code_ids.append(code)
        while len(vocabularies) <= code:
            vocabularies.append({})
        vocabulary = vocabularies[code]
        words: dict[int, int] = {}
        # Sorted so that the bit layout does not depend on frozenset iteration order.
        for name in sorted(offer.competences):
            position = vocabulary.setdefault(competences.id(name), len(vocabulary))
            word, bit = divmod(position, _WORD_BITS)
            words[word] = words.get(word, 0) | (1 << bit)
        for slot, word in enumerate(sorted(words)):
            slot_rows.append(row)
            slot_numbers.append(slot)
            slot_words.append(word)
            slot_masks.append(words[word])
    width = max(slot_numbers, default=-1) + 1
    word = np.zeros((width, n), dtype=np.int64)
    mask = np.zeros((width, n), dtype=np.uint64)
    word[slot_numbers, slot_rows] = slot_words
    mask[slot_numbers, slot_rows] = np.array(slot_masks, dtype=np.uint64)
    words_used = np.bincount(np.array(slot_rows, dtype=np.int64), minlength=n)
    lat = np.array([o.lat for o in items], dtype=np.float64)
    lon = np.array([o.lon for o in items], dtype=np.float64)
    table = OfferTable(
        items=items,
        live=live,
        lat=lat,
        lon=lon,
        terms=point_terms_array(lat, lon),
        commune=np.array([communes.id(o.code_insee) for o in items], dtype=np.int32),
        code=np.array(code_ids, dtype=np.int32),
        contract=np.array([_bit(contracts, o.contract_type).bit_length() - 1 for o in items], dtype=np.int64),
        starts_on=np.array([rules.starts_on(o, today).toordinal() for o in items], dtype=np.int64),
        required=np.array([len(o.competences) for o in items], dtype=np.int64),
        word=word,
        mask=mask,
        words_used=words_used,
        vocabularies=[list(v) for v in vocabularies],
    )
    return table, competences


def build_candidates(
    candidates: Sequence[CandidateInput],
    today: date,
    communes: Interner,
    contracts: Interner,
    competences: Interner,
) -> CandidateTable:
    items = _sorted_unique(candidates, "candidate")
    lat = np.array([c.lat for c in items], dtype=np.float64)
    lon = np.array([c.lon for c in items], dtype=np.float64)
    mobility = np.array([c.mobility_km for c in items], dtype=np.float64)
    # Most candidates share a few sets of contract types and a few hundred training end dates.
    contract_bits: dict[frozenset[str], int] = {}
    for types in {c.contract_types for c in items}:
        bits = 0
        for name in sorted(types):
            bits |= _bit(contracts, name)
        contract_bits[types] = bits
    training_by_end = {end: training_points((today - end).days) for end in {c.training_end for c in items}}
    # Competences flattened in one pass, those no live offer requires dropped.
    lengths = np.array([len(c.competences) for c in items], dtype=np.int64)
    known = competences.get
    ids = np.array([known(name, -1) for c in items for name in c.competences], dtype=np.int64)
    kept = ids >= 0
    owner = np.repeat(np.arange(len(items)), lengths)
    start = np.zeros(len(items) + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner[kept], minlength=len(items)), out=start[1:])
    return CandidateTable(
        items=items,
        listed=np.array([rules.candidate_is_listed(c, today) for c in items], dtype=bool),
        lat=lat,
        lon=lon,
        terms=point_terms_array(lat, lon),
        commune=np.array([communes.id(c.code_insee) for c in items], dtype=np.int32),
        mobility=mobility,
        reach=np.where(mobility > 0, mobility, np.inf),
        contracts=np.array([contract_bits[c.contract_types] for c in items], dtype=np.int64),
        ready_on=np.array([rules.ready_on(c).toordinal() for c in items], dtype=np.int64),
        training=np.array([training_by_end[c.training_end] for c in items], dtype=np.float64),
        competence_start=start,
        competence_ids=ids[kept].astype(np.int32),
    )
