"""Outgoing e-mail through SES (moto's SES locally, readable in /moto-api/data.json)."""

from __future__ import annotations

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.observability import logger


def send_email(to: str, subject: str, text: str, html: str) -> str:
    settings = get_settings()
    extra = {"ConfigurationSetName": settings.ses_configuration_set} if settings.ses_configuration_set else {}
    response = aws.client("ses").send_email(
        **extra,
        Source=settings.sender,
        Destination={"ToAddresses": [to]},
        Message={
            "Subject": {"Data": subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": text, "Charset": "UTF-8"}, "Html": {"Data": html, "Charset": "UTF-8"}},
        },
    )
    message_id = response["MessageId"]
    logger.info("email sent", extra={"message_id": message_id})  # never the address
    return message_id
