"""People set up through the API for the journeys of issue 17: an employer with an offer, a
candidate it matches (the matching queue of the local stack computes the pair within seconds),
and API sessions opened from the e-mailed sign-in links, as a person's browser would."""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

import requests
from stdnum import luhn

from chalicelib.domain.calendar import paris_today
from scripts.moto_mail import latest_token, messages_to

MATCH_TIMEOUT_S = 90  # the quick matching of a sign-up goes through the queue (busy machine: slower)
# Offers and people of these journeys are gardeners (A1203), a métier no other journey uses: their
# offers send no digest to the other journeys' candidates (cooks, G1609), which count their e-mails.
METIER = "A1203"
TODAY = paris_today()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.net"


def new_siret() -> str:
    siren = "1" + "".join(random.choice("0123456789") for _ in range(7))
    siren += luhn.calc_check_digit(siren)
    body = siren + "".join(random.choice("0123456789") for _ in range(4))
    return body + luhn.calc_check_digit(body)


def wait_token(stack, email: str, after: int = 0) -> str:
    deadline = time.monotonic() + 15
    while len(messages_to(stack.moto_url, email)) <= after:
        assert time.monotonic() < deadline, f"no e-mail to {email}"
        time.sleep(0.2)
    token = latest_token(stack.moto_url, email)
    assert token
    return token


def fresh_token(stack, email: str) -> str:
    """Ask for a sign-in link (POST /api/auth/magic-link) and return the new e-mail's token."""
    before = len(messages_to(stack.moto_url, email))
    answer = requests.post(f"{stack.site_url}/api/auth/magic-link", json={"email": email}, timeout=15)
    assert answer.status_code == 202, answer.text
    return wait_token(stack, email, before)


def api_session(stack, email: str, token: str | None = None) -> requests.Session:
    """A signed-in API session (the cookie of POST /api/auth/session) from an e-mailed link."""
    token = token or fresh_token(stack, email)
    session = requests.Session()
    answer = session.post(f"{stack.site_url}/api/auth/session", json={"token": token}, timeout=15)
    assert answer.status_code == 200, answer.text
    return session


def competences_of(stack, code_rome: str, count: int) -> list[dict]:
    answer = requests.get(f"{stack.site_url}/api/referentials/metiers/{code_rome}/competences", timeout=15)
    assert answer.status_code == 200
    return [c for c in answer.json() if c["kind"] == "savoir_faire"][:count]


@dataclass
class Employer:
    email: str
    company: str
    session: requests.Session
    offer_id: str
    offer: dict


def employer_with_offer(stack, *, code_rome: str = METIER, code_insee: str = "57463") -> Employer:
    email = unique("recruteur")
    company = f"Jardins du Pont {uuid.uuid4().hex[:6]}"
    answer = requests.post(
        f"{stack.site_url}/api/employers",
        json={
            "siret": new_siret(),
            "company_name": company,
            "contact_name": "Claire Fontaine",
            "email": email,
            "phone": "0387000000",
            "code_insee": code_insee,
        },
        timeout=15,
    )
    assert answer.status_code == 201, answer.text
    session = api_session(stack, email, wait_token(stack, email))
    offer = {
        "title": "Jardinier ou jardinière d'espaces verts",
        "code_rome": code_rome,
        "description": "Entretien de parcs et jardins, 35 heures du lundi au vendredi.\n\nÉquipe de quatre personnes.",
        "competences": [c["code"] for c in competences_of(stack, code_rome, 3)],
        "code_insee": code_insee,
        "contract_type": "cdi",
        "positions": 1,
        "start_date": (TODAY + timedelta(days=20)).isoformat(),
    }
    created = session.post(f"{stack.site_url}/api/offers", json=offer, timeout=15)
    assert created.status_code == 201, created.text
    return Employer(email, company, session, created.json()["id"], offer)


@dataclass
class Candidate:
    email: str
    first_name: str
    welcome_token: str


def sign_up_candidate(
    stack,
    *,
    code_rome: str = METIER,
    training_title: str = "CAP Jardinier paysagiste",
    code_insee: str = "57463",
) -> Candidate:
    email = unique("candidate")
    body = {
        "email": email,
        "first_name": "Inès",
        "last_name": "Moreau",
        "phone": "+33612345678",
        "code_insee": code_insee,
        "mobility_km": 30,
        "training": {
            "title": training_title,
            "code_rome": [code_rome],
            "end_date": (TODAY - timedelta(days=30)).isoformat(),
        },
        "competences": [c["code"] for c in competences_of(stack, code_rome, 2)],
        "contract_types": ["cdi", "cdd"],
        "available_from": (TODAY + timedelta(days=5)).isoformat(),
        "consent_contact": True,
        "consent_terms": True,
    }
    answer = requests.post(f"{stack.site_url}/api/candidates", json=body, timeout=15)
    assert answer.status_code == 201, answer.text
    return Candidate(email, body["first_name"], wait_token(stack, email))


def wait_matched(session: requests.Session, stack, offer_id: str) -> dict:
    """Poll the candidate's matches until the offer is among them."""
    deadline = time.monotonic() + MATCH_TIMEOUT_S
    while True:
        answer = session.get(f"{stack.site_url}/api/candidates/me/matches", timeout=15)
        assert answer.status_code == 200, answer.text
        found = [m for m in answer.json() if m["offer"]["id"] == offer_id]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"offer {offer_id} never matched"
        time.sleep(0.5)
