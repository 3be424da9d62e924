"""Use cases of daily runs: the 05:30 schedule or a staff member starts one; the worker does its
steps (housekeeping, then per bassin the follow-up questions and the staff figures); staff follow
its progress. docs/followup.md ("Daily runs").
"""

from __future__ import annotations

import re
import time
from datetime import date

from chalicelib.domain.calendar import paris_today, utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import NotFound
from chalicelib.gateways.queue import send_matching
from chalicelib.observability import logger, metrics
from chalicelib.repositories import daily_runs
from chalicelib.schemas.daily_runs import DailyRunRecord, DailyRunView
from chalicelib.services.idempotency import run_idempotent

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HOUSEKEEPING = "housekeeping"
WORKER_BUDGET_S = 30.0  # the matching worker's timeout is 60 s in prod: a step started later is queued


def steps() -> list[str]:
    return [HOUSEKEEPING, *(f"bassin#{code}" for code in sorted(get_referentials().bassins))]


def create_run(trigger: str, today: date | None = None) -> DailyRunRecord:
    record = DailyRunRecord(
        id=new_id(),
        trigger=trigger,
        today=(today or paris_today()).isoformat(),
        steps_total=len(steps()),
        created_at=utc_timestamp(),
    )
    daily_runs.create(record)
    metrics.add_metric(name="DailyRunStarted", unit="Count", value=1)
    logger.info("daily run started", extra={"run_id": record.id, "trigger": trigger})
    return record


def start_run_for_staff(staff_id: str, idempotency_key: str | None) -> dict:
    """A staff member's "run now" → {"id": ...}: the worker does the steps (matching queue)."""

    def start() -> dict:
        record = create_run("staff")
        send_matching({"type": "daily", "run_id": record.id})
        return {"id": record.id}

    return run_idempotent(f"POST /staff/daily-runs:{staff_id}", idempotency_key, {}, start)


def _do_step(step: str, today: date) -> dict[str, int]:
    if step == HOUSEKEEPING:
        from chalicelib.services.housekeeping import run_daily

        return run_daily(today)
    from chalicelib.services.followup_survey import send_due_in_bassin
    from chalicelib.services.staff_stats import refresh_stats

    bassin = step.removeprefix("bassin#")
    counts = send_due_in_bassin(bassin, today)
    refresh_stats(bassin, today)
    return counts


def process(run_id: str, budget_s: float | None = None) -> DailyRunView:
    """Does the run's steps not done yet (a redelivered message resumes where it stopped). With a
    time budget (the queue worker's), it stops after the step that spends it and queues the rest
    of the run as a new message, so that no single invocation nears the Lambda's timeout."""
    run = daily_runs.get(run_id)
    if run is None:
        raise NotFound("Traitement quotidien introuvable.")
    today = date.fromisoformat(run.today)
    done = daily_runs.steps_done(run_id)
    started, did = time.monotonic(), 0
    for step in steps():
        if step in done:
            continue
        if budget_s is not None and did and time.monotonic() - started > budget_s:  # one step at least
            send_matching({"type": "daily", "run_id": run_id})
            logger.info("daily run continued in a new message", extra={"run_id": run_id})
            return get_run(run_id)
        counts = _do_step(step, today)
        daily_runs.record_step(run_id, step, {k: v for k, v in counts.items() if v}, utc_timestamp())
        did += 1
    logger.info("daily run done", extra={"run_id": run_id})
    return get_run(run_id)


def run_view(run: DailyRunRecord) -> DailyRunView:
    progress = 100 if run.steps_total == 0 else min(100, run.steps_done * 100 // run.steps_total)
    return DailyRunView(
        **run.model_dump(exclude={"updated_at", "steps_done"}), steps_done=run.steps_done, progress=progress
    )


def get_run(run_id: str) -> DailyRunView:
    run = daily_runs.get(run_id) if _ID.fullmatch(run_id) else None
    if run is None:
        raise NotFound("Traitement quotidien introuvable.")
    return run_view(run)


def recent_runs(limit: int) -> list[DailyRunView]:
    return [run_view(run) for run in daily_runs.recent(limit)]
