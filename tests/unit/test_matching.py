"""Matching rules, score and reasons, pinned on small hand-built cases (each checked against
the naive reference by matching_cases.both)."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest

from chalicelib.domain.geo import EARTH_RADIUS_KM, haversine_km
from chalicelib.domain.matching import rules, run_matching, run_matching_naive
from chalicelib.domain.matching.reasons import distance_reason, training_reason
from tests.unit.matching_cases import (
    COOK,
    KITCHEN_HAND,
    METZ,
    MOBILITY,
    NANCY,
    NURSE,
    TODAY,
    WOIPPY,
    Labels,
    both,
    candidate,
    matched,
    offer,
    only,
)

# --- reach -------------------------------------------------------------------------------------


def point_at(km: float) -> float:
    """Latitude of the point due north of Metz at `km` on the meridian."""
    return METZ[1] + math.degrees(km / EARTH_RADIUS_KM)


def test_reach_at_the_radius_edge_just_inside_and_just_outside() -> None:
    # Two adjacent floats of latitude on either side of exactly 10 km.
    inside = point_at(10.0)
    while haversine_km(METZ[1], METZ[2], inside, METZ[2]) > 10.0:
        inside = math.nextafter(inside, 0.0)
    outside = math.nextafter(inside, 90.0)
    while haversine_km(METZ[1], METZ[2], outside, METZ[2]) <= 10.0:
        outside = math.nextafter(outside, 90.0)
    assert 10.0 - haversine_km(METZ[1], METZ[2], inside, METZ[2]) < 1e-9
    near = candidate("near", ("57999", inside, METZ[2]), mobility_km=10)
    far = candidate("far", ("57998", outside, METZ[2]), mobility_km=10)

    assert matched([offer()], [near, far]) == {("o1", "near")}


def test_reach_is_inclusive_at_the_radius() -> None:
    assert rules.is_reachable(candidate(mobility_km=10), offer(place=NANCY), 10.0)
    assert not rules.is_reachable(candidate(mobility_km=10), offer(place=NANCY), math.nextafter(10.0, 11.0))


def test_zero_km_means_own_commune_only() -> None:
    home = candidate("home", mobility_km=0)
    # Same coordinates, another commune: still not the candidate's commune.
    twin = candidate("twin", ("57999", METZ[1], METZ[2]), mobility_km=0)
    offers = [offer("metz"), offer("woippy", WOIPPY)]

    assert matched(offers, [home, twin]) == {("metz", "home")}
    result = only(offer("metz"), home)
    assert result is not None and result.distance_km == 0.0 and "Même commune" in result.reasons


def test_distance_reason_and_radius() -> None:
    result = only(offer(place=NANCY), candidate(mobility_km=50))
    assert result is not None
    assert result.distance_km == haversine_km(NANCY[1], NANCY[2], METZ[1], METZ[2])
    assert f"{round(result.distance_km)} km de chez vous" in result.reasons
    assert only(offer(place=NANCY), candidate(mobility_km=40)) is None


# --- contract, availability, offer and candidate status ---------------------------------------


def test_contract_type_must_be_accepted() -> None:
    assert only(offer(contract_type="interim"), candidate()) is None
    assert only(offer(contract_type="cdd"), candidate()) is not None


def test_available_by_the_start_date() -> None:
    start = TODAY + timedelta(days=20)
    assert only(offer(start_date=start), candidate(available_from=start)) is not None
    assert only(offer(start_date=start), candidate(available_from=start + timedelta(days=1))) is None


def test_training_ending_within_eight_weeks_counts_from_its_end() -> None:
    end = TODAY + timedelta(weeks=8)
    student = candidate(training_end=end, available_from=TODAY)
    # Ready on the later of available_from and training_end.
    assert only(offer(start_date=end), student) is not None
    assert only(offer(start_date=end - timedelta(days=1)), student) is None
    result = only(offer(start_date=end), student)
    assert result is not None and "Formation en cours, fin le 27/04/2026" in result.reasons
    # One day further: not looking for a job yet, whatever the start date.
    later = candidate(training_end=end + timedelta(days=1), available_from=TODAY)
    assert only(offer(start_date=TODAY + timedelta(days=365)), later) is None


def test_a_past_start_date_means_as_soon_as_possible() -> None:
    late = offer(start_date=TODAY - timedelta(days=10))
    assert only(late, candidate(available_from=TODAY)) is not None
    assert only(late, candidate(available_from=TODAY + timedelta(days=1))) is None


def test_closed_or_expired_offers_match_nobody() -> None:
    assert only(offer(is_open=False), candidate()) is None
    assert only(offer(expires_at=TODAY - timedelta(days=1)), candidate()) is None
    assert only(offer(expires_at=TODAY), candidate()) is not None


def test_only_active_candidates_who_consented() -> None:
    assert only(offer(), candidate(consent_contact=False)) is None
    assert only(offer(), candidate(active=False)) is None


# --- métier, score, reasons --------------------------------------------------------------------


def test_exact_metier_outranks_close_metier_with_equal_features() -> None:
    same = candidate("b-same", metiers=frozenset({COOK}))
    close = candidate("a-close", metiers=frozenset({KITCHEN_HAND}))  # G1603 → G1602 mobility
    unrelated = candidate("c-unrelated", metiers=frozenset({NURSE}))
    results = both([offer()], [close, same, unrelated]).by_offer["o1"]

    assert [r.candidate_id for r in results] == ["b-same", "a-close"]
    assert [r.exact for r in results] == [True, False]
    assert results[0].score - results[1].score == 20
    assert results[0].reasons[0] == "Même métier : Cuisinier / Cuisinière (G1602)"
    assert results[1].reasons[0] == "Métier proche : Cuisinier / Cuisinière (G1602)"


def test_own_code_wins_over_a_mobility_path_to_it() -> None:
    result = only(offer(), candidate(metiers=frozenset({COOK, KITCHEN_HAND})))
    assert result is not None and result.exact


def test_score_formula_worked_example() -> None:
    # Same métier 40 + 3 of 4 competences 22.5 + same place 20 + ended 73 days ago
    # 10 × 292/365 = 8: 90.5, rounded half up.
    result = only(offer(), candidate())
    assert result is not None
    assert (result.score, result.competences_held, result.competences_required) == (91, 3, 4)
    assert result.reasons == (
        "Même métier : Cuisinier / Cuisinière (G1602)",
        "3 compétences sur 4 : Cuire, Dresser les assiettes, Éplucher",
        "Même commune",
        "Formation terminée il y a 2 mois",
    )


@pytest.mark.parametrize(
    ("held", "expected"),
    [
        (set(), "0 compétence sur 4"),
        ({"100004"}, "1 compétence sur 4 : Hygiène"),
        (
            {"100001", "100002", "100003", "100004"},
            "4 compétences sur 4 : Cuire, Dresser les assiettes, Éplucher…",
        ),
    ],
)
def test_competence_count_reasons(held: set[str], expected: str) -> None:
    result = only(offer(), candidate(competences=frozenset(held)))
    assert result is not None and result.reasons[1] == expected
    assert result.competences_held == len(held)


def test_offer_requiring_no_competence_is_neutral() -> None:
    result = only(offer(competences=frozenset()), candidate())
    assert result is not None
    assert result.score == 83  # 40 + 15 + 20 + 8, rounded
    assert not any("compétence" in line for line in result.reasons)


def test_reason_wording() -> None:
    assert distance_reason(False, 12.4) == "12 km de chez vous"
    assert distance_reason(False, 0.4) == "Moins de 1 km de chez vous"
    assert distance_reason(True, 0.0) == "Même commune"
    assert training_reason(TODAY - timedelta(days=14), TODAY) == "Formation terminée il y a 2 semaines"
    assert training_reason(TODAY - timedelta(days=1), TODAY) == "Formation terminée il y a 1 jour"
    assert training_reason(TODAY, TODAY) == "Formation terminée aujourd'hui"
    assert training_reason(TODAY - timedelta(days=400), TODAY) == "Formation terminée il y a 1 an"
    assert training_reason(date(2027, 1, 15), TODAY) == "Formation en cours, fin le 15/01/2027"


# --- top lists, determinism --------------------------------------------------------------------


def test_top_n_caps_and_ties_by_id() -> None:
    # Same features: equal scores, so the order is the id order.
    people = [candidate(f"c{i}") for i in (4, 2, 5, 1, 3)]
    offers = [offer(f"o{i}") for i in (3, 1, 2)]
    result = both(offers, people, top_per_offer=3, top_per_candidate=2)

    assert [r.candidate_id for r in result.by_offer["o1"]] == ["c1", "c2", "c3"]
    assert [r.offer_id for r in result.by_candidate["c5"]] == ["o1", "o2"]
    assert result.stats.eligible_pairs == 15
    assert result.stats.kept == 9 + 2 * 2  # 3 per offer ∪ 2 per candidate (c4, c5 only in theirs)


def test_every_input_id_has_a_list() -> None:
    result = both(
        [offer("open"), offer("closed", is_open=False)], [candidate("yes"), candidate("no", active=False)]
    )
    assert list(result.by_offer) == ["closed", "open"]
    assert result.by_offer["closed"] == [] and result.by_candidate["no"] == []
    assert result.by_offer.count("open") == 1


def test_empty_inputs_and_zero_caps() -> None:
    assert dict(both([], [candidate()]).by_candidate) == {"c1": []}
    assert dict(both([offer()], []).by_offer) == {"o1": []}
    capped = both([offer()], [candidate()], top_per_offer=0, top_per_candidate=0)
    assert capped.stats.eligible_pairs == 1
    assert capped.stats.kept == 0


def test_negative_caps_are_rejected() -> None:
    for run in (run_matching, run_matching_naive):
        with pytest.raises(ValueError):
            run([offer()], [candidate()], MOBILITY, Labels(), TODAY, top_per_offer=-1)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(ValueError):
        run_matching([offer(), offer()], [candidate()], MOBILITY, Labels(), TODAY)
    with pytest.raises(ValueError):
        run_matching_naive([offer()], [candidate(), candidate()], MOBILITY, Labels(), TODAY)
