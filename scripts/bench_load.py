"""Load benchmark of the local stack: match reads, offer submissions and sign-ups under 1 to 16
concurrent clients, then a check that every acknowledged record was stored.

    .venv/bin/python scripts/bench_load.py --levels 1,4,8,16 --requests 200 --max-seconds 60

Each scenario gets a local stack of its own (`scripts/local_stack.py` through
`tests/e2e/conftest.start_stack`: moto, `chalice local`, the dev server, the demo data) on free
ports of 127.0.0.1, so that none inherits the records and the matching backlog of another; every
request goes through the dev server, as the site's do. Per scenario and concurrency level: at most
`--requests` requests and `--max-seconds` seconds (requests in flight then may take up to 30 s
more); each thread has its own HTTP session.

- matches: GET /api/candidates/me/matches with the sessions of 16 demo candidates (200 expected);
- offer: POST /api/offers with the demo employer's session (201 expected);
- sign-up: POST /api/candidates, a new address each time (201 expected).

Offers and sign-ups are spread over the 27 bassins d'emploi. Sessions are opened the real way
(e-mailed link read from moto's SES; 16 links at most per stack, under the limit of 30 per client).
Each offer and sign-up queues a matching, which the stack's worker runs in the process that also
runs the dev server: before each level the script waits (at most `--queue-wait` s) for that queue
to be empty, and reports what was left ("backlog").

The check reads DynamoDB on moto by the keys of what was acknowledged (consistent BatchGetItem):
every 201 must be stored, with the data of its own request (e-mail and EMAIL# claim, or title and
owner), and a scan counts what this run stored without a 201 (reported, not counted as lost: a
request the client gave up on may still have been written). Exit status 1 if an acknowledged
record is missing or holds another request's data.

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

from chalicelib.domain.calendar import paris_today

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.moto_mail import messages_to, wait_for_token  # noqa: E402
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
    answered_at: float = 0.0  # time.monotonic() when the answer came


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
    return Outcome(status, (time.perf_counter() - began) * 1000, body, sent, time.monotonic())


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
    before = len(messages_to(moto, email))
    answer = requests.post(f"{site}/api/auth/magic-link", json={"email": email}, timeout=REQUEST_TIMEOUT_S)
    assert answer.status_code == 202, answer.text
    token = wait_for_token(moto, email, before)
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


# --- freshness: sign-up answered → its matches readable ------------------------------------------
class Freshness:
    """Watches the sign-ups acknowledged during a level: a sign-up is fresh once its MATCHED item
    (written by the per-event worker after its matches and the offers' lists: docs/matching.md,
    E8) holds its version; polled by consistent BatchGetItem every `period` s, so each figure is
    late by at most one period. Then one Query of GSI1 per sign-up (what GET
    /api/candidates/me/matches reads) counts those who have matches."""

    def __init__(self, moto: str, table_name: str, period: float = 0.25) -> None:
        self.moto, self.table, self.period = moto, table_name, period
        self.answered: dict[str, float] = {}
        self.seen: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.watch, daemon=True)
        self.thread.start()

    def add(self, outcome: Outcome) -> None:
        if outcome.status == 201:
            with self.lock:
                self.answered[outcome.body["id"]] = outcome.answered_at

    def watch(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        while not self.stop.wait(self.period):
            with self.lock:
                pending = [i for i in self.answered if i not in self.seen]
            if not pending:
                continue
            try:
                found = batch_get(
                    self.moto, self.table, [{"PK": f"CAND#{i}", "SK": "MATCHED"} for i in pending]
                )
            except (BotoCoreError, ClientError):  # moto too busy: next round
                continue
            now = time.monotonic()
            with self.lock:
                for (pk, _), item in found.items():
                    if int(item.get("version", 0)) >= 1:
                        self.seen.setdefault(pk[len("CAND#") :], now)

    def wait_all(self, limit_s: float) -> float:
        """Waits until every acknowledged sign-up is matched (at most `limit_s`): the time waited."""
        began = time.monotonic()
        while time.monotonic() - began < limit_s:
            with self.lock:
                if len(self.seen) >= len(self.answered):
                    break
            time.sleep(self.period)
        return time.monotonic() - began

    def summary(self, load_ended: float, drain_s: float, queue_left: int) -> dict[str, Any]:
        self.stop.set()
        self.thread.join(10)
        delays = sorted((self.seen[i] - t) * 1000 for i, t in self.answered.items() if i in self.seen)
        table = aws(self.moto, "dynamodb", resource=True).Table(self.table)
        with_matches = 0
        for candidate_id in self.seen:
            answer = table.query(
                IndexName="GSI1",
                KeyConditionExpression=boto3.dynamodb.conditions.Key("GSI1PK").eq(f"CAND#{candidate_id}"),
                Limit=1,
            )
            with_matches += bool(answer["Items"])
        last = max(self.seen.values(), default=load_ended)
        return {
            "acknowledged": len(self.answered),
            "matched": len(self.seen),
            "with_matches": with_matches,
            "fresh_p50_ms": round(_percentile(delays, 50)),
            "fresh_p95_ms": round(_percentile(delays, 95)),
            "fresh_max_ms": round(delays[-1]) if delays else 0,
            "backlog_drained_s": round(max(0.0, last - load_ended), 1)
            if len(self.seen) == len(self.answered)
            else None,
            "drain_waited_s": round(drain_s, 1),
            "queue_left": queue_left,
        }


# --- the check -----------------------------------------------------------------------------------
def batch_get(moto: str, table_name: str, keys: list[dict[str, str]]) -> dict[tuple[str, str], dict]:
    """Consistent BatchGetItem by 100 keys (unprocessed keys retried): {(PK, SK): item}."""
    from boto3.dynamodb.types import TypeDeserializer

    client, deserialize = aws(moto, "dynamodb"), TypeDeserializer().deserialize
    found: dict[tuple[str, str], dict] = {}
    for start in range(0, len(keys), 100):
        batch = [{k: {"S": v} for k, v in key.items()} for key in keys[start : start + 100]]
        request: dict[str, Any] = {table_name: {"Keys": batch, "ConsistentRead": True}}
        while request:
            answer = client.batch_get_item(RequestItems=request)
            for raw in answer.get("Responses", {}).get(table_name, []):
                item = {k: deserialize(v) for k, v in raw.items()}
                found[item["PK"], item["SK"]] = item
            request = answer.get("UnprocessedKeys") or {}
    return found


def scan_ids(moto: str, table_name: str, condition: Any) -> set[str]:
    """The `id` of every item matching `condition` (one consistent scan, page by page)."""
    table = aws(moto, "dynamodb", resource=True).Table(table_name)
    ids: set[str] = set()
    kwargs: dict[str, Any] = {
        "FilterExpression": condition,
        "ConsistentRead": True,
        "ProjectionExpression": "id",
    }
    while True:
        page = table.scan(**kwargs)
        ids |= {item["id"] for item in page["Items"] if "id" in item}
        if "LastEvaluatedKey" not in page:
            return ids
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def check_stored(moto: str, table_name: str, run: str, scenario: str, levels: list[Level]) -> dict:
    """Acknowledged (201) against stored, by key, with consistent reads."""
    acknowledged = [o for level in levels for o in level.outcomes if o.status == 201]
    ids = [o.body["id"] for o in acknowledged]
    if scenario == "signup":
        keys = [{"PK": f"CAND#{i}", "SK": "PROFILE"} for i in ids]
        keys += [{"PK": f"EMAIL#{o.sent}", "SK": "EMAIL"} for o in acknowledged]
        found = batch_get(moto, table_name, keys)

        def state(o: Outcome) -> str:
            profile = found.get((f"CAND#{o.body['id']}", "PROFILE"))
            claim = found.get((f"EMAIL#{o.sent}", "EMAIL"))
            if profile is None or claim is None:
                return "missing"
            return (
                "ok" if profile.get("email") == o.sent and claim.get("owner_id") == o.body["id"] else "wrong"
            )

        condition = Attr("kind").eq("candidate") & Attr("email").begins_with(f"charge-{run}-")
    else:
        found = batch_get(moto, table_name, [{"PK": f"OFFER#{i}", "SK": "OFFER"} for i in ids])

        def state(o: Outcome) -> str:
            offer = found.get((f"OFFER#{o.body['id']}", "OFFER"))
            if offer is None:
                return "missing"
            return (
                "ok"
                if offer.get("title") == o.sent and offer.get("employer_id") == DEMO_EMPLOYER_ID
                else "wrong"
            )

        condition = Attr("title").begins_with(f"Cuisinier charge {run} ")
    states = {o.body["id"]: state(o) for o in acknowledged}
    stored = scan_ids(moto, table_name, condition)
    return {
        "acknowledged": len(acknowledged),
        "stored": len(stored),
        "missing": sorted(i for i, st in states.items() if st == "missing"),
        "wrong_data": sorted(i for i, st in states.items() if st == "wrong"),
        "stored_without_201": len(stored - set(ids)),
    }


def server_error_causes(log_path: Path) -> Counter[str]:
    """The API's unhandled errors in the stack's log, by route and last line of their traceback."""
    causes: Counter[str] = Counter()
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        if '"level":"ERROR"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            causes[line[:200]] += 1
            continue
        last = (record.get("exception") or record.get("message") or "").strip().splitlines()[-1:]
        where = f"{record.get('method', '')} {record.get('route', '')}".strip()
        causes[f"{where}: {last[0][:200] if last else record.get('message')}"] += 1
    return causes


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


def run_scenario(
    scenario: str, args: argparse.Namespace, run: str, tmp: Path
) -> tuple[list[dict], dict | None]:
    """One scenario on a stack of its own (the demo data, nothing left by another scenario)."""
    today, communes = paris_today(), main_communes()
    started = time.monotonic()
    stack = start_stack(tmp, demo=True)
    print(
        f"[{scenario}] pile locale prête en {time.monotonic() - started:.1f} s : {stack.site_url}", flush=True
    )
    try:
        site, moto = stack.site_url, stack.moto_url
        outputs = stack_outputs(moto)
        queue = outputs["MatchingQueueUrl"]
        cookies: list[str] = []
        if scenario == "matches":
            cookies = [sign_in(site, moto, f"candidat{i}@example.org") for i in range(1, MATCH_READERS + 1)]
            print(
                f"[{scenario}] appariements de démonstration : {wait_for_matches(site, cookies[0])}",
                flush=True,
            )
        elif scenario == "offer":
            cookies = [sign_in(site, moto, DEMO_EMPLOYER)]

        def send(session: requests.Session, thread: int, n: int, threads: int) -> Outcome:
            if scenario == "matches":
                session.cookies.set(COOKIE, cookies[thread])
                return timed(session, "GET", f"{site}/api/candidates/me/matches")
            commune = communes[n % len(communes)]
            if scenario == "offer":
                title = f"Cuisinier charge {run} {threads}-{n}"
                session.cookies.set(COOKIE, cookies[0])
                return timed(
                    session, "POST", f"{site}/api/offers", title, json=offer_body(title, commune, today)
                )
            email = f"charge-{run}-{threads}-{n}@example.net"
            return timed(
                session, "POST", f"{site}/api/candidates", email, json=candidate_body(email, commune, today)
            )

        expected = 200 if scenario == "matches" else 201
        levels, rows = [], []
        for threads in args.levels:
            waited, backlog = wait_for_empty_queue(moto, queue, args.queue_wait)
            fresh = (
                Freshness(moto, outputs["DataTableName"]) if scenario == "signup" and args.freshness else None
            )
            sender = send
            if fresh is not None:

                def sender(session, thread, n, threads, fresh=fresh):
                    outcome = send(session, thread, n, threads)
                    fresh.add(outcome)
                    return outcome

            level = run_level(scenario, threads, args.requests, args.max_seconds, sender)
            levels.append(level)
            row = {**level.summary(expected), "backlog_at_start": backlog, "queue_wait_s": round(waited, 1)}
            if fresh is not None:  # the load has stopped: how long until every sign-up is matched
                ended = time.monotonic()
                drain_s = fresh.wait_all(args.drain_limit)
                _, left = wait_for_empty_queue(moto, queue, 5)
                row["freshness"] = fresh.summary(ended, drain_s, left)
            rows.append(row)
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)

        if any(o.status >= 500 for level in levels for o in level.outcomes):
            print(f"[{scenario}] réponses 5xx ; erreurs de l'API dans le journal de la pile :")
            for cause, count in server_error_causes(stack.log_path).most_common():
                print(f"  {count} × {cause}")
        check = None
        if scenario != "matches":
            began = time.monotonic()
            check = check_stored(moto, outputs["DataTableName"], run, scenario, levels)
            print(
                f"[{scenario}] vérification en {time.monotonic() - began:.0f} s : {json.dumps(check)}",
                flush=True,
            )
        return rows, check
    finally:
        stack.stop()


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
    parser.add_argument(
        "--freshness",
        action="store_true",
        help="sign-ups: time from each 201 to its matches being readable, and backlog drain time",
    )
    parser.add_argument(
        "--drain-limit", type=float, default=300, help="with --freshness: wait at most this long"
    )
    parser.add_argument(
        "--ports",
        type=int,
        help="the stacks' ports from this one up (moto, API, site: 3 a stack) instead of free ones",
    )
    args = parser.parse_args()
    if args.ports:
        import tests.stack

        numbers = iter(range(args.ports, args.ports + 100))
        tests.stack.free_port = lambda: next(numbers)
    args.levels = [int(n) for n in args.levels.split(",")]
    scenarios = [s.strip() for s in args.scenarios.split(",")]
    assert set(scenarios) <= {"matches", "offer", "signup"}, scenarios
    assert max(args.levels) <= MATCH_READERS or "matches" not in scenarios, f"at most {MATCH_READERS} readers"
    run = uuid.uuid4().hex[:8]

    rows: list[dict] = []
    checks: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        for scenario in scenarios:
            scenario_rows, check = run_scenario(scenario, args, run, Path(tmp))
            rows += scenario_rows
            if check is not None:
                checks[scenario] = check

    print()
    print(f"charge de la machine (load average 1/5/15 min) : {os.getloadavg()}")
    print_table(rows)
    print()
    for r in rows:
        if "freshness" in r:
            f = r["freshness"]
            print(
                f"fraîcheur à {r['threads']} threads : inscription acceptée → appariements lisibles p50 "
                f"{f['fresh_p50_ms']} ms, p95 {f['fresh_p95_ms']} ms, max {f['fresh_max_ms']} ms "
                f"({f['matched']}/{f['acknowledged']} appariés, {f['with_matches']} avec des offres) ; "
                f"file vidée {f['backlog_drained_s']} s après la fin de la charge (reste {f['queue_left']})"
            )
    print("vérification (accusés 201 / enregistrés) :", json.dumps(checks, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "check": checks}, indent=1, ensure_ascii=False))
    # A record stored without a 201 (the client gave up waiting) is reported, not counted as lost.
    lost = any(c["missing"] or c["wrong_data"] for c in checks.values())
    print("AUCUN ENREGISTREMENT PERDU" if not lost else "ENREGISTREMENTS PERDUS OU FAUX")
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
