"""Outgoing SMS through Amazon SNS (moto's SNS locally: the local runner prints them, masked).

One function, `send_sms(phone, text)`, shaped like mailer.send_email so that both can be routed
through one outbox. The sender ID comes from the infra/ stack (parameter SmsSenderId); the
monthly spend limit is an account setting applied from the stack's SmsMonthlySpendLimit
(scripts/provision.py). The number never goes into a log.
"""

from __future__ import annotations

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.observability import logger

# Texts stay within one or two SMS segments; a longer one is a mistake of the caller.
MAX_LENGTH = 306


def send_sms(phone: str, text: str) -> str:
    """`phone` in E.164 (+33…), `text` in French, saying how to stop; answers SNS's message id."""
    if not phone.startswith("+") or len(text) > MAX_LENGTH:
        raise ValueError("an SMS goes to an E.164 number with at most 306 characters")
    response = aws.client("sns").publish(
        PhoneNumber=phone,
        Message=text,
        MessageAttributes={
            "AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": get_settings().sms_sender_id},
            "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"},
        },
    )
    message_id = response["MessageId"]
    logger.info("sms sent", extra={"message_id": message_id})  # never the number
    return message_id
