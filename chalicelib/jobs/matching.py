"""Matching runs: the hourly scheduler fans out one SQS message per bassin; the worker handles them.

Locally (`make run`) the runner calls `start_run` on a timer and feeds the queue's messages to
`handle_message`, the same code the Lambda functions run.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from chalice import Blueprint, Cron, Rate
from pydantic import ValidationError

from chalicelib.config import get_settings
from chalicelib.domain.identity import new_id
from chalicelib.observability import flush_metrics, logger, metrics
from chalicelib.schemas.messages import BassinMessage, CandidateMessage, OfferMessage, matching_message

bp = Blueprint(__name__)


class PoisonMessage(Exception):
    """A message no retry can fix: logged loudly, left to fail into the dead-letter queue."""


def _now() -> datetime:
    return datetime.now(UTC)


def start_run(trigger: str) -> str:
    """Creates a run and queues one message per bassin d'emploi; returns the run id."""
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.gateways.queue import send_matching_batch
    from chalicelib.repositories import runs

    run_id = new_id()
    bassins = sorted(get_referentials().bassins)
    runs.create(run_id, trigger, bassins, _now().isoformat(timespec="seconds"))
    send_matching_batch([{"type": "bassin", "bassin": b, "run_id": run_id} for b in bassins])
    metrics.add_metric(name="MatchingRunStarted", unit="Count", value=1)
    logger.info("matching run started", extra={"run_id": run_id, "trigger": trigger, "bassins": len(bassins)})
    return run_id


def _bassins_for_candidate(message: CandidateMessage) -> list[str]:
    """Where a changed profile can have matches: where the person can now work, and where they had some."""
    from chalicelib.domain.reach import bassins_within
    from chalicelib.repositories import candidates as candidates_repo
    from chalicelib.repositories import matches as matches_repo

    bassins = {m.match.bassin for m in matches_repo.for_candidate(message.candidate_id) if m.match}
    candidate = candidates_repo.get(message.candidate_id)
    if candidate is not None:
        bassins.update(bassins_within(candidate.code_insee, candidate.mobility_km))
    return sorted(bassins)


def handle_message(body: str) -> dict[str, int]:
    """Processes one queue message; raises on failure so that SQS retries it, then dead-letters it."""
    from chalicelib.repositories import runs
    from chalicelib.services.notify_matches import send_digests
    from chalicelib.services.run_matching import match_bassin

    try:
        message = matching_message.validate_python(json.loads(body))
    except (ValueError, ValidationError) as exc:
        metrics.add_metric(name="MatchingPoisonMessage", unit="Count", value=1)
        logger.error(
            "ALARM poison matching message: it will go to the dead-letter queue", extra={"size": len(body)}
        )
        raise PoisonMessage("invalid matching message") from exc

    now = _now()
    stamp = now.isoformat(timespec="seconds")
    if isinstance(message, BassinMessage):
        work = [(message.bassin, set(message.offer_ids) if message.offer_ids else None)]
    elif isinstance(message, OfferMessage):
        work = [(message.bassin, {message.offer_id})]
    else:
        work = [(b, None) for b in _bassins_for_candidate(message)]

    totals: dict[str, int] = {}
    new_pairs: list[tuple[str, str]] = []
    for bassin, offer_ids in work:
        result = match_bassin(bassin, now.date(), stamp, offer_ids)
        new_pairs += result.new_pairs
        for name, value in result.counts().items():
            totals[name] = totals.get(name, 0) + value
    totals["digests"] = send_digests(new_pairs, now.date().isoformat())
    if isinstance(message, BassinMessage):
        _refresh_staff_figures(message, now, totals.get("kept"))
    if isinstance(message, BassinMessage) and message.run_id:
        runs.record_bassin_done(message.run_id, message.bassin, totals, stamp)
    metrics.add_metric(name="MatchesWritten", unit="Count", value=totals.get("written", 0))
    logger.info("matching message done", extra={"type": message.type, **totals})
    return totals


def _refresh_staff_figures(message: BassinMessage, now: datetime, kept: int | None) -> None:
    """Staff figures of the bassin, recomputed after its matching; a failure there never fails the
    matching (the next run refreshes them)."""
    from chalicelib.domain.calendar import paris_today
    from chalicelib.services.staff_stats import refresh_stats

    try:
        # `kept` counts the proposals of every open offer of the bassin only for a whole-bassin run.
        refresh_stats(message.bassin, paris_today(), matches=None if message.offer_ids else kept)
    except Exception:
        metrics.add_metric(name="StaffFiguresRefreshFailed", unit="Count", value=1)
        logger.exception("staff figures not refreshed", extra={"bassin": message.bassin})


@bp.schedule(Rate(1, unit=Rate.HOURS), name="matching_scheduler")
def matching_scheduler(event) -> None:
    start_run("schedule")
    flush_metrics()


@bp.schedule(Cron(30, 5, "*", "*", "?", "*"), name="daily_housekeeping")
def daily_housekeeping(event) -> None:
    """Every day at 05:30 UTC: inactivity warnings and erasure, offer expiry, employer reminders."""
    from chalicelib.domain.calendar import paris_today
    from chalicelib.services.housekeeping import run_daily

    run_daily(paris_today())
    flush_metrics()


@bp.on_sqs_message(queue=f"passerelle-{get_settings().stage}-matching", batch_size=1, name="matching_worker")
def matching_worker(event) -> None:
    try:
        for record in event:
            handle_message(record.body)
    finally:
        flush_metrics()
