"""Fuzzing fixtures: one real local stack for the module and a session of each demo role.

`PASSERELLE_FUZZ_SITE=http://127.0.0.1:8080 PASSERELLE_FUZZ_MOTO=http://127.0.0.1:5000` fuzzes a
stack that is already running (`make run`) instead of starting one.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from scripts.moto_mail import messages_to, wait_for_token
from tests.stack import start_stack

DEMO_ACCOUNTS = {
    "candidate": "candidat.demo@example.org",
    "employer": "employeur.demo@example.org",
    "staff": os.environ.get("PASSERELLE_STAFF_EMAIL", "agent@example.org"),
    "trainer": "formation.demo@example.org",  # scripts/demo_structures.py
    "advisor": "conseil.demo@example.org",
}
COOKIE = "passerelle_session"


@dataclass(frozen=True)
class FuzzTarget:
    site_url: str
    moto_url: str
    sessions: dict[str, str]  # role → value of the session cookie


def _post(url: str, body: dict) -> tuple[int, dict, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read() or b"null"), response.headers


def sign_in(site_url: str, moto_url: str, email: str, role: str) -> str:
    """The real journey: e-mailed one-time link (read from moto's SES), exchanged for a session."""
    before = len(messages_to(moto_url, email))
    status, _, _ = _post(f"{site_url}/api/auth/magic-link", {"email": email})
    assert status == 202
    token = wait_for_token(moto_url, email, before)
    assert token, f"no sign-in link was e-mailed to {email}"
    status, body, headers = _post(f"{site_url}/api/auth/session", {"token": token})
    assert status == 200 and body["role"] == role, body
    for cookie in headers.get_all("Set-Cookie") or []:
        name, _, rest = cookie.partition("=")
        if name == COOKIE:
            return rest.split(";", 1)[0]
    raise AssertionError(f"no {COOKIE} cookie for {email}")


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory) -> Iterator[FuzzTarget]:
    site, moto = os.environ.get("PASSERELLE_FUZZ_SITE"), os.environ.get("PASSERELLE_FUZZ_MOTO")
    stack = None
    if not (site and moto):
        stack = start_stack(tmp_path_factory.mktemp("fuzz-stack"), demo=True)
        site, moto = stack.site_url, stack.moto_url
    try:
        # Every session is opened before any fuzzing: the anonymous run spends the per-client
        # magic-link budget (30 per 15 min), and the runs as a role never end their own session.
        sessions = {role: sign_in(site, moto, email, role) for role, email in DEMO_ACCOUNTS.items()}
        yield FuzzTarget(site, moto, sessions)
    finally:
        if stack is not None:
            stack.stop()
