"""Which ROME codes each candidate fits, and the competences they hold for each of them.

A fit is a (code, candidate) entry: the code is one of the candidate's own (exact) or a ROME
mobility target of one of them (close). Expanding candidates this way once amounts to the
reverse mobility map: an offer then only looks up its own code. Only codes of live offers
count.

Competences are kept per entry as bits of the code's vocabulary (the competences required by
the live offers of that code, tables.OfferTable.vocabulary), so that the number of required
competences a candidate holds is a popcount.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import chain

import numpy as np

from chalicelib.domain.matching.tables import CandidateTable, Interner, OfferTable


def expand(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of range(start, start + length) for each pair, as one int64 array."""
    lengths = lengths.astype(np.int64, copy=False)
    ends = np.cumsum(lengths)
    if ends.size == 0 or ends[-1] == 0:
        return np.zeros(0, dtype=np.int64)
    shift = np.repeat(starts.astype(np.int64, copy=False) - (ends - lengths), lengths)
    shift += np.arange(ends[-1], dtype=np.int64)
    return shift


def code_fits(
    candidates: CandidateTable, mobility: Mapping[str, Iterable[str]], codes: Interner, rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate row, code id, exact) of every fit of a listed candidate, sorted by code, then
    by `rank` (a permutation of the candidate rows: the index's order)."""
    listed = np.flatnonzero(candidates.listed)
    metier_sets = [candidates.items[row].metiers for row in listed.tolist()]
    # The candidates' own codes, numbered in first-seen order.
    own = Interner()
    owned_codes = np.array(own.ids(chain.from_iterable(metier_sets)), dtype=np.int64)
    own_ranks = np.repeat(rank[listed], [len(s) for s in metier_sets]).astype(np.int64)
    as_offer_code = np.array([codes.get(code, -1) for code in own], dtype=np.int64)
    # Mobility targets read once per distinct own code (the values may be one-shot iterables).
    reached = [sorted({codes[t] for t in mobility.get(code, ()) if t in codes}) for code in own]
    reached_start = np.cumsum([0] + [len(r) for r in reached])
    reached_flat = np.array([t for r in reached for t in r], dtype=np.int64)
    lengths = np.diff(reached_start)[owned_codes]
    exact_codes = as_offer_code[owned_codes]
    fits = exact_codes >= 0
    # Key (code, rank, close?): sorting puts an exact fit before a close one of the same pair.
    n_rows = max(candidates.listed.size, 1)
    key = np.concatenate(
        [
            (exact_codes[fits] * n_rows + own_ranks[fits]) * 2,
            (
                reached_flat[expand(reached_start[:-1][owned_codes], lengths)] * n_rows
                + np.repeat(own_ranks, lengths)
            )
            * 2
            + 1,
        ]
    )
    # Sorted, one key per (code, rank): the exact one when both. (np.sort, not np.unique: since
    # numpy 2.3 np.unique without return_* hashes, 100 times slower here.)
    key.sort()
    first = np.ones(key.size, dtype=bool)
    first[1:] = (key[1:] >> 1) != (key[:-1] >> 1)
    key = key[first]
    pair = key >> 1
    row_of_rank = np.empty_like(rank)
    row_of_rank[rank] = np.arange(rank.size, dtype=rank.dtype)
    return row_of_rank[pair % n_rows].astype(np.int32), (pair // n_rows).astype(np.int32), (key & 1) == 0


BLOCK_ENTRIES = 1 << 20  # competences held per block of fits: bounds the temporaries


def competence_bits(
    candidates: CandidateTable, offers: OfferTable, rows: np.ndarray, code: np.ndarray, n_codes: int
) -> tuple[np.ndarray, np.ndarray]:
    """(first word of each fit, the words): the fit's competences as bits of its code's vocabulary.

    One extra zero word at the end, so that an unused slot always reads a valid word.
    """
    sizes = np.zeros(n_codes, dtype=np.int64)
    known_codes = offers.vocabulary_start.size - 1
    sizes[:known_codes] = np.diff(offers.vocabulary_start)
    per_fit = ((sizes + 63) // 64)[code]
    word_start = np.cumsum(per_fit) - per_fit
    bits = np.zeros(int(per_fit.sum()) + 1, dtype=np.uint64)
    held_start = candidates.competence_start
    lengths = held_start[rows + 1] - held_start[rows]
    entry_start = np.zeros(rows.size + 1, dtype=np.int64)
    np.cumsum(lengths, out=entry_start[1:])
    code_fits = np.searchsorted(code, np.arange(n_codes + 1))
    # Position of each held competence in its fit's vocabulary (-1: no offer of the code
    # requires it), through a lookup table set for one code at a time.
    lookup = np.full(int(candidates.competence_ids.max(initial=-1)) + 1, -1, dtype=np.int32)
    counting = np.arange(int(sizes.max(initial=0)), dtype=np.int32)
    vocabulary, vocabulary_start = offers.vocabulary, offers.vocabulary_start
    codes = np.flatnonzero((sizes > 0) & (code_fits[1:] > code_fits[:-1]))
    # Blocks of whole codes (fits are sorted by code) of about BLOCK_ENTRIES competences held.
    block_end = np.searchsorted(
        entry_start[code_fits[codes + 1]], entry_start[code_fits[codes]] + BLOCK_ENTRIES
    )
    first_code = 0
    while first_code < codes.size:
        last_code = max(int(block_end[first_code]), first_code + 1)
        block = codes[first_code:last_code].tolist()
        first_code = last_code
        fit_first, fit_end = int(code_fits[block[0]]), int(code_fits[block[-1] + 1])
        owners = rows[fit_first:fit_end]
        held = candidates.competence_ids[expand(held_start[owners], lengths[fit_first:fit_end])]
        position = np.full(held.size, -1, dtype=np.int32)
        base = entry_start[fit_first]
        for c in block:
            words = vocabulary[vocabulary_start[c] : vocabulary_start[c + 1]]
            words = words[words < lookup.size]  # the others no candidate holds
            lookup[words] = counting[: words.size]
            first, last = entry_start[code_fits[c]] - base, entry_start[code_fits[c + 1]] - base
            position[first:last] = lookup[held[first:last]]
            lookup[words] = -1
        known = np.flatnonzero(position >= 0)
        fit = (
            np.searchsorted(entry_start[fit_first : fit_end + 1] - base, known, side="right") - 1 + fit_first
        )
        position = position[known].astype(np.int64)
        # Bits are distinct within a fit (a candidate holds a competence once): add is or.
        np.add.at(
            bits,
            word_start[fit] + (position >> 6),
            np.left_shift(np.uint64(1), (position & 63).astype(np.uint64)),
        )
    return word_start.astype(np.int32), bits
