"""Where an offer looks for candidates: postings sorted by (métier, contract, reach, place).

A posting is a fit (fits.py: the candidate fits offers of this ROME code, exactly or closely)
times a contract type the candidate accepts. An offer looks up its own code and contract type.

Inside those, postings are split by reach class (mobility 0 km, ≤ 5 km, ≤ 10 km, then
doubling) and placed on latitude strips of half the class's largest radius; a strip is sorted
by longitude. For each class, an offer reads its own strip and two on each side, within a
longitude window: a box that holds the whole disc of that radius (the longitude half-width of
a spherical cap of radius r around latitude φ is asin(sin r / cos φ)). Mobility 0 is keyed by
commune instead of strip. Every bound is widened by a margin so that the box never loses a
pair; the exact rules are then checked pair by pair (engine.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from chalicelib.domain.geo import EARTH_RADIUS_KM
from chalicelib.domain.matching.fits import code_fits, competence_bits
from chalicelib.domain.matching.tables import CandidateTable, Interner, OfferTable

CLASS_BASE_KM = 5.0
CLASS_GROWTH = 2.0  # radius ratio between two reach classes
STRIPS_PER_RADIUS = 2  # an offer reads 2 × STRIPS_PER_RADIUS + 1 strips per class
_MARGIN = 1e-6  # relative widening of every radius; rounding errors are about 1e-15
_LON_SCALE = 1e7  # longitudes are sorted as integers in 1e-7 degree steps
_LON_ALL = (1 << 32) - 1
_KEY_LIMIT = 1 << 31  # group number << 32 | longitude key must fit an int64


def reach_class(mobility_km: np.ndarray) -> np.ndarray:
    """0 for 0 km (own commune), 1 up to 5 km, then one class per CLASS_GROWTH ratio."""
    ratio = np.maximum(mobility_km, CLASS_BASE_KM) / CLASS_BASE_KM
    steps = np.ceil(np.log(ratio) / np.log(CLASS_GROWTH) - 1e-9).astype(np.int64)
    return np.where(mobility_km > 0, 1 + np.maximum(steps, 0), 0)


def _lon_key(lon: np.ndarray) -> np.ndarray:
    return np.clip(np.floor((lon + 180.0) * _LON_SCALE), 0, _LON_ALL).astype(np.int64)


@dataclass(slots=True)
class CandidateIndex:
    key: np.ndarray  # int64, sorted: group << 32 | longitude key
    candidate: np.ndarray  # int32 row in the candidate table
    exact: np.ndarray  # bool
    word_start: np.ndarray  # int32 first word of the posting's competence bits in `bits`
    bits: np.ndarray  # uint64 (fits.competence_bits)
    present: np.ndarray  # (codes, contract types, classes) bool: which groups have postings
    radius: np.ndarray  # float64 km: largest mobility of each class
    strip: np.ndarray  # float64 degrees: strip height of each class (unused for class 0)
    stride: int  # places per (code, contract type, class)


def build_index(
    candidates: CandidateTable,
    offers: OfferTable,
    mobility: Mapping[str, Iterable[str]],
    codes: Interner,
    communes: int,
    contracts: int,
) -> CandidateIndex:
    n_codes, n_contracts = max(len(codes), 1), max(contracts, 1)
    classes = reach_class(candidates.mobility)
    n_classes = int(classes.max(initial=0)) + 1
    radius = np.zeros(n_classes)
    listed = candidates.listed  # only their classes get a radius
    np.maximum.at(radius, classes[listed], candidates.mobility[listed])
    stride_limit = _KEY_LIMIT // (n_codes * n_contracts * n_classes)
    margin_strips = 2 * STRIPS_PER_RADIUS + 1
    if stride_limit < communes + margin_strips + 1:
        raise ValueError("too many ROME codes, contract types and communes for the index keys")
    # Strips no lower than what the key space allows (a coarser strip only widens the box);
    # one strip for classes without postings.
    strip = np.degrees(radius * (1.0 + _MARGIN) / EARTH_RADIUS_KM) / STRIPS_PER_RADIUS + 1e-9
    strip = np.where(radius > 0, np.maximum(strip, 180.0 / (stride_limit - margin_strips - 1)), 180.0)
    stride = max(communes, int(180.0 / strip.min()) + 1) + margin_strips
    # group = ((code × contract types + contract) × classes + class) × stride + place. The
    # candidate's own share of the key (class, place, longitude) is computed once per candidate,
    # and the fits come sorted by code then by that share (its rank), so that the postings of
    # each contract type are in key order: merging them is a stable sort of a few sorted runs.
    moving = classes > 0
    place = np.where(
        moving, np.floor((candidates.lat + 90.0) / strip[classes]).astype(np.int64), candidates.commune
    )
    own_key = ((classes * stride + place) << 32) | np.where(moving, _lon_key(candidates.lon), 0)
    rank = np.empty(own_key.size, dtype=np.int64)
    rank[np.argsort(own_key, kind="stable")] = np.arange(own_key.size)
    rows, code, exact = code_fits(candidates, mobility, codes, rank)
    word_start, bits = competence_bits(candidates, offers, rows, code, n_codes)
    # One posting per fit and contract type the candidate accepts.
    accepted = candidates.contracts[rows]
    per_type = [np.flatnonzero((accepted >> t) & 1).astype(np.int32) for t in range(n_contracts)]
    del accepted
    fit = np.concatenate(per_type)
    kind = code[fit].astype(np.int64)
    kind *= n_contracts
    kind += np.repeat(np.arange(n_contracts), [t.size for t in per_type])
    del per_type
    order = np.argsort(kind, kind="stable")
    fit, kind = fit[order], kind[order]
    del order
    candidate = rows[fit]
    present = np.zeros((n_codes * n_contracts, n_classes), dtype=bool)
    present[kind, classes[candidate]] = True
    key = kind
    key *= n_classes * stride
    key <<= 32
    key += own_key[candidate]
    return CandidateIndex(
        key=key,
        candidate=candidate,
        exact=exact[fit],
        word_start=word_start[fit],
        bits=bits,
        present=present.reshape(n_codes, n_contracts, n_classes),
        radius=radius,
        strip=strip,
        stride=stride,
    )


def query_ranges(
    index: CandidateIndex, offers: OfferTable, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offer row, first posting, end posting) of every range the given live offers read,
    grouped by offer in the order of `rows`."""
    row_of, klass = np.nonzero(index.present[offers.code[rows], offers.contract[rows]])
    row = rows[row_of]  # one per (offer, class)
    lat, lon = offers.lat[row], offers.lon[row]
    moving = klass > 0
    centre = np.where(
        moving,
        np.floor((lat + 90.0) / index.strip[klass]).astype(np.int64),
        offers.commune[row].astype(np.int64),
    )
    n_contracts, n_classes = index.present.shape[1:]
    kind = offers.code[row].astype(np.int64) * n_contracts + offers.contract[row]
    group = (kind * n_classes + klass) * index.stride + centre
    angle = index.radius[klass] * (1.0 + _MARGIN) / EARTH_RADIUS_KM
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.sin(angle) / np.cos(np.radians(lat))
        half_width = np.degrees(np.arcsin(np.minimum(ratio, 1.0))) * (1.0 + _MARGIN) + 1e-7
        whole = ~moving | ~(ratio < 1.0) | (lon - half_width < -180.0) | (lon + half_width > 180.0)
    low = np.where(whole, 0, _lon_key(lon - half_width))
    high = np.where(whole, _LON_ALL, _lon_key(lon + half_width))
    # Searched in key order, so that successive searches hit the same cache lines; then put
    # back in offer order.
    order = np.argsort(group)
    steps = np.arange(-STRIPS_PER_RADIUS, STRIPS_PER_RADIUS + 1)
    step = np.tile(steps, order.size)
    strip = np.repeat(centre[order], steps.size) + step
    searched = (np.repeat(group[order], steps.size) + step) << 32
    first = np.searchsorted(index.key, searched | np.repeat(low[order], steps.size), side="left")
    end = np.searchsorted(index.key, searched | np.repeat(high[order], steps.size), side="right")
    # Class 0 reads its commune only; strips outside the key space are empty.
    empty = (strip < 0) | (strip >= index.stride) | (np.repeat(~moving[order], steps.size) & (step != 0))
    end[empty] = first[empty]
    position = np.repeat(order * steps.size, steps.size) + np.tile(np.arange(steps.size), order.size)
    first_out, end_out = np.empty_like(first), np.empty_like(end)
    first_out[position], end_out[position] = first, end
    return np.repeat(row, steps.size), first_out, end_out
