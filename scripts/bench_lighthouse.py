"""Lighthouse on the main pages of the site, served by the local stack (what `make run` starts).

    .venv/bin/python scripts/bench_lighthouse.py                 # mobile (Lighthouse's default)
    .venv/bin/python scripts/bench_lighthouse.py --preset desktop --runs 3 --check
    .venv/bin/python scripts/bench_lighthouse.py --url http://127.0.0.1:8080   # a stack already running

Lighthouse 12.2.x (the last line that runs on Node 20) lives in tools/lighthouse, installed with
`npm ci --prefix tools/lighthouse` (done here if missing), so the site's own package.json stays small.
It drives Debian's Chromium (CHROME_PATH=/usr/bin/chromium) headless. The stack is the one the e2e
tests start (tests/e2e/conftest.py `start_stack`, demo data included) and is stopped at the end.

Prints the accessibility, best-practices and performance scores of each page (the median of --runs
for performance, which moves with the machine's load; the others do not move), the failing audits,
and the performance metrics. Targets: accessibility 100, best practices >= 95, performance >= 90.
Reports land in build/lighthouse/ (JSON, one per page and run).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOOL_DIR = ROOT / "tools" / "lighthouse"
LIGHTHOUSE = TOOL_DIR / "node_modules" / "lighthouse" / "cli" / "index.js"
REPORTS = ROOT / "build" / "lighthouse"
CHROME_PATH = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
PAGES = ("/", "/connexion.html", "/offres.html", "/candidat/inscription.html", "/employeur/inscription.html")
CATEGORIES = ("accessibility", "best-practices", "performance")
TARGETS = {"accessibility": 100, "best-practices": 95, "performance": 90}
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}


def ensure_lighthouse() -> None:
    if not LIGHTHOUSE.is_file():
        subprocess.run(
            ["npm", "ci", "--prefix", str(TOOL_DIR), "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=ROOT,
            check=True,
        )


def run_lighthouse(url: str, output: Path, preset: str) -> dict[str, Any]:
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--quiet",
        "--locale=fr",
    ]
    if preset == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, cwd=ROOT, env={**os.environ, "CHROME_PATH": CHROME_PATH}, check=True, timeout=300)
    return json.loads(output.read_text(encoding="utf-8"))


def summarise(lhr: dict[str, Any]) -> dict[str, Any]:
    scores = {name: round(lhr["categories"][name]["score"] * 100) for name in CATEGORIES}
    failing = {}
    for name in ("accessibility", "best-practices"):
        for ref in lhr["categories"][name]["auditRefs"]:
            audit = lhr["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                failing[ref["id"]] = audit["title"]
    metrics = {short: lhr["audits"][audit]["numericValue"] for audit, short in METRICS.items()}
    return {"scores": scores, "failing": failing, "metrics": metrics}


def bench(base_url: str, runs: int, preset: str, pages: tuple[str, ...] = PAGES) -> dict[str, dict[str, Any]]:
    REPORTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for page in pages:
        samples = []
        for run in range(runs):
            slug = page.strip("/").replace("/", "_").removesuffix(".html") or "index"
            output = REPORTS / f"{slug}-{preset}-{run + 1}.json"
            samples.append(summarise(run_lighthouse(base_url + page, output, preset)))
        by_performance = sorted(samples, key=lambda s: s["scores"]["performance"])
        median = by_performance[len(by_performance) // 2]  # the run with the median performance score
        median["performance_runs"] = [s["scores"]["performance"] for s in samples]
        results[page] = median
        print(_line(page, median), flush=True)
    return results


def _line(page: str, result: dict[str, Any]) -> str:
    scores, metrics = result["scores"], result["metrics"]
    return (
        f"{page:<28} a11y {scores['accessibility']:>3}  best {scores['best-practices']:>3}  "
        f"perf {scores['performance']:>3} {result['performance_runs']}  "
        f"FCP {metrics['FCP']:.0f} ms  LCP {metrics['LCP']:.0f} ms  TBT {metrics['TBT']:.0f} ms  "
        f"CLS {metrics['CLS']:.3f}"
        + (f"\n{'':<28} failing: {result['failing']}" if result["failing"] else "")
    )


def markdown(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| page | accessibilité | bonnes pratiques | performance (runs) | FCP | LCP | TBT | CLS |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for page, result in results.items():
        s, m = result["scores"], result["metrics"]
        lines.append(
            f"| `{page}` | {s['accessibility']} | {s['best-practices']} | {s['performance']} "
            f"({', '.join(map(str, result['performance_runs']))}) | {m['FCP'] / 1000:.1f} s | "
            f"{m['LCP'] / 1000:.1f} s | {m['TBT']:.0f} ms | {m['CLS']:.3f} |"
        )
    return "\n".join(lines)


def missed_targets(results: dict[str, dict[str, Any]]) -> list[str]:
    return [
        f"{page} {name} {result['scores'][name]} < {target}"
        for page, result in results.items()
        for name, target in TARGETS.items()
        if result["scores"][name] < target
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Lighthouse scores of the main pages on the local stack.")
    parser.add_argument("--runs", type=int, default=1, help="runs per page (median performance)")
    parser.add_argument("--preset", choices=["mobile", "desktop"], default="mobile")
    parser.add_argument("--url", help="base URL of a stack already running (default: start one)")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses a target")
    args = parser.parse_args(argv)

    ensure_lighthouse()
    stack = None
    if args.url:
        base_url = args.url.rstrip("/")
    else:
        from tests.e2e.conftest import start_stack

        stack = start_stack(Path(tempfile.mkdtemp(prefix="lighthouse-")))
        base_url = stack.site_url
    try:
        print(f"Lighthouse 12.2, {args.preset}, {args.runs} run(s) per page, {base_url}", flush=True)
        results = bench(base_url, args.runs, args.preset)
    finally:
        if stack is not None:
            stack.stop()
    if args.markdown:
        print(markdown(results))
    missed = missed_targets(results)
    print("targets met" if not missed else "targets missed: " + "; ".join(missed))
    if missed and args.check:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
