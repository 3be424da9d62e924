"""Matching runs and their progress: RUN#<id>/RUN plus one RUN#<id>/BASSIN#<code> per bassin done.

A bassin is counted once even if its message is delivered twice: the per-bassin item is
written with attribute_not_exists in the same transaction as the counters.
"""

from __future__ import annotations

import time

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table
from chalicelib.schemas.runs_store import COUNTERS, RunRecord

RETENTION_S = 30 * 24 * 3600


def create(run_id: str, trigger: str, bassins: list[str], now: str) -> None:
    record = RunRecord(
        id=run_id,
        trigger=trigger,
        bassins_total=len(bassins),
        created_at=now,
        counts=dict.fromkeys(COUNTERS, 0),
    )
    item = {
        **keys.matching_run(run_id),
        "kind": "matching_run",
        **record.model_dump(exclude_none=True),
        "GSI1PK": keys.MATCHING_RUNS_GSI1,
        "GSI1SK": keys.matching_run_sort(now, run_id),
        "ttl": int(time.time()) + RETENTION_S,
    }
    if not db.put_new(item):
        raise ValueError(f"matching run {run_id} already exists")


def record_bassin_done(run_id: str, bassin: str, counts: dict[str, int], now: str) -> bool:
    """Adds a bassin's counts to its run once; False if this bassin was already counted."""
    names = {"#counts": "counts", **{f"#{k}": k for k in counts}}
    values = {":one": 1, ":now": now, **{f":{k}": int(v) for k, v in counts.items()}}
    adds = ", ".join(f"#counts.#{k} :{k}" for k in counts)
    bassin_item = {
        **keys.matching_run_bassin(run_id, bassin),
        "bassin": bassin,
        "done_at": now,
        "ttl": int(time.time()) + RETENTION_S,
    }
    counted = db.transact_write(
        {"Put": {"Item": bassin_item, "ConditionExpression": "attribute_not_exists(PK)"}},
        {
            "Update": {
                "Key": keys.matching_run(run_id),
                "UpdateExpression": f"ADD bassins_done :one, {adds} SET updated_at = :now",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        },
    )
    if counted:
        finish_if_complete(run_id, now)
    return counted


def finish_if_complete(run_id: str, now: str) -> None:
    db.conditional(
        data_table().update_item,
        Key=keys.matching_run(run_id),
        UpdateExpression="SET #status = :done, finished_at = :now",
        ConditionExpression="bassins_done >= bassins_total AND #status = :running",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":done": "done", ":running": "running", ":now": now},
    )


def get(run_id: str) -> RunRecord | None:
    item = data_table().get_item(Key=keys.matching_run(run_id), ConsistentRead=True).get("Item")
    return RunRecord.model_validate(db.plain(item)) if item else None


def recent(limit: int = 20) -> list[RunRecord]:
    page = data_table().query(
        IndexName="GSI1",
        KeyConditionExpression=Key("GSI1PK").eq(keys.MATCHING_RUNS_GSI1),
        ScanIndexForward=False,
        Limit=limit,
    )
    return [RunRecord.model_validate(db.plain(i)) for i in page.get("Items", [])]
