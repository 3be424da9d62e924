"""The per-event path: one new or changed candidate or offer gives exactly the stored lists a full
recompute gives (ids, order, scores, reasons), on random data; and the reach keys never miss an
eligible pair."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from chalicelib.domain.matching import (
    ItemChanges,
    match_candidate,
    match_offer,
    run_matching,
    run_matching_naive,
    value_of,
)
from chalicelib.domain.reach import candidates_reaching, fitted_by, offers_reachable
from chalicelib.domain.referentials import get_referentials
from tests.unit.matching_cases import TODAY, Labels, random_dataset

TOP = 4  # small lists, so that most are full and entering or leaving one matters
State = dict[str, dict[str, object]]  # offer id → candidate id → MatchResult, what is stored


def full_recompute(offers, people, mobility) -> State:
    matching = run_matching(offers, people, mobility, Labels(), TODAY, TOP, 0)
    return {o: {r.candidate_id: r for r in results} for o, results in matching.by_offer.items()}


def lists_of(state: State) -> dict[str, list]:
    """Each offer's list as stored, best first (score, then candidate id), every field."""
    return {
        o: sorted(results.values(), key=lambda r: (-r.score, r.candidate_id))
        for o, results in state.items()
        if results
    }


def apply(state: State, changes: ItemChanges) -> None:
    for offer_id, candidate_id in changes.deletes:
        del state[offer_id][candidate_id]
    for (offer_id, candidate_id), result in changes.puts.items():
        state.setdefault(offer_id, {})[candidate_id] = result


def refill(state: State, changes: ItemChanges, offers, people, mobility) -> None:
    by_id = {o.id: o for o in offers}
    for offer_id in changes.refill:
        current = {c: value_of(r) for c, r in state.get(offer_id, {}).items()}
        apply(state, match_offer(by_id[offer_id], people, current, mobility, Labels(), TODAY, TOP))


def changed_candidate(person, rnd: random.Random, places, codes):
    kind = rnd.randrange(8)
    if kind == 0:
        code_insee, lat, lon = rnd.choice(places)
        return replace(person, code_insee=code_insee, lat=lat, lon=lon)
    if kind == 1:
        return replace(person, mobility_km=rnd.choice([0, 5, 10, 30, 60, 150]))
    if kind == 2:
        return replace(person, metiers=frozenset(rnd.sample(codes, rnd.randint(1, 3))))
    if kind == 3:
        return replace(person, consent_contact=not person.consent_contact)
    if kind == 4:
        return replace(person, competences=frozenset(rnd.sample([str(100001 + i) for i in range(25)], 5)))
    if kind == 5:
        return replace(
            person, contract_types=frozenset({rnd.choice(["cdi", "cdd", "interim", "alternance"])})
        )
    if kind == 6:
        return replace(person, available_from=person.available_from + timedelta(days=rnd.randint(-40, 40)))
    return person  # saved without a change that matters: nothing to write


def changed_offer(offer, rnd: random.Random, places, codes):
    kind = rnd.randrange(6)
    if kind == 0:
        code_insee, lat, lon = rnd.choice(places)
        return replace(offer, code_insee=code_insee, lat=lat, lon=lon)
    if kind == 1:
        return replace(offer, code_rome=rnd.choice(codes))
    if kind == 2:
        return replace(offer, is_open=False)
    if kind == 3:
        return replace(offer, competences=frozenset(rnd.sample([str(100001 + i) for i in range(25)], 3)))
    if kind == 4:
        return replace(offer, start_date=offer.start_date + timedelta(days=rnd.randint(-30, 30)))
    return replace(offer, contract_type=rnd.choice(["cdi", "cdd", "interim", "alternance"]))


def places_and_codes(offers, people):
    places = sorted({(p.code_insee, p.lat, p.lon) for p in [*offers, *people]})
    return places, sorted({o.code_rome for o in offers})


@pytest.mark.parametrize("seed", range(4))
def test_one_changed_or_new_candidate_equals_a_full_recompute(seed: int) -> None:
    offers, people, mobility = random_dataset(seed, n_offers=40, n_candidates=200)
    rnd = random.Random(seed)
    places, codes = places_and_codes(offers, people)
    counts = {"puts": 0, "deletes": 0, "refills": 0, "pushed out": 0}
    for event in range(12):
        state = full_recompute(offers, people, mobility)
        if event % 4 == 0:  # a new candidate, a copy of someone under a new id
            person = replace(rnd.choice(people), id=f"new{event}")
            after = [*people, person]
        else:
            index = rnd.randrange(len(people))
            person = changed_candidate(people[index], rnd, places, codes)
            after = [*people[:index], person, *people[index + 1 :]]
        lists = {o: [(c, r.score) for c, r in results.items()] for o, results in state.items()}
        current = {o: value_of(results[person.id]) for o, results in state.items() if person.id in results}
        changes = match_candidate(person, offers, lists, current, mobility, Labels(), TODAY, TOP)
        assert not {o for o, _ in [*changes.puts, *changes.deletes]} & set(changes.refill)
        apply(state, changes)
        refill(state, changes, offers, after, mobility)

        assert lists_of(state) == lists_of(full_recompute(offers, after, mobility))
        counts["puts"] += len(changes.puts)
        counts["deletes"] += len(changes.deletes)
        counts["refills"] += len(changes.refill)
        counts["pushed out"] += sum(c != person.id for _, c in changes.deletes)
    # Every path was taken: entering, leaving, pushing someone out, refilling.
    assert all(counts.values()), counts


@pytest.mark.parametrize("seed", range(4))
def test_one_changed_or_new_offer_equals_a_full_recompute(seed: int) -> None:
    offers, people, mobility = random_dataset(seed + 10, n_offers=40, n_candidates=200)
    rnd = random.Random(seed)
    places, codes = places_and_codes(offers, people)
    for event in range(10):
        state = full_recompute(offers, people, mobility)
        if event % 5 == 0:
            offer = replace(rnd.choice(offers), id=f"new{event}")
            after = [*offers, offer]
        else:
            index = rnd.randrange(len(offers))
            offer = changed_offer(offers[index], rnd, places, codes)
            after = [*offers[:index], offer, *offers[index + 1 :]]
        current = {c: value_of(r) for c, r in state.get(offer.id, {}).items()}
        changes = match_offer(offer, people, current, mobility, Labels(), TODAY, TOP)
        assert {o for o, _ in [*changes.puts, *changes.deletes]} <= {offer.id}
        apply(state, changes)

        assert lists_of(state) == lists_of(full_recompute(after, people, mobility))
        # Applied again, the same event writes nothing.
        current = {c: value_of(r) for c, r in state.get(offer.id, {}).items()}
        again = match_offer(offer, people, current, mobility, Labels(), TODAY, TOP)
        assert (again.puts, again.deletes) == ({}, [])


def test_an_unchanged_candidate_writes_nothing_and_a_withdrawal_leaves_every_list() -> None:
    offers, people, mobility = random_dataset(7, n_offers=40, n_candidates=200)
    state = full_recompute(offers, people, mobility)
    person = max(people, key=lambda p: sum(p.id in results for results in state.values()))
    lists = {o: [(c, r.score) for c, r in results.items()] for o, results in state.items()}
    current = {o: value_of(results[person.id]) for o, results in state.items() if person.id in results}
    assert current

    same = match_candidate(person, offers, lists, current, mobility, Labels(), TODAY, TOP)
    assert (same.puts, same.deletes, same.refill) == ({}, [], ())

    gone = match_candidate(
        replace(person, active=False), offers, lists, current, mobility, Labels(), TODAY, TOP
    )
    left = {pair[0] for pair in gone.deletes} | set(gone.refill)
    assert left == set(current) and not gone.puts


# --- reach keys --------------------------------------------------------------------------------


def test_reach_keys_hold_every_eligible_pair() -> None:
    refs = get_referentials()
    rnd = random.Random(3)
    communes = rnd.sample(sorted(refs.communes.values(), key=lambda c: c.code_insee), 60)
    seeds = ["G1602", "G1603", "D1102", "J1506", "H2102", "K1304"]
    mobility = {code: refs.metiers[code].mobilities for code in refs.metiers}
    codes = sorted({*seeds, *(t for s in seeds for t in mobility[s])})
    offers, people, _ = random_dataset(3, n_offers=60, n_candidates=300)
    offers = [
        replace(
            o,
            code_insee=(c := rnd.choice(communes)).code_insee,
            lat=c.lat,
            lon=c.lon,
            code_rome=rnd.choice(codes),
        )
        for o in offers
    ]
    people = [
        replace(
            p,
            code_insee=(c := rnd.choice(communes)).code_insee,
            lat=c.lat,
            lon=c.lon,
            metiers=frozenset(rnd.sample(codes, 2)),
            mobility_km=rnd.choice([0, 10, 30, 60, 120]),
        )
        for p in people
    ]
    naive = run_matching_naive(offers, people, mobility, Labels(), TODAY, len(people), 0)
    pairs = [(r.offer_id, r.candidate_id) for results in naive.by_offer.values() for r in results]
    assert len(pairs) > 50
    offer_by_id, person_by_id = {o.id: o for o in offers}, {p.id: p for p in people}
    fitted = fitted_by(mobility)
    for offer_id, candidate_id in pairs:
        offer, person = offer_by_id[offer_id], person_by_id[candidate_id]
        offer_key = (refs.commune(offer.code_insee).bassin_code, offer.code_rome)
        home = refs.commune(person.code_insee).bassin_code
        candidate_keys = {(home, code) for code in person.metiers}
        assert offer_key in offers_reachable(person.code_insee, person.mobility_km, person.metiers, mobility)
        assert candidate_keys & candidates_reaching(offer.code_insee, offer.code_rome, fitted)
