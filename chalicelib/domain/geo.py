"""Great-circle distances between commune centres (haversine, mean Earth radius).

Two variants that agree to the last bit: `haversine_km` (scalar, `math`) and
`haversine_km_array` (numpy). The matching engine filters millions of pairs with the array
variant and its naive reference checks pairs one by one with the scalar one; a pair at the
exact edge of a radius must be judged the same way by both, on every machine.

How that is guaranteed: numpy picks SIMD implementations of transcendental functions at run
time and some of them differ from the C library by an ulp (on AVX-512, `np.arcsin` differs
from `math.asin` for about 8 % of inputs). So

- the trigonometry of each point is computed once, with `math`, in both variants
  (`point_terms`); a pair then only needs + - * and sqrt, which IEEE 754 rounds exactly
  the same in Python and numpy: sin((b-a)/2) = sin(b/2)cos(a/2) - cos(b/2)sin(a/2);
- asin is our own series (`_asin`), written once with operators that work on floats and
  arrays alike, so both variants run the very same operations in the same order.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from math import comb

import numpy as np

# IUGG mean Earth radius (R1), in km.
EARTH_RADIUS_KM = 6371.0088
_DIAMETER_KM = 2.0 * EARTH_RADIUS_KM
_HALF_RADIAN = math.pi / 360.0  # half of one degree, in radians
_HALF_PI = math.pi / 2.0

# asin(x) = sum over n of C(2n, n) / (4^n (2n + 1)) x^(2n+1). The number of terms keeps the
# truncation error under 2^-55 relative: 4 terms up to x = 1/32 (398 km, every distance the
# service deals with), 23 up to x = 1/2; above, asin(x) = pi/2 - 2 asin(sqrt((1 - x) / 2)).
_SERIES = tuple(float(Fraction(comb(2 * n, n), 4**n * (2 * n + 1))) for n in range(1, 24))
_SMALL_X = 1.0 / 32.0
_SHORT_SERIES = _SERIES[:4]

Terms = tuple[float, float, float, float, float]


@lru_cache(maxsize=1 << 14)
def point_terms(lat: float, lon: float) -> Terms:
    """(sin φ/2, cos φ/2, cos φ, sin λ/2, cos λ/2) of a point given in degrees.

    Cached: places are commune centres, a few thousand of them."""
    half_phi = lat * _HALF_RADIAN
    half_lambda = lon * _HALF_RADIAN
    return (
        math.sin(half_phi),
        math.cos(half_phi),
        math.cos(half_phi + half_phi),
        math.sin(half_lambda),
        math.cos(half_lambda),
    )


def point_terms_array(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """`point_terms` of many points, shape (5, n), with `math` on each distinct point.

    Places are commune centres, so there are few distinct points (5,115 communes in Grand Est, at most ~4,500 elsewhere)
    for many candidates and offers.
    """
    lats = np.asarray(lats, dtype=np.float64)
    lons = np.asarray(lons, dtype=np.float64)
    if lats.size == 0:
        return np.empty((5, 0))
    # A complex number per point makes np.unique several times faster than unique rows.
    keys = np.empty(lats.size, dtype=np.complex128)
    keys.real = lats.ravel()
    keys.imag = lons.ravel()
    unique, inverse = np.unique(keys, return_inverse=True)
    table = np.array([point_terms(z.real, z.imag) for z in unique.tolist()]).T
    return table[:, inverse.ravel()].reshape((5, *lats.shape))


def _hav(a, b):
    """Haversine of the central angle between two points given by their terms.

    Works on floats and on numpy arrays with exactly the same operations.
    """
    dphi = b[0] * a[1] - b[1] * a[0]
    dlambda = b[3] * a[4] - b[4] * a[3]
    return dphi * dphi + (a[2] * b[2]) * (dlambda * dlambda)


def _series(x, coefficients: tuple[float, ...]):
    z = x * x
    p = coefficients[-1]
    for c in reversed(coefficients[:-1]):
        p = p * z + c
    return x + x * (z * p)


def _asin(x: float) -> float:
    # Comparisons written so that NaN takes the short series (and stays NaN) in both variants.
    if x > 0.5:
        return _HALF_PI - 2.0 * _asin(math.sqrt((1.0 - x) * 0.5))
    if x > _SMALL_X:
        return _series(x, _SERIES)
    return _series(x, _SHORT_SERIES)


def _asin_array(x: np.ndarray) -> np.ndarray:
    if x.size and x.max() <= _SMALL_X:  # every distance under 398 km: one pass (NaN fails this)
        return _series(x, _SHORT_SERIES)
    large = x > 0.5
    middle = (x > _SMALL_X) & ~large
    small = ~(large | middle)
    if small.all():
        return _series(x, _SHORT_SERIES)
    out = np.empty_like(x)
    out[small] = _series(x[small], _SHORT_SERIES)
    out[middle] = _series(x[middle], _SERIES)
    out[large] = _HALF_PI - 2.0 * _asin_array(np.sqrt((1.0 - x[large]) * 0.5))
    return out


def hav_from_terms_array(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Haversines for terms of shape (5, ...) that broadcast against each other."""
    return _hav(a, b)


def km_from_hav(h: float) -> float:
    # Rounding can push h a hair above 1 for antipodal points.
    return _DIAMETER_KM * _asin(math.sqrt(min(h, 1.0)))


def km_from_hav_array(h: np.ndarray) -> np.ndarray:
    return _DIAMETER_KM * _asin_array(np.sqrt(np.minimum(h, 1.0)))


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    return km_from_hav(_hav(point_terms(lat1, lon1), point_terms(lat2, lon2)))


def haversine_km_array(lat1, lon1, lat2, lon2) -> np.ndarray:
    """`haversine_km` over numpy arrays (broadcast), bit for bit."""
    a = point_terms_array(*np.broadcast_arrays(np.asarray(lat1, float), np.asarray(lon1, float)))
    b = point_terms_array(*np.broadcast_arrays(np.asarray(lat2, float), np.asarray(lon2, float)))
    return km_from_hav_array(np.asarray(_hav(a, b), dtype=np.float64))
