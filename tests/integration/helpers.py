"""What the integration tests share: HTTP calls through the Chalice test client, accounts signed in
the real way (e-mailed links read from moto), data seeded through the repositories, queue and
table reads. Builders of bodies and records are in tests/factories.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NamedTuple

from scripts.moto_mail import latest_token, messages_to
from tests.factories import candidate_payload, employer_payload, match_record, offer_payload

STAFF_EMAIL = "agent@example.org"  # given to scripts/provision.py as the staff list by conftest.py
COLLEAGUE_EMAIL = "collegue@example.org"  # a second staff member of that list


# --- HTTP ----------------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    body: Any
    headers: dict

    def __iter__(self):
        """`status, body, headers = call(...)` reads as well as `.status`, `.body`, `.headers`."""
        return iter((self.status, self.body, self.headers))


def call(
    client, method: str, path: str, body: Any = None, cookie: str | None = None, **headers: str
) -> Answer:
    """One request; `If_Match="1"` sends the header If-Match (underscores become hyphens)."""
    all_headers = {"Content-Type": "application/json", **{k.replace("_", "-"): v for k, v in headers.items()}}
    if cookie:
        all_headers["Cookie"] = cookie
    raw = b"" if body is None else (body if isinstance(body, bytes | str) else json.dumps(body))
    response = client.http.request(method, path, body=raw, headers=all_headers)
    deliver_outbox()  # what the outbox queue's Lambda trigger does within a second in AWS
    return Answer(response.status_code, json.loads(response.body or b"null"), dict(response.headers))


def cookie_of(answer: Answer) -> str:
    return answer.headers["Set-Cookie"].split(";", 1)[0]


def open_session(client, token: str) -> str:
    """The session cookie a one-time sign-in token opens."""
    answer = call(client, "POST", "/api/auth/session", {"token": token})
    assert answer.status == 200, answer.body
    return cookie_of(answer)


def session_for(client, owner_id: str, role: str) -> str:
    """A real session of any account and role, from a token the services issue (no e-mail, no rate limit).
    Staff are whom the staff list names (every request re-checks it): a staff session is STAFF_EMAIL's."""
    from chalicelib.services import sessions

    if role == "staff":
        return staff_session(client)
    return open_session(client, sessions.issue_token(owner_id, role))


def staff_session(client, email: str = STAFF_EMAIL) -> str:
    """A session of the listed staff address `email`."""
    from chalicelib.services import sessions

    return open_session(client, sessions.issue_token(sessions.staff_id(email), "staff"))


def sign_in(client, moto_endpoint: str, email: str) -> str:
    """The whole sign-in journey: ask for a link, read it in moto's SES, open the session."""
    assert call(client, "POST", "/api/auth/magic-link", {"email": email}).status == 202
    token = latest_token(moto_endpoint, email)
    assert token, "no sign-in link was e-mailed"
    return open_session(client, token)


class Account(NamedTuple):
    """A signed-up account: `id, cookie, body = new_candidate(...)` or `.id`, `.cookie`, `.email`."""

    id: str
    cookie: str
    body: dict[str, Any]

    @property
    def email(self) -> str:
        return self.body["email"]


def _sign_up(client, moto_endpoint: str, path: str, body: dict[str, Any]) -> Account:
    """POST the sign-up, then sign in with the link of the welcome e-mail."""
    answer = call(client, "POST", path, body)
    assert answer.status == 201, answer.body
    token = latest_token(moto_endpoint, body["email"])
    assert token, "the welcome e-mail has no sign-in link"
    return Account(answer.body["id"], open_session(client, token), body)


def new_candidate(client, moto_endpoint: str, **overrides: Any) -> Account:
    return _sign_up(client, moto_endpoint, "/api/candidates", candidate_payload(**overrides))


def sign_up_employer(client, moto_endpoint: str, **overrides: Any) -> Account:
    return _sign_up(client, moto_endpoint, "/api/employers", employer_payload(**overrides))


def post_offer(client, employer: Account, **overrides: Any) -> str:
    answer = call(client, "POST", "/api/offers", offer_payload(**overrides), cookie=employer.cookie)
    assert answer.status == 201, answer.body
    return answer.body["id"]


# --- seeding through the repositories ------------------------------------------------------------
def seed_candidate(**overrides: Any):
    from chalicelib.repositories import candidates
    from tests.factories import candidate_record

    record = candidate_record(**overrides)
    candidates.create(record)
    return record


def seed_offer(**overrides: Any):
    from chalicelib.repositories import offers
    from tests.factories import offer_record

    record = offer_record(**overrides)
    offers.create(record)
    return record


def seed_match(offer_id: str, candidate_id: str, employer_id: str, score: int, **overrides: Any) -> None:
    from chalicelib.repositories import matches

    matches.apply_changes([match_record(offer_id, candidate_id, employer_id, score, **overrides)], [])


def say_interest(offer_id: str, candidate_id: str, interested: bool = True, at: str | None = None) -> None:
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.repositories import matches

    pair = matches.get(offer_id, candidate_id)
    assert pair is not None
    matches.set_interest(pair, interested, at or utc_timestamp())


def record_outcome(offer_id: str, candidate_id: str, status: str, at: str | None = None) -> None:
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.repositories import matches

    matches.set_outcome(matches.get(offer_id, candidate_id), status, at or utc_timestamp())


# --- queues and tables ---------------------------------------------------------------------------
def drain(queue_url: str) -> list[str]:
    """Takes every message off a queue (no worker consumes them in the API tests): their bodies."""
    from chalicelib import aws

    sqs, bodies = aws.client("sqs"), []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            bodies.append(message["Body"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def deliver_outbox() -> int:
    """Hands each message of the outbox queue to the worker's handler (the Lambda's code), as the
    SQS event source does; a message it fails stays on the queue. The number delivered."""
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.jobs.outbox import handle_outbox_message

    sqs, url, delivered = aws.client("sqs"), get_settings().outbox_queue_url, 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            handle_outbox_message(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            delivered += 1
    return delivered


def mails_to(moto_url: str, address: str) -> list[dict]:
    """The e-mails SES sent to `address`, once the outbox worker has delivered what the jobs queued
    (the daily jobs and digests run outside a request, so `call` has not delivered for them)."""
    deliver_outbox()
    return messages_to(moto_url, address)


def drain_matching_queue() -> list[dict]:
    from chalicelib.config import get_settings

    return [json.loads(body) for body in drain(get_settings().matching_queue_url)]


def drain_exports_queue() -> list[str]:
    from chalicelib.config import get_settings

    return drain(get_settings().exports_queue_url)


def data_item(key: dict[str, str]) -> dict | None:
    from chalicelib.repositories.db import data_table

    return data_table().get_item(Key=key, ConsistentRead=True).get("Item")


def scan(table) -> list[dict]:
    items, kwargs = [], {}
    while True:
        page = table.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def idempotency_table():
    from chalicelib import aws
    from chalicelib.config import get_settings

    return aws.table(get_settings().idempotency_table)


def all_items() -> list[dict]:
    """Every item of the data and idempotency tables (tests proving nothing was stored or left)."""
    from chalicelib.repositories.db import data_table

    return scan(data_table()) + scan(idempotency_table())


# --- structures (docs/structures.md) ---------------------------------------------------------------
def request_structure(client, **overrides: Any) -> tuple[str, dict[str, Any]]:
    from tests.factories import structure_payload

    body = structure_payload(**overrides)
    answer = call(client, "POST", "/api/structures", body)
    assert answer.status == 201, answer.body
    return answer.body["id"], body


def new_member(client, moto_endpoint: str, kind: str = "organisme_formation", **overrides: Any) -> Account:
    """A validated structure and its first member, signed in the real way (the validation e-mail's
    link); `.id` is the member's id, `.body` the structure request (with `structure_id`)."""
    structure_id, body = request_structure(client, kind=kind, **overrides)
    decision = call(
        client,
        "POST",
        f"/api/staff/structures/{structure_id}/decision",
        {"decision": "validate"},
        cookie=staff_session(client),
    )
    assert decision.status == 200, decision.body
    token = latest_token(moto_endpoint, body["email"])
    assert token, "the validation e-mail has no sign-in link"
    session = call(client, "POST", "/api/auth/session", {"token": token})
    assert session.status == 200, session.body
    return Account(session.body["id"], cookie_of(session), {**body, "structure_id": structure_id})
