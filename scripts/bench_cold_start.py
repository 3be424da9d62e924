"""Cold start of the Lambda code: `import app` against `import boto3` alone, in fresh interpreters.

    .venv/bin/python scripts/bench_cold_start.py            # 7 runs of each, medians, ratio, offenders
    .venv/bin/python scripts/bench_cold_start.py --runs 11 --no-pyc

Every Lambda function of the app (API, schedules, queue workers) imports app.py on a cold start; the
Python runtime imports boto3 for nothing at all, so `import boto3` is the floor and the ratio says what
the app adds. Each measure is a new interpreter (`python -c`), timed inside it with perf_counter
around the import (interpreter start-up, the same for both, left out), with the stage's environment
from .chalice/config.json and no AWS endpoint: importing must make no AWS call. Medians of --runs.

--no-pyc also measures what a Lambda really does with the zip `chalice package` builds: it holds
no .pyc files and /var/task is read-only, so every module of the app and of its dependencies is
compiled at each cold start, while boto3 comes precompiled with the runtime. Simulated with an empty
PYTHONPYCACHEPREFIX filled by `import boto3` first, then PYTHONDONTWRITEBYTECODE for the app.

Target (docs/benchmarks.md, "Démarrage à froid"): import app <= 1.6 x import boto3.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 1.6
_TIMED = (
    "import time; t, c = time.perf_counter(), time.process_time(); import {statement}; "
    "print(time.perf_counter() - t, time.process_time() - c)"
)
# What any version of this app must import at start: the frameworks, none of the app's own modules.
LIBRARIES = (
    "boto3, chalice; from pydantic import BaseModel; from aws_lambda_powertools import Logger, Metrics"
)
_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


def lambda_env(stage: str = "prod") -> dict[str, str]:
    """The environment the stage's functions get (config.json), without any AWS endpoint or profile."""
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PASSERELLE_", "POWERTOOLS_"))}
    env.update(config.get("environment_variables", {}))
    env.update(config["stages"][stage].get("environment_variables", {}))
    env.update(
        {
            "AWS_DEFAULT_REGION": "eu-west-3",
            "AWS_REGION": "eu-west-3",
            "AWS_ACCESS_KEY_ID": "cold-start-bench",  # never used: no call is made
            "AWS_SECRET_ACCESS_KEY": "cold-start-bench",
            "AWS_LAMBDA_FUNCTION_NAME": f"passerelle-{stage}",
        }
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def time_import(module: str, env: dict[str, str]) -> tuple[float, float]:
    """(wall, CPU) seconds of the import in a new interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", _TIMED.format(statement=module)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = result.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def measure(
    runs: int, env: dict[str, str], app_env: dict[str, str] | None = None
) -> dict[str, list[tuple[float, float]]]:
    # Interleaved, so that a burst of load on the machine hits all three alike.
    times: dict[str, list[tuple[float, float]]] = {"boto3": [], "libraries": [], "app": []}
    time_import("app", app_env or env)  # warm the file cache (and the .pyc files, if written)
    for _ in range(runs):
        times["boto3"].append(time_import("boto3", env))
        times["libraries"].append(time_import(LIBRARIES, app_env or env))
        times["app"].append(time_import("app", app_env or env))
    return times


def offenders(
    env: dict[str, str], top: int = 12
) -> tuple[list[tuple[str, float]], list[tuple[str, float, float]]]:
    """(ms of self time per top-level package, biggest modules by cumulative ms) from -X importtime."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    by_package: dict[str, float] = defaultdict(float)
    modules = []
    for line in result.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if not match:
            continue
        self_us, cumulative_us, indent, name = int(match[1]), int(match[2]), match[3], match[4]
        package = name.split(".")[0]
        if package in sys.stdlib_module_names or package.startswith("_"):
            package = "(stdlib)"
        by_package[package] += self_us / 1000
        if package not in {"(stdlib)"}:
            modules.append((name, cumulative_us / 1000, self_us / 1000, len(indent) // 2))
    packages = sorted(by_package.items(), key=lambda item: item[1], reverse=True)[:top]
    # The biggest subtrees that are not simply the parents of bigger ones already listed.
    biggest = [
        (name, cum, own) for name, cum, own, depth in sorted(modules, key=lambda m: -m[1]) if depth <= 4
    ]
    return packages, biggest[:top]


def report(times: dict[str, list[tuple[float, float]]], label: str) -> float:
    """Medians of CPU time (the ratio) and of wall time (shown): CPU time hardly moves with the load
    that other processes put on the machine, wall time does. Imports are CPU-bound once the files
    are in the page cache, as on a Lambda's second cold start and after the first run here."""

    def median_ms(name: str, index: int) -> float:
        return statistics.median(sample[index] for sample in times[name]) * 1000

    boto3_cpu, libraries_cpu, app_cpu = (median_ms(name, 1) for name in ("boto3", "libraries", "app"))
    ratio = app_cpu / boto3_cpu
    verdict = "OK" if ratio <= TARGET_RATIO else "above target"
    print(label)
    print(f"  import boto3 : {boto3_cpu:5.0f} ms CPU  (wall {median_ms('boto3', 0):5.0f} ms)")
    print(
        f"  libraries    : {libraries_cpu:5.0f} ms CPU  (wall {median_ms('libraries', 0):5.0f} ms)  "
        f"{libraries_cpu / boto3_cpu:.2f} x: boto3, chalice, pydantic, Powertools Logger and Metrics"
    )
    print(f"  import app   : {app_cpu:5.0f} ms CPU  (wall {median_ms('app', 0):5.0f} ms)")
    print(f"  ratio        : {ratio:.2f} x  (target <= {TARGET_RATIO} x: {verdict})")
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Cold start: import app vs import boto3, fresh interpreters."
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stage", default="prod")
    parser.add_argument(
        "--no-pyc", action="store_true", help="also measure without the app's .pyc (as on Lambda)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio is above the target")
    args = parser.parse_args(argv)

    env = lambda_env(args.stage)
    print(
        f"Python {sys.version.split()[0]}, {args.runs} runs each, stage {args.stage}, {os.cpu_count()} CPUs"
    )
    ratio = report(measure(args.runs, env), "with .pyc files (a warm machine, `make run`)")

    if args.no_pyc:
        with tempfile.TemporaryDirectory() as cache:
            boto3_env = {**env, "PYTHONPYCACHEPREFIX": cache}
            time_import("boto3", boto3_env)  # boto3, botocore and the stdlib they use: precompiled
            app_env = {**boto3_env, "PYTHONDONTWRITEBYTECODE": "1"}
            report(
                measure(args.runs, boto3_env, app_env),
                "without the app's .pyc (the Lambda zip as Chalice builds it)",
            )

    packages, biggest = offenders(env)
    print("self import time by package (-X importtime, one run):")
    for package, ms in packages:
        print(f"  {ms:7.1f} ms  {package}")
    print("biggest imports (cumulative ms, own ms):")
    for name, cumulative, own in biggest:
        print(f"  {cumulative:7.1f} {own:6.1f}  {name}")
    return 1 if args.check and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    raise SystemExit(main())
