"""Matching: candidate and offer events are matched one item at a time as they come (the API queues
them); the daily scheduler (the reconciliation, docs/matching.md) fans out one SQS message per
bassin; the worker handles both.

Locally (`make run`) the runner calls `start_run` on a timer and feeds the queue's messages to
`handle_message`, the same code the Lambda functions run. The work itself is
services/matching_runs.py.
"""

from __future__ import annotations

import json

from chalice import Blueprint, Cron
from pydantic import ValidationError

from chalicelib.config import get_settings
from chalicelib.observability import flush_metrics, logger, metrics
from chalicelib.schemas.messages import matching_message

bp = Blueprint(__name__)


class PoisonMessage(Exception):
    """A message no retry can fix: logged loudly, left to fail into the dead-letter queue."""


def handle_message(body: str) -> dict[str, int]:
    """Processes one queue message; raises on failure so that SQS retries it, then dead-letters it."""
    from chalicelib.services.matching_runs import process

    try:
        message = matching_message.validate_python(json.loads(body))
    except (ValueError, ValidationError) as exc:
        metrics.add_metric(name="MatchingPoisonMessage", unit="Count", value=1)
        logger.error(
            "ALARM poison matching message: it will go to the dead-letter queue", extra={"size": len(body)}
        )
        raise PoisonMessage("invalid matching message") from exc
    if message.type == "daily":
        from chalicelib.services.daily_runs import WORKER_BUDGET_S
        from chalicelib.services.daily_runs import process as process_daily

        return process_daily(message.run_id, WORKER_BUDGET_S).counts
    return process(message)


# Every day at 00:05 UTC, just after the date the matching uses (UTC) changed: training points,
# "il y a 3 jours", training-end windows, start dates and expiry are re-based on the new day,
# which the per-event path needs (docs/matching.md, "Reconciliation").
@bp.schedule(Cron(5, 0, "*", "*", "?", "*"), name="matching_scheduler")
def matching_scheduler(event) -> None:
    from chalicelib.services.matching_runs import start_run

    start_run("schedule")
    flush_metrics()


@bp.schedule(Cron(30, 5, "*", "*", "?", "*"), name="daily_housekeeping")
def daily_housekeeping(event) -> None:
    """Every day at 05:30 UTC: inactivity warnings and erasure, offer expiry, employer reminders,
    follow-up questions (services/daily_runs.py)."""
    from chalicelib.services.daily_runs import create_run, process

    process(create_run("schedule").id)  # housekeeping, then follow-up questions and figures per bassin
    flush_metrics()


@bp.on_sqs_message(queue=f"passerelle-{get_settings().stage}-matching", batch_size=1, name="matching_worker")
def matching_worker(event) -> None:
    try:
        for record in event:
            handle_message(record.body)
    finally:
        flush_metrics()
