"""Sign-in by e-mail link: one-time tokens, sessions, rate limits, no account enumeration."""

from __future__ import annotations

import json

from scripts.moto_mail import latest_token, messages_to
from tests.integration.conftest import STAFF_EMAIL


def post(client, path: str, body: dict | None = None, headers: dict | None = None):
    response = client.http.post(
        path,
        body=json.dumps(body) if body is not None else b"",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    return response.status_code, json.loads(response.body or b"null"), response.headers


def cookie_of(headers) -> str:
    return headers["Set-Cookie"].split(";", 1)[0]


def sign_in(client, moto_endpoint: str, email: str) -> str:
    status, _, _ = post(client, "/api/auth/magic-link", {"email": email})
    assert status == 202
    token = latest_token(moto_endpoint, email)
    assert token, "no sign-in link was e-mailed"
    status, body, headers = post(client, "/api/auth/session", {"token": token})
    assert status == 200, body
    return cookie_of(headers)


def test_staff_signs_in_with_a_one_time_link(client, moto_endpoint):
    before = len(messages_to(moto_endpoint, STAFF_EMAIL))
    status, body, _ = post(client, "/api/auth/magic-link", {"email": "  Agent@Example.org "})
    assert status == 202 and "lien" in body["message"]
    assert len(messages_to(moto_endpoint, STAFF_EMAIL)) == before + 1
    token = latest_token(moto_endpoint, STAFF_EMAIL)

    status, body, headers = post(client, "/api/auth/session", {"token": token})
    assert status == 200 and body["role"] == "staff"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # local stage: http

    me = client.http.get("/api/auth/me", headers={"Cookie": cookie_of(headers)})
    assert me.status_code == 200 and json.loads(me.body)["role"] == "staff"

    # single use: the same link a second time is refused
    status, body, _ = post(client, "/api/auth/session", {"token": token})
    assert status == 401 and body["error"]["code"] == "unauthorized"


def test_logout_ends_the_session(client, moto_endpoint):
    cookie = sign_in(client, moto_endpoint, STAFF_EMAIL)
    status, _, headers = post(client, "/api/auth/logout", headers={"Cookie": cookie})
    assert status == 204 and "Max-Age=0" in headers["Set-Cookie"]
    assert client.http.get("/api/auth/me", headers={"Cookie": cookie}).status_code == 401


def test_unknown_address_gets_the_same_answer_and_no_mail(client, moto_endpoint):
    status, _, _ = post(client, "/api/auth/magic-link", {"email": "personne@example.net"})
    assert status == 202
    assert messages_to(moto_endpoint, "personne@example.net") == []


def test_invalid_tokens_and_bodies(client):
    assert post(client, "/api/auth/session", {"token": "x" * 43})[0] == 401
    status, body, _ = post(client, "/api/auth/session", {"token": "<script>"})
    assert status == 400 and "token" in body["error"]["fields"]
    status, body, _ = post(client, "/api/auth/magic-link", {"email": "pas-une-adresse"})
    assert status == 400 and "email" in body["error"]["fields"]
    status, body, _ = post(client, "/api/auth/magic-link", None)
    assert status == 400 and "body" in body["error"]["fields"]


def test_magic_link_is_rate_limited_per_address(client):
    statuses = [post(client, "/api/auth/magic-link", {"email": "limite@example.net"})[0] for _ in range(7)]
    assert statuses[:5] == [202] * 5
    assert statuses[5:] == [429, 429]


def test_forged_cookie_is_anonymous(client):
    response = client.http.get("/api/auth/me", headers={"Cookie": "passerelle_session=forged"})
    assert response.status_code == 401
