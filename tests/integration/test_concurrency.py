"""Concurrent writers through the API: the invariants hold under 20 simultaneous requests.

20 threads send their request at the same moment (a barrier), through the Chalice test client,
to the app over a moto server reached over HTTP (tests/integration/conftest.py):

- 20 PATCHes of one candidate profile, and of one offer, with the same If-Match version: exactly
  one 200, 19 × 409, and the stored record is the winner's change at version + 1 (no lost update);
- 20 sign-ups with the same e-mail: 20 × 201 (a taken address answers as a new one), one profile
  and one EMAIL# item, the one id that leads to it;
- 20 identical sign-ups with one Idempotency-Key: 201 with the same id, or 409 "en cours" for
  those that arrived while the first was running; one account.

The moto server serves DynamoDB requests one at a time (scripts/moto_server.py, applied by the
integration conftest), as DynamoDB applies each request atomically: unlocked, moto's transactions
lose concurrent writes, which would make these tests measure moto.

Each PATCH is run twice: as the requests come, and with every writer held after its read until
all 20 have read the same version (so that only the conditional write can tell them apart).

About threads: Chalice keeps the request being served in one attribute of the app object
(`app.current_request`, which `Blueprint.current_request` reads), shared by every thread of
`chalice local` (a ThreadingHTTPServer over one app object) and of this client. Views used to read
it there: with a 1 ms pause in the app's middleware, 260 of 1,000 concurrent GET /api/auth/me were
answered with another thread's session. The middleware now hands each view its own request through
a context variable (chalicelib/context.py); `test_every_view_reads_its_own_request` keeps that
pause and fails if a view reads the shared attribute again. Production is not exposed either way
(one event at a time per Lambda process). The other tests still check that every answer is the
answer to its own request (the 200 carries that writer's change, each 201 and 409 its own data).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chalicelib.repositories import keys
from tests.factories import candidate_payload
from tests.integration.helpers import (
    Answer,
    call,
    data_item,
    new_candidate,
    post_offer,
    sign_up_employer,
)

WRITERS = 20
BARRIER_TIMEOUT_S = 60


pytestmark = pytest.mark.usefixtures("empty_queues")


@dataclass
class Written:
    """One writer's answer."""

    writer: int
    status: int
    body: Any


def in_parallel(send: Callable[[int], Answer]) -> list[Written]:
    """Runs `send(writer)` in WRITERS threads released together; every answer, in writer order."""
    start = threading.Barrier(WRITERS, timeout=BARRIER_TIMEOUT_S)
    answers: list[Written | None] = [None] * WRITERS
    errors: list[BaseException] = []

    def run(writer: int) -> None:
        try:
            start.wait()
            answer = send(writer)
            answers[writer] = Written(writer, answer.status, answer.body)
        except BaseException as exc:  # reported below, with the thread's own error
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,), name=f"writer-{n}") for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert all(a is not None for a in answers), "a writer did not finish"
    return [a for a in answers if a is not None]


def hold_after_read(monkeypatch, module: Any, name: str) -> None:
    """Every writer waits, once it has read the record, until all WRITERS have read it."""
    read = getattr(module, name)
    barrier = threading.Barrier(WRITERS, timeout=BARRIER_TIMEOUT_S)

    def read_then_wait(*args: Any, **kwargs: Any) -> Any:
        record = read(*args, **kwargs)
        barrier.wait()
        return record

    monkeypatch.setattr(module, name, read_then_wait)


def statuses(answers: list[Written]) -> Counter[int]:
    return Counter(a.status for a in answers)


def items_where(**attributes: str) -> list[dict]:
    """Every item of the data table with these attribute values (a full, consistent scan)."""
    from boto3.dynamodb.conditions import Attr

    from chalicelib.repositories.db import data_table

    condition = None
    for name, value in attributes.items():
        clause = Attr(name).eq(value)
        condition = clause if condition is None else condition & clause
    items, kwargs = [], {"FilterExpression": condition, "ConsistentRead": True}
    while True:
        page = data_table().scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


ORDERINGS = ["as-they-come", "all-read-before-any-write"]


# --- optimistic versions --------------------------------------------------------------------
@pytest.mark.parametrize("ordering", ORDERINGS)
def test_parallel_profile_edits_with_one_version_exactly_one_wins(
    client, moto_endpoint, monkeypatch, ordering
):
    from chalicelib.services import candidate_account

    candidate_id, cookie, _ = new_candidate(client, moto_endpoint)
    status, before, _ = call(client, "GET", "/api/candidates/me", cookie=cookie)
    assert status == 200
    version = before["version"]
    if ordering == "all-read-before-any-write":
        hold_after_read(monkeypatch, candidate_account, "_load")

    def edit(writer: int) -> Answer:
        # every writer asks for a different distance: the stored one names the winner
        return call(
            client,
            "PATCH",
            "/api/candidates/me",
            {"mobility_km": 101 + writer},
            cookie=cookie,
            If_Match=f'"{version}"',
        )

    answers = in_parallel(edit)
    assert statuses(answers) == {200: 1, 409: WRITERS - 1}, [(a.status, a.body) for a in answers]
    winner = next(a for a in answers if a.status == 200)
    assert winner.body["mobility_km"] == 101 + winner.writer, "the 200 answered another request"
    assert winner.body["version"] == version + 1
    for loser in (a for a in answers if a.status == 409):
        assert loser.body["error"]["code"] == "conflict"

    item = data_item(keys.candidate(candidate_id))
    assert int(item["version"]) == version + 1
    assert int(item["mobility_km"]) == 101 + winner.writer  # no lost update
    monkeypatch.undo()
    status, after, _ = call(client, "GET", "/api/candidates/me", cookie=cookie)
    assert status == 200 and after["mobility_km"] == 101 + winner.writer and after["version"] == version + 1


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_parallel_offer_edits_with_one_version_exactly_one_wins(client, moto_endpoint, monkeypatch, ordering):
    from chalicelib.services import submit_offer

    employer = sign_up_employer(client, moto_endpoint)
    offer_id = post_offer(client, employer)
    status, before, _ = call(client, "GET", f"/api/offers/{offer_id}", cookie=employer.cookie)
    assert status == 200
    version = before["version"]
    if ordering == "all-read-before-any-write":
        hold_after_read(monkeypatch, submit_offer, "owned_offer")

    def edit(writer: int) -> Answer:
        return call(
            client,
            "PATCH",
            f"/api/offers/{offer_id}",
            {"positions": 11 + writer},
            cookie=employer.cookie,
            If_Match=str(version),
        )

    answers = in_parallel(edit)
    assert statuses(answers) == {200: 1, 409: WRITERS - 1}, [(a.status, a.body) for a in answers]
    winner = next(a for a in answers if a.status == 200)
    assert winner.body["positions"] == 11 + winner.writer, "the 200 answered another request"
    assert winner.body["version"] == version + 1
    for loser in (a for a in answers if a.status == 409):
        assert loser.body["error"]["code"] == "conflict"

    item = data_item(keys.offer(offer_id))
    assert int(item["version"]) == version + 1
    assert int(item["positions"]) == 11 + winner.writer  # no lost update
    monkeypatch.undo()
    status, after, _ = call(client, "GET", f"/api/offers/{offer_id}", cookie=employer.cookie)
    assert status == 200 and after["positions"] == 11 + winner.writer and after["version"] == version + 1


# --- unique e-mail ----------------------------------------------------------------------------
def test_parallel_sign_ups_with_one_email_create_one_account(client, monkeypatch):
    from chalicelib.repositories import candidates

    # Every writer has passed validation and holds its own new id before any of them writes:
    # only the transaction claiming EMAIL#<address> can tell them apart.
    write = candidates.create
    barrier = threading.Barrier(WRITERS, timeout=BARRIER_TIMEOUT_S)

    def wait_then_write(record: Any) -> None:
        barrier.wait()
        write(record)

    monkeypatch.setattr(candidates, "create", wait_then_write)
    bodies = [candidate_payload() for _ in range(WRITERS)]
    email = bodies[0]["email"]
    for n, body in enumerate(bodies):
        body["email"] = email
        body["first_name"] = f"Camille {chr(ord('A') + n)}"  # tells the writers apart in the store

    answers = in_parallel(lambda writer: call(client, "POST", "/api/candidates", bodies[writer]))
    assert statuses(answers) == {201: WRITERS}, [(a.status, a.body) for a in answers]
    profiles = items_where(kind="candidate", email=email)
    assert len(profiles) == 1, profiles
    winners = [a for a in answers if a.body["id"] == profiles[0]["id"]]
    assert len(winners) == 1 and len({a.body["id"] for a in answers}) == WRITERS
    winner = winners[0]
    assert profiles[0]["first_name"] == bodies[winner.writer]["first_name"], (
        "the 201 answered another request"
    )
    claim = data_item(keys.email(email))
    assert claim is not None and claim["owner_id"] == winner.body["id"]
    assert len(items_where(PK=f"EMAIL#{email}")) == 1


# --- Idempotency-Key ----------------------------------------------------------------------------
def test_parallel_identical_sign_ups_with_one_idempotency_key_create_one_account(client, monkeypatch):
    from chalicelib.services import idempotency

    run = idempotency.run_idempotent
    barrier = threading.Barrier(WRITERS, timeout=BARRIER_TIMEOUT_S)

    def wait_then_run(*args: Any, **kwargs: Any) -> dict:
        barrier.wait()  # all 20 reach Powertools' idempotency record at the same moment
        return run(*args, **kwargs)

    monkeypatch.setattr(idempotency, "run_idempotent", wait_then_run)
    body = candidate_payload()
    key = "concurrency-test-0001"

    answers = in_parallel(lambda writer: call(client, "POST", "/api/candidates", body, Idempotency_Key=key))
    counts = statuses(answers)
    assert set(counts) <= {201, 409} and counts[201] >= 1, [(a.status, a.body) for a in answers]
    ids = {a.body["id"] for a in answers if a.status == 201}
    assert len(ids) == 1, ids
    for busy in (a for a in answers if a.status == 409):
        assert busy.body["error"]["code"] == "conflict" and "en cours" in busy.body["error"]["message"]

    profiles = items_where(kind="candidate", email=body["email"])
    assert [p["id"] for p in profiles] == list(ids)
    assert len(items_where(PK=f"EMAIL#{body['email']}")) == 1
    # and once the first has finished, the same request answers the same account again
    monkeypatch.undo()
    status, again, _ = call(client, "POST", "/api/candidates", body, Idempotency_Key=key)
    assert status == 201 and again["id"] in ids


# --- every view reads its own request --------------------------------------------------------
def test_every_view_reads_its_own_request(client, monkeypatch):
    """200 threads ask for 200 different communes at once, with a 1 ms pause in the middleware
    (where a thread switch hands a view reading `app.current_request` another thread's request)."""
    import time
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlencode

    from chalicelib.domain.referentials import get_referentials
    from chalicelib.observability import logger

    refs = get_referentials()
    names = sorted({c.name for c in refs.communes.values()})[::40][:200]
    expected = {name: [c.code_insee for c in refs.search_communes(name, 1)] for name in names}
    assert len({tuple(v) for v in expected.values()}) == len(names)  # every answer tells its request
    set_correlation_id = logger.set_correlation_id

    def slow(value):
        time.sleep(0.001)
        return set_correlation_id(value)

    monkeypatch.setattr(logger, "set_correlation_id", slow)

    def ask(name: str) -> list[str]:
        answer = call(client, "GET", "/api/referentials/communes?" + urlencode({"q": name, "limit": 1}))
        assert answer.status == 200, answer.body
        return [c["code_insee"] for c in answer.body]

    with ThreadPoolExecutor(max_workers=16) as pool:
        answered = dict(zip(names, pool.map(ask, names), strict=True))
    mixed = [name for name in names if answered[name] != expected[name]]
    assert mixed == [], f"{len(mixed)} of {len(names)} answers were another request's"
