""" "Done once" markers of an account: DIGEST#<owner>/<name>, claimed with a conditional put.

An e-mail that must go once (the day's digest, a reminder, a warning) is sent only by whoever
claims its marker first: a retried run or a second run the same day sends nothing twice. The
markers carry the owner's id and are erased with the account (candidates.delete_digests).
"""

from __future__ import annotations

import time

from chalicelib.repositories import db, keys


def claim(owner_id: str, name: str, keep_s: int) -> bool:
    """True for the first claim of (owner, name) within `keep_s` seconds (the item's TTL)."""
    return db.put_new({**keys.marker(owner_id, name), "ttl": int(time.time()) + keep_s})
