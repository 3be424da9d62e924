"""Use cases of matching runs: start one (daily schedule or a staff member), work one queue
message, follow a run's progress.

A run is one message per bassin d'emploi on the matching queue; per-event matchings (an offer or a
profile changed: services/matching_triggers.py, worked by services/match_events.py) are messages too. `process` is what the worker
does with one message, whoever delivers it (SQS in AWS, the local runner's poller).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from chalicelib.domain.calendar import paris_today, utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import NotFound
from chalicelib.gateways.queue import send_matching_batch
from chalicelib.observability import logger, metrics
from chalicelib.repositories import runs
from chalicelib.schemas.messages import BassinMessage, MatchingMessage, OfferMessage
from chalicelib.schemas.runs import RunCounts, RunView
from chalicelib.schemas.runs_store import RunRecord
from chalicelib.services import match_events
from chalicelib.services.idempotency import run_idempotent
from chalicelib.services.notify_matches import send_digests
from chalicelib.services.run_matching import match_bassin
from chalicelib.services.staff_stats import refresh_stats

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def start_run(trigger: str, now: datetime | None = None) -> str:
    """Creates a run and queues one message per bassin d'emploi; returns the run id."""
    run_id = new_id()
    bassins = sorted(get_referentials().bassins)
    runs.create(run_id, trigger, bassins, utc_timestamp(now))
    send_matching_batch([{"type": "bassin", "bassin": b, "run_id": run_id} for b in bassins])
    metrics.add_metric(name="MatchingRunStarted", unit="Count", value=1)
    logger.info("matching run started", extra={"run_id": run_id, "trigger": trigger, "bassins": len(bassins)})
    return run_id


def start_run_for_staff(staff_id: str, idempotency_key: str | None) -> dict:
    """A staff member's "run now" → {"id": ...}; the same Idempotency-Key starts one run."""
    scope = f"POST /staff/matching-runs:{staff_id}"
    return run_idempotent(scope, idempotency_key, {}, lambda: {"id": start_run("staff")})


def run_view(run: RunRecord) -> RunView:
    progress = 100 if run.bassins_total == 0 else min(100, run.bassins_done * 100 // run.bassins_total)
    return RunView(
        **run.model_dump(include=set(RunView.model_fields) - {"counts", "progress"}),
        progress=progress,
        counts=RunCounts(**run.counts),
    )


def recent_runs(limit: int) -> list[RunView]:
    return [run_view(run) for run in runs.recent(limit)]


def get_run(run_id: str) -> RunView:
    run = runs.get(run_id) if _ID.fullmatch(run_id) else None
    if run is None:
        raise NotFound("Appariement introuvable.")
    return run_view(run)


def process(message: MatchingMessage, now: datetime | None = None) -> dict[str, int]:
    """Recomputes what the message names, e-mails the digests, and counts a run's bassin done."""
    now = now or datetime.now(UTC)
    stamp = utc_timestamp(now)
    totals: dict[str, int] = {}
    if isinstance(message, BassinMessage):
        offer_ids = set(message.offer_ids) if message.offer_ids else None
        result = match_bassin(message.bassin, now.date(), stamp, offer_ids)
    elif isinstance(message, OfferMessage):  # per event: the offer alone (services/match_events.py)
        result = match_events.process_offer(message.offer_id, now.date(), stamp)
    else:
        result = match_events.process_candidate(message.candidate_id, now.date(), stamp)
    new_pairs = result.new_pairs
    totals.update(result.counts())
    totals["digests"] = send_digests(new_pairs, now.date().isoformat())
    if isinstance(message, BassinMessage):
        _refresh_staff_figures(message, totals.get("kept"))
        if message.run_id:
            runs.record_bassin_done(message.run_id, message.bassin, totals, stamp)
    metrics.add_metric(name="MatchesWritten", unit="Count", value=totals.get("written", 0))
    logger.info("matching message done", extra={"type": message.type, **totals})
    return totals


def _refresh_staff_figures(message: BassinMessage, kept: int | None) -> None:
    """Staff figures of the bassin, recomputed after its matching; a failure there never fails the
    matching (the next run refreshes them)."""
    try:
        # `kept` counts the proposals of every open offer of the bassin only for a whole-bassin run.
        refresh_stats(message.bassin, paris_today(), matches=None if message.offer_ids else kept)
    except Exception:
        metrics.add_metric(name="StaffFiguresRefreshFailed", unit="Count", value=1)
        logger.exception("staff figures not refreshed", extra={"bassin": message.bassin})
