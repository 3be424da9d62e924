"""Outbox worker: sends the e-mails (and SMS) the API queued, one SQS message each.

Locally (`make run`) the runner polls the outbox queue and hands each body to
`handle_outbox_message`, the same code the Lambda function runs; the integration tests do the
same after each request (tests/integration/helpers.py).
"""

from __future__ import annotations

import json

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.config import get_settings
from chalicelib.observability import logger, metrics
from chalicelib.schemas.messages import OutboxMessage

bp = Blueprint(__name__)


class DeliveryFailed(Exception):
    """A send that may work on a retry; its message names the error, never the recipient."""


def handle_outbox_message(body: str) -> bool:
    """Delivers one message; raises to leave it on the queue (retried, then dead-lettered)."""
    from chalicelib.services.deliver import PoisonMessage, deliver

    try:
        message = OutboxMessage.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        metrics.add_metric(name="OutboxPoisonMessage", unit="Count", value=1)
        logger.error(
            "ALARM poison outbox message: it will go to the dead-letter queue", extra={"size": len(body)}
        )
        raise PoisonMessage("invalid outbox message") from exc
    try:
        return deliver(message)
    except PoisonMessage:
        raise
    except Exception as exc:  # SES refused or timed out: SQS tries again
        code = getattr(exc, "response", {}).get("Error", {}).get("Code")
        logger.warning("outbox delivery failed, retried", extra={"error": type(exc).__name__, "code": code})
        # A new error without the original (`from None`): SES's message can quote the recipient, and
        # the Lambda runtime logs an uncaught error whole.
        raise DeliveryFailed(f"{type(exc).__name__} {code or ''}".strip()) from None


@bp.on_sqs_message(queue=f"passerelle-{get_settings().stage}-outbox", batch_size=1, name="outbox_worker")
def outbox_worker(event) -> None:
    try:
        for record in event:
            handle_outbox_message(record.body)
    finally:
        metrics.flush_metrics(raise_on_empty_metrics=False)
