"""Load benchmark of the local stack: sign-ups, offer submissions and match reads under 1 to 16
concurrent clients, then a check that every acknowledged record was stored.

    .venv/bin/python scripts/bench_load.py --levels 1,4,8,16 --requests 200 --max-seconds 60

Starts its own local stack (`scripts/local_stack.py` through `tests/e2e/conftest.start_stack`:
moto, `chalice local`, the dev server; demo data) on free ports of 127.0.0.1, and sends every
request through the dev server, as the site does. Per scenario and concurrency level: at most
`--requests` requests, at most `--max-seconds` seconds; each thread has its own HTTP session.

- matches: GET /api/candidates/me/matches with the sessions of 16 demo candidates (200 expected);
- offer: POST /api/offers with the demo employer's session (201 expected);
- sign-up: POST /api/candidates, a new address each time (201 expected).

In that order: sign-ups go last because on moto their cost grows with the table (the unique
e-mail is claimed in a TransactWriteItems, and moto copies the whole table for each one:
127 ms at 500 items, 449 ms at 2,000, 1,177 ms at 5,000 on this machine, against 6 ms for a
PutItem), so they would slow down the scenarios after them.

Sessions are opened the real way (e-mailed link read from moto's SES); 17 links, under the limit
of 30 per client. Each sign-up and offer queues a matching of its bassin, which the stack's worker
runs in the process that also runs the dev server: before each level the script waits (at most
`--queue-wait` s) for that queue to be empty, so that one level's background matching weighs as
little as possible on the next one's figures, and reports what was left ("backlog").

The check reads DynamoDB on moto by the keys of what was acknowledged (consistent reads): every
201 must be stored, with the data of its own request (e-mail, title), and nothing of this run
may be stored without a 201 (reported: a request the client gave up on may still have been
written). Exit status 1 if an acknowledged record is missing or holds another request's data.

Figures depend on the machine and on what else runs on it: the script prints the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import boto3
import requests
from boto3.dynamodb.conditions import Attr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.moto_mail import latest_token  # noqa: E402
from tests.e2e.conftest import start_stack  # noqa: E402

DEMO_EMPLOYER = "employeur.demo@example.org"
DEMO_EMPLOYER_ID = "demo-emp-0"
MATCH_READERS = 16  # demo candidates candidat1..16@example.org (each has matches once a run is done)
ROME = "G1609"  # Cuisinier / Cuisinière
COOKIE = "passerelle_session"
REQUEST_TIMEOUT_S = 30


# --- one request -------------------------------------------------------------------------------
@dataclass
class Outcome:
    status: int  # 0: no answer (timeout, connection error)
    ms: float
    body: Any = None
    sent: Any = None


@dataclass
class Level:
    scenario: str
    threads: int
    outcomes: list[Outcome] = field(default_factory=list)
    wall_s: float = 0.0

    def summary(self, expected: int) -> dict[str, Any]:
        latencies = sorted(o.ms for o in self.outcomes)
        errors = sum(1 for o in self.outcomes if o.status != expected)
        return {
            "scenario": self.scenario,
            "threads": self.threads,
            "requests": len(self.outcomes),
            "wall_s": round(self.wall_s, 2),
            "throughput_rps": round(len(self.outcomes) / self.wall_s, 1) if self.wall_s else 0.0,
            "p50_ms": round(_percentile(latencies, 50), 1),
            "p95_ms": round(_percentile(latencies, 95), 1),
            "p99_ms": round(_percentile(latencies, 99), 1),
            "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
            "errors": errors,
            "statuses": dict(sorted(Counter(o.status for o in self.outcomes).items())),
        }


def _percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * pct // 100))  # ceil
    return sorted_values[int(rank) - 1]


def run_level(
    scenario: str,
    threads: int,
    total: int,
    max_seconds: float,
    send: Callable[[requests.Session, int, int, int], Outcome],
) -> Level:
    """`send(session, thread, n, threads)` for n in 0..total-1, spread over `threads` threads."""
    level = Level(scenario, threads)
    counter = iter(range(total))
    lock = threading.Lock()
    deadline = time.monotonic() + max_seconds
    start = threading.Barrier(threads + 1)

    def worker(index: int) -> None:
        with requests.Session() as session:
            start.wait()
            while time.monotonic() < deadline:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                outcome = send(session, index, n, threads)
                with lock:
                    level.outcomes.append(outcome)

    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in pool:
        thread.join(max_seconds + REQUEST_TIMEOUT_S + 5)
    level.wall_s = time.perf_counter() - began
    return level


def timed(session: requests.Session, method: str, url: str, sent: Any = None, **kwargs: Any) -> Outcome:
    began = time.perf_counter()
    try:
        response = session.request(method, url, timeout=REQUEST_TIMEOUT_S, **kwargs)
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
    except requests.RequestException as exc:
        status, body = 0, repr(exc)
    return Outcome(status, (time.perf_counter() - began) * 1000, body, sent)


# --- bodies --------------------------------------------------------------------------------------
def competences(code_rome: str, count: int) -> list[str]:
    from chalicelib.domain.referentials import get_referentials

    return [c.code for c in get_referentials().competences_of(code_rome)[:count]]


def main_communes() -> list[str]:
    """The most populous commune of each of the 27 bassins d'emploi: the records of a level are
    spread over the region, as real sign-ups and offers are (the matching triggered by each one
    recomputes its bassin: all in one bassin would measure that bassin's growth instead)."""
    from chalicelib.domain.referentials import get_referentials

    best: dict[str, Any] = {}
    for commune in get_referentials().communes.values():
        current = best.get(commune.bassin_code)
        if current is None or commune.population > current.population:
            best[commune.bassin_code] = commune
    return [best[b].code_insee for b in sorted(best)]


def candidate_body(email: str, commune: str, today: date) -> dict[str, Any]:
    return {
        "email": email,
        "first_name": "Camille",
        "last_name": "Charge",
        "code_insee": commune,
        "mobility_km": 30,
        "training": {
            "title": "CAP Cuisine",
            "code_rome": [ROME],
            "end_date": (today - timedelta(days=30)).isoformat(),
            "organisation": "AFPA Metz",
            "certification_obtained": True,
        },
        "target_code_rome": [ROME],
        "competences": competences(ROME, 3),
        "contract_types": ["cdi", "cdd"],
        "available_from": today.isoformat(),
        "consent_contact": True,
        "consent_terms": True,
    }


def offer_body(title: str, commune: str, today: date) -> dict[str, Any]:
    return {
        "title": title,
        "code_rome": ROME,
        "description": "Brasserie de centre-ville, service du midi et du soir, équipe de six personnes.",
        "competences": competences(ROME, 3),
        "code_insee": commune,
        "contract_type": "cdi",
        "positions": 1,
        "start_date": (today + timedelta(days=14)).isoformat(),
    }


# --- the stack -----------------------------------------------------------------------------------
def sign_in(site: str, moto: str, email: str) -> str:
    answer = requests.post(f"{site}/api/auth/magic-link", json={"email": email}, timeout=REQUEST_TIMEOUT_S)
    assert answer.status_code == 202, answer.text
    token = latest_token(moto, email)
    assert token, f"no sign-in link for {email}"
    answer = requests.post(f"{site}/api/auth/session", json={"token": token}, timeout=REQUEST_TIMEOUT_S)
    assert answer.status_code == 200, answer.text
    return answer.cookies[COOKIE]


def aws(moto: str, service: str, resource: bool = False) -> Any:
    from botocore.config import Config

    session = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials
        region_name="eu-west-3",
    )
    # A saturated moto may take long to answer: the check must still get its answers.
    config = Config(read_timeout=300, retries={"max_attempts": 5, "mode": "standard"})
    return (session.resource if resource else session.client)(service, endpoint_url=moto, config=config)


def stack_outputs(moto: str) -> dict[str, str]:
    stack = aws(moto, "cloudformation").describe_stacks(StackName="passerelle-local")["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}


def queue_depth(moto: str, queue_url: str) -> int:
    attributes = aws(moto, "sqs").get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(v) for v in attributes.values())


def wait_for_empty_queue(moto: str, queue_url: str, limit_s: float) -> tuple[float, int]:
    """Waits (at most `limit_s`) until the stack's worker has emptied the queue: (waited, left)."""
    from botocore.exceptions import BotoCoreError, ClientError

    began = time.monotonic()
    left = -1
    while time.monotonic() - began < limit_s:
        try:
            left = queue_depth(moto, queue_url)
        except (BotoCoreError, ClientError):
            left = -1  # unknown: moto too busy to answer in time
        if left == 0:
            break
        time.sleep(0.5)
    return time.monotonic() - began, left


def wait_for_matches(site: str, cookie: str, limit_s: float = 120) -> int:
    """The stack runs a matching 5 s after start: waits until the demo candidate sees matches."""
    began = time.monotonic()
    while time.monotonic() - began < limit_s:
        answer = requests.get(
            f"{site}/api/candidates/me/matches", cookies={COOKIE: cookie}, timeout=REQUEST_TIMEOUT_S
        )
        if answer.status_code == 200 and answer.json():
            return len(answer.json())
        time.sleep(1)
    raise RuntimeError("no matches for the demo candidates: the scheduled matching did not run")


# --- the check -----------------------------------------------------------------------------------
def check_stored(moto: str, table_name: str, run: str, signups: list[Level], offers: list[Level]) -> dict:
    """Acknowledged (201) against stored, by key, with consistent reads."""
    table = aws(moto, "dynamodb", resource=True).Table(table_name)
    report: dict[str, Any] = {}

    acknowledged = [o for level in signups for o in level.outcomes if o.status == 201]
    missing, wrong = [], []
    for outcome in acknowledged:
        cid = outcome.body["id"]
        item = table.get_item(Key={"PK": f"CAND#{cid}", "SK": "PROFILE"}, ConsistentRead=True).get("Item")
        claim = table.get_item(Key={"PK": f"EMAIL#{outcome.sent}", "SK": "EMAIL"}, ConsistentRead=True).get(
            "Item"
        )
        if item is None or claim is None:
            missing.append(cid)
        elif item.get("email") != outcome.sent or claim.get("owner_id") != cid:
            wrong.append(cid)
    stored = _scan(table, Attr("kind").eq("candidate") & Attr("email").begins_with(f"charge-{run}-"))
    report["signups"] = {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "missing": missing,
        "wrong_data": wrong,
        "stored_without_201": len({i["id"] for i in stored} - {o.body["id"] for o in acknowledged}),
    }

    acknowledged = [o for level in offers for o in level.outcomes if o.status == 201]
    missing, wrong = [], []
    for outcome in acknowledged:
        oid = outcome.body["id"]
        item = table.get_item(Key={"PK": f"OFFER#{oid}", "SK": "OFFER"}, ConsistentRead=True).get("Item")
        if item is None:
            missing.append(oid)
        elif item.get("title") != outcome.sent or item.get("employer_id") != DEMO_EMPLOYER_ID:
            wrong.append(oid)
    stored = _scan(table, Attr("title").begins_with(f"Cuisinier charge {run} "))
    report["offers"] = {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "missing": missing,
        "wrong_data": wrong,
        "stored_without_201": len({i["id"] for i in stored} - {o.body["id"] for o in acknowledged}),
    }
    return report


def _scan(table: Any, condition: Any) -> list[dict]:
    items, kwargs = [], {"FilterExpression": condition, "ConsistentRead": True}
    while True:
        page = table.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# --- main ----------------------------------------------------------------------------------------
def print_table(rows: list[dict]) -> None:
    print(
        "| scénario | threads | requêtes | débit (req/s) | p50 (ms) | p95 (ms) | p99 (ms) | erreurs "
        "| statuts | file d'appariement au départ |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        statuses = ", ".join(f"{k}×{v}" for k, v in r["statuses"].items())
        print(
            f"| {r['scenario']} | {r['threads']} | {r['requests']} | {r['throughput_rps']} | {r['p50_ms']} "
            f"| {r['p95_ms']} | {r['p99_ms']} | {r['errors']} | {statuses} | {r['backlog_at_start']} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="1,4,8,16", help="concurrency levels (threads), comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="requests per scenario and level")
    parser.add_argument("--max-seconds", type=float, default=60, help="time limit per scenario and level")
    parser.add_argument(
        "--scenarios", default="matches,offer,signup", help="among matches, offer, signup (in this order)"
    )
    parser.add_argument(
        "--queue-wait",
        type=float,
        default=30,
        help="before each level, wait at most this long for the matching queue to be emptied",
    )
    parser.add_argument("--json", type=Path, help="also write the figures and the check there")
    args = parser.parse_args()
    levels = [int(n) for n in args.levels.split(",")]
    scenarios = [s.strip() for s in args.scenarios.split(",")]
    assert set(scenarios) <= {"matches", "offer", "signup"}, scenarios
    assert max(levels) <= MATCH_READERS or "matches" not in scenarios, f"at most {MATCH_READERS} readers"
    run = uuid.uuid4().hex[:8]
    today = date.today()
    communes = main_communes()

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        started = time.monotonic()
        stack = start_stack(Path(tmp), demo=True)
        print(f"pile locale prête en {time.monotonic() - started:.1f} s : {stack.site_url}", flush=True)
        try:
            site, moto = stack.site_url, stack.moto_url
            outputs = stack_outputs(moto)
            queue = outputs["MatchingQueueUrl"]
            employer = sign_in(site, moto, DEMO_EMPLOYER)
            readers = [sign_in(site, moto, f"candidat{i}@example.org") for i in range(1, MATCH_READERS + 1)]
            print(
                f"appariements de démonstration prêts ({wait_for_matches(site, readers[0])} offres)",
                flush=True,
            )

            def send_matches(session: requests.Session, thread: int, n: int, threads: int) -> Outcome:
                session.cookies.set(COOKIE, readers[thread])
                return timed(session, "GET", f"{site}/api/candidates/me/matches")

            def send_signup(session: requests.Session, thread: int, n: int, threads: int) -> Outcome:
                email = f"charge-{run}-{threads}-{n}@example.net"
                body = candidate_body(email, communes[n % len(communes)], today)
                return timed(session, "POST", f"{site}/api/candidates", email, json=body)

            def send_offer(session: requests.Session, thread: int, n: int, threads: int) -> Outcome:
                title = f"Cuisinier charge {run} {threads}-{n}"
                session.cookies.set(COOKIE, employer)
                body = offer_body(title, communes[n % len(communes)], today)
                return timed(session, "POST", f"{site}/api/offers", title, json=body)

            expected = {"matches": 200, "signup": 201, "offer": 201}
            senders = {"matches": send_matches, "signup": send_signup, "offer": send_offer}
            results: dict[str, list[Level]] = {s: [] for s in scenarios}
            rows = []
            for scenario in scenarios:
                for threads in levels:
                    waited, backlog = wait_for_empty_queue(moto, queue, args.queue_wait)
                    level = run_level(scenario, threads, args.requests, args.max_seconds, senders[scenario])
                    results[scenario].append(level)
                    rows.append({**level.summary(expected[scenario]), "backlog_at_start": backlog})
                    rows[-1]["queue_wait_s"] = round(waited, 1)
                    print(json.dumps(rows[-1], ensure_ascii=False), flush=True)

            server_errors = [
                o for lv in results.values() for level in lv for o in level.outcomes if o.status >= 500
            ]
            if server_errors:
                print(f"\n{len(server_errors)} réponse(s) 5xx ; erreurs du journal de la pile :")
                for line in stack.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
                    if '"level":"ERROR"' in line or "Traceback" in line:
                        print("  " + line[:4000])
            check = check_stored(
                moto, outputs["DataTableName"], run, results.get("signup", []), results.get("offer", [])
            )
        finally:
            stack.stop()

    print()
    print(f"charge de la machine (load average 1/5/15 min) : {os.getloadavg()}")
    print_table(rows)
    print()
    print("vérification (accusés 201 / enregistrés) :", json.dumps(check, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "check": check}, indent=1, ensure_ascii=False))
    # A record stored without a 201 (the client gave up waiting) is reported, not counted as lost.
    lost = any(c["missing"] or c["wrong_data"] for c in check.values())
    print("AUCUN ENREGISTREMENT PERDU" if not lost else "ENREGISTREMENTS PERDUS OU FAUX")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
