"""The whole matching run and the per-event path through the real worker code, against the moto
server over HTTP with every resource created from infra/ (issue 13).

    .venv/bin/python scripts/bench_matching_run.py --scale 1.0 --seed 42

1. Seeds the data table with the dataset of scripts/bench_matching_data.py (dates moved to
   today), written as the repositories write profiles and offers.
2. Full run: the worker's work for the 27 bassin messages (`match_bassin`, as
   services/matching_runs.process calls it; digests are not sent, a first run would e-mail
   everyone), in a child process: per phase (DynamoDB reads, engine, results, diff, writes) own
   CPU and wall time, requests by API call, items written, peak RSS, the largest bassin against
   the worker's Lambda timeout. The first run also lists everyone in the per-event indexes (what
   the first run after deploying does). Then an unchanged re-run, which must write nothing.
3. Per event, through `handle_message` (the queue worker's entry point, digests included), in a
   child process: a new candidate (30 km), a new offer, an edited profile (mobility halved):
   p50/p95 latency and own CPU, requests; then a burst of 500 sign-ups (each queued on the
   matching SQS queue, 100 of them queued twice as a quick edit would) drained by a worker loop.

moto runs in its own process (scripts/moto_server.py with PASSERELLE_MOTO_INDEXED_QUERIES=1, so
that a Query examines its partition instead of the whole table): "own CPU" is this process's,
wall time includes waiting for moto. The figures feed scripts/cost_model.py (--json writes them).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from chalicelib.domain.calendar import paris_today

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LAMBDA_TIMEOUT_S = 60  # .chalice/config.json, matching_worker
EVENTS = 40  # per kind of event


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def shift() -> timedelta:
    from scripts.bench_matching_data import TODAY

    return paris_today() - TODAY


def candidate_record(c, moved: timedelta, stamp: str):
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.schemas.candidates_store import CandidateRecord

    codes = sorted(c.metiers)
    return CandidateRecord(
        id=c.id,
        email=f"{c.id}@example.org",
        first_name="Camille",
        last_name="Banc",
        code_insee=c.code_insee,
        bassin=get_referentials().commune(c.code_insee).bassin_code,
        mobility_km=c.mobility_km,
        training={"title": "Formation", "code_rome": codes[:1], "end_date": c.training_end + moved},
        target_code_rome=codes[1:],
        competences=sorted(c.competences),
        contract_types=sorted(c.contract_types),
        available_from=c.available_from + moved,
        consent_contact=c.consent_contact,
        consent_terms_at=stamp,
        visible=c.active,
        created_at=stamp,
        updated_at=stamp,
        last_active_at=stamp,
    )


def offer_record(o, moved: timedelta, stamp: str):
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.schemas.offers_store import OfferRecord

    return OfferRecord(
        id=o.id,
        employer_id=f"emp-{o.id[:4]}",
        title=f"Offre {o.code_rome}",
        code_rome=o.code_rome,
        description="Offre du banc d'essai.",
        competences=sorted(o.competences),
        code_insee=o.code_insee,
        bassin=get_referentials().commune(o.code_insee).bassin_code,
        contract_type=o.contract_type,
        positions=1,
        start_date=o.start_date + moved,
        expires_at=(o.expires_at or paris_today() + timedelta(days=300) - moved) + moved,
        created_at=stamp,
        updated_at=stamp,
    )


# --- children ---------------------------------------------------------------------------------
def child_seed(scale: float, seed: int) -> dict:
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.repositories import candidates, offers
    from chalicelib.repositories.db import data_table
    from scripts.bench_matching_data import generate

    data = generate(get_referentials(), scale, seed)
    moved, stamp = shift(), utc_timestamp()
    started = time.perf_counter()
    with data_table().batch_writer() as batch:
        for c in data.candidates:
            batch.put_item(Item=candidates.candidate_item(candidate_record(c, moved, stamp)))
        for o in data.offers:
            batch.put_item(Item=offers.offer_item(offer_record(o, moved, stamp)))
    seeded_s = time.perf_counter() - started
    # The per-event indexes as the events of those sign-ups and offers left them (a live service):
    # the full run below then rebuilds every match from nothing, reading the index.
    from chalicelib.repositories import match_index
    from chalicelib.services.match_events import candidate_keys, offer_keys

    started = time.perf_counter()
    people = [candidate_record(c, moved, stamp) for c in data.candidates]
    match_index.repair(
        "candidate",
        [
            (
                r.id,
                match_index.reach_candidate(r),
                r.version,
                candidate_keys(r.code_insee, r.mobility_km, r.metier_codes),
                set(),
            )
            for r in people
            if r.matchable
        ],
        stamp,
    )
    jobs = [offer_record(o, moved, stamp) for o in data.offers]
    match_index.repair(
        "offer",
        [
            (r.id, match_index.reach_offer(r), r.version, offer_keys(r.bassin, r.code_rome), set())
            for r in jobs
        ],
        stamp,
    )
    return {
        "candidates": len(data.candidates),
        "offers": len(data.offers),
        "seed_s": seeded_s,
        "index_s": time.perf_counter() - started,
    }


class Phases:
    """Own CPU (thread time) and wall time spent inside the wrapped functions, by phase."""

    def __init__(self) -> None:
        self.cpu: Counter = Counter()
        self.wall: Counter = Counter()

    def wrap(self, phase: str, function):
        def timed(*args, **kwargs):
            cpu, wall = time.thread_time(), time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.cpu[phase] += time.thread_time() - cpu
                self.wall[phase] += time.perf_counter() - wall

        return timed


@contextmanager
def instrumented():
    """Wraps what match_bassin calls, phase by phase (the functions themselves are unchanged)."""
    from chalicelib.domain.matching import stored as stored_module
    from chalicelib.repositories import candidates, match_index, matches, offers
    from chalicelib.services import run_matching as service

    phases = Phases()
    patched = [
        (match_index, "candidates_reaching_bassin", "reads"),
        (candidates, "versions_in_bassin", "reads"),
        (candidates, "get_many", "reads"),
        (offers, "list_open_in_bassin", "reads"),
        (offers, "get_many", "reads"),
        (matches, "existing_match_records", "reads"),
        (match_index, "list_digests", "reads"),
        (match_index, "matched_versions", "reads"),
        (match_index, "matched_many", "reads"),
        (service, "run_matching", "engine"),
        (service, "stored_matches", "results"),
        (stored_module.StoredMatches, "digests", "results"),
        (stored_module.StoredMatches, "diff", "diff"),
        (matches, "apply_changes", "writes"),
        (match_index, "write_lists", "writes"),
        (match_index, "repair", "writes"),
        (service, "send_matching_batch", "writes"),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patched]
    for owner, name, phase in patched:
        setattr(owner, name, phases.wrap(phase, getattr(owner, name)))
    try:
        yield phases
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)


def full_run(label: str) -> dict:
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.repositories.db import count_requests
    from chalicelib.services.run_matching import match_bassin

    per_bassin, totals = [], Counter()
    cpu, wall = time.process_time(), time.perf_counter()
    with instrumented() as phases, count_requests() as requests:
        for bassin in sorted(get_referentials().bassins):
            b_cpu, b_wall = time.process_time(), time.perf_counter()
            result = match_bassin(bassin, paris_today(), utc_timestamp())
            per_bassin.append(
                (
                    time.perf_counter() - b_wall,
                    time.process_time() - b_cpu,
                    bassin,
                    result.offers,
                    result.candidates,
                )
            )
            totals.update(result.counts())
    return {
        "label": label,
        "cpu_s": time.process_time() - cpu,
        "wall_s": time.perf_counter() - wall,
        "phase_cpu": dict(phases.cpu),
        "phase_wall": dict(phases.wall),
        "requests": dict(requests),
        "totals": dict(totals),
        "largest": max(per_bassin),
    }


def change_offers(share: float, seed: int) -> int:
    """Edits `share` of the open offers (one required competence fewer, or one more when they
    require one), as an employer's edit whose event was not worked: what the next run finds."""
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.repositories import offers

    refs = get_referentials()
    every = [o for b in sorted(refs.bassins) for o in offers.list_open_in_bassin(b)]
    chosen = random.Random(seed).sample(every, max(1, round(share * len(every))))
    for o in chosen:
        more = [c.code for c in refs.competences_of(o.code_rome) if c.code not in o.competences][:1]
        competences = o.competences[1:] if len(o.competences) > 1 else [*o.competences, *more]
        offers.save(o.model_copy(update={"competences": competences, "version": o.version + 1}), o.version)
    return len(chosen)


def child_run(seed: int) -> dict:
    first = full_run("full rebuild (every match written from nothing, reading the per-event index)")
    again = full_run("unchanged re-run")
    changed = change_offers(0.01, seed)
    edited = full_run(f"after editing 1 % of the offers ({changed:,}) without their events")
    return {
        "runs": [first, again, edited],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def timed_event(kind: str, item_id: str, bassin: str) -> dict:
    from chalicelib.jobs.matching import handle_message
    from chalicelib.repositories.db import count_requests

    body = json.dumps({"type": kind, f"{kind}_id": item_id, "bassin": bassin})
    with count_requests() as requests:
        cpu, wall = time.thread_time(), time.perf_counter()
        totals = handle_message(body)
        spent = time.perf_counter() - wall, time.thread_time() - cpu
    return {
        "wall_s": spent[0],
        "cpu_s": spent[1],
        "requests": sum(requests.values()),
        "by_call": dict(requests),
        **totals,
    }


def summary(samples: list[dict]) -> dict:
    calls: Counter = Counter()
    for s in samples:
        calls.update(s["by_call"])
    return {
        "n": len(samples),
        "p50_ms": percentile([s["wall_s"] * 1000 for s in samples], 50),
        "p95_ms": percentile([s["wall_s"] * 1000 for s in samples], 95),
        "cpu_p50_ms": percentile([s["cpu_s"] * 1000 for s in samples], 50),
        "cpu_p95_ms": percentile([s["cpu_s"] * 1000 for s in samples], 95),
        "requests_p50": percentile([s["requests"] for s in samples], 50),
        "requests_p95": percentile([s["requests"] for s in samples], 95),
        "requests_mean": statistics.mean(s["requests"] for s in samples),
        "by_call_mean": {k: v / len(samples) for k, v in sorted(calls.items())},
        "written_mean": statistics.mean(s["written"] for s in samples),
        "refills_mean": statistics.mean(s.get("refills", 0) for s in samples),
        "read_mean": statistics.mean(s.get("candidates", 0) + s.get("offers", 0) for s in samples),
        "index_mean": statistics.mean(s.get("index_written", 0) for s in samples),
    }


def child_events(scale: float, seed: int, burst_size: int = 500) -> dict:
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.gateways.queue import send_matching_batch
    from chalicelib.jobs.matching import handle_message
    from chalicelib.repositories import candidates, offers
    from chalicelib.repositories.db import count_requests, data_table
    from scripts.bench_matching_data import generate

    refs = get_referentials()
    moved, stamp = shift(), utc_timestamp()
    data = generate(refs, scale, seed)
    fresh = generate(refs, max(scale, (EVENTS + burst_size) / 60_000 * 1.2), seed + 1)  # new ids
    rnd = random.Random(seed)
    results: dict = {}

    samples = []
    newcomers = [
        replace(c, mobility_km=30, active=True, consent_contact=True) for c in fresh.candidates[:EVENTS]
    ]
    for c in newcomers:
        record = candidate_record(c, moved, stamp)
        candidates.create(record)
        samples.append(timed_event("candidate", record.id, record.bassin))
    results["new candidate, 30 km"] = summary(samples)

    samples = []
    for o in fresh.offers[:EVENTS]:
        record = offer_record(o, moved, stamp)
        offers.create(record)
        samples.append(timed_event("offer", record.id, record.bassin))
    results["new offer"] = summary(samples)

    samples = []
    listed = [c for c in data.candidates if c.active and c.consent_contact and c.mobility_km >= 10]
    for c in rnd.sample(listed, EVENTS):
        current = candidates.get(c.id)
        edited = current.model_copy(
            update={"mobility_km": current.mobility_km // 2, "version": current.version + 1}
        )
        candidates.save(edited, current.version)
        samples.append(timed_event("candidate", edited.id, edited.bassin))
    results["edited profile (mobility halved)"] = summary(samples)

    # A burst: 500 sign-ups, each queuing its event; 100 of them edited at once (a second event).
    burst = [
        replace(c, active=True, consent_contact=True) for c in fresh.candidates[EVENTS : EVENTS + burst_size]
    ]
    records = [candidate_record(c, moved, stamp) for c in burst]
    with data_table().batch_writer() as batch:
        for r in records:
            batch.put_item(Item=candidates.candidate_item(r))
    messages = [{"type": "candidate", "candidate_id": r.id, "bassin": r.bassin} for r in records]
    messages += messages[: burst_size // 5]
    sqs, url = aws.client("sqs"), get_settings().matching_queue_url
    started = time.perf_counter()
    send_matching_batch(messages)
    worked, skipped = 0, 0
    cpu = time.thread_time()
    with count_requests() as requests:
        while worked < len(messages):
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in batch.get("Messages", []):
                totals = handle_message(message["Body"])
                skipped += totals.get("skipped", 0)
                sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                worked += 1
    results["burst"] = {
        "sign_ups": len(records),
        "events": len(messages),
        "skipped": skipped,
        "wall_s": time.perf_counter() - started,
        "cpu_s": time.thread_time() - cpu,
        "requests": dict(requests),
    }
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return results


# --- without moto: the worker's own work at any scale ------------------------------------------
def _query_response(items: list[dict]) -> bytes:
    """A DynamoDB Query answer on the wire (JSON, typed attributes) holding these items."""
    from boto3.dynamodb.types import TypeSerializer

    serialize = TypeSerializer().serialize
    typed = [{k: serialize(v) for k, v in item.items()} for item in items]
    return json.dumps({"Items": typed, "Count": len(typed), "ScannedCount": len(typed)}).encode()


def _parse_query(body: bytes) -> list[dict]:
    """What boto3 does with a Query answer: botocore's JSON parser over the output shape, then the
    resource layer's TypeDeserializer (the HTTP exchange itself is left out)."""
    import botocore.session
    from boto3.dynamodb.types import TypeDeserializer
    from botocore.parsers import create_parser

    global _QUERY_SHAPE
    if "_QUERY_SHAPE" not in globals():
        model = botocore.session.get_session().get_service_model("dynamodb")
        _QUERY_SHAPE = model.operation_model("Query").output_shape
    parsed = create_parser("json").parse({"body": body, "headers": {}, "status_code": 200}, _QUERY_SHAPE)
    deserialize = TypeDeserializer().deserialize
    return [{k: deserialize(v) for k, v in item.items()} for item in parsed["Items"]]


def child_memory(scale: float, seed: int) -> dict:
    """The scheduled run's worker code, bassin by bassin, on in-memory answers: per bassin the
    GSI2 MREACH# answer (packed entries) and the offers' answer are parsed as boto3 parses them,
    then decoded, matched, turned into columns, digests, diffs and records exactly as
    match_bassin does; the stored matches are those the previous pass wrote. Moto and the HTTP
    exchange are left out (what a run waits for, not its own CPU)."""
    import numpy as np

    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.repositories import match_index, offers
    from chalicelib.services import run_matching as service
    from chalicelib.services.match_events import candidate_keys
    from chalicelib.services.matching_inputs import candidate_input, match_record, offer_input
    from scripts.bench_matching_data import generate

    refs = get_referentials()
    data = generate(refs, scale, seed)
    moved, stamp = shift(), utc_timestamp()
    people = [candidate_record(c, moved, stamp) for c in data.candidates]
    jobs = [offer_record(o, moved, stamp) for o in data.offers]
    reaching: dict[str, list[str]] = {b: [] for b in refs.bassins}
    for r in people:
        if r.matchable:
            packed = match_index.pack_candidate(match_index.reach_candidate(r))
            for bassin in sorted({b for b, _ in candidate_keys(r.code_insee, r.mobility_km, r.metier_codes)}):
                reaching[bassin].append(packed)
    offer_items: dict[str, list[dict]] = {b: [] for b in refs.bassins}
    for o in jobs:
        offer_items[o.bassin].append(json.loads(json.dumps(offers.offer_item(o), default=str)))
    answers = {
        b: (_query_response([{"run": p} for p in reaching[b]]), _query_response(offer_items[b]))
        for b in sorted(refs.bassins)
    }
    del people, jobs, offer_items
    stored_records: dict[str, dict] = {}  # offer id → {(offer, candidate): MatchRecord}
    digests_stored: dict[str, str] = {}

    def one_pass(label: str) -> dict:
        cpu: Counter = Counter()
        written = kept = read_offers = 0
        items = Counter()

        def clock(phase, started):
            now = time.thread_time()
            cpu[phase] += now - started
            return now

        for bassin, (cand_body, offer_body) in answers.items():
            t = time.thread_time()
            cand_items, offer_rows = _parse_query(cand_body), _parse_query(offer_body)
            items["candidates"] += len(cand_items)
            items["offers"] += len(offer_rows)
            t = clock("reads: boto3 parsing", t)
            entries = [match_index.unpack_candidate(i["run"]) for i in cand_items]
            records = [offers.record_from_item(i) for i in offer_rows]
            t = clock("reads: decoding", t)
            offer_inputs = [i for i in map(offer_input, records) if i]
            candidate_inputs = [i for i in map(candidate_input, entries) if i]
            t = clock("inputs", t)
            matching = service.run_matching(
                offer_inputs, candidate_inputs, mobility=service._mobility(), labels=service._Labels(),
                today=paris_today(), top_per_offer=service.TOP_PER_OFFER, top_per_candidate=0,
            )  # fmt: skip
            t = clock("engine", t)
            lists = service.stored_matches(matching)
            digests = lists.digests()
            t = clock("results (columns, digests)", t)
            changed = [k for k, o in enumerate(lists.offer_ids) if digests_stored.get(o, "") != digests[k]]
            read_offers += len(changed)
            stored = {lists.offer_ids[k]: stored_records.get(lists.offer_ids[k], {}) for k in changed}
            put_rows, deletes = lists.diff(r for recs in stored.values() for r in recs.values())
            put_rows = put_rows[np.isin(lists.offer[put_rows], changed)]
            t = clock("diff", t)
            by_id = {r.id: r for r in records}
            puts = []
            for row in put_rows.tolist():
                m = lists.result(row)
                puts.append(match_record(m, by_id[m.offer_id].employer_id, bassin, stamp))
            clock("records to write", t)
            for record in puts:
                stored_records.setdefault(record.offer_id, {})[(record.offer_id, record.candidate_id)] = (
                    record
                )
            for offer_id, candidate_id in deletes:
                stored_records.get(offer_id, {}).pop((offer_id, candidate_id), None)
            for k in changed:
                digests_stored[lists.offer_ids[k]] = digests[k]
            written += len(puts) + len(deletes)
            kept += len(lists)
        return {
            "label": label,
            "cpu": dict(cpu),
            "cpu_s": sum(cpu.values()),
            "written": written,
            "kept": kept,
            "offers_read": read_offers,
            "items": dict(items),
        }

    passes = [one_pass("full rebuild (nothing stored)"), one_pass("unchanged re-run")]
    rnd = random.Random(seed)
    every = [(b, i) for b, (_, body) in answers.items() for i in range(len(_parse_query(body)))]
    chosen = set(rnd.sample(every, max(1, len(every) // 100)))
    for bassin in answers:
        rows = _parse_query(answers[bassin][1])
        for i, row in enumerate(rows):
            if (bassin, i) in chosen:
                row["competences"] = (
                    row["competences"][1:] if len(row["competences"]) > 1 else row["competences"]
                )
                row["start_date"] = (date.fromisoformat(row["start_date"]) + timedelta(days=1)).isoformat()
        answers[bassin] = (answers[bassin][0], _query_response(rows))
    passes.append(one_pass(f"1 % of the offers changed ({len(chosen):,})"))
    return {
        "candidates": len(data.candidates),
        "offers": len(data.offers),
        "passes": passes,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def print_memory(args, result: dict, loads: list[float]) -> None:
    print(
        f"dataset: {result['candidates']:,} candidates, {result['offers']:,} offers (scale {args.scale}, seed {args.seed}); "
        "the worker code of the 27 bassins on in-memory answers (no moto, no HTTP)"
    )
    for p in result["passes"]:
        print(f"\n{p['label']}: own CPU {p['cpu_s']:.2f} s")
        for phase, value in p["cpu"].items():
            print(f"  {phase:28} {value:7.2f} s")
        print(
            f"  items read: {p['items'].get('candidates', 0):,} candidate entries, {p['items'].get('offers', 0):,} offers; "
            f"offers whose stored matches are read (digest differs): {p['offers_read']:,}; "
            f"matches written {p['written']:,} of {p['kept']:,} kept ({p['written'] / max(1, p['kept']):.2%})"
        )
    print(f"peak RSS: {result['peak_rss_mb']:.0f} MB")
    print(
        f"machine: {os.cpu_count()} cores, 1-minute load average at start and end: {', '.join(f'{x:.1f}' for x in loads)}"
    )


# --- orchestration ----------------------------------------------------------------------------
def run_child(args: argparse.Namespace, env: dict, what: str) -> dict:
    command = [
        sys.executable,
        __file__,
        "--child",
        what,
        "--scale",
        str(args.scale),
        "--seed",
        str(args.seed),
    ]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"child {what} failed")
    if args.json:  # each phase's figures kept as soon as they are known
        args.json.with_suffix(f".{what}.json").write_text(out.stdout.strip().splitlines()[-1])
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_report(args, seeded: dict, run: dict, events: dict, loads: list[float]) -> None:
    print(
        f"dataset: {seeded['candidates']:,} candidates, {seeded['offers']:,} offers (scale {args.scale}, seed {args.seed}); seeded in {seeded['seed_s']:.0f} s, indexed in {seeded['index_s']:.0f} s"
    )
    for r in run["runs"]:
        print(
            f"\n{r['label']}: own CPU {r['cpu_s']:.1f} s, wall {r['wall_s']:.1f} s (the rest waits for moto)"
        )
        for phase in ("reads", "engine", "results", "diff", "writes"):
            print(
                f"  {phase:8} CPU {r['phase_cpu'].get(phase, 0):7.2f} s   wall {r['phase_wall'].get(phase, 0):7.2f} s"
            )
        t = r["totals"]
        print(
            f"  matches written {t.get('written', 0):,} (kept {t.get('kept', 0):,}), offers' lists written {t.get('lists_written', 0):,}, "
            f"index entries written {t.get('index_repaired', 0):,}"
        )
        print("  requests: " + ", ".join(f"{k} {v:,}" for k, v in sorted(r["requests"].items())))
        wall, cpu, bassin, offers, cands = r["largest"]
        print(
            f"  largest bassin {bassin}: {wall:.1f} s wall ({cpu:.1f} s CPU; {offers:,} offers × {cands:,} candidates) "
            f"against the {LAMBDA_TIMEOUT_S} s Lambda timeout: {'OK' if wall < LAMBDA_TIMEOUT_S else 'OVER'}"
        )
    print(f"  peak RSS of the run process: {run['peak_rss_mb']:.0f} MB")
    print("\nper event, through handle_message (digests included):")
    for kind, s in events.items():
        if kind in ("burst", "peak_rss_mb"):
            continue
        print(
            f"  {kind}: latency p50 {s['p50_ms']:.0f} ms, p95 {s['p95_ms']:.0f} ms; own CPU p50 {s['cpu_p50_ms']:.1f} ms, "
            f"p95 {s['cpu_p95_ms']:.1f} ms; DynamoDB requests p50 {s['requests_p50']:.0f}, p95 {s['requests_p95']:.0f} "
            f"({', '.join(f'{k} {v:.1f}' for k, v in s['by_call_mean'].items())}); matches written {s['written_mean']:.1f}, refills {s['refills_mean']:.2f}"
        )
    b = events["burst"]
    print(
        f"  burst: {b['sign_ups']} sign-ups, {b['events']} events queued ({b['events'] - b['sign_ups']} repeated): "
        f"{b['skipped']} coalesced, drained in {b['wall_s']:.1f} s wall, {b['cpu_s']:.1f} s own CPU, "
        f"{sum(b['requests'].values()):,} DynamoDB requests ({sum(b['requests'].values()) / b['sign_ups']:.1f} per sign-up)"
    )
    print(f"  peak RSS of the events process: {events['peak_rss_mb']:.0f} MB")
    first, again, edited = run["runs"]
    print("\ntargets:")
    print(
        f"  full rebuild own CPU ≤ 10 s: {'OK' if first['cpu_s'] <= 10 else 'MISSED'} ({first['cpu_s']:.1f} s at scale {args.scale})"
    )
    print(
        f"  unchanged re-run writes 0 items: {'OK' if again['totals'].get('written', 0) + again['totals'].get('lists_written', 0) + again['totals'].get('index_repaired', 0) == 0 else 'MISSED'}"
    )
    share = edited["totals"].get("written", 0) / max(1, first["totals"].get("kept", 0))
    print(
        f"  1 % of the offers changed writes ≤ 3 % of the match set: {'OK' if share <= 0.03 else 'MISSED'} "
        f"({edited['totals'].get('written', 0):,} matches of {first['totals'].get('kept', 0):,}: {share:.2%})"
    )
    s = events["new candidate, 30 km"]
    print(
        f"  new candidate ≤ 50 ms own CPU (p95 {s['cpu_p95_ms']:.1f} ms): {'OK' if s['cpu_p95_ms'] <= 50 else 'MISSED'}; ≤ 20 requests (p95 {s['requests_p95']:.0f}): {'OK' if s['requests_p95'] <= 20 else 'MISSED'}"
    )
    print(
        f"machine: {os.cpu_count()} cores, 1-minute load average at start, after seeding, after the run, at the end: {', '.join(f'{x:.1f}' for x in loads)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--burst", type=int, default=500, help="sign-ups of the burst")
    parser.add_argument("--json", type=Path, help="write the figures (for scripts/cost_model.py)")
    parser.add_argument("--port", type=int, help="moto's port on 127.0.0.1 (default: a free one)")
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="the run's worker code on in-memory answers (no moto): its own CPU at any scale",
    )
    parser.add_argument("--child", choices=["seed", "run", "events", "memory"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_memory and not args.child:
        loads = [os.getloadavg()[0]]
        result = run_child(args, dict(os.environ), "memory")
        loads.append(os.getloadavg()[0])
        print_memory(args, result, loads)
        if args.json:
            args.json.write_text(json.dumps({"scale": args.scale, "memory": result}, indent=1))
        return 0
    if args.child:
        work = {
            "memory": lambda: child_memory(args.scale, args.seed),
            "seed": lambda: child_seed(args.scale, args.seed),
            "run": lambda: child_run(args.seed),
            "events": lambda: child_events(args.scale, args.seed, args.burst),
        }
        print(json.dumps(work[args.child]()))
        return 0

    from scripts.provision import provision

    loads = [os.getloadavg()[0]]
    port = args.port or free_port()
    moto_env = {**os.environ, "PASSERELLE_MOTO_INDEXED_QUERIES": "1"}
    moto = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "moto_server.py"), "-H", "127.0.0.1", "-p", str(port)],
        env=moto_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        endpoint = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        env = {
            **os.environ,
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-west-3",
            "POWERTOOLS_METRICS_DISABLED": "true",
            "POWERTOOLS_LOG_LEVEL": "WARNING",
            **provision(endpoint, stage="local"),
        }
        seeded = run_child(args, env, "seed")
        loads.append(os.getloadavg()[0])
        run = run_child(args, env, "run")
        loads.append(os.getloadavg()[0])
        events = run_child(args, env, "events")
        loads.append(os.getloadavg()[0])
    finally:
        moto.terminate()
        try:
            moto.wait(timeout=30)
        except subprocess.TimeoutExpired:
            moto.kill()
    print_report(args, seeded, run, events, loads)
    if args.json:
        args.json.write_text(
            json.dumps({"scale": args.scale, "seeded": seeded, "run": run, "events": events}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
