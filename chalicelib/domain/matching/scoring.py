"""The score of an eligible pair, 0–100, and the order of the top lists.

    score = round_half_up(métier + compétences + distance + formation)

    métier        40 same métier, 20 close métier (ROME mobility)
    compétences   30 × held / required   (15 when the offer requires none: neither good nor bad)
    distance      20 × (1 − distance / mobility_km)   (20 when mobility_km = 0: same commune)
    formation     10 × max(0, 365 − days since the training ended) / 365
                  (10 while the training is running or if it ended today)

The weights add up to 100. An exact match always outranks a close one with otherwise equal
features: the 20-point gap dwarfs any rounding. Lists are ordered by score (best first), then
by id (candidate id in an offer's list, offer id in a candidate's list).

`score` (scalar, the naive reference) and `score_array` (numpy, the engine) perform the same
IEEE operations in the same order, so they agree exactly, even at the .5 rounding edge.
"""

from __future__ import annotations

import math

import numpy as np

METIER_EXACT = 40.0
METIER_CLOSE = 20.0
COMPETENCES = 30.0
NOTHING_REQUIRED = 15.0
DISTANCE = 20.0
TRAINING = 10.0
TRAINING_DAYS = 365
MAX_SCORE = 100


def competence_points(held: int, required: int) -> float:
    if required == 0:
        return NOTHING_REQUIRED
    return COMPETENCES * held / required


def distance_points(distance_km: float, mobility_km: int) -> float:
    if mobility_km <= 0:
        return DISTANCE
    return DISTANCE * (1.0 - distance_km / mobility_km)


def training_points(days_since_end: int) -> float:
    return TRAINING * max(0, TRAINING_DAYS - max(0, days_since_end)) / TRAINING_DAYS


def score(
    exact: bool, held: int, required: int, distance_km: float, mobility_km: int, days_since_end: int
) -> int:
    raw = (
        (METIER_EXACT if exact else METIER_CLOSE)
        + competence_points(held, required)
        + distance_points(distance_km, mobility_km)
        + training_points(days_since_end)
    )
    return math.floor(raw + 0.5)


def competence_table(max_required: int) -> np.ndarray:
    """competence_points[held, required] for every count up to max_required, for the engine."""
    size = max_required + 1
    return np.array([[competence_points(h, r) for r in range(size)] for h in range(size)])


def score_array(
    exact: np.ndarray,
    competence: np.ndarray,
    distance_km: np.ndarray,
    mobility_km: np.ndarray,
    training: np.ndarray,
) -> np.ndarray:
    """`score` over arrays. `competence` and `training` come from the scalar functions above
    (through `competence_table` and per-candidate values), so they are the same floats."""
    metier = np.where(exact, METIER_EXACT, METIER_CLOSE)
    moving = mobility_km > 0
    ratio = distance_km / np.where(moving, mobility_km, 1.0)
    distance = np.where(moving, DISTANCE * (1.0 - ratio), DISTANCE)
    raw = ((metier + competence) + distance) + training
    return np.floor(raw + 0.5).astype(np.int64)
