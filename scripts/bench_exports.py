"""Benchmark of the export writers: time and memory of a candidates export streamed to S3.

    .venv/bin/python scripts/bench_exports.py --sizes 20000,100000 --formats csv,xlsx --seed 7

The script starts an in-process moto server (ThreadedMotoServer) with an exports bucket, then
runs each measurement in a fresh child process (this script with --worker) that talks to it
over HTTP, so that the child's memory is the export pipeline's alone and not moto's, which keeps
every uploaded byte in memory. The child generates seeded candidate records from the real
reference data (Grand Est communes, ROME fiches and their competences), turns them into rows with
`export_columns.candidate_row` and hands the row generator to `build_export.write_csv` /
`write_xlsx`: the very code of the exports worker, from the first row to the completed
multipart upload. Reading the rows from DynamoDB (Query pages of 1 MB) is left out: moto is far
slower than DynamoDB at 100,000 items and that part only holds one page at a time.

Two runs per case: one without tracemalloc for the time and the peak RSS (VmHWM after resetting
it, minus VmRSS before), one with tracemalloc for the peak of Python allocations (tracemalloc
slows Python down, so its run is not timed). Memory must not grow with the row count: the
100,000-row peaks are printed next to the 20,000-row ones with their ratio.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUCKET = "passerelle-bench-exports"
TARGET_MB = 200.0
TODAY = date(2026, 3, 2)
CONTRACTS = ("cdi", "cdd", "interim", "alternance")
FIRST_NAMES = ("Camille", "Léa", "Noé", "Zoé", "Jérôme", "Anaïs", "Maël", "Inès", "Théo", "Chloé")
LAST_NAMES = ("Dupont", "Müller", "Lefèvre", "Schmitt", "N'Diaye", "Da Silva", "Weiß", "Hoël")


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")  # Linux: resets VmHWM to the current RSS
    except OSError:
        return False
    return True


def generate(count: int, seed: int) -> Iterator:
    """Seeded candidate records, made one at a time (the export never holds them all)."""
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.schemas.candidates_store import CandidateRecord, TrainingRecord

    refs = get_referentials()
    rnd = random.Random(seed)
    communes = sorted(refs.communes.values(), key=lambda c: c.code_insee)
    cumulative = list(itertools.accumulate(c.population for c in communes))
    fiches = sorted(code for code, m in refs.metiers.items() if m.competences)
    for n in range(count):
        commune = rnd.choices(communes, cum_weights=cumulative)[0]
        training = rnd.choice(fiches)
        target = rnd.choice(fiches)
        pool = refs.metiers[training].competences
        stamp = (datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=rnd.randint(0, 600_000))).isoformat()
        yield CandidateRecord(
            id=f"{rnd.getrandbits(64):016x}{n:08d}",
            email=f"candidat{n}@example.net",
            first_name=rnd.choice(FIRST_NAMES),
            last_name=rnd.choice(LAST_NAMES),
            phone=f"+336{rnd.randint(10_000_000, 99_999_999)}" if rnd.random() < 0.8 else None,
            code_insee=commune.code_insee,
            bassin=commune.bassin_code,
            mobility_km=rnd.randint(5, 60),
            training=TrainingRecord(
                title=f"Titre professionnel {refs.metiers[training].label}"[:150],
                code_rome=[training],
                end_date=TODAY - timedelta(days=rnd.randint(-80, 365)),
                organisation=rnd.choice(("AFPA Metz", "GRETA Lorraine Nord", "CFA; Strasbourg", None)),
                certification_obtained=rnd.random() < 0.7,
            ),
            target_code_rome=[target],
            competences=rnd.sample(pool, min(len(pool), rnd.randint(3, 8))),
            contract_types=rnd.sample(CONTRACTS, rnd.randint(1, 3)),
            available_from=TODAY + timedelta(days=rnd.randint(-30, 60)),
            consent_contact=rnd.random() < 0.9,
            consent_terms_at=stamp,
            visible=rnd.random() < 0.95,
            created_at=stamp,
            updated_at=stamp,
            last_active_at=stamp,
        )


def worker(rows: int, fmt_name: str, seed: int, trace: bool) -> dict:
    from chalicelib import aws
    from chalicelib.domain import export_columns as columns
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.services import build_export

    refs = get_referentials()
    aws.client("s3")  # connected before measuring, as in a warm Lambda
    lines = (columns.candidate_row(record, refs) for record in generate(rows, seed))
    key = f"exports/bench/{rows}{'-traced' if trace else ''}.{fmt_name}"
    rss_before = _status_kb("VmRSS")
    reset = _reset_peak_rss()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    if fmt_name == "csv":
        written, size = build_export.write_csv(columns.CANDIDATE_HEADER, lines, key)
    else:
        written, size = build_export.write_xlsx(columns.CANDIDATE_HEADER, lines, key, "Candidats")
    elapsed = time.perf_counter() - started
    result = {"rows": written, "bytes": size, "key": key, "seconds": round(elapsed, 2)}
    if trace:
        result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    else:
        result["rss_before_mb"] = round(rss_before / 1024, 1)
        result["rss_peak_delta_mb"] = round((_status_kb("VmHWM") - rss_before) / 1024, 1)
        result["rss_peak_mb"] = round(_status_kb("VmHWM") / 1024, 1)
        result["peak_reset"] = reset
    return result


def _child(env: dict[str, str], rows: int, fmt_name: str, seed: int, trace: bool) -> dict:
    command = [sys.executable, __file__, "--worker", fmt_name, "--rows", str(rows), "--seed", str(seed)]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _check_object(s3, key: str, result: dict, fmt_name: str) -> str:
    """The object on S3 has the size written and (CSV) one line per row plus the header."""
    head = s3.head_object(Bucket=BUCKET, Key=key)
    assert head["ContentLength"] == result["bytes"], (head["ContentLength"], result["bytes"])
    if fmt_name == "csv":
        body = s3.get_object(Bucket=BUCKET, Key=key)["Body"]
        lines = sum(chunk.count(b"\r\n") for chunk in iter(lambda: body.read(1 << 20), b""))
        # quoted cells never hold CRLF here (organisation and titles are one line)
        assert lines == result["rows"] + 1, (lines, result["rows"])
        return "ok (size, lines)"
    return "ok (size)"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows of one worker run")
    parser.add_argument("--sizes", default="20000,100000", help="row counts to compare, smallest first")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", choices=("csv", "xlsx"))
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.rows, args.worker, args.seed, args.trace)))
        return

    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per uploaded part

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        env = {
            **os.environ,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-west-3",
            "AWS_ENDPOINT_URL": f"http://{host}:{port}",
            "PASSERELLE_EXPORTS_BUCKET": BUCKET,
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
        s3 = boto3.client(
            "s3",
            endpoint_url=env["AWS_ENDPOINT_URL"],
            region_name="eu-west-3",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials
        )
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"})
        print(f"moto in-process on {env['AWS_ENDPOINT_URL']}; seed {args.seed}; one child process per run")
        header = (
            f"{'format':<6} {'rows':>8} {'time s':>7} {'rows/s':>8} {'file MB':>8} "
            f"{'RSS peak Δ MB':>13} {'RSS peak MB':>11} {'tracemalloc peak MB':>19}  check"
        )
        print(header)
        sizes = [int(n) for n in args.sizes.split(",")]
        formats = args.formats.split(",")
        results: dict[tuple[str, int], dict] = {}
        for fmt_name in formats:
            for rows in sizes:
                timed = _child(env, rows, fmt_name, args.seed, trace=False)
                traced = _child(env, rows, fmt_name, args.seed, trace=True)
                check = _check_object(s3, timed["key"], timed, fmt_name)
                results[(fmt_name, rows)] = {**timed, **traced}
                print(
                    f"{fmt_name:<6} {rows:>8} {timed['seconds']:>7.1f} {rows / timed['seconds']:>8.0f} "
                    f"{timed['bytes'] / 2**20:>8.1f} {timed['rss_peak_delta_mb']:>13.1f} "
                    f"{timed['rss_peak_mb']:>11.1f} {traced['tracemalloc_peak_mb']:>19.1f}  {check}"
                )
        worst = max(max(r["rss_peak_mb"], r["tracemalloc_peak_mb"]) for r in results.values())
        for fmt_name in formats:
            small = results[(fmt_name, sizes[0])]
            for rows in sizes[1:]:
                large = results[(fmt_name, rows)]
                print(
                    f"{fmt_name}: {rows} rows vs {sizes[0]} ({rows / sizes[0]:.0f}x the rows): "
                    f"RSS peak {large['rss_peak_mb'] / small['rss_peak_mb']:.2f}x, "
                    f"RSS peak Δ {large['rss_peak_delta_mb'] / max(small['rss_peak_delta_mb'], 0.1):.2f}x, "
                    f"tracemalloc peak {large['tracemalloc_peak_mb'] / max(small['tracemalloc_peak_mb'], 0.1):.2f}x"
                )
        verdict = "OK" if worst < TARGET_MB else "OVER TARGET"
        print(
            f"largest peak (child process RSS or Python heap): {worst:.1f} MB; target < {TARGET_MB:.0f} MB: {verdict}"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
