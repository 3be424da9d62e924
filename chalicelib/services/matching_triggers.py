"""Ask for matches soon after a change, without waiting for the daily reconciliation run.

One message on the matching queue for just that item; the worker matches that item alone
(services/match_events.py). Failure to queue never fails the user's request: the daily
reconciliation run catches up.
"""

from __future__ import annotations

from chalicelib.observability import logger


def _send(message: dict) -> None:
    from chalicelib.gateways.queue import send_matching

    try:
        send_matching(message)
    except Exception:
        logger.exception("could not queue a quick matching", extra={"type": message.get("type")})


def candidate_changed(candidate_id: str, bassin: str) -> None:
    _send({"type": "candidate", "candidate_id": candidate_id, "bassin": bassin})


def offer_changed(offer_id: str, bassin: str) -> None:
    _send({"type": "offer", "offer_id": offer_id, "bassin": bassin})
