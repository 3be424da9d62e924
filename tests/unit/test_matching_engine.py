"""The fast engine equals the naive reference on random datasets, whatever the input order; its
packed keys, and the stored columns and their diff."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import timedelta

import numpy as np
import pytest

from chalicelib.domain.matching import (
    diff_matches,
    engine,
    run_matching,
    run_matching_naive,
    stored_matches,
    value_of,
)
from chalicelib.domain.matching.index import build_index
from chalicelib.domain.matching.reason_columns import MAX_REQUIRED
from chalicelib.domain.matching.results import bits_for, pack, top_per_owner
from chalicelib.domain.matching.stored import from_results, round_tenths
from chalicelib.domain.matching.tables import Interner, build_candidates, build_offers
from tests.unit.matching_cases import TODAY, Labels, random_dataset


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
    columns = stored_matches(fast)
    assert {o: columns.results(o) for o in columns.offer_ids} == naive.by_offer


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


def test_index_postings_are_in_key_order() -> None:
    offers, people, mobility = random_dataset(5)
    communes, contracts, codes = Interner(), Interner(), Interner()
    offer_table, competences = build_offers(offers, TODAY, communes, contracts, codes)
    candidate_table = build_candidates(people, TODAY, communes, contracts, competences)
    index = build_index(candidate_table, offer_table, mobility, codes, len(communes), len(contracts))
    assert index.key.size > 1000 and bool(np.all(np.diff(index.key) >= 0))


@dataclass
class Stored:
    """A stored match as a repository returns it: the distance rounded to 0.1 km."""

    offer_id: str
    candidate_id: str
    score: int
    exact: bool
    distance_km: float
    competences_held: int
    competences_required: int
    reasons: list[str]


def stored_records(by_offer) -> list[Stored]:
    return [
        Stored(
            r.offer_id,
            r.candidate_id,
            r.score,
            r.exact,
            round(r.distance_km, 1),
            r.competences_held,
            r.competences_required,
            list(r.reasons),
        )
        for results in by_offer.values()
        for r in results
    ]


@pytest.mark.parametrize("seed", range(4))
def test_diff_on_arrays_equals_diff_matches(seed: int) -> None:
    offers, people, mobility = random_dataset(seed)
    before = run_matching(offers, people, mobility, Labels(), TODAY, 6, 0)
    rnd = random.Random(seed)
    offers = [
        replace(o, start_date=o.start_date - timedelta(days=9)) if rnd.random() < 0.2 else o for o in offers
    ]
    people = [replace(p, mobility_km=p.mobility_km + 7) if rnd.random() < 0.1 else p for p in people]
    after = run_matching(offers, people, mobility, Labels(), TODAY, 6, 0)
    stored = stored_records(before.by_offer)
    stored[0].reasons[-1] = "Formation terminée il y a longtemps"  # a sentence this run never writes
    stored.append(replace(stored[1], candidate_id="someone-erased"))

    columns = stored_matches(after)
    put_rows, deletes = columns.diff(stored)

    expected_puts, expected_deletes = diff_matches(
        {(r.offer_id, r.candidate_id): value_of(r) for r in stored},
        {(r.offer_id, r.candidate_id): value_of(r) for results in after.by_offer.values() for r in results},
    )
    puts = {(columns.result(i).offer_id, columns.result(i).candidate_id) for i in put_rows.tolist()}
    assert puts == set(expected_puts) and len(puts) > 10
    assert sorted(deletes) == sorted(expected_deletes) and ("someone-erased" in {c for _, c in deletes})
    assert columns.diff(stored_records(after.by_offer))[0].size == 0


def test_distances_rounded_to_the_tenth_as_python_rounds_them() -> None:
    rnd = random.Random(4)
    values = [rnd.uniform(0, 200) for _ in range(20_000)]
    values += [k / 20 for k in range(4000)]  # x.x5: ties, or nearly
    values += [np.nextafter(k / 20, 0.0) for k in range(4000)] + [
        np.nextafter(k / 20, 1e9) for k in range(4000)
    ]
    assert round_tenths(np.array(values)).tolist() == [round(float(v), 1) for v in values]


def test_offers_requiring_many_competences_take_the_object_path() -> None:
    offers, people, mobility = random_dataset(2)
    many = frozenset(str(200000 + i) for i in range(MAX_REQUIRED + 1))
    offers = [replace(offers[0], competences=offers[0].competences | many), *offers[1:]]
    naive = run_matching_naive(offers, people, mobility, Labels(), TODAY, 6, 0)
    columns = stored_matches(run_matching(offers, people, mobility, Labels(), TODAY, 6, 0))
    assert {o: columns.results(o) for o in columns.offer_ids} == naive.by_offer


@pytest.mark.parametrize("seed", range(3))
def test_list_digests_change_exactly_with_what_diff_compares(seed: int) -> None:
    offers, people, mobility = random_dataset(seed)
    before = run_matching(offers, people, mobility, Labels(), TODAY, 6, 0)
    rnd = random.Random(seed)
    offers = [
        replace(o, start_date=o.start_date - timedelta(days=9)) if rnd.random() < 0.2 else o for o in offers
    ]
    people = [replace(p, mobility_km=p.mobility_km + 7) if rnd.random() < 0.1 else p for p in people]
    after = run_matching(offers, people, mobility, Labels(), TODAY, 6, 0)
    old, new = stored_matches(before), stored_matches(after)
    assert old.offer_ids == new.offer_ids
    # The object path (other sentence ids, other candidate rows) gives the same digests.
    assert from_results(dict(before.by_offer)).digests() == old.digests()
    differs = [a != b for a, b in zip(old.digests(), new.digests(), strict=True)]
    expected = [
        [value_of(r) for r in before.by_offer[o]] != [value_of(r) for r in after.by_offer[o]]
        or [r.candidate_id for r in before.by_offer[o]] != [r.candidate_id for r in after.by_offer[o]]
        for o in old.offer_ids
    ]
    assert differs == expected and 0 < sum(differs) < len(differs)
