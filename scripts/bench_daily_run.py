"""The daily run over the whole demo: seeds the demo (named accounts, structures, the advisors'
caseload + six months of history) into
an in-process moto server, then times one daily run (every step) and counts its DynamoDB requests.

    .venv/bin/python scripts/bench_daily_run.py [--candidates 2500]

Prints: the demo load time, the daily run's time and counts, the DynamoDB requests by operation,
and the region's follow-up figures as the staff page shows them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=2500)
    args = parser.parse_args(argv)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer

    from scripts.moto_server import patch_moto
    from scripts.provision import provision

    patch_moto()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[key] = "testing"
    os.environ["AWS_DEFAULT_REGION"] = "eu-west-3"
    os.environ.update(provision(endpoint, stage="local", staff_emails=("agent@example.org",)))
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    from chalicelib import aws
    from chalicelib.config import get_settings

    get_settings.cache_clear()
    aws.reset()
    from chalicelib.repositories.db import count_requests
    from chalicelib.schemas.stats import StatsQuery
    from chalicelib.services import daily_runs
    from chalicelib.services.staff_stats import get_stats
    from scripts.demo_data import load_demo_data
    from scripts.demo_history import load_history

    started = time.monotonic()
    # The named accounts, structures and the advisors' caseload first (as `make run` loads them;
    # their history is loaded next, with the size asked), then the six months of history.
    os.environ["PASSERELLE_DEMO_HISTORY"] = "0"
    print(load_demo_data(), flush=True)
    print(load_history(candidates=args.candidates, offers=args.candidates // 8), flush=True)
    print(
        f"demo history loaded in {time.monotonic() - started:.1f} s (load average {os.getloadavg()[0]:.1f})"
    )
    with count_requests() as requests:
        started = time.monotonic()
        view = daily_runs.process(daily_runs.create_run("bench").id)
        elapsed = time.monotonic() - started
    print(f"daily run: {elapsed:.1f} s, {view.steps_done}/{view.steps_total} steps, counts {view.counts}")
    print(f"DynamoDB requests: {sum(requests.values())} {dict(sorted(requests.items()))}")
    region = get_stats(StatsQuery()).region
    for due, figures in (("1m", region.followup.one_month), ("6m", region.followup.six_months)):
        print(
            f"region {due}: in a job {figures.in_job_rate.rate} % ({figures.in_job} of {figures.due}), "
            f"response rate {figures.response_rate.rate} % ({figures.answered} of {figures.sent}), "
            f"in a job among answers {figures.in_job_among_answers.rate} %"
        )
    server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
