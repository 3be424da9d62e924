"""The outbox: every e-mail (and SMS) the API sends leaves through an SQS queue.

`enqueue(channel, to, template, data)` puts one message on the queue and returns: the request
answers without waiting for SES, so asking a sign-in link for a known or an unknown address
takes the same time (no account enumeration by timing), and a send SES refuses is retried
(5 tries, then the dead-letter queue and its alarm) instead of being lost. The worker is
chalicelib/jobs/outbox.py; templates are rendered there (chalicelib/services/deliver.py).

A message: {"channel": "email" | "sms", "to": <address or +33 number>, "template": <name>,
"data": {<the template's values>}}. It holds a recipient: never logged, kept one day at most.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings

CHANNELS = frozenset({"email", "sms"})


def enqueue(
    channel: str, to: str, template: str, data: dict[str, Any] | None = None, delay_s: int = 0
) -> None:
    """Queues one message; `delay_s` (at most 900) holds it back that long before it is sent."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown outbox channel {channel!r}")
    body = {"channel": channel, "to": to, "template": template, "data": data or {}}
    aws.client("sqs").send_message(
        QueueUrl=get_settings().outbox_queue_url,
        MessageBody=json.dumps(body, ensure_ascii=False),
        DelaySeconds=min(max(delay_s, 0), 900),
    )


def email(to: str, template: str, **data: Any) -> None:
    """Queues one e-mail of a named template (chalicelib/emails.TEMPLATES), rendered by the worker.
    tests/unit/test_outbox_templates.py checks that every call names a template that renders with
    its arguments once they went through JSON (a message no retry can fix would be dead-lettered)."""
    enqueue("email", to, template, data)
