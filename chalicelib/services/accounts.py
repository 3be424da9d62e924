"""What every kind of account shares when it is created: one account per e-mail address, and a
welcome e-mail carrying a first sign-in link.

A sign-up with an address that already has an account answers exactly as a new one (201 with
an id that leads nowhere) and e-mails the owner « vous avez déjà un compte »: a 409 told anyone
which addresses have an account (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.context import Role
from chalicelib.gateways import outbox
from chalicelib.observability import logger, metrics
from chalicelib.repositories.errors import EmailTaken
from chalicelib.services import sessions


def create(write: Callable[[Any], None], record: Any, role: Role) -> bool:
    """Stores a new account with the repository's `write` (which claims the address in the same
    transaction): True. An address already in use: the owner is told by e-mail, False (the caller
    answers as for a new account)."""
    try:
        write(record)
    except EmailTaken:
        metrics.add_metric(name="SignUpOfExistingAddress", unit="Count", value=1)
        logger.info("sign-up of an address that has an account", extra={"role": role})
        outbox.enqueue("email", record.email, "already_registered", {"role": role})
        return False
    return True


def send_welcome(owner_id: str, role: Role, email: str) -> None:
    # The account exists whatever happens here: a lost e-mail is recovered from the sign-in page,
    # whereas failing the request would make a retry create nothing and send another welcome.
    try:
        outbox.enqueue(
            "email", email, "welcome", {"token": sessions.issue_token(owner_id, role), "role": role}
        )
    except Exception:
        logger.exception("welcome e-mail not queued", extra={"owner_id": owner_id, "role": role})
