"""The per-event service path in pure form: a chain of events where each offer's list is known
only from what the previous events stored (`updated_list`), and where each item reads the other
side only through the index keys it is listed under (`candidate_index_keys`, `offer_index_keys`),
ends with the stored lists of a full recompute (ids, order, scores, reasons), on random data over
real communes and ROME mobilities. services/match_events.py does this over DynamoDB
(tests/integration/test_match_events.py)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from chalicelib.domain.matching import (
    ItemChanges,
    match_candidate,
    match_offer,
    run_matching,
    run_matching_naive,
    updated_list,
    value_of,
)
from chalicelib.domain.reach import candidate_index_keys, fitted_by, offer_index_keys
from chalicelib.domain.referentials import get_referentials
from tests.unit.matching_cases import TODAY, Labels, random_dataset

TOP = 4
SEEDS = ["G1602", "G1603", "D1102", "J1506", "H2102", "K1304"]


def regional_dataset(seed: int, n_offers: int = 50, n_candidates: int = 220):
    """random_dataset moved onto real communes of a few neighbouring bassins and real ROME codes."""
    refs = get_referentials()
    rnd = random.Random(seed)
    near = [c for c in refs.communes.values() if c.bassin_code in {"4410", "4411", "4412", "4413"}]
    communes = rnd.sample(sorted(near, key=lambda c: c.code_insee), 40)
    mobility = {code: refs.metiers[code].mobilities for code in refs.metiers}
    codes = sorted({*SEEDS, *(t for s in SEEDS for t in mobility[s])})[:14]
    offers, people, _ = random_dataset(seed, n_offers=n_offers, n_candidates=n_candidates)

    def place(item):
        c = rnd.choice(communes)
        return {"code_insee": c.code_insee, "lat": c.lat, "lon": c.lon}

    offers = [replace(o, **place(o), code_rome=rnd.choice(codes)) for o in offers]
    people = [
        replace(
            p, **place(p), metiers=frozenset(rnd.sample(codes, 2)), mobility_km=rnd.choice([0, 10, 30, 60])
        )
        for p in people
    ]
    return offers, people, mobility, communes, codes


def bassin_of(item) -> str:
    return get_referentials().commune(item.code_insee).bassin_code


class Store:
    """What DynamoDB holds for the per-event path: the matches, the offers' lists, the indexes."""

    def __init__(self, offers, people, mobility) -> None:
        self.mobility, self.fitted = mobility, fitted_by(mobility)
        self.offers = {o.id: o for o in offers}
        self.people = {p.id: p for p in people}
        full = run_matching(offers, people, mobility, Labels(), TODAY, TOP, 0)
        self.matches = {o: {r.candidate_id: r for r in rs} for o, rs in full.by_offer.items()}
        self.lists = {o: [(r.candidate_id, r.score) for r in rs] for o, rs in full.by_offer.items()}

    def candidate_keys(self, p):
        return candidate_index_keys(p.code_insee, p.mobility_km, p.metiers) if p.consent_contact else set()

    def offer_keys(self, o):
        return offer_index_keys(bassin_of(o), o.code_rome, self.fitted) if o.is_open else set()

    def offers_under(self, keys):
        return [o for o in self.offers.values() if self.offer_keys(o) & keys]

    def people_under(self, keys):
        return [p for p in self.people.values() if self.candidate_keys(p) & keys]

    def write(self, changes: ItemChanges) -> None:
        for o, c in changes.deletes:
            del self.matches[o][c]
        for (o, c), r in changes.puts.items():
            self.matches.setdefault(o, {})[c] = r
        for offer_id in {o for o, _ in [*changes.puts, *changes.deletes]}:
            self.lists[offer_id] = updated_list(offer_id, self.lists.get(offer_id, []), changes, TOP)

    def offer_event(self, offer) -> None:
        self.offers[offer.id] = offer
        current = {c: value_of(r) for c, r in self.matches.get(offer.id, {}).items()}
        readers = self.people_under(self.offer_keys(offer))
        self.write(match_offer(offer, readers, current, self.mobility, Labels(), TODAY, TOP))

    def candidate_event(self, person) -> int:
        self.people[person.id] = person
        reachable = self.offers_under(self.candidate_keys(person))
        current = {o: value_of(rs[person.id]) for o, rs in self.matches.items() if person.id in rs}
        lists = {o: self.lists.get(o, []) for o in {*(o.id for o in reachable), *current}}
        changes = match_candidate(person, reachable, lists, current, self.mobility, Labels(), TODAY, TOP)
        self.write(changes)
        for offer_id in changes.refill:
            self.offer_event(self.offers[offer_id])
        return len(changes.refill)

    def stored_lists(self):
        return {
            o: [
                (r.candidate_id, r.score, r.reasons)
                for r in sorted(rs.values(), key=lambda r: (-r.score, r.candidate_id))
            ]
            for o, rs in self.matches.items()
            if rs
        }


def full_lists(store: Store):
    full = run_matching(
        list(store.offers.values()), list(store.people.values()), store.mobility, Labels(), TODAY, TOP, 0
    )
    return {o: [(r.candidate_id, r.score, r.reasons) for r in rs] for o, rs in full.by_offer.items() if rs}


def test_index_keys_share_a_key_for_every_eligible_pair() -> None:
    offers, people, mobility, _, _ = regional_dataset(5)
    naive = run_matching_naive(offers, people, mobility, Labels(), TODAY, len(people), 0)
    pairs = [(r.offer_id, r.candidate_id) for rs in naive.by_offer.values() for r in rs]
    assert len(pairs) > 100
    offer_by_id, person_by_id, fitted = (
        {o.id: o for o in offers},
        {p.id: p for p in people},
        fitted_by(mobility),
    )
    for offer_id, candidate_id in pairs:
        o, p = offer_by_id[offer_id], person_by_id[candidate_id]
        shared = candidate_index_keys(p.code_insee, p.mobility_km, p.metiers) & offer_index_keys(
            bassin_of(o), o.code_rome, fitted
        )
        assert shared, (offer_id, candidate_id)


@pytest.mark.parametrize("seed", range(3))
def test_a_chain_of_events_through_the_indexes_equals_a_full_recompute(seed: int) -> None:
    offers, people, mobility, communes, codes = regional_dataset(seed)
    store = Store(offers, people, mobility)
    rnd = random.Random(seed)
    refills = 0
    for event in range(30):
        kind = event % 5
        if kind == 0:  # sign-up: a copy of someone elsewhere, under a new id
            c = rnd.choice(communes)
            new = replace(rnd.choice(people), id=f"new{event}", code_insee=c.code_insee, lat=c.lat, lon=c.lon)
            refills += store.candidate_event(new)
        elif kind in (1, 2):  # edited profile: mobility, métiers or consent
            p = store.people[rnd.choice(sorted(store.people))]
            change = rnd.choice(
                [
                    {"mobility_km": rnd.choice([0, 5, 30, 60])},
                    {"metiers": frozenset(rnd.sample(codes, 2))},
                    {"consent_contact": not p.consent_contact},
                ]
            )
            refills += store.candidate_event(replace(p, **change))
        elif kind == 3:  # new offer
            c = rnd.choice(communes)
            new = replace(
                rnd.choice(offers), id=f"newo{event}", code_insee=c.code_insee, lat=c.lat, lon=c.lon
            )
            store.offer_event(new)
        else:  # edited or closed offer
            o = store.offers[rnd.choice(sorted(store.offers))]
            store.offer_event(
                rnd.choice([replace(o, is_open=False), replace(o, code_rome=rnd.choice(codes))])
            )
        assert store.stored_lists() == full_lists(store), f"event {event}"
        assert {o: [(c, s) for c, s, _ in rs] for o, rs in store.stored_lists().items()} == {
            o: lst for o, lst in store.lists.items() if lst
        }
    # Last: someone of a full list withdraws, so that a 5th candidate nobody stored takes the place.
    full = next(o for o, lst in sorted(store.lists.items()) if len(lst) == TOP)
    refills += store.candidate_event(replace(store.people[store.lists[full][0][0]], consent_contact=False))
    assert store.stored_lists() == full_lists(store)
    assert refills > 0
