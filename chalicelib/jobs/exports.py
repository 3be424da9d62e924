"""Exports worker: builds the files the staff asked for, one SQS message per export.

Locally (`make run`) nothing consumes SQS for exports: the runner polls the exports queue and
hands each message body to `handle_export_message`, the same code the Lambda function runs.
"""

from __future__ import annotations

import json

from chalice import Blueprint
from pydantic import ValidationError

from chalicelib.config import get_settings
from chalicelib.observability import logger, metrics
from chalicelib.schemas.messages import ExportMessage

bp = Blueprint(__name__)


class PoisonMessage(Exception):
    """A message no retry can fix: logged loudly, left to fail into the dead-letter queue."""


def handle_export_message(body: str) -> str | None:
    """Builds the export named by the message; returns its final status (None if it is unknown).

    A failed build is recorded on the export (status "failed", the upload aborted) and the message
    is consumed: the staff member sees the failure and asks again. Only an unreadable message
    raises, so that it ends in the dead-letter queue.
    """
    from chalicelib.services.build_export import build

    try:
        message = ExportMessage.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        metrics.add_metric(name="ExportPoisonMessage", unit="Count", value=1)
        logger.error(
            "ALARM poison export message: it will go to the dead-letter queue", extra={"size": len(body)}
        )
        raise PoisonMessage("invalid export message") from exc
    record = build(message.export_id)
    return record.status if record else None


@bp.on_sqs_message(queue=f"passerelle-{get_settings().stage}-exports", batch_size=1, name="exports_worker")
def exports_worker(event) -> None:
    try:
        for record in event:
            handle_export_message(record.body)
    finally:
        metrics.flush_metrics(raise_on_empty_metrics=False)
