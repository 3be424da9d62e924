"""Addresses not to write to again: SES reported a permanent bounce or a complaint.

Item EMAIL#<address> / SUPPRESSED, next to the address's account claim; kept 400 days (TTL)
so that an address given back to someone else becomes usable again.
"""

from __future__ import annotations

import time

from chalicelib.repositories import keys
from chalicelib.repositories.db import data_table

KEEP_S = 400 * 24 * 3600


def suppress(email: str, reason: str, at: str) -> None:
    data_table().put_item(
        Item={
            **keys.suppression(email),
            "kind": "suppression",
            "reason": reason,
            "at": at,
            "ttl": int(time.time()) + KEEP_S,
        }
    )


def is_suppressed(email: str) -> bool:
    return "Item" in data_table().get_item(Key=keys.suppression(email), ConsistentRead=True)
