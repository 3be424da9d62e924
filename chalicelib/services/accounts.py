"""What every kind of account shares when it is created: one account per e-mail address, and a
welcome e-mail carrying a first sign-in link."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib import emails
from chalicelib.context import Role
from chalicelib.errors import Conflict
from chalicelib.gateways import mailer
from chalicelib.observability import logger
from chalicelib.repositories.errors import EmailTaken
from chalicelib.services import sessions

DUPLICATE = "Un compte existe déjà avec cette adresse e-mail. Connectez-vous pour y accéder."


def create(write: Callable[[Any], None], record: Any) -> None:
    """Stores a new account with the repository's `write` (which claims the address in the same
    transaction); an address already in use → 409 naming `email`."""
    try:
        write(record)
    except EmailTaken as exc:
        raise Conflict(DUPLICATE, {"email": "Cette adresse e-mail est déjà utilisée."}) from exc


def send_welcome(owner_id: str, role: Role, email: str) -> None:
    # The account exists whatever happens here: a lost e-mail is recovered from the sign-in page,
    # whereas failing the request would make a retry answer "address already used".
    try:
        subject, text, html = emails.welcome(sessions.issue_token(owner_id, role), role)
        mailer.send_email(email, subject, text, html)
    except Exception:
        logger.exception("welcome e-mail not sent", extra={"owner_id": owner_id, "role": role})
