"""Matching rules, score and reasons, pinned on small hand-built cases; and the fast engine
equal to the naive reference on random datasets."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from chalicelib.domain.geo import EARTH_RADIUS_KM, haversine_km
from chalicelib.domain.matching import (
    CandidateInput,
    MatchResult,
    OfferInput,
    diff_matches,
    engine,
    rules,
    run_matching,
    run_matching_naive,
)
from chalicelib.domain.matching.reasons import distance_reason, training_reason
from chalicelib.domain.matching.results import bits_for, pack, top_per_owner

TODAY = date(2026, 3, 2)
METZ = ("57463", 49.1193, 6.1757)
WOIPPY = ("57751", 49.1514, 6.1511)  # about 4 km north of Metz
NANCY = ("54395", 48.6921, 6.1844)  # about 48 km south of Metz
COOK, KITCHEN_HAND, BAKER, NURSE = "G1602", "G1603", "D1102", "J1506"
MOBILITY = {KITCHEN_HAND: [COOK, BAKER], BAKER: [KITCHEN_HAND], COOK: [KITCHEN_HAND]}
METIERS = {
    COOK: "Cuisinier / Cuisinière",
    KITCHEN_HAND: "Commis de cuisine",
    BAKER: "Boulanger",
    NURSE: "Infirmier",
}
COMPETENCES = {
    "100001": "Dresser les assiettes",
    "100002": "Éplucher",
    "100003": "Cuire",
    "100004": "Hygiène",
}


class Labels:
    def metier(self, code_rome: str) -> str:
        return METIERS.get(code_rome, code_rome)

    def competence(self, code: str) -> str:
        return COMPETENCES.get(code, f"Compétence {code}")


def candidate(id: str = "c1", place=METZ, **changes) -> CandidateInput:
    code_insee, lat, lon = place
    base = CandidateInput(
        id=id,
        lat=lat,
        lon=lon,
        code_insee=code_insee,
        mobility_km=30,
        metiers=frozenset({COOK}),
        competences=frozenset({"100001", "100002", "100003"}),
        contract_types=frozenset({"cdi", "cdd"}),
        available_from=TODAY - timedelta(days=73),
        training_end=TODAY - timedelta(days=73),
    )
    return replace(base, **changes)


def offer(id: str = "o1", place=METZ, **changes) -> OfferInput:
    code_insee, lat, lon = place
    base = OfferInput(
        id=id,
        lat=lat,
        lon=lon,
        code_insee=code_insee,
        code_rome=COOK,
        competences=frozenset({"100001", "100002", "100003", "100004"}),
        contract_type="cdi",
        start_date=TODAY + timedelta(days=14),
    )
    return replace(base, **changes)


def both(offers, candidates, top_per_offer=50, top_per_candidate=30):
    """Runs the naive reference and the engine, checks they agree, returns the engine's."""
    naive = run_matching_naive(
        offers, candidates, MOBILITY, Labels(), TODAY, top_per_offer, top_per_candidate
    )
    fast = run_matching(offers, candidates, MOBILITY, Labels(), TODAY, top_per_offer, top_per_candidate)
    assert dict(fast.by_offer) == naive.by_offer
    assert dict(fast.by_candidate) == naive.by_candidate
    assert list(fast.by_offer) == list(naive.by_offer)
    assert (fast.stats.eligible_pairs, fast.stats.kept) == (naive.stats.eligible_pairs, naive.stats.kept)
    assert fast.stats.pairs_examined <= naive.stats.pairs_examined
    return fast


def matched(offers, candidates) -> set[tuple[str, str]]:
    result = both(offers, candidates)
    return {(r.offer_id, r.candidate_id) for results in result.by_offer.values() for r in results}


def only(offer_: OfferInput, candidate_: CandidateInput) -> MatchResult | None:
    results = both([offer_], [candidate_]).by_offer[offer_.id]
    return results[0] if results else None


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


def random_dataset(seed: int, n_offers: int = 80, n_candidates: int = 300):
    rnd = random.Random(seed)
    places = [(f"57{i:03d}", 49.0 + rnd.uniform(-0.5, 0.5), 6.3 + rnd.uniform(-0.7, 0.7)) for i in range(20)]
    codes = [COOK, KITCHEN_HAND, BAKER, NURSE, "H2102", "K1304"]
    competences = [str(100001 + i) for i in range(25)]
    kinds = ["cdi", "cdd", "interim", "alternance"]

    def day(low: int, high: int) -> date:
        return TODAY + timedelta(days=rnd.randint(low, high))

    offers = [
        OfferInput(
            id=f"{rnd.getrandbits(32):08x}",
            lat=(place := rnd.choice(places))[1],
            lon=place[2],
            code_insee=place[0],
            code_rome=rnd.choice(codes),
            competences=frozenset(rnd.sample(competences, rnd.randint(0, 6))),
            contract_type=rnd.choice(kinds),
            start_date=day(-30, 90),
            expires_at=rnd.choice([None, day(-5, 60)]),
            is_open=rnd.random() < 0.9,
        )
        for _ in range(n_offers)
    ]
    people = []
    for _ in range(n_candidates):
        place, end = rnd.choice(places), day(-500, 80)
        people.append(
            CandidateInput(
                id=f"{rnd.getrandbits(32):08x}",
                lat=place[1],
                lon=place[2],
                code_insee=place[0],
                mobility_km=rnd.choice([0, 3, 5, 8, 10, 20, 30, 45, 60, 150]),
                metiers=frozenset(rnd.sample(codes, rnd.randint(1, 3))),
                competences=frozenset(rnd.sample(competences, rnd.randint(0, 9))),
                contract_types=frozenset(rnd.sample(kinds, rnd.randint(1, 4))),
                available_from=end + timedelta(days=rnd.randint(-20, 20)),
                training_end=end,
                active=rnd.random() < 0.95,
                consent_contact=rnd.random() < 0.9,
            )
        )
    mobility = {code: rnd.sample(codes, 2) for code in codes}
    return offers, people, mobility


@pytest.mark.parametrize("seed", range(6))
def test_engine_equals_naive_on_random_datasets(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    offers, people, mobility = random_dataset(seed)
    if seed % 2:
        # Tiny blocks, chunks and merges: every seam of the engine is crossed.
        monkeypatch.setattr(engine, "OFFER_BLOCK", 7)
        monkeypatch.setattr(engine, "CHUNK_PAIRS", 50)
        monkeypatch.setattr(engine, "MERGE_KEYS", 20)
    naive = run_matching_naive(offers, people, mobility, Labels(), TODAY, 6, 4)
    fast = run_matching(offers, people, mobility, Labels(), TODAY, 6, 4)

    assert naive.stats.eligible_pairs > 100
    assert dict(fast.by_offer) == naive.by_offer
    assert dict(fast.by_candidate) == naive.by_candidate
    assert fast.stats.eligible_pairs == naive.stats.eligible_pairs
    assert fast.stats.kept == naive.stats.kept
    assert fast.stats.pairs_examined < naive.stats.pairs_examined / 2


def test_same_output_whatever_the_input_order() -> None:
    offers, people, mobility = random_dataset(42)
    first = run_matching(offers, people, mobility, Labels(), TODAY)
    rnd = random.Random(1)
    rnd.shuffle(offers)
    rnd.shuffle(people)
    second = run_matching(
        offers, people, {k: reversed(v) for k, v in reversed(mobility.items())}, Labels(), TODAY
    )

    assert list(first.by_offer.items()) == list(second.by_offer.items())
    assert list(first.by_candidate.items()) == list(second.by_candidate.items())
    assert first.stats == second.stats


# --- helpers -----------------------------------------------------------------------------------


def test_packed_keys_do_not_overflow_with_small_integer_rows() -> None:
    other_bits = bits_for(60_000)
    owner = np.array([59_999, 59_999, 3], dtype=np.int32)
    other = np.array([59_998, 12, 7], dtype=np.int32)
    score = np.array([80, 80, 100], dtype=np.int64)
    keys = top_per_owner(pack(owner, score, other, other_bits), other_bits, 1)
    assert (keys >> (7 + other_bits)).tolist() == [3, 59_999]
    assert (keys & ((1 << other_bits) - 1)).tolist() == [7, 12]


def test_diff_matches_writes_only_what_changed() -> None:
    old = {("o1", "c1"): (80, ("a",)), ("o1", "c2"): (70, ("b",)), ("o2", "c1"): (60, ("c",))}
    new = {("o1", "c1"): (80, ("a",)), ("o1", "c2"): (71, ("b",)), ("o1", "c3"): (50, ("d",))}

    puts, deletes = diff_matches(old, new)

    assert puts == {("o1", "c2"): (71, ("b",)), ("o1", "c3"): (50, ("d",))}
    assert deletes == [("o2", "c1")]
    assert diff_matches(new, new) == ({}, [])
