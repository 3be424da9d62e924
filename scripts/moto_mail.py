"""Read the e-mails the app sent through moto's SES (GET /moto-api/data.json)."""

from __future__ import annotations

import json
import re
import time
import urllib.request

TOKEN_LINK = re.compile(r"/connexion\.html#token=([A-Za-z0-9_-]{32,})")


def sent_messages(moto_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=10) as response:
        data = json.load(response)
    return list(data.get("ses", {}).get("Message", []))


def messages_to(moto_url: str, address: str) -> list[dict]:
    return [m for m in sent_messages(moto_url) if address in m.get("destinations", {}).get("ToAddresses", [])]


def sign_in_tokens(message: dict) -> list[str]:
    return TOKEN_LINK.findall(message.get("body", ""))


def latest_token(moto_url: str, address: str) -> str | None:
    for message in reversed(messages_to(moto_url, address)):
        tokens = sign_in_tokens(message)
        if tokens:
            return tokens[-1]
    return None


def sent_sms(moto_url: str) -> list[dict]:
    """The SMS the app published through moto's SNS: [{phone_number, message, message_id}]."""
    with urllib.request.urlopen(f"{moto_url}/moto-api/data.json", timeout=10) as response:
        data = json.load(response)
    return list(data.get("sns", {}).get("SMS", []))


def sms_to(moto_url: str, phone: str) -> list[dict]:
    return [m for m in sent_sms(moto_url) if m.get("phone_number") == phone]


def wait_for_messages(moto_url: str, address: str, count: int = 1, timeout: float = 15.0) -> list[dict]:
    """The messages to `address` once there are at least `count`: e-mails leave through the outbox
    queue, a moment after the request that asked for them answered."""
    deadline = time.monotonic() + timeout
    while len(messages := messages_to(moto_url, address)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return messages


def wait_for_token(moto_url: str, address: str, before: int, timeout: float = 15.0) -> str | None:
    """The sign-in token of the first e-mail to `address` after the `before` already there."""
    for message in wait_for_messages(moto_url, address, before + 1, timeout)[before:]:
        tokens = sign_in_tokens(message)
        if tokens:
            return tokens[-1]
    return None
