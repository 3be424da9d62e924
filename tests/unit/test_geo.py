"""Great-circle distances: the scalar and the numpy variants agree to the last bit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chalicelib.domain import geo
from chalicelib.domain.geo import (
    EARTH_RADIUS_KM,
    haversine_km,
    haversine_km_array,
    point_terms,
    point_terms_array,
)


def textbook_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def scalar_all(lat1, lon1, lat2, lon2) -> np.ndarray:
    return np.array(
        [
            haversine_km(*p)
            for p in zip(lat1.tolist(), lon1.tolist(), lat2.tolist(), lon2.tolist(), strict=True)
        ]
    )


@pytest.mark.parametrize("spread", [0.05, 0.5, 3.0, 180.0])
def test_array_and_scalar_agree_to_the_last_bit(spread: float) -> None:
    rng = np.random.default_rng(20260302)
    n = 20_000
    lat1 = rng.uniform(-89.0, 89.0, n)
    lon1 = rng.uniform(-180.0, 180.0, n)
    lat2 = np.clip(lat1 + rng.uniform(-spread, spread, n), -90.0, 90.0)
    lon2 = lon1 + rng.uniform(-spread, spread, n)

    vectorised = haversine_km_array(lat1, lon1, lat2, lon2)

    assert vectorised.dtype == np.float64
    assert np.array_equal(vectorised, scalar_all(lat1, lon1, lat2, lon2))


def test_grand_est_commune_pairs_agree_to_the_last_bit() -> None:
    # Where the engine works: points a few km to a few hundred km apart around 48.5° N.
    rng = np.random.default_rng(7)
    lat = rng.uniform(47.4, 50.2, (2, 5_000))
    lon = rng.uniform(3.4, 8.2, (2, 5_000))
    assert np.array_equal(
        haversine_km_array(lat[0], lon[0], lat[1], lon[1]), scalar_all(lat[0], lon[0], lat[1], lon[1])
    )


def test_close_to_the_textbook_formula() -> None:
    rng = np.random.default_rng(3)
    for _ in range(2_000):
        lat1, lat2 = rng.uniform(-89.0, 89.0, 2)
        lon1, lon2 = rng.uniform(-180.0, 180.0, 2)
        expected = textbook_km(lat1, lon1, lat2, lon2)
        assert haversine_km(lat1, lon1, lat2, lon2) == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_known_distances() -> None:
    # One degree of a meridian is R·π/180.
    assert haversine_km(48.0, 7.0, 49.0, 7.0) == pytest.approx(EARTH_RADIUS_KM * math.pi / 180, rel=1e-13)
    # Strasbourg – Metz, commune centres: about 130 km.
    assert haversine_km(48.5734, 7.7521, 49.1193, 6.1757) == pytest.approx(130.35, abs=0.01)
    assert haversine_km(49.1193, 6.1757, 49.1193, 6.1757) == 0.0
    # Antipodes: half the circumference, without a domain error (haversine is ill-conditioned
    # there, to a few decimetres).
    assert haversine_km(10.0, 20.0, -10.0, -160.0) == pytest.approx(math.pi * EARTH_RADIUS_KM, abs=1e-3)


def test_symmetric_to_the_last_bit() -> None:
    rng = np.random.default_rng(11)
    for _ in range(1_000):
        lat1, lat2 = rng.uniform(-89.0, 89.0, 2)
        lon1, lon2 = rng.uniform(-180.0, 180.0, 2)
        assert haversine_km(lat1, lon1, lat2, lon2) == haversine_km(lat2, lon2, lat1, lon1)


def test_own_asin_is_accurate_and_identical_in_both_variants() -> None:
    x = np.concatenate([np.linspace(0.0, 1.0, 100_001), np.random.default_rng(5).uniform(0.0, 1.0, 100_000)])
    vectorised = geo._asin_array(x)
    assert np.array_equal(vectorised, np.array([geo._asin(v) for v in x.tolist()]))
    expected = np.array([math.asin(v) for v in x.tolist()])
    assert np.max(np.abs(vectorised - expected) / np.maximum(expected, 1e-300)) < 1e-15


def test_point_terms_array_matches_point_terms() -> None:
    lats = np.array([48.5734, 49.1193, 48.5734, -33.0, 0.0])
    lons = np.array([7.7521, 6.1757, 7.7521, 151.0, -0.0])
    table = point_terms_array(lats, lons)
    assert table.shape == (5, 5)
    for column, (lat, lon) in enumerate(zip(lats.tolist(), lons.tolist(), strict=True)):
        assert tuple(table[:, column].tolist()) == point_terms(lat, lon)
    assert point_terms_array(np.array([]), np.array([])).shape == (5, 0)
