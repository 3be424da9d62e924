"""Passwordless sign-in: one-time e-mailed tokens, server-side sessions in an HttpOnly cookie."""

from __future__ import annotations

import time
from http.cookies import CookieError, SimpleCookie

from chalicelib import emails
from chalicelib.config import get_settings
from chalicelib.context import Principal, Role
from chalicelib.domain.identity import keyed_hash, new_token, normalize_email
from chalicelib.errors import RateLimited, Unauthorized
from chalicelib.gateways import mailer, secrets
from chalicelib.observability import logger, metrics

COOKIE = "passerelle_session"
TOKEN_TTL_S = 15 * 60
SESSION_TTL_S = 7 * 24 * 3600
RATE_WINDOW_S = 15 * 60
MAX_PER_ADDRESS = 5
MAX_PER_CLIENT = 30
ROLES = frozenset(Role)


def _repo():
    from chalicelib.repositories import auth

    return auth


def principal_from_headers(headers: dict[str, str]) -> Principal | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    try:
        morsel = SimpleCookie(raw).get(COOKIE)
    except CookieError:
        return None
    if morsel is None or not morsel.value or len(morsel.value) > 128:
        return None
    session_hash = keyed_hash(secrets.signing_key(), morsel.value)
    item = _repo().get_session(session_hash)
    if not item or int(item["expires_at"]) <= time.time() or item["role"] not in ROLES:
        return None  # expired, or a role this version does not know (a session of a newer release)
    return Principal(id=item["owner_id"], role=Role(item["role"]), session_key=session_hash)


def issue_token(owner_id: str, role: str) -> str:
    token = new_token()
    _repo().put_token(
        keyed_hash(secrets.signing_key(), token), owner_id, role, int(time.time()) + TOKEN_TTL_S
    )
    return token


def _check_rate(kind: str, subject: str, limit: int) -> None:
    now = int(time.time())
    window = str(now // RATE_WINDOW_S)
    subject_hash = keyed_hash(secrets.signing_key(), f"{kind}:{subject}")
    hits = _repo().hit_rate_counter(kind, subject_hash, window, now + 2 * RATE_WINDOW_S)
    if hits > limit:
        metrics.add_metric(name="SignInRateLimited", unit="Count", value=1)
        raise RateLimited("Trop de demandes de lien de connexion. Réessayez dans quelques minutes.")


def staff_id_of(email: str) -> str:
    return "staff-" + keyed_hash(secrets.signing_key(), email)[:20]


def staff_addresses() -> dict[str, str]:
    """staff id → e-mail address of every current agent (the audit log names who did what)."""
    return {staff_id_of(email): email for email in secrets.staff_emails()}


def lookup_account(email: str) -> tuple[str, str] | None:
    """(owner id, role) for an address: staff from configuration, others from the uniqueness item."""
    if email in secrets.staff_emails():
        return staff_id_of(email), Role.STAFF
    from chalicelib.repositories import accounts

    return accounts.owner_of_email(email)


def request_magic_link(raw_email: str, client_ip: str) -> None:
    email = normalize_email(raw_email)
    _check_rate("client", client_ip, MAX_PER_CLIENT)
    _check_rate("address", email, MAX_PER_ADDRESS)
    account = lookup_account(email)
    if account is None:
        logger.info("magic link requested for unknown address")
        return
    owner_id, role = account
    subject, text, html = emails.magic_link(issue_token(owner_id, role))
    mailer.send_email(email, subject, text, html)
    metrics.add_metric(name="MagicLinkSent", unit="Count", value=1)
    logger.info("magic link sent", extra={"owner_id": owner_id, "role": role})


def open_session(token: str) -> tuple[Principal, str]:
    """Exchange a one-time token for a session; returns the principal and the Set-Cookie value."""
    key = secrets.signing_key()
    item = _repo().consume_token(keyed_hash(key, token), int(time.time()))
    if item is None:
        raise Unauthorized("Ce lien de connexion n'est plus valable (déjà utilisé ou expiré).")
    session_id = new_token()
    session_hash = keyed_hash(key, session_id)
    _repo().put_session(session_hash, item["owner_id"], item["role"], int(time.time()) + SESSION_TTL_S)
    metrics.add_metric(name="SessionOpened", unit="Count", value=1)
    logger.info("session opened", extra={"owner_id": item["owner_id"], "role": item["role"]})
    return Principal(item["owner_id"], Role(item["role"]), session_hash), session_cookie(
        session_id, SESSION_TTL_S
    )


def session_cookie(value: str, max_age: int) -> str:
    parts = [f"{COOKIE}={value}", "Path=/", "HttpOnly", "SameSite=Lax", f"Max-Age={max_age}"]
    if get_settings().cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)


def close_session(principal: Principal | None) -> str:
    if principal is not None:
        _repo().delete_session(principal.session_key)
    return session_cookie("", 0)
