"""Daily runs and their progress: DAILY#<id>/RUN plus one DAILY#<id>/STEP#<name> per step done.

A step is counted once even if the run's message is delivered twice: the step item is written
with attribute_not_exists in the same transaction as the counters (like matching runs).
"""

from __future__ import annotations

import time

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.schemas.daily_runs import DailyRunRecord

RETENTION_S = 30 * 24 * 3600


def create(record: DailyRunRecord) -> None:
    item = {
        **keys.daily_run(record.id),
        "kind": "daily_run",
        **record.model_dump(exclude_none=True),
        "GSI1PK": keys.DAILY_RUNS_GSI1,
        "GSI1SK": f"{record.created_at}#{record.id}",
        "ttl": int(time.time()) + RETENTION_S,
    }
    if not db.put_new(item):
        raise ValueError(f"daily run {record.id} already exists")


def get(run_id: str) -> DailyRunRecord | None:
    item = data_table().get_item(Key=keys.daily_run(run_id), ConsistentRead=True).get("Item")
    return DailyRunRecord.model_validate(db.plain(item)) if item else None


def steps_done(run_id: str) -> set[str]:
    items = query_all(
        KeyConditionExpression=Key("PK").eq(keys.daily_run(run_id)["PK"]) & Key("SK").begins_with("STEP#"),
        ProjectionExpression="SK",
    )
    return {i["SK"].removeprefix("STEP#") for i in items}


def record_step(run_id: str, step: str, counts: dict[str, int], now: str) -> bool:
    """Adds a step's counts to its run once; False if the step was already counted."""
    names = {"#c": "counts", **{f"#c{n}": k for n, k in enumerate(counts)}} if counts else None
    values = {":one": 1, ":now": now, **{f":c{n}": int(v) for n, v in enumerate(counts.values())}}
    adds = "".join(f", #c.#c{n} :c{n}" for n in range(len(counts)))
    step_item = {**keys.daily_run_step(run_id, step), "done_at": now, "ttl": int(time.time()) + RETENTION_S}
    counted = db.transact_write(
        {"Put": {"Item": step_item, "ConditionExpression": "attribute_not_exists(PK)"}},
        {
            "Update": {
                "Key": keys.daily_run(run_id),
                "UpdateExpression": f"ADD steps_done :one{adds} SET updated_at = :now",
                **({"ExpressionAttributeNames": names} if names else {}),
                "ExpressionAttributeValues": values,
            }
        },
    )
    if counted:
        db.conditional(
            data_table().update_item,
            Key=keys.daily_run(run_id),
            UpdateExpression="SET #status = :done, finished_at = :now",
            ConditionExpression="steps_done >= steps_total AND #status = :running",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":done": "done", ":running": "running", ":now": now},
        )
    return counted


def recent(limit: int) -> list[DailyRunRecord]:
    page = data_table().query(
        IndexName="GSI1",
        KeyConditionExpression=Key("GSI1PK").eq(keys.DAILY_RUNS_GSI1),
        ScanIndexForward=False,
        Limit=limit,
    )
    return [DailyRunRecord.model_validate(db.plain(i)) for i in page.get("Items", [])]
