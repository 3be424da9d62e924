"""E-mail normalisation, ids and opaque tokens (pure)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid

# Deliberately simple: one @, a dotted domain, no spaces. Deliverability is proven by the sign-in link.
_EMAIL = re.compile(
    r"^[^@\s\"<>()\[\],;:\\]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$"
)


def normalize_email(value: str) -> str:
    """Trimmed and lower-cased: one account per address whatever the capitalisation typed."""
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.match(email):
        raise ValueError("Adresse e-mail invalide.")
    return email


def new_id() -> str:
    return uuid.uuid4().hex


def new_token() -> str:
    """URL-safe, 43 characters from 32 random bytes (API.md asks for at least 32)."""
    return secrets.token_urlsafe(32)


def keyed_hash(secret: str, value: str) -> str:
    """Stored instead of tokens, session ids and rate-limit subjects: a table dump reveals none of them."""
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()
