"""Matching runs and their progress: RUN#<id>/RUN plus one RUN#<id>/BASSIN#<code> per bassin done.

A bassin is counted once even if its message is delivered twice: the per-bassin item is
written with attribute_not_exists in the same transaction as the counters.
"""

from __future__ import annotations

import time

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.repositories import keys
from chalicelib.repositories.db import Key, data_table, is_conditional_failure
from chalicelib.repositories.db import plain as _plain

RETENTION_S = 30 * 24 * 3600
COUNTERS = ("offers", "candidates", "pairs_examined", "eligible_pairs", "kept", "written", "digests")


def create(run_id: str, trigger: str, bassins: list[str], now: str) -> None:
    data_table().put_item(
        Item={
            **keys.matching_run(run_id),
            "kind": "matching_run",
            "id": run_id,
            "trigger": trigger,
            "status": "running",
            "bassins_total": len(bassins),
            "bassins_done": 0,
            "created_at": now,
            "counts": {name: 0 for name in COUNTERS},
            "GSI1PK": keys.MATCHING_RUNS_GSI1,
            "GSI1SK": f"{now}#{run_id}",
            "ttl": int(time.time()) + RETENTION_S,
        },
        ConditionExpression="attribute_not_exists(PK)",
    )


def record_bassin_done(run_id: str, bassin: str, counts: dict[str, int], now: str) -> bool:
    """Adds a bassin's counts to its run once; False if this bassin was already counted."""
    from boto3.dynamodb.types import TypeSerializer

    serialize = TypeSerializer().serialize
    table = get_settings().table
    names = {"#counts": "counts", **{f"#{k}": k for k in counts}}
    values = {":one": 1, ":now": now, **{f":{k}": int(v) for k, v in counts.items()}}
    adds = ", ".join(f"#counts.#{k} :{k}" for k in counts)
    bassin_item = {
        **keys.matching_run_bassin(run_id, bassin),
        "bassin": bassin,
        "done_at": now,
        "ttl": int(time.time()) + RETENTION_S,
    }
    try:
        aws.client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": {k: serialize(v) for k, v in bassin_item.items()},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {
                    "Update": {
                        "TableName": table,
                        "Key": {k: serialize(v) for k, v in keys.matching_run(run_id).items()},
                        "UpdateExpression": f"ADD bassins_done :one, {adds} SET updated_at = :now",
                        "ExpressionAttributeNames": names,
                        "ExpressionAttributeValues": {k: serialize(v) for k, v in values.items()},
                    }
                },
            ]
        )
    except Exception as exc:
        if is_conditional_failure(exc):
            return False
        raise
    finish_if_complete(run_id, now)
    return True


def finish_if_complete(run_id: str, now: str) -> None:
    try:
        data_table().update_item(
            Key=keys.matching_run(run_id),
            UpdateExpression="SET #status = :done, finished_at = :now",
            ConditionExpression="bassins_done >= bassins_total AND #status = :running",
            ExpressionAttributeNames={"#status": "status"},
            ExpressionAttributeValues={":done": "done", ":running": "running", ":now": now},
        )
    except Exception as exc:
        if not is_conditional_failure(exc):
            raise


def get(run_id: str) -> dict | None:
    item = data_table().get_item(Key=keys.matching_run(run_id), ConsistentRead=True).get("Item")
    return _plain(item) if item else None


def recent(limit: int = 20) -> list[dict]:
    page = data_table().query(
        IndexName="GSI1",
        KeyConditionExpression=Key("GSI1PK").eq(keys.MATCHING_RUNS_GSI1),
        ScanIndexForward=False,
        Limit=limit,
    )
    return [_plain(i) for i in page.get("Items", [])]
