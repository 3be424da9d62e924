"""Cold start of the deployment package: `import app` against `import boto3`, in fresh interpreters.

    .venv/bin/python scripts/bench_cold_start.py                 # 7 runs of each, medians, ratios
    .venv/bin/python scripts/bench_cold_start.py --runs 11 --check

Every Lambda function of the app (API, schedules, queue workers) imports app.py on a cold start, from
the zip unpacked in /var/task, which is read-only; the Python runtime imports boto3 for nothing at all
(precompiled, from the runtime's own folder), so `import boto3` is the floor and the ratio says what
the app adds.

The script builds the package as `make package` does (scripts/package.py: `chalice package`, every
module compiled with unchecked-hash .pyc, reproducible zip), for this machine's architecture (the
production zip is arm64: its numpy and pydantic_core would not load here; the pure-Python files and
.pyc are the same), unpacks it into a read-only folder, and runs each import there: a new interpreter
(`python -c`, this venv's Python 3.13) per measure, the folder as working directory (first on
sys.path, as /var/task is on Lambda), boto3 from the venv (precompiled, as the runtime's), the stage's
environment from .chalice/config.json and no AWS endpoint: importing must make no AWS call. The
import is timed inside the interpreter (interpreter start-up, the same for both, left out); medians
of --runs, CPU time for the ratio (wall time shown).

Measured twice: with the package's .pyc files, and with them deleted (the zip as Chalice alone builds
it: each cold start compiles every module of the app and of its dependencies). PYTHONDONTWRITEBYTECODE
is set (root ignores the folder's read-only mode) and the script checks nothing was written.

Target (docs/benchmarks.md, "Démarrage à froid"): import app <= 1.6 x import boto3, with the .pyc.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `scripts` must be importable
    sys.path.insert(0, str(ROOT))

from scripts import package  # noqa: E402

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
    env.pop("PYTHONPYCACHEPREFIX", None)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # /var/task is read-only (and root ignores the mode bits)
    return env


def time_import(module: str, env: dict[str, str], task: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of the import in a new interpreter started in the unpacked package."""
    result = subprocess.run(
        [sys.executable, "-c", _TIMED.format(statement=module)],
        cwd=task,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu = result.stdout.strip().splitlines()[-1].split()
    return float(wall), float(cpu)


def measure(runs: int, env: dict[str, str], task: Path) -> dict[str, list[tuple[float, float]]]:
    # Interleaved, so that a burst of load on the machine hits all three alike.
    times: dict[str, list[tuple[float, float]]] = {"boto3": [], "libraries": [], "app": []}
    time_import("app", env, task)  # warm the file cache
    for _ in range(runs):
        times["boto3"].append(time_import("boto3", env, task))
        times["libraries"].append(time_import(LIBRARIES, env, task))
        times["app"].append(time_import("app", env, task))
    return times


def offenders(
    env: dict[str, str], task: Path, top: int = 12
) -> tuple[list[tuple[str, float]], list[tuple[str, float, float]]]:
    """(ms of self time per top-level package, biggest modules by cumulative ms) from -X importtime."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"],
        cwd=task,
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


def host_architecture() -> str:
    return {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[
        platform.machine().lower()
    ]


def unpack_read_only(zip_path: Path, task: Path, keep_pyc: bool) -> int:
    """The zip unpacked as Lambda does, read-only; without its .pyc files if not `keep_pyc`."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(task)
    if not keep_pyc:
        for cache in list(task.rglob("__pycache__")):
            shutil.rmtree(cache)
    read_only = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH
    for path in task.rglob("*"):
        path.chmod(read_only | (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH if path.is_dir() else 0))
    task.chmod(0o555)
    return sum(1 for _ in task.rglob("*.pyc"))


def _tree(task: Path) -> set[str]:
    return {path.relative_to(task).as_posix() for path in task.rglob("*")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Cold start of the deployment package: import app vs import boto3, fresh interpreters."
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stage", default="prod")
    parser.add_argument(
        "--zip",
        type=Path,
        help="a deployment.zip built for this machine's architecture (default: build one, as make package)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the ratio is above the target")
    args = parser.parse_args(argv)

    env = lambda_env(args.stage)
    with tempfile.TemporaryDirectory(prefix="passerelle-cold-start-") as scratch:
        scratch_dir = Path(scratch)
        zip_path = args.zip
        if zip_path is None:
            architecture = host_architecture()
            print(f"building the package for {architecture} (scripts/package.py)…", flush=True)
            zip_path = package.build(scratch_dir / "package", args.stage, architecture)
        print(package.summary(zip_path))
        ratios = {}
        for keep_pyc, label in (
            (True, "package with its .pyc files (make package)"),
            (False, "package without .pyc (the zip as Chalice alone builds it)"),
        ):
            task = scratch_dir / ("task" if keep_pyc else "task-no-pyc")
            pyc = unpack_read_only(zip_path, task, keep_pyc)
            before = _tree(task)
            load = os.getloadavg()
            print(
                f"Python {sys.version.split()[0]}, {args.runs} runs each, stage {args.stage}, "
                f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
            )
            ratios[keep_pyc] = report(measure(args.runs, env, task), f"{label}: {pyc} .pyc")
            print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
            if _tree(task) != before:
                raise SystemExit(f"{task}: files were written during the runs")
            if keep_pyc:
                packages, biggest = offenders(env, task)
            for path in [task, *task.rglob("*")]:  # writable again, so the folder can be removed
                if path.is_dir():
                    path.chmod(0o755)

    print(f"with / without .pyc: {ratios[True]:.2f} x / {ratios[False]:.2f} x import boto3")
    print("self import time by package (-X importtime, one run, with .pyc):")
    for name, ms in packages:
        print(f"  {ms:7.1f} ms  {name}")
    print("biggest imports (cumulative ms, own ms):")
    for name, cumulative, own in biggest:
        print(f"  {cumulative:7.1f} {own:6.1f}  {name}")
    return 1 if args.check and ratios[True] > TARGET_RATIO else 0


if __name__ == "__main__":
    raise SystemExit(main())
