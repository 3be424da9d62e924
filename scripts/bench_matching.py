"""Benchmark of the matching engine on a region-scale synthetic dataset built from the real
reference data (Grand Est communes and ROME 4.0 fiches).

    .venv/bin/python scripts/bench_matching.py --scale 1.0 --seed 42 --naive-sample 0.01 --runs 3

The dataset is reproducible from the seed: 60,000 candidates and 30,000 open offers at scale
1.0, placed in communes drawn by population; métiers drawn from the ROME with a Zipf skew
(weight 1/rank over a seeded order of the 1,584 fiches, the same order for offers and
candidates); 3–8 competences per candidate from their training fiches, 3–6 required per offer
from its fiche; mobility 5–60 km; cdi, cdd, interim and alternance; trainings that ended up to
a year ago or end within 12 weeks.

Each measurement runs in a fresh child process (this script with --worker), so that peak RSS
(ru_maxrss) is the engine's and not the naive reference's. Timed: `run_matching` from the
input objects in memory (as a worker holds them after reading the database) to both top lists.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.domain.matching import (
    CandidateInput,
    OfferInput,
    diff_matches,
    run_matching,
    run_matching_naive,
)
from chalicelib.domain.referentials import Referentials, get_referentials

TODAY = date(2026, 3, 2)
CANDIDATES, OFFERS = 60_000, 30_000
CONTRACTS = ("cdi", "cdd", "interim", "alternance")
ACCEPTS = (0.75, 0.6, 0.35, 0.25)  # share of candidates accepting each contract type
OFFERED = (0.45, 0.25, 0.2, 0.1)  # share of offers of each contract type
TARGETS = {"wall_s": 3.0, "rss_mb": 400.0, "speedup": 100.0, "ratio": 3.0}


class RomeLabels:
    def __init__(self, refs: Referentials) -> None:
        self._refs = refs

    def metier(self, code_rome: str) -> str:
        metier = self._refs.metiers.get(code_rome)
        return metier.label if metier else code_rome

    def competence(self, code: str) -> str:
        competence = self._refs.competences.get(code)
        return competence.label if competence else code


@dataclass
class Dataset:
    offers: list[OfferInput]
    candidates: list[CandidateInput]
    mobility: dict[str, tuple[str, ...]]


def generate(refs: Referentials, scale: float, seed: int) -> Dataset:
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    communes = sorted(refs.communes.values(), key=lambda c: c.code_insee)
    population = np.array([c.population for c in communes], dtype=np.float64)
    fiches = sorted(refs.metiers.values(), key=lambda m: m.code_rome)
    zipf = 1.0 / np.arange(1, len(fiches) + 1)
    weights = np.empty(len(fiches))
    weights[rng.permutation(len(fiches))] = zipf / zipf.sum()

    def places(n: int) -> list:
        return [communes[i] for i in rng.choice(len(communes), n, p=population / population.sum())]

    def metiers(n: int) -> list:
        return [fiches[i] for i in rng.choice(len(fiches), n, p=weights)]

    def uid() -> str:
        return f"{rnd.getrandbits(64):016x}"

    n_candidates, n_offers = round(CANDIDATES * scale), round(OFFERS * scale)
    candidates = []
    for place, first, second in zip(
        places(n_candidates), metiers(n_candidates), metiers(n_candidates), strict=True
    ):
        training = [first] if rnd.random() < 0.75 or second is first else [first, second]
        codes = {m.code_rome for m in training}
        reachable = [t for m in training for t in m.mobilities if t not in codes]
        for _ in range(rnd.choices((0, 1, 2), (0.5, 0.35, 0.15))[0]):
            codes.add(rnd.choice(reachable) if reachable else metiers(1)[0].code_rome)
        pool = sorted({k for m in training for k in m.competences})
        accepted = frozenset(c for c, p in zip(CONTRACTS, ACCEPTS, strict=True) if rnd.random() < p)
        end = TODAY + timedelta(days=rnd.randint(-365, 84))
        candidates.append(
            CandidateInput(
                id=uid(),
                lat=place.lat,
                lon=place.lon,
                code_insee=place.code_insee,
                mobility_km=rnd.randint(5, 60),
                metiers=frozenset(codes),
                competences=frozenset(rnd.sample(pool, min(len(pool), rnd.randint(3, 8)))),
                contract_types=accepted or frozenset(rnd.choices(CONTRACTS, ACCEPTS)),
                available_from=end + timedelta(days=rnd.randint(-7, 21)),
                training_end=end,
                active=rnd.random() < 0.97,
                consent_contact=rnd.random() < 0.92,
            )
        )
    offers = []
    for place, metier in zip(places(n_offers), metiers(n_offers), strict=True):
        offers.append(
            OfferInput(
                id=uid(),
                lat=place.lat,
                lon=place.lon,
                code_insee=place.code_insee,
                code_rome=metier.code_rome,
                competences=frozenset(
                    rnd.sample(metier.competences, min(len(metier.competences), rnd.randint(3, 6)))
                ),
                contract_type=rnd.choices(CONTRACTS, OFFERED)[0],
                start_date=TODAY + timedelta(days=rnd.randint(-20, 120)),
                expires_at=None if rnd.random() < 0.4 else TODAY + timedelta(days=rnd.randint(7, 90)),
            )
        )
    mobility = {m.code_rome: m.mobilities for m in fiches}
    return Dataset(offers, candidates, mobility)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def time_worker(scale: float, seed: int, runs: int) -> dict:
    refs = get_referentials()
    data = generate(refs, scale, seed)
    labels = RomeLabels(refs)
    rss_inputs = _rss_mb()
    load = os.getloadavg()[0]
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        matching = run_matching(data.offers, data.candidates, data.mobility, labels, TODAY)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        stats = matching.stats
        del matching
    return {
        "offers": len(data.offers),
        "candidates": len(data.candidates),
        "times": times,
        "cpu": cpu,
        "rss_inputs_mb": rss_inputs,
        "load": max(load, os.getloadavg()[0]),
        "rss_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pairs_examined": stats.pairs_examined,
        "eligible_pairs": stats.eligible_pairs,
        "kept": stats.kept,
    }


def scaling_worker(scale: float, seed: int, runs: int) -> dict:
    """Times the full and the half dataset alternately, so that both see the same machine load."""
    refs = get_referentials()
    labels = RomeLabels(refs)
    datasets = {"full": generate(refs, scale, seed), "half": generate(refs, scale / 2, seed)}
    times: dict[str, list[float]] = {"full": [], "half": []}
    cpu: dict[str, list[float]] = {"full": [], "half": []}
    pairs = {}
    for _ in range(runs):
        for name, data in datasets.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            matching = run_matching(data.offers, data.candidates, data.mobility, labels, TODAY)
            times[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
            pairs[name] = matching.stats.pairs_examined
            del matching
    return {"times": times, "cpu": cpu, "pairs": pairs, "load": os.getloadavg()[0]}


def _stored(by_offer, offer_ids) -> dict:
    return {(r.offer_id, r.candidate_id): (r.score, r.reasons) for o in offer_ids for r in by_offer[o]}


def _changed(offer: OfferInput, rnd: random.Random, refs: Referentials, communes: list) -> OfferInput:
    change = rnd.randrange(4)
    if change == 0:
        return replace(offer, start_date=offer.start_date + timedelta(days=rnd.randint(15, 60)))
    if change == 1:
        fiche = refs.metiers[offer.code_rome].competences
        dropped = sorted(offer.competences)[rnd.randrange(len(offer.competences))]
        return replace(offer, competences=(offer.competences - {dropped}) | {rnd.choice(fiche)})
    if change == 2:
        return replace(offer, contract_type=rnd.choice([c for c in CONTRACTS if c != offer.contract_type]))
    place = rnd.choice(communes)
    return replace(offer, lat=place.lat, lon=place.lon, code_insee=place.code_insee)


def check_worker(scale: float, seed: int, sample: float) -> dict:
    refs = get_referentials()
    data = generate(refs, scale, seed)
    labels = RomeLabels(refs)
    started = time.perf_counter()
    fast = run_matching(data.offers, data.candidates, data.mobility, labels, TODAY)
    fast_s = time.perf_counter() - started
    rnd = random.Random(seed + 1)
    picked = rnd.sample(data.offers, max(1, round(len(data.offers) * sample)))
    started = time.perf_counter()
    naive = run_matching_naive(picked, data.candidates, data.mobility, labels, TODAY)
    naive_s = time.perf_counter() - started
    started = time.perf_counter()
    fast_lists = {o.id: fast.by_offer[o.id] for o in picked}
    build_s = time.perf_counter() - started
    built = sum(len(v) for v in fast_lists.values())
    identical = all(naive.by_offer[o.id] == fast_lists[o.id] for o in picked)
    sample_fast = run_matching(picked, data.candidates, data.mobility, labels, TODAY)
    # Candidate lists need every offer: the naive reference on a sample of candidates.
    people = rnd.sample(data.candidates, max(1, round(len(data.candidates) * sample)))
    started = time.perf_counter()
    naive_people = run_matching_naive(data.offers, people, data.mobility, labels, TODAY)
    naive_people_s = time.perf_counter() - started
    people_results = sum(len(fast.by_candidate[c.id]) for c in people)
    identical_people = all(naive_people.by_candidate[c.id] == fast.by_candidate[c.id] for c in people)
    # 1 % of the offers change; re-run on them only and compare with what was stored.
    changed_ids = rnd.sample(sorted(o.id for o in data.offers), max(1, round(len(data.offers) * 0.01)))
    chosen = set(changed_ids)
    communes = sorted(refs.communes.values(), key=lambda c: c.code_insee)
    changed = [_changed(o, rnd, refs, communes) for o in data.offers if o.id in chosen]
    rerun = run_matching(changed, data.candidates, data.mobility, labels, TODAY)
    puts, deletes = diff_matches(_stored(fast.by_offer, changed_ids), _stored(rerun.by_offer, changed_ids))
    stored = sum(fast.by_offer.count(o) for o in fast.by_offer)
    return {
        "offers": len(data.offers),
        "sample": len(picked),
        "fast_s": fast_s,
        "naive_s": naive_s,
        "naive_pairs": naive.stats.pairs_examined,
        "naive_eligible": naive.stats.eligible_pairs,
        "engine_eligible_on_sample": sample_fast.stats.eligible_pairs,
        "identical": identical,
        "people": len(people),
        "naive_people_s": naive_people_s,
        "people_results": people_results,
        "identical_people": identical_people,
        "compared_results": built,
        "build_s": build_s,
        "writes": len(puts) + len(deletes),
        "puts": len(puts),
        "deletes": len(deletes),
        "stored": stored,
    }


def _child(args: argparse.Namespace, mode: str, scale: float) -> dict:
    command = [sys.executable, __file__, "--worker", mode, "--scale", str(scale), "--seed", str(args.seed)]
    command += ["--runs", str(args.runs), "--naive-sample", str(args.naive_sample)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--naive-sample", type=float, default=0.01)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", choices=("time", "check", "scaling"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "time":
        print(json.dumps(time_worker(args.scale, args.seed, args.runs)))
        return
    if args.worker == "scaling":
        print(json.dumps(scaling_worker(args.scale, args.seed, args.runs)))
        return
    if args.worker == "check":
        print(json.dumps(check_worker(args.scale, args.seed, args.naive_sample)))
        return

    full = _child(args, "time", args.scale)
    wall = statistics.median(full["times"])
    print(
        f"dataset: {full['candidates']:,} candidates, {full['offers']:,} offers (scale {args.scale}, seed {args.seed})"
    )
    print(
        f"engine wall time: median {wall:.3f} s of {args.runs} runs ({', '.join(f'{t:.3f}' for t in full['times'])})"
    )
    print(
        f"peak RSS: {full['rss_peak_mb']:.0f} MB (of which reference data and inputs: {full['rss_inputs_mb']:.0f} MB)"
    )
    print(f"engine CPU time: median {statistics.median(full['cpu']):.3f} s")
    print(f"pairs examined: {full['pairs_examined']:,}")
    print(f"eligible pairs: {full['eligible_pairs']:,}")
    print(f"matches kept: {full['kept']:,} (top 50 per offer ∪ top 30 per candidate)")

    check = _child(args, "check", args.scale)
    factor = check["offers"] / check["sample"]
    naive_full = check["naive_s"] * factor
    speedup = naive_full / wall
    print(
        f"naive reference: {check['naive_s']:.1f} s on {check['sample']} offers × {full['candidates']:,} candidates "
        f"({check['naive_pairs']:,} pairs), extrapolated to all offers: {naive_full:,.0f} s"
    )
    print(f"speed-up: {speedup:,.0f}×")
    print(
        f"eligible pairs on the sample: naive {check['naive_eligible']:,}, engine {check['engine_eligible_on_sample']:,}"
    )
    same = check["identical"] and check["naive_eligible"] == check["engine_eligible_on_sample"]
    print(
        f"identical per-offer top lists on the sample: {'yes' if same else 'NO'} "
        f"({check['sample']} offers, {check['compared_results']:,} results: ids, order, scores, reasons)"
    )
    print(
        f"identical per-candidate top lists on {check['people']} sampled candidates × all offers: "
        f"{'yes' if check['identical_people'] else 'NO'} ({check['people_results']:,} results; "
        f"naive {check['naive_people_s']:.1f} s)"
    )
    same = same and check["identical_people"]
    per_result = check["build_s"] / max(check["compared_results"], 1)
    print(
        f"building MatchResult objects with reasons: {per_result * 1e6:.1f} µs each "
        f"(all {check['stored']:,} per-offer results: {per_result * check['stored']:.1f} s, done by whoever stores them)"
    )
    share = 100 * check["writes"] / max(check["stored"], 1)
    print(
        f"writes for 1% changed offers: {check['writes']:,} of {check['stored']:,} ({share:.2f} %) "
        f"[{check['puts']:,} puts, {check['deletes']:,} deletes]"
    )

    scaling = _child(args, "scaling", args.scale)
    full_wall, half_wall = (statistics.median(scaling["times"][k]) for k in ("full", "half"))
    ratio = full_wall / half_wall
    print(
        f"50% scale: median {half_wall:.3f} s ({scaling['pairs']['half']:,} pairs examined), timed alternately "
        f"with 100% ({full_wall:.3f} s): 50%→100% time ratio {ratio:.2f} "
        f"(CPU time ratio {statistics.median(scaling['cpu']['full']) / statistics.median(scaling['cpu']['half']):.2f})"
    )
    print(
        f"machine: {os.cpu_count()} cores, 1-minute load average while timing: {full['load']:.1f}, {scaling['load']:.1f}"
    )

    print(
        f"target wall time ≤ {TARGETS['wall_s']:.0f} s: {_verdict(wall <= TARGETS['wall_s'])} ({wall:.3f} s)"
    )
    rss = full["rss_peak_mb"]
    print(
        f"target peak RSS ≤ {TARGETS['rss_mb']:.0f} MB: {_verdict(rss <= TARGETS['rss_mb'])} ({rss:.0f} MB)"
    )
    print(
        f"target ≥ {TARGETS['speedup']:.0f}× faster than naive: {_verdict(speedup >= TARGETS['speedup'])} ({speedup:,.0f}×)"
    )
    print(
        f"target 50→100% ratio ≤ {TARGETS['ratio']:.0f}: {_verdict(ratio <= TARGETS['ratio'])} ({ratio:.2f})"
    )
    print(f"check identical to naive: {_verdict(same)}")


if __name__ == "__main__":
    main()
