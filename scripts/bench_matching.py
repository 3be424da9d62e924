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
Then (scripts/bench_matching_results.py) the results phase of a full run before and after the
stored columns, and the per-event domain functions on the region's stored lists.
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
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chalicelib.domain.matching import run_matching, run_matching_naive, stored_matches
from chalicelib.domain.referentials import get_referentials
from scripts.bench_matching_data import TODAY, Dataset, RomeLabels, changed_offer, generate  # noqa: F401
from scripts.bench_matching_results import events_worker, print_results, results_worker

TARGETS = {"wall_s": 1.2, "rss_mb": 300.0, "speedup": 100.0, "ratio": 3.0}


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


def check_worker(scale: float, seed: int, sample: float) -> dict:
    refs = get_referentials()
    data = generate(refs, scale, seed)
    labels = RomeLabels(refs)
    started = time.perf_counter()
    fast = run_matching(data.offers, data.candidates, data.mobility, labels, TODAY)
    fast_s = time.perf_counter() - started
    columns = stored_matches(fast)
    rnd = random.Random(seed + 1)
    picked = rnd.sample(data.offers, max(1, round(len(data.offers) * sample)))
    started = time.perf_counter()
    naive = run_matching_naive(picked, data.candidates, data.mobility, labels, TODAY)
    naive_s = time.perf_counter() - started
    started = time.perf_counter()
    fast_lists = {o.id: fast.by_offer[o.id] for o in picked}
    build_s = time.perf_counter() - started
    built = sum(len(v) for v in fast_lists.values())
    # The lists as objects and as the stored columns, both equal to the reference.
    identical = all(naive.by_offer[o.id] == fast_lists[o.id] == columns.results(o.id) for o in picked)
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
    changed = [changed_offer(o, rnd, refs, communes) for o in data.offers if o.id in chosen]
    rerun = stored_matches(run_matching(changed, data.candidates, data.mobility, labels, TODAY))
    # What the repository returns: the distance to 0.1 km.
    before = [columns.result(i) for o in changed_ids for i in columns.rows(o)]
    before = [replace(r, distance_km=round(r.distance_km, 1)) for r in before]
    put_rows, deletes = rerun.diff(before)
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
        "writes": int(put_rows.size) + len(deletes),
        "puts": int(put_rows.size),
        "deletes": len(deletes),
        "stored": len(columns),
    }


def _child(args: argparse.Namespace, mode: str, scale: float) -> dict:
    command = [sys.executable, __file__, "--worker", mode, "--scale", str(scale), "--seed", str(args.seed)]
    command += [
        "--runs",
        str(args.runs),
        "--naive-sample",
        str(args.naive_sample),
        "--events",
        str(args.events),
    ]
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
    parser.add_argument("--events", type=int, default=200, help="per-event samples")
    parser.add_argument(
        "--worker", choices=("time", "check", "scaling", "results", "events"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker == "results":
        print(json.dumps(results_worker(args.scale, args.seed)))
        return
    if args.worker == "events":
        print(json.dumps(events_worker(args.scale, args.seed, args.events)))
        return
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
    print(
        f"engine CPU time: median {statistics.median(full['cpu']):.3f} s of {args.runs} runs "
        f"({', '.join(f'{t:.3f}' for t in full['cpu'])})"
    )
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
    results = _child(args, "results", args.scale)
    events = _child(args, "events", args.scale)
    print_results(results, events)
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
        f"machine: {os.cpu_count()} cores, 1-minute load average while timing: {full['load']:.1f}, "
        f"{scaling['load']:.1f} (now {os.getloadavg()[0]:.1f})"
    )

    print(
        f"target wall time ≤ {TARGETS['wall_s']:.1f} s: {_verdict(wall <= TARGETS['wall_s'])} ({wall:.3f} s)"
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
