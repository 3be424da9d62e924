"""Delivery of the outbox's messages (chalicelib/gateways/outbox.py): render, then send.

An error of SES (throttling, an outage) raises, so that SQS retries the message (5 tries, then
the dead-letter queue); a message no retry can fix (unknown template, wrong values) is refused
with PoisonMessage. Addresses SES reported as bouncing or complaining are not written to again.
"""

from __future__ import annotations

from collections.abc import Callable

from chalicelib import emails
from chalicelib.gateways import mailer
from chalicelib.observability import logger, metrics
from chalicelib.schemas.messages import OutboxMessage
from chalicelib.services import sessions


class PoisonMessage(Exception):
    """A message no retry can fix: it goes to the dead-letter queue."""


def _send_email(message: OutboxMessage) -> bool:
    template, data = message.template, message.data
    if template == sessions.SIGN_IN_TEMPLATE:  # the account is looked up here, not in the request
        data = sessions.sign_in_email(message.to)
        if data is None:
            return False
        template = "magic_link"
    try:
        subject, text, html = emails.render(template, data)
    except (KeyError, TypeError, IndexError) as exc:
        raise PoisonMessage(f"e-mail template {message.template!r} cannot be rendered") from exc
    mailer.send_email(message.to, subject, text, html)
    return True


# channel → sender. The SMS channel plugs in here (a `gateways/sms.py` and its `_send_sms`).
SENDERS: dict[str, Callable[[OutboxMessage], bool]] = {"email": _send_email}


def deliver(message: OutboxMessage) -> bool:
    """Sends one message; False when it was deliberately not sent (no sender, suppressed)."""
    sender = SENDERS.get(message.channel)
    if sender is None:
        raise PoisonMessage(f"no sender for the {message.channel} channel in this release")
    if _suppressed(message):
        metrics.add_metric(name="OutboxSuppressed", unit="Count", value=1)
        logger.info("message to a suppressed recipient not sent", extra={"template": message.template})
        return False
    if not sender(message):
        return False
    metrics.add_metric(name="OutboxSent", unit="Count", value=1)
    return True


def _suppressed(message: OutboxMessage) -> bool:
    if message.channel != "email":
        return False
    from chalicelib.repositories import suppressions

    return suppressions.is_suppressed(message.to)
