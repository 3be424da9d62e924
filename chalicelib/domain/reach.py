"""Which bassins can send candidates to a bassin's offers (pure).

A candidate living in bassin A can reach an offer in bassin B only if some commune of A is
within their mobility of some commune of B. The worker of B therefore reads the candidates of
every bassin whose nearest commune is within the largest mobility allowed (200 km), and the
engine applies each person's own radius.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache, lru_cache

import numpy as np

from chalicelib.domain.referentials import get_referentials

MAX_MOBILITY_KM = 200
_EARTH_KM = 6371.0088


@cache
def _columns() -> tuple[np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    refs = get_referentials()
    communes = sorted(refs.communes.values(), key=lambda c: c.code_insee)
    codes = tuple(sorted(refs.bassins))
    position = {code: i for i, code in enumerate(codes)}
    lat = np.radians([c.lat for c in communes])
    lon = np.radians([c.lon for c in communes])
    bassin = np.array([position[c.bassin_code] for c in communes])
    return lat, lon, bassin, codes


@cache
def nearest_km(bassin_code: str) -> dict[str, float]:
    """For each bassin, the distance between its nearest commune and the communes of `bassin_code`."""
    lat, lon, bassin, codes = _columns()
    mine = bassin == codes.index(bassin_code)
    dlat = lat[None, :] - lat[mine][:, None]
    dlon = lon[None, :] - lon[mine][:, None]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[mine])[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    km = (2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))).min(axis=0)
    result = {code: float(km[bassin == i].min()) for i, code in enumerate(codes)}
    result[bassin_code] = 0.0
    return result


def source_bassins(bassin_code: str, max_km: float = MAX_MOBILITY_KM) -> list[str]:
    """Bassins whose candidates may reach offers of `bassin_code` (with 1 km of slack for rounding)."""
    return sorted(code for code, km in nearest_km(bassin_code).items() if km <= max_km + 1.0)


@lru_cache(maxsize=1 << 13)
def bassin_distances(code_insee: str) -> dict[str, float]:
    """Distance (km) from a commune to the nearest commune of each bassin; {} for an unknown one."""
    refs = get_referentials()
    origin = refs.commune(code_insee)
    if origin is None:
        return {}
    lat, lon, bassin, codes = _columns()
    olat, olon = np.radians(origin.lat), np.radians(origin.lon)
    h = np.sin((lat - olat) / 2) ** 2 + np.cos(olat) * np.cos(lat) * np.sin((lon - olon) / 2) ** 2
    dist = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    nearest = np.full(len(codes), np.inf)
    np.minimum.at(nearest, bassin, dist)
    found = {code: float(km) for code, km in zip(codes, nearest.tolist(), strict=True)}
    found[origin.bassin_code] = 0.0
    return found


def bassins_within(code_insee: str, km: float) -> list[str]:
    """Bassins having a commune within `km` of the given commune (where a person can work)."""
    return sorted(code for code, d in bassin_distances(code_insee).items() if d <= km + 1.0)


# --- per-event reads: which (bassin, ROME code) keys hold the other side of an item ----------
# Offers are keyed by (their bassin, their code); candidates by (their home bassin, each of their
# own codes: training and targets). An eligible pair always has the offer's key among
# `offers_reachable` of the candidate and the candidate's keys meeting `candidates_reaching` of
# the offer (tests/unit/test_matching_items.py), so reads go through a métier-and-place index.

ReachKey = tuple[str, str]  # (bassin code, ROME code)


def fit_codes(metiers: Iterable[str], mobility: Mapping[str, Iterable[str]]) -> frozenset[str]:
    """ROME codes of the offers a person with these métiers fits: their own (exact) and the ROME
    mobilities of those (close)."""
    own = frozenset(metiers)
    return own | {target for code in own for target in mobility.get(code, ())}


def fitted_by(mobility: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    """ROME code → the codes whose holders fit its offers: itself and those leading to it."""
    reverse: dict[str, set[str]] = {}
    for code, targets in mobility.items():
        for target in targets:
            reverse.setdefault(target, set()).add(code)
    return {code: frozenset(codes) for code, codes in reverse.items()}


def offers_reachable(
    code_insee: str, mobility_km: int, metiers: Iterable[str], mobility: Mapping[str, Iterable[str]]
) -> set[ReachKey]:
    """Keys of the offers a candidate can reach: the bassins within their mobility (their own
    when 0 km) × the codes they fit. Empty for an unknown commune."""
    bassins = bassins_within(code_insee, max(mobility_km, 0))
    codes = fit_codes(metiers, mobility)
    return {(bassin, code) for bassin in bassins for code in codes}


def candidates_reaching(
    code_insee: str, code_rome: str, fitted: Mapping[str, frozenset[str]], max_km: float = MAX_MOBILITY_KM
) -> set[ReachKey]:
    """Keys of the candidates who can reach an offer: the bassins within the largest mobility of
    the offer's commune × the codes whose holders fit it (`fitted`: fitted_by of the ROME
    mobilities). Empty for an unknown commune."""
    bassins = bassins_within(code_insee, max_km)
    codes = {code_rome} | fitted.get(code_rome, frozenset())
    return {(bassin, code) for bassin in bassins for code in codes}


# --- the per-event indexes (services/match_events.py): the same keys list an item and read the
# other side. A candidate is listed under (bassin they can work in, own code); an offer under
# (its bassin, each code whose holders fit it). An eligible pair always shares one key: the
# offer's bassin is within the candidate's reach, and one of the candidate's own codes is the
# offer's or leads to it (tests/unit/test_matching_items.py).
def candidate_index_keys(code_insee: str, mobility_km: int, metiers: Iterable[str]) -> set[ReachKey]:
    codes = set(metiers)
    return {(bassin, code) for bassin in bassins_within(code_insee, max(mobility_km, 0)) for code in codes}


def offer_index_keys(bassin: str, code_rome: str, fitted: Mapping[str, frozenset[str]]) -> set[ReachKey]:
    return {(bassin, code) for code in {code_rome} | fitted.get(code_rome, frozenset())}
