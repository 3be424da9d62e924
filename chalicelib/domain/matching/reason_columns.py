"""The French reasons of many pairs at once, as ids into a table of distinct sentences.

Each line of `reasons.reasons` depends on a few values that repeat across pairs: the métier line
on (ROME code, exact), the competence line on (the first three competences held in alphabetical
order, how many are held, how many are required), the distance line on the kilometres rounded
(or "same commune"), the training line on the end date. Those keys are computed on arrays; each
distinct sentence is then written once, by the very functions of reasons.py.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from chalicelib.domain.matching.fits import expand
from chalicelib.domain.matching.reasons import (
    MAX_LISTED_COMPETENCES,
    competence_order,
    competence_text,
    distance_reason,
    metier_reason,
    training_reason,
)
from chalicelib.domain.matching.results import RunTables

MAX_REQUIRED = 62  # the competences held are a bit mask over the offer's required ones
_SAME_COMMUNE = -1


class _Texts:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def add(self, texts: list[str]) -> np.ndarray:
        return np.array([self.ids.setdefault(t, len(self.ids)) for t in texts], dtype=np.int32)


def _distinct(key: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(distinct keys, index of a first occurrence, inverse)."""
    distinct, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return distinct, first, inverse.ravel()


def held_masks(run: RunTables, offer: np.ndarray, candidate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask, order): bit j of mask[i] is set when candidate[i] holds the j-th competence
    required by offer[i], in reason order; order[offer_start + j] is that competence's id."""
    offers, candidates = run.offers, run.candidates
    names = list(run.competences)
    rank = np.empty(len(names), dtype=np.int64)
    rank[sorted(range(len(names)), key=lambda i: competence_order(names[i], run.labels))] = np.arange(
        len(names)
    )
    required = offers.required_ids
    start = offers.required_start
    entry_row = np.repeat(np.arange(start.size - 1), np.diff(start))
    # Each offer's required competences in reason order: position j within the offer.
    order = np.lexsort((rank[required], entry_row)) if required.size else np.zeros(0, dtype=np.int64)
    ordered = required[order]
    position = np.arange(ordered.size) - start[entry_row]
    n_competences = max(len(names), 1)
    key = entry_row * n_competences + ordered
    by_key = np.argsort(key)
    key, position = key[by_key], position[by_key]
    # Every competence each pair's candidate holds, looked up among the offer's.
    held_start = candidates.competence_start
    lengths = held_start[candidate + 1] - held_start[candidate]
    pair = np.repeat(np.arange(offer.size), lengths)
    wanted = offer[pair] * n_competences + candidates.competence_ids[expand(held_start[candidate], lengths)]
    found = np.minimum(np.searchsorted(key, wanted), max(key.size - 1, 0))
    hit = np.flatnonzero(key[found] == wanted) if key.size else np.zeros(0, dtype=np.int64)
    mask = np.zeros(offer.size, dtype=np.int64)
    # A candidate holds a competence once: the bits are distinct, add is or.
    np.add.at(mask, pair[hit], np.left_shift(1, position[found[hit]]))
    return mask, ordered


def _dense(key: np.ndarray) -> tuple[list[int], np.ndarray]:
    """(distinct small non-negative keys, index of each key among them), without sorting."""
    present = np.bincount(key)
    distinct = np.flatnonzero(present)
    slot = np.zeros(present.size, dtype=np.int64)
    slot[distinct] = np.arange(distinct.size)
    return distinct.tolist(), slot[key]


def _competence_keys(columns: list[np.ndarray]) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """(distinct rows, index of each row among them) of non-negative integer columns + 1."""
    widths = [int(c.max(initial=0)).bit_length() + 1 for c in columns]
    if sum(widths) <= 63:
        key = np.zeros(columns[0].size, dtype=np.int64)
        for column, width in zip(columns, widths, strict=True):
            key = (key << width) | (column + 1)
        distinct, inverse = np.unique(key, return_inverse=True)
        rows = []
        for value in distinct.tolist():
            row = []
            for width in reversed(widths):
                row.append((value & ((1 << width) - 1)) - 1)
                value >>= width
            rows.append(tuple(reversed(row)))
        return rows, inverse.ravel()
    distinct, inverse = np.unique(np.stack(columns, axis=1), axis=0, return_inverse=True)
    return [tuple(r) for r in distinct.tolist()], inverse.ravel()


def reason_ids(
    run: RunTables, offer: np.ndarray, candidate: np.ndarray, exact: np.ndarray, distance: np.ndarray
) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(ids, texts, competences held): ids[i] are the métier, competence, distance and training
    lines of pair i as indices into texts (-1: the offer requires no competence, no line)."""
    offers, candidates, labels = run.offers, run.candidates, run.labels
    texts = _Texts()
    ids = np.full((offer.size, 4), -1, dtype=np.int32)
    if offer.size == 0:
        return ids, [], np.zeros(0, dtype=np.int64)
    # Métier: (ROME code, exact).
    codes = list(run.codes)
    distinct, slot = _dense(offers.code[offer].astype(np.int64) * 2 + exact)
    ids[:, 0] = texts.add([metier_reason(codes[k >> 1], bool(k & 1), labels) for k in distinct])[slot]
    # Competences: the first three held in reason order, how many held and required.
    mask, ordered = held_masks(run, offer, candidate)
    held = np.bitwise_count(mask).astype(np.int64)
    required = offers.required[offer]
    listed = np.flatnonzero(required > 0)
    mask, first = mask[listed], offers.required_start[offer[listed]]
    columns = []
    for _ in range(MAX_LISTED_COMPETENCES):
        lowest = mask & -mask
        j = np.bitwise_count(lowest - 1).astype(np.int64)
        columns.append(np.where(lowest > 0, ordered[np.where(lowest > 0, first + j, 0)], -1))
        mask ^= lowest
    distinct, slot = _competence_keys([*columns, held[listed], required[listed]])
    names = list(run.competences)
    lines = [
        competence_text((labels.competence(names[c]) for c in row[:-2] if c >= 0), row[-2], row[-1])
        for row in distinct
    ]
    ids[listed, 1] = texts.add(lines)[slot]
    # Distance: the kilometres as the sentence rounds them (0: the same commune).
    same = offers.commune[offer] == candidates.commune[candidate]
    distinct, slot = _dense(np.where(same, 0, np.floor(distance + 0.5).astype(np.int64) + 1))
    ids[:, 2] = texts.add([distance_reason(k == 0, float(k - 1)) for k in distinct])[slot]
    # Training: its end date.
    ends = candidates.training_end[candidate]
    low = int(ends.min())
    distinct, slot = _dense(ends - low)
    ids[:, 3] = texts.add([training_reason(date.fromordinal(d + low), run.today) for d in distinct])[slot]
    return ids, list(texts.ids), held
