"""Builders for the employer journey: bodies, seeded candidates and matches, signed-in clients.

Real reference codes: Metz (57463, bassin 4410), ROME G1602 "Commis de cuisine" and its competences.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from chalicelib.domain.referentials import get_referentials

METZ = "57463"  # bassin 4410 Metz
AMNEVILLE = "57019"  # bassin 4410, 16.9 km from Metz
THIONVILLE = "57672"  # bassin 4424, 29.9 km from Metz
NANCY = "54395"  # bassin 4412, 46.4 km from Metz
REIMS = "51454"  # bassin 4413, about 150 km from Metz
OFFER_ROME = "G1602"  # Commis / Commise de cuisine
OTHER_ROME = "F1703"  # Maçon / Maçonne
# A SIRET that passes the Luhn check (python-stdnum's documented example).
VALID_SIRET = "732 829 320 00074"
# A La Poste establishment: SIREN 356000000, digits adding up to a multiple of 5, not Luhn-valid.
LA_POSTE_SIRET = "356 000 000 49814"


def competences_of(code_rome: str, count: int = 3) -> list[str]:
    return [c.code for c in get_referentials().competences_of(code_rome)[:count]]


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.net"


def employer_payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "siret": VALID_SIRET,
        "company_name": "Brasserie du Graoully",
        "contact_name": "Dominique Martin",
        "email": unique_email("employeur"),
        "phone": "03 87 00 00 00",
        "code_insee": METZ,
    }
    body.update(overrides)
    return body


def offer_payload(today: date | None = None, **overrides: Any) -> dict[str, Any]:
    today = today or date.today()
    body: dict[str, Any] = {
        "title": "Commis de cuisine H/F",
        "code_rome": OFFER_ROME,
        "description": "Brasserie de centre-ville, service du midi et du soir, équipe de six personnes.",
        "competences": competences_of(OFFER_ROME),
        "code_insee": METZ,
        "contract_type": "cdi",
        "positions": 2,
        "start_date": (today + timedelta(days=14)).isoformat(),
    }
    body.update(overrides)
    return body


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def candidate_record(**overrides: Any):
    """A CandidateRecord to seed through repositories.candidates (consenting and visible by default)."""
    from chalicelib.schemas.candidates import CandidateRecord, Training

    today = date.today()
    stamp = now_iso()
    data: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "email": unique_email("candidat"),
        "first_name": "Camille",
        "last_name": "Dupont",
        "phone": "+33612345678",
        "code_insee": METZ,
        "bassin": "4410",
        "mobility_km": 30,
        "training": Training(
            title="CAP Cuisine",
            code_rome=["G1609"],
            end_date=today - timedelta(days=20),
            certification_obtained=True,
        ),
        "target_code_rome": [OFFER_ROME],
        "competences": competences_of(OFFER_ROME, 2),
        "contract_types": ["cdi"],
        "available_from": today,
        "consent_contact": True,
        "consent_terms_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
        "last_active_at": stamp,
    }
    data.update(overrides)
    return CandidateRecord(**data)


def seed_candidate(**overrides: Any):
    from chalicelib.repositories import candidates

    record = candidate_record(**overrides)
    candidates.create(record)
    return record


def seed_match(offer_id: str, candidate_id: str, employer_id: str, score: int, bassin: str = "4410") -> None:
    from chalicelib.repositories import matches
    from chalicelib.schemas.matches import MatchRecord

    record = MatchRecord(
        offer_id=offer_id,
        candidate_id=candidate_id,
        employer_id=employer_id,
        bassin=bassin,
        score=score,
        exact=True,
        distance_km=4.2,
        competences_held=2,
        competences_required=3,
        reasons=["Même métier : Commis / Commise de cuisine (G1602)", "4 km"],
        computed_at=now_iso(),
    )
    matches.apply_changes([record], [])


def say_interest(offer_id: str, candidate_id: str, interested: bool = True) -> None:
    from chalicelib.repositories import matches

    view = matches.get(offer_id, candidate_id)
    assert view is not None
    matches.set_interest(view, interested, now_iso())


# --- HTTP ----------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    body: Any
    headers: dict


def call(
    client, method: str, path: str, body: Any = None, cookie: str | None = None, **headers: str
) -> Answer:
    all_headers = {"Content-Type": "application/json", **{k.replace("_", "-"): v for k, v in headers.items()}}
    if cookie:
        all_headers["Cookie"] = cookie
    raw = b"" if body is None else (body if isinstance(body, bytes | str) else json.dumps(body))
    response = getattr(client.http, method.lower())(path, body=raw, headers=all_headers)
    return Answer(response.status_code, json.loads(response.body or b"null"), dict(response.headers))


def open_session(client, token: str) -> str:
    answer = call(client, "POST", "/api/auth/session", {"token": token})
    assert answer.status == 200, answer.body
    return answer.headers["Set-Cookie"].split(";", 1)[0]


def session_for(client, owner_id: str, role: str) -> str:
    """A session cookie for any account, through the one-time token the services issue."""
    from chalicelib.services import sessions

    return open_session(client, sessions.issue_token(owner_id, role))


@dataclass
class Employer:
    id: str
    email: str
    cookie: str


def sign_up_employer(client, moto_endpoint: str, **overrides: Any) -> Employer:
    """POST /api/employers, then sign in with the link of the welcome e-mail."""
    from scripts.moto_mail import latest_token

    body = employer_payload(**overrides)
    answer = call(client, "POST", "/api/employers", body)
    assert answer.status == 201, answer.body
    token = latest_token(moto_endpoint, body["email"])
    assert token, "no welcome e-mail with a sign-in link"
    return Employer(answer.body["id"], body["email"], open_session(client, token))


def post_offer(client, employer: Employer, **overrides: Any) -> str:
    answer = call(client, "POST", "/api/offers", offer_payload(**overrides), cookie=employer.cookie)
    assert answer.status == 201, answer.body
    return answer.body["id"]


def malformed_offer_bodies(today: date) -> list[tuple[str, dict[str, Any], str]]:
    """(what is wrong, body, the field the error must name): shared by unit and integration tests."""
    year_later = (
        today.replace(year=today.year + 1) if (today.month, today.day) != (2, 29) else today + timedelta(365)
    )
    foreign = next(
        c
        for c in get_referentials().metiers[OTHER_ROME].competences
        if c not in get_referentials().metiers[OFFER_ROME].competences
    )
    base = offer_payload(today)
    missing = {k: v for k, v in base.items() if k != "title"}
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("title missing", missing, "title"),
        ("title too short", {"title": "ab"}, "title"),
        ("title too long", {"title": "x" * 121}, "title"),
        ("title on two lines", {"title": "Commis\nde cuisine"}, "title"),
        ("title not a string", {"title": 42}, "title"),
        ("unknown ROME code", {"code_rome": "Z9999"}, "code_rome"),
        ("malformed ROME code", {"code_rome": "G160"}, "code_rome"),
        ("ROME code null", {"code_rome": None}, "code_rome"),
        ("description too short", {"description": "Court."}, "description"),
        ("description too long", {"description": "x" * 4001}, "description"),
        ("description with a NUL byte", {"description": "Une description\x00 piégée"}, "description"),
        ("no competence", {"competences": []}, "competences"),
        ("21 competences", {"competences": [str(100000 + i) for i in range(21)]}, "competences"),
        ("competence not an OGR code", {"competences": ["abc"]}, "competences"),
        ("competence of another métier", {"competences": [foreign]}, "competences"),
        ("competences not a list", {"competences": "100016"}, "competences"),
        ("competence null", {"competences": [None]}, "competences"),
        ("commune outside Grand Est", {"code_insee": "75056"}, "code_insee"),
        ("commune code garbage", {"code_insee": "ABCDE"}, "code_insee"),
        ("unknown contract type", {"contract_type": "stage"}, "contract_type"),
        ("no position", {"positions": 0}, "positions"),
        ("too many positions", {"positions": 51}, "positions"),
        ("positions as text", {"positions": "2"}, "positions"),
        ("positions as a boolean", {"positions": True}, "positions"),
        ("positions not whole", {"positions": 1.5}, "positions"),
        ("start yesterday", {"start_date": (today - timedelta(days=1)).isoformat()}, "start_date"),
        ("start after a year", {"start_date": (year_later + timedelta(days=1)).isoformat()}, "start_date"),
        ("start in French format", {"start_date": "14/03/2030"}, "start_date"),
        ("start as a timestamp", {"start_date": 1_900_000_000}, "start_date"),
        ("expires today", {"expires_at": today.isoformat()}, "expires_at"),
        ("expires after a year", {"expires_at": (year_later + timedelta(days=1)).isoformat()}, "expires_at"),
        ("unexpected field", {"salary": "2000 €"}, "salary"),
        ("owner injected", {"employer_id": "someone-else"}, "employer_id"),
    ]
    return [
        (what, body if what == "title missing" else {**base, **body}, field) for what, body, field in cases
    ]


def drain_matching_queue() -> list[dict]:
    """Takes every message off the matching queue: no worker consumes it in the API tests, and
    tests/integration/test_infra.py counts the messages of that shared queue."""
    from chalicelib import aws
    from chalicelib.config import get_settings

    sqs, url = aws.client("sqs"), get_settings().matching_queue_url
    bodies: list[dict] = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies
