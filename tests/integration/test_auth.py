"""Sign-in by e-mail link: one-time tokens, sessions, rate limits, no account enumeration."""

from __future__ import annotations

from scripts.moto_mail import latest_token, messages_to
from tests.integration.helpers import STAFF_EMAIL, call, cookie_of, sign_in


def test_staff_signs_in_with_a_one_time_link(client, moto_endpoint):
    before = len(messages_to(moto_endpoint, STAFF_EMAIL))
    answer = call(client, "POST", "/api/auth/magic-link", {"email": "  Agent@Example.org "})
    assert answer.status == 202 and "lien" in answer.body["message"]
    assert len(messages_to(moto_endpoint, STAFF_EMAIL)) == before + 1
    token = latest_token(moto_endpoint, STAFF_EMAIL)

    session = call(client, "POST", "/api/auth/session", {"token": token})
    assert session.status == 200 and session.body["role"] == "staff"
    cookie = session.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # local stage: http

    me = call(client, "GET", "/api/auth/me", cookie=cookie_of(session))
    assert me.status == 200 and me.body["role"] == "staff"

    # single use: the same link a second time is refused
    again = call(client, "POST", "/api/auth/session", {"token": token})
    assert again.status == 401 and again.body["error"]["code"] == "unauthorized"


def test_logout_ends_the_session(client, moto_endpoint):
    cookie = sign_in(client, moto_endpoint, STAFF_EMAIL)
    answer = call(client, "POST", "/api/auth/logout", cookie=cookie)
    assert answer.status == 204 and "Max-Age=0" in answer.headers["Set-Cookie"]
    assert call(client, "GET", "/api/auth/me", cookie=cookie).status == 401


def test_unknown_address_gets_the_same_answer_and_no_mail(client, moto_endpoint):
    assert call(client, "POST", "/api/auth/magic-link", {"email": "personne@example.net"}).status == 202
    assert messages_to(moto_endpoint, "personne@example.net") == []


def test_invalid_tokens_and_bodies(client):
    assert call(client, "POST", "/api/auth/session", {"token": "x" * 43}).status == 401
    answer = call(client, "POST", "/api/auth/session", {"token": "<script>"})
    assert answer.status == 400 and "token" in answer.body["error"]["fields"]
    answer = call(client, "POST", "/api/auth/magic-link", {"email": "pas-une-adresse"})
    assert answer.status == 400 and "email" in answer.body["error"]["fields"]
    answer = call(client, "POST", "/api/auth/magic-link")
    assert answer.status == 400 and "body" in answer.body["error"]["fields"]


def test_magic_link_is_rate_limited_per_address(client):
    statuses = [
        call(client, "POST", "/api/auth/magic-link", {"email": "limite@example.net"}).status for _ in range(7)
    ]
    assert statuses[:5] == [202] * 5
    assert statuses[5:] == [429, 429]


def test_forged_cookie_is_anonymous(client):
    assert call(client, "GET", "/api/auth/me", cookie="passerelle_session=forged").status == 401
