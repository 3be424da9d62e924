"""Shared builders of the matching tests: hand-built places and people, random datasets, and
`both`, which runs the naive reference and the engine and checks that they agree."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from chalicelib.domain.matching import (
    CandidateInput,
    MatchResult,
    OfferInput,
    run_matching,
    run_matching_naive,
    stored_matches,
)

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
    # The stored columns give the same lists, and nothing to write against themselves.
    columns = stored_matches(fast)
    assert {o: columns.results(o) for o in columns.offer_ids} == naive.by_offer
    stored = [r for results in naive.by_offer.values() for r in results]
    assert columns.diff(stored)[0].size == 0 and columns.diff(stored)[1] == []
    return fast


def matched(offers, candidates) -> set[tuple[str, str]]:
    result = both(offers, candidates)
    return {(r.offer_id, r.candidate_id) for results in result.by_offer.values() for r in results}


def only(offer_: OfferInput, candidate_: CandidateInput) -> MatchResult | None:
    results = both([offer_], [candidate_]).by_offer[offer_.id]
    return results[0] if results else None


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
