"""Passwordless sign-in: one-time e-mailed tokens, server-side sessions in an HttpOnly cookie."""

from __future__ import annotations

import time

from chalicelib.config import get_settings
from chalicelib.context import Principal, Role
from chalicelib.domain.identity import keyed_hash, new_token, normalize_email
from chalicelib.errors import RateLimited, Unauthorized
from chalicelib.gateways import outbox, secrets
from chalicelib.observability import logger, metrics

COOKIE = "passerelle_session"
TOKEN_TTL_S = 15 * 60
SESSION_TTL_S = 7 * 24 * 3600
STAFF_SESSION_TTL_S = 8 * 3600  # a working day: staff sessions open personal data of a whole region
RATE_WINDOW_S = 15 * 60
# Per (address, client): one client asking again and again for one address is refused (429).
MAX_PER_ADDRESS = 5
# Per client: a whole training centre behind one NAT signs in through one address.
MAX_PER_CLIENT = 200
# Per address, whoever asks: beyond this the person still gets a link, one per slot and a little
# later, so that nobody can lock someone out or fill their mailbox.
MAX_PER_ADDRESS_ALL_CLIENTS = 5
# Sign-ups send an e-mail each (welcome, or « vous avez déjà un compte »): per client and in all.
MAX_SIGN_UPS_PER_CLIENT = 300
MAX_SIGN_UPS_ALL_CLIENTS = 5000
SIGN_UPS_LIMITED = "Trop d'inscriptions en peu de temps. Réessayez dans quelques minutes."
LOCKED_SLOT_S = 5 * 60
LOCKED_DELAY_S = 60
ROLES = frozenset(Role)
SIGN_IN_TEMPLATE = "sign_in"  # resolved by the outbox worker into "magic_link" (or nothing)


def _repo():
    from chalicelib.repositories import auth

    return auth


def cookie_name() -> str:
    """`__Host-passerelle_session` over HTTPS: the browser then only accepts it Secure, for this
    host only, on Path=/ (no subdomain can set or shadow it). Locally (http) the plain name."""
    return f"__Host-{COOKIE}" if get_settings().cookie_secure else COOKIE


def cookie_value(raw: str, name: str) -> str | None:
    """The value of cookie `name` in a Cookie header, read pair by pair: a malformed cookie of
    another site of the domain must not sign the person out (SimpleCookie gives up on it)."""
    for pair in raw.split(";"):
        key, sep, value = pair.strip().partition("=")
        if sep and key.strip() == name:
            return value.strip().strip('"')
    return None


def principal_from_headers(headers: dict[str, str]) -> Principal | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    value = cookie_value(raw, cookie_name())
    if not value or len(value) > 128:
        return None
    session_hash = keyed_hash(secrets.signing_key(), value)
    item = _repo().get_session(session_hash)
    if not item or int(item["expires_at"]) <= time.time() or item["role"] not in ROLES:
        return None  # expired, or a role this version does not know (a session of a newer release)
    if item["role"] == Role.STAFF and item["owner_id"] not in current_staff_ids():
        return None  # removed from the staff list since (the list is re-read every 5 minutes)
    return Principal(id=item["owner_id"], role=Role(item["role"]), session_key=session_hash)


def staff_id(email: str) -> str:
    """A staff member's owner id: derived from the address, since staff have no stored account."""
    return "staff-" + keyed_hash(secrets.signing_key(), email)[:20]


def current_staff_ids() -> frozenset[str]:
    return frozenset(staff_id(email) for email in secrets.staff_emails())


def issue_token(owner_id: str, role: str) -> str:
    token = new_token()
    _repo().put_token(
        keyed_hash(secrets.signing_key(), token), owner_id, role, int(time.time()) + TOKEN_TTL_S
    )
    return token


def _hits(kind: str, subject: str, window_s: int = RATE_WINDOW_S) -> int:
    now = int(time.time())
    subject_hash = keyed_hash(secrets.signing_key(), f"{kind}:{subject}")
    return _repo().hit_rate_counter(kind, subject_hash, str(now // window_s), now + 2 * window_s)


def _check_rate(kind: str, subject: str, limit: int) -> None:
    if _hits(kind, subject) > limit:
        metrics.add_metric(name="SignInRateLimited", unit="Count", value=1)
        raise RateLimited("Trop de demandes de lien de connexion. Réessayez dans quelques minutes.")


def staff_addresses() -> dict[str, str]:
    """staff id → e-mail address of every current agent (the audit log names who did what)."""
    return {staff_id(email): email for email in secrets.staff_emails()}


def check_sign_up_rate(client_ip: str) -> None:
    """Before a sign-up is stored: caps the e-mails sign-ups make the service send (429)."""
    if _hits("signup-client", client_ip) > MAX_SIGN_UPS_PER_CLIENT or (
        _hits("signup-all", "all") > MAX_SIGN_UPS_ALL_CLIENTS
    ):
        metrics.add_metric(name="SignUpRateLimited", unit="Count", value=1)
        raise RateLimited(SIGN_UPS_LIMITED)


def lookup_account(email: str) -> tuple[str, str] | None:
    """(owner id, role) for an address: staff from configuration, others from the uniqueness item."""
    if email in secrets.staff_emails():
        return staff_id(email), Role.STAFF
    from chalicelib.repositories import accounts

    return accounts.owner_of_email(email)


def request_magic_link(raw_email: str, client_ip: str) -> None:
    """Queues the request and returns: whether the address has an account is looked up by the
    outbox worker (`sign_in_email`), so every address answers in the same time and the same way."""
    email = normalize_email(raw_email)
    _check_rate("client", client_ip, MAX_PER_CLIENT)
    _check_rate("pair", f"{email}|{client_ip}", MAX_PER_ADDRESS)
    if _hits("address", email) <= MAX_PER_ADDRESS_ALL_CLIENTS:
        outbox.enqueue("email", email, SIGN_IN_TEMPLATE, {})
    elif _hits("address-slot", email, LOCKED_SLOT_S) == 1:
        metrics.add_metric(name="SignInLinkDelayed", unit="Count", value=1)
        outbox.enqueue("email", email, SIGN_IN_TEMPLATE, {}, delay_s=LOCKED_DELAY_S)


def sign_in_email(email: str) -> dict | None:
    """The worker's side: the values of the sign-in e-mail, None (nothing sent) for an unknown address."""
    account = lookup_account(email)
    if account is None:
        logger.info("magic link requested for unknown address")
        return None
    owner_id, role = account
    if role in (Role.TRAINER, Role.ADVISOR) and not _member_may_sign_in(owner_id):
        logger.info("magic link withheld: structure not active", extra={"owner_id": owner_id})
        return None
    metrics.add_metric(name="MagicLinkSent", unit="Count", value=1)
    logger.info("magic link sent", extra={"owner_id": owner_id, "role": role})
    return {"token": issue_token(owner_id, role)}


def _member_may_sign_in(member_id: str) -> bool:
    # A structure's members get a link only while the structure is validated (docs/structures.md).
    from chalicelib.services.structure_members import may_sign_in

    return may_sign_in(member_id)


def open_session(token: str) -> tuple[Principal, str]:
    """Exchange a one-time token for a session; returns the principal and the Set-Cookie value."""
    key = secrets.signing_key()
    item = _repo().consume_token(keyed_hash(key, token), int(time.time()))
    if item is None:
        raise Unauthorized("Ce lien de connexion n'est plus valable (déjà utilisé ou expiré).")
    session_id = new_token()
    session_hash = keyed_hash(key, session_id)
    lifetime = STAFF_SESSION_TTL_S if item["role"] == Role.STAFF else SESSION_TTL_S
    _repo().put_session(session_hash, item["owner_id"], item["role"], int(time.time()) + lifetime)
    metrics.add_metric(name="SessionOpened", unit="Count", value=1)
    logger.info("session opened", extra={"owner_id": item["owner_id"], "role": item["role"]})
    return Principal(item["owner_id"], Role(item["role"]), session_hash), session_cookie(session_id, lifetime)


def session_cookie(value: str, max_age: int) -> str:
    parts = [f"{cookie_name()}={value}", "Path=/", "HttpOnly", "SameSite=Lax", f"Max-Age={max_age}"]
    if get_settings().cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)


def close_session(principal: Principal | None) -> str:
    if principal is not None:
        _repo().delete_session(principal.session_key)
    return session_cookie("", 0)
