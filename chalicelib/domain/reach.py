"""Which bassins can send candidates to a bassin's offers (pure).

A candidate living in bassin A can reach an offer in bassin B only if some commune of A is
within their mobility of some commune of B. The worker of B therefore reads the candidates of
every bassin whose nearest commune is within the largest mobility allowed (200 km), and the
engine applies each person's own radius.
"""

from __future__ import annotations

from functools import cache

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


def bassins_within(code_insee: str, km: float) -> list[str]:
    """Bassins having a commune within `km` of the given commune (where a person can work)."""
    refs = get_referentials()
    origin = refs.commune(code_insee)
    if origin is None:
        return []
    lat, lon, bassin, codes = _columns()
    olat, olon = np.radians(origin.lat), np.radians(origin.lon)
    h = np.sin((lat - olat) / 2) ** 2 + np.cos(olat) * np.cos(lat) * np.sin((lon - olon) / 2) ** 2
    dist = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    reachable = np.unique(bassin[dist <= km + 1.0])
    return sorted({codes[i] for i in reachable} | {origin.bassin_code})
