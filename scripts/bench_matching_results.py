"""Workers of scripts/bench_matching.py for what follows the engine: the results phase of a full
run (what the worker compares with what is stored, and builds for what it writes), before and
after the stored columns; and the domain's per-event functions at region scale.

Each runs in a child process of bench_matching.py and prints one JSON line.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import defaultdict
from dataclasses import replace
from functools import partial

import numpy as np

from chalicelib.domain.matching import (
    diff_matches,
    match_candidate,
    match_offer,
    run_matching,
    stored_matches,
)
from chalicelib.domain.matching.stored import value_of
from chalicelib.domain.reach import candidates_reaching, fitted_by, offers_reachable
from chalicelib.domain.referentials import get_referentials
from chalicelib.schemas.matches_store import MatchRecord
from scripts.bench_matching_data import TODAY, RomeLabels, changed_offer, generate


def _record(m, now: str = "2026-03-02T03:00:00Z") -> MatchRecord:
    # What the workers store (services/matching_inputs.py); employer and bassin the same for all here.
    from chalicelib.services.matching_inputs import match_record

    return match_record(m, "employer", "bassin", now)


def _comparable(record: MatchRecord) -> tuple:
    # What services/run_matching.py compared before the stored columns.
    return (
        record.score,
        tuple(record.reasons),
        record.exact,
        round(record.distance_km, 1),
        record.competences_held,
        record.competences_required,
    )


def _before(matching, stored: dict[str, dict]) -> tuple[int, int]:
    """The results phase as services/run_matching.py ran it: a MatchResult with its reasons and a
    MatchRecord for every pair of every list, compared as tuples."""
    puts, deletes = [], []
    for offer_id in matching.by_offer:
        wanted = {(m.offer_id, m.candidate_id): _record(m) for m in matching.by_offer[offer_id]}
        changed, gone = diff_matches(
            {pair: _comparable(r) for pair, r in stored.get(offer_id, {}).items()},
            {pair: _comparable(r) for pair, r in wanted.items()},
        )
        puts += [wanted[pair] for pair in changed]
        deletes += gone
    return len(puts), len(deletes)


def _after(matching, stored: dict[str, dict], split: dict | None = None) -> tuple[int, int]:
    """The results phase now: columns, a diff on arrays, records only for what is written."""
    started = time.process_time()
    lists = stored_matches(matching)
    columns = time.process_time()
    put_rows, deletes = lists.diff(r for records in stored.values() for r in records.values())
    compared = time.process_time()
    puts = [_record(lists.result(row)) for row in put_rows.tolist()]
    if split is not None:
        split.update(
            columns=columns - started, diff=compared - columns, records=time.process_time() - compared
        )
    return len(puts), len(deletes)


def results_worker(scale: float, seed: int) -> dict:
    refs = get_referentials()
    data = generate(refs, scale, seed)
    labels = RomeLabels(refs)
    first = run_matching(data.offers, data.candidates, data.mobility, labels, TODAY)
    stored = {
        o: {(m.offer_id, m.candidate_id): _record(m) for m in first.by_offer[o]} for o in first.by_offer
    }
    # The next run: unchanged, then with 1 % of the offers changed.
    rnd = random.Random(seed + 2)
    changed_ids = set(rnd.sample(sorted(o.id for o in data.offers), max(1, round(len(data.offers) * 0.01))))
    communes = sorted(refs.communes.values(), key=lambda c: c.code_insee)
    offers = [changed_offer(o, rnd, refs, communes) if o.id in changed_ids else o for o in data.offers]
    changed = run_matching(offers, data.candidates, data.mobility, labels, TODAY)
    out: dict = {"stored": sum(len(v) for v in stored.values())}
    for name, matching in (("unchanged", first), ("changed", changed)):
        split: dict = {}
        for phase, run in (("after", partial(_after, split=split)), ("before", _before)):
            started = time.process_time()
            writes = run(matching, stored)
            out[f"{name}_{phase}_cpu"] = time.process_time() - started
            out[f"{name}_{phase}_writes"] = writes
        out[f"{name}_split"] = split
    return out


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"p50": statistics.median(ordered), "p95": ordered[int(0.95 * (len(ordered) - 1))]}


def events_worker(scale: float, seed: int, events: int) -> dict:
    """Per-event matching on the region's stored lists: CPU of the domain functions only (the
    reads and writes belong to the worker), with what they read through the reach keys."""
    refs = get_referentials()
    data = generate(refs, scale, seed)
    labels = RomeLabels(refs)
    lists = stored_matches(run_matching(data.offers, data.candidates, data.mobility, labels, TODAY, 50, 0))
    listed = defaultdict(list)  # offer id → [(candidate id, score)]
    mine = defaultdict(dict)  # candidate id → {offer id: stored value}
    for row in range(len(lists)):
        result = lists.result(row)
        listed[result.offer_id].append((result.candidate_id, result.score))
        mine[result.candidate_id][result.offer_id] = value_of(result)
    bassin = {c.code_insee: c.bassin_code for c in refs.communes.values()}
    offers_by_key, candidates_by_key = defaultdict(list), defaultdict(list)
    for offer in data.offers:
        offers_by_key[(bassin[offer.code_insee], offer.code_rome)].append(offer)
    for person in data.candidates:
        for code in person.metiers:
            candidates_by_key[(bassin[person.code_insee], code)].append(person)
    # The other way to key candidates: under every bassin they reach and every code they fit, so
    # that an offer reads one key (its bassin, its code).
    fanned = defaultdict(list)
    for person in data.candidates:
        for key in offers_reachable(person.code_insee, person.mobility_km, person.metiers, data.mobility):
            fanned[key].append(person)
    offer_by_id = {o.id: o for o in data.offers}
    fitted = fitted_by(data.mobility)
    rnd = random.Random(seed + 3)

    def candidates_for(offer):
        keys = candidates_reaching(offer.code_insee, offer.code_rome, fitted)
        found = {p.id: p for key in keys for p in candidates_by_key.get(key, ())}
        return list(found.values()), len(keys)

    def fanned_for(offer):
        return fanned.get((bassin[offer.code_insee], offer.code_rome), [])

    def candidate_event(person) -> tuple[float, int, int, int, int]:
        started = time.process_time()
        keys = offers_reachable(person.code_insee, person.mobility_km, person.metiers, data.mobility)
        # Offers also listed under every code whose holders fit them: bassins × own codes.
        own_keys = len({b for b, _ in keys}) * len(person.metiers)
        reachable = [o for key in keys for o in offers_by_key.get(key, ())]
        changes = match_candidate(
            person, reachable, listed, mine.get(person.id, {}), data.mobility, labels, TODAY
        )
        for offer_id in changes.refill:  # recomputing the lists the candidate left
            people = fanned_for(offer_by_id[offer_id])
            current = {c: v for c, v in ((c, mine[c].get(offer_id)) for c, _ in listed[offer_id]) if v}
            match_offer(offer_by_id[offer_id], people, current, data.mobility, labels, TODAY)
        return time.process_time() - started, len(keys), len(reachable), len(changes.refill), own_keys

    out: dict = {}
    sample = rnd.sample([p for p in data.candidates if p.active and p.consent_contact], events)
    scenarios = {
        "new_candidate_30km": [replace(p, id=f"new-{p.id}", mobility_km=30) for p in sample],
        "edited_profile": [replace(p, mobility_km=max(5, p.mobility_km // 2)) for p in sample],
    }
    for name, people in scenarios.items():
        runs = [candidate_event(p) for p in people]
        out[name] = {
            "cpu_ms": {k: v * 1000 for k, v in _percentiles([r[0] for r in runs]).items()},
            "reach_keys": _percentiles([r[1] for r in runs]),
            "offers_read": _percentiles([r[2] for r in runs]),
            "refills": sum(r[3] for r in runs),
            "own_code_keys": _percentiles([r[4] for r in runs]),
        }
    runs = []
    for offer in rnd.sample(data.offers, events):
        offer = replace(offer, id=f"new-{offer.id}")
        people, keys = candidates_for(offer)
        started = time.process_time()
        fanned_people = fanned_for(offer)
        match_offer(offer, fanned_people, {}, data.mobility, labels, TODAY)
        runs.append((time.process_time() - started, keys, len(people), len(fanned_people)))
    out["new_offer"] = {
        "cpu_ms": {k: v * 1000 for k, v in _percentiles([r[0] for r in runs]).items()},
        "reach_keys": _percentiles([r[1] for r in runs]),
        "candidates_read": _percentiles([r[2] for r in runs]),
        "candidates_read_fanned": _percentiles([r[3] for r in runs]),
    }
    out["fanned_entries_per_candidate"] = sum(map(len, fanned.values())) / len(data.candidates)
    out["stored"] = len(lists)
    out["mean_fit"] = float(np.mean([len(p.metiers) for p in data.candidates]))
    return out


def print_results(results: dict, events: dict) -> None:
    stored = results["stored"]
    for name, label in (("unchanged", "unchanged re-run"), ("changed", "1 % of the offers changed")):
        before, after = results[f"{name}_before_cpu"], results[f"{name}_after_cpu"]
        same = results[f"{name}_before_writes"] == results[f"{name}_after_writes"]
        puts, deletes = results[f"{name}_after_writes"]
        print(
            f"results phase, {label} ({stored:,} stored matches compared, {puts:,} puts, {deletes:,} deletes): "
            f"CPU {before:.2f} s before (objects for every pair), {after:.2f} s now (columns), "
            f"{before / after:.1f}× less; same writes: {'yes' if same else 'NO'}"
        )
        split = results[f"{name}_split"]
        print(
            f"  now: columns with reasons {split['columns']:.2f} s, diff {split['diff']:.2f} s "
            f"(reading the {stored:,} stored MatchRecord objects is most of it), records to write {split['records']:.2f} s"
        )
    for name, label in (
        ("new_candidate_30km", "new candidate, 30 km"),
        ("edited_profile", "edited profile (mobility halved)"),
    ):
        e = events[name]
        print(
            f"per-event domain CPU, {label}: p50 {e['cpu_ms']['p50']:.1f} ms, p95 {e['cpu_ms']['p95']:.1f} ms; "
            f"reach keys p50 {e['reach_keys']['p50']:.0f} (p95 {e['reach_keys']['p95']:.0f}), "
            f"({e['own_code_keys']['p50']:.0f} with offers listed under every code that fits them), "
            f"offers read p50 {e['offers_read']['p50']:.0f}, lists to refill {e['refills']}"
        )
    e = events["new_offer"]
    print(
        f"per-event domain CPU, new offer: p50 {e['cpu_ms']['p50']:.1f} ms, p95 {e['cpu_ms']['p95']:.1f} ms "
        f"(candidates listed under every bassin they reach: 1 key, p50 {e['candidates_read_fanned']['p50']:.0f} "
        f"read, p95 {e['candidates_read_fanned']['p95']:.0f}; {events['fanned_entries_per_candidate']:.0f} "
        f"index entries per candidate); keyed by home bassin: {e['reach_keys']['p50']:.0f} keys, "
        f"p50 {e['candidates_read']['p50']:.0f} read (p95 {e['candidates_read']['p95']:.0f})"
    )
