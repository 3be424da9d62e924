"""Addresses SES says must not be written to again: permanent bounces and complaints."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import normalize_email
from chalicelib.observability import logger, metrics
from chalicelib.repositories import suppressions


def record_feedback(notification: dict[str, Any]) -> int:
    """An SES event ("eventType") or notification ("notificationType"); returns the addresses marked.
    Transient bounces (mailbox full, out of office) are not marked: the next e-mail may arrive."""
    kind = notification.get("eventType") or notification.get("notificationType")
    if kind == "Bounce" and notification.get("bounce", {}).get("bounceType") == "Permanent":
        recipients, reason = notification["bounce"].get("bouncedRecipients", []), "bounce"
    elif kind == "Complaint":
        recipients, reason = notification.get("complaint", {}).get("complainedRecipients", []), "complaint"
    else:
        return 0
    marked = 0
    for recipient in recipients:
        try:
            email = normalize_email(recipient.get("emailAddress", ""))
        except ValueError:
            continue
        suppressions.suppress(email, reason, utc_timestamp())
        marked += 1
    metrics.add_metric(name="AddressSuppressed", unit="Count", value=marked)
    logger.info("addresses suppressed", extra={"reason": reason, "count": marked})
    return marked
