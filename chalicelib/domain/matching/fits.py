"""Which ROME codes each candidate fits, and the competences they hold for each of them.

A fit is a (code, candidate) entry: the code is one of the candidate's own (exact) or a ROME
mobility target of one of them (close). Expanding candidates this way once amounts to the
reverse mobility map: an offer then only looks up its own code. Only codes of live offers
count.

Competences are kept per entry as bits of the code's vocabulary (the competences required by
the live offers of that code, tables.OfferTable.vocabularies), so that the number of required
competences a candidate holds is a popcount.
"""

from __future__ import annotations

import numpy as np

from chalicelib.domain.matching.rules import Targets
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
    candidates: CandidateTable, targets: Targets, codes: Interner
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate row, code id, exact) of every fit of a listed candidate, sorted by code."""
    # The candidates' own codes, numbered in first-seen order.
    own: dict[str, int] = {}
    rows, owned = [], []
    for row in np.flatnonzero(candidates.listed).tolist():
        for code in candidates.items[row].metiers:
            rows.append(row)
            owned.append(own.setdefault(code, len(own)))
    as_offer_code = np.array([codes.get(code, -1) for code in own], dtype=np.int64)
    reached = [sorted({codes[t] for t in targets.get(code, ()) if t in codes}) for code in own]
    reached_start = np.cumsum([0] + [len(r) for r in reached])
    reached_flat = np.array([t for r in reached for t in r], dtype=np.int64)
    own_rows, owned_codes = np.array(rows, dtype=np.int64), np.array(owned, dtype=np.int64)
    lengths = np.diff(reached_start)[owned_codes]
    exact_codes = as_offer_code[owned_codes]
    fits = exact_codes >= 0
    # Key (code, row, close?): sorting puts an exact fit before a close one of the same pair.
    n_rows = max(candidates.listed.size, 1)
    key = np.concatenate(
        [
            (exact_codes[fits] * n_rows + own_rows[fits]) * 2,
            (
                reached_flat[expand(reached_start[:-1][owned_codes], lengths)] * n_rows
                + np.repeat(own_rows, lengths)
            )
            * 2
            + 1,
        ]
    )
    key = np.unique(key)
    first = np.ones(key.size, dtype=bool)
    first[1:] = (key[1:] >> 1) != (key[:-1] >> 1)
    key = key[first]
    pair = key >> 1
    return (pair % n_rows).astype(np.int32), (pair // n_rows).astype(np.int32), (key & 1) == 0


def competence_bits(
    candidates: CandidateTable, offers: OfferTable, rows: np.ndarray, code: np.ndarray, n_codes: int
) -> tuple[np.ndarray, np.ndarray]:
    """(first word of each fit, the words): the fit's competences as bits of its code's vocabulary.

    One extra zero word at the end, so that an unused slot always reads a valid word.
    """
    sizes = np.zeros(n_codes, dtype=np.int64)
    sizes[: len(offers.vocabularies)] = [len(v) for v in offers.vocabularies]
    words = (sizes + 63) // 64
    per_fit = words[code]
    word_start = np.cumsum(per_fit) - per_fit
    bits = np.zeros(int(per_fit.sum()) + 1, dtype=np.uint64)
    lookup = np.full(int(candidates.competence_ids.max(initial=-1)) + 1, -1, dtype=np.int64)
    code_start = np.searchsorted(code, np.arange(n_codes + 1))
    held_start = candidates.competence_start
    for c in np.flatnonzero(words).tolist():
        first, last = code_start[c], code_start[c + 1]
        if first == last:
            continue
        vocabulary = np.array(offers.vocabularies[c], dtype=np.int64)
        vocabulary = vocabulary[vocabulary < lookup.size]  # the others no candidate holds
        lookup[vocabulary] = np.arange(vocabulary.size)
        owners = rows[first:last]
        lengths = held_start[owners + 1] - held_start[owners]
        position = lookup[candidates.competence_ids[expand(held_start[owners], lengths)]]
        fit = np.repeat(np.arange(first, last), lengths)
        known = position >= 0
        position, fit = position[known], fit[known]
        np.bitwise_or.at(
            bits,
            word_start[fit] + (position >> 6),
            np.left_shift(np.uint64(1), (position & 63).astype(np.uint64)),
        )
        lookup[vocabulary] = -1
    return word_start.astype(np.int32), bits
