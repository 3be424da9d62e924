"""List cursors: every paginated list answers `{"items": [...], "next": <cursor or null>}` and takes
the cursor back as `?next=` (API.md). One encoding for all of them: the DynamoDB key where the
page stopped, as URL-safe base64 of its JSON. What a valid key is, the repository says.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from chalicelib.errors import ValidationFailed
from chalicelib.schemas import json_input
from chalicelib.schemas.fields import BAD_CURSOR


def encode_cursor(start_key: dict[str, Any] | None) -> str | None:
    if not start_key:
        return None
    raw = json.dumps(start_key, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, is_valid: Callable[[Any], bool]) -> dict[str, Any] | None:
    """The key a cursor stands for; 400 naming `next` for anything the listing did not hand out."""
    if cursor is None:
        return None
    text = cursor.rstrip("=")
    try:
        start_key = json_input.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(BAD_CURSOR, {"next": BAD_CURSOR}) from exc
    if not is_valid(start_key):
        raise ValidationFailed(BAD_CURSOR, {"next": BAD_CURSOR})
    return start_key
