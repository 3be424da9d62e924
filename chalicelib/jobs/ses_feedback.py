"""SES feedback: permanent bounces and complaints arrive on an SNS topic (infra/template.yaml);
their addresses are marked so that the outbox never writes to them again."""

from __future__ import annotations

import json

from chalice import Blueprint

from chalicelib.config import get_settings
from chalicelib.observability import logger, metrics

bp = Blueprint(__name__)


def handle_ses_notification(message: str) -> int:
    """Marks the addresses of one SES notification; the number marked (0 for anything else)."""
    from chalicelib.services.suppressions import record_feedback

    try:
        notification = json.loads(message)
    except ValueError:
        logger.error("unreadable SES notification", extra={"size": len(message)})
        return 0
    return record_feedback(notification)


@bp.on_sns_message(topic=f"passerelle-{get_settings().stage}-ses-feedback", name="ses_feedback")
def ses_feedback(event) -> None:
    try:
        handle_ses_notification(event.message)
    finally:
        metrics.flush_metrics(raise_on_empty_metrics=False)
