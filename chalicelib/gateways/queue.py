"""Messages to the matching queue (SQS). The worker is chalicelib/jobs/matching.py."""

from __future__ import annotations

import json

from chalicelib import aws
from chalicelib.config import get_settings


def send_matching(message: dict) -> None:
    aws.client("sqs").send_message(
        QueueUrl=get_settings().matching_queue_url, MessageBody=json.dumps(message)
    )


def send_matching_batch(messages: list[dict]) -> None:
    client = aws.client("sqs")
    url = get_settings().matching_queue_url
    for start in range(0, len(messages), 10):
        entries = [
            {"Id": str(i), "MessageBody": json.dumps(m)} for i, m in enumerate(messages[start : start + 10])
        ]
        response = client.send_message_batch(QueueUrl=url, Entries=entries)
        if response.get("Failed"):
            raise RuntimeError(f"{len(response['Failed'])} matching messages were not queued")
