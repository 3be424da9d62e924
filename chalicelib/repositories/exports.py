"""Export requests and the staff audit log: EXPORT#<id> / EXPORT, listed newest first on GSI1
(GSI1PK=STAFF#EXPORTS, GSI1SK=<created_at>#<id>). The item is the audit entry: who asked, for what
(kind, format, filters), when, how many rows; it stays a year (TTL), the file itself a week (S3).
"""

from __future__ import annotations

import time
from typing import Any

from chalicelib.repositories import keys
from chalicelib.repositories.db import Attr, Key, data_table, is_conditional_failure
from chalicelib.repositories.db import plain as _plain
from chalicelib.schemas.staff import ExportRecord

RETENTION_S = 366 * 24 * 3600


def _record(item: dict[str, Any]) -> ExportRecord:
    return ExportRecord.model_validate(_plain(item))


def create(record: ExportRecord) -> None:
    # "kind" names the item type on every item of the table: the export's own kind is "export_kind".
    item = {
        **keys.export(record.id),
        **record.model_dump(mode="json", exclude_none=True),
        "kind": "export",
        "export_kind": record.kind,
        "GSI1PK": keys.STAFF_EXPORTS_GSI1,
        "GSI1SK": keys.staff_export_sort(record.created_at, record.id),
        "ttl": int(time.time()) + RETENTION_S,
    }
    data_table().put_item(Item=item, ConditionExpression="attribute_not_exists(PK)")


def _from_item(item: dict[str, Any]) -> ExportRecord:
    return _record({**item, "kind": item["export_kind"]})


def get(export_id: str) -> ExportRecord | None:
    item = data_table().get_item(Key=keys.export(export_id), ConsistentRead=True).get("Item")
    return _from_item(item) if item and item.get("export_kind") else None


def _update(export_id: str, sets: dict[str, Any], condition: str | None = None, **values: Any) -> bool:
    names = {"#status": "status", **{f"#{k}": k for k in sets}}
    expression = "SET " + ", ".join(f"#{k} = :{k}" for k in sets)
    kwargs: dict[str, Any] = {
        "Key": keys.export(export_id),
        "UpdateExpression": expression,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {**{f":{k}": v for k, v in sets.items()}, **values},
    }
    kwargs["ConditionExpression"] = "attribute_exists(PK)" + (f" AND ({condition})" if condition else "")
    try:
        data_table().update_item(**kwargs)
    except Exception as exc:
        if is_conditional_failure(exc):
            return False
        raise
    return True


def start(export_id: str, now: str) -> bool:
    """pending → running (a redelivered message restarts a running one); False once done or failed."""
    return _update(
        export_id,
        {"status": "running", "started_at": now, "progress": 0, "rows": 0},
        "#status IN (:pending, :running)",
        **{":pending": "pending", ":running": "running"},
    )


def set_progress(export_id: str, progress: int, rows: int) -> None:
    _update(export_id, {"progress": progress, "rows": rows}, "#status = :running", **{":running": "running"})


def finish(export_id: str, rows: int, object_key: str, filename: str, size: int, now: str) -> None:
    _update(
        export_id,
        {
            "status": "done",
            "progress": 100,
            "rows": rows,
            "object_key": object_key,
            "filename": filename,
            "size_bytes": size,
            "finished_at": now,
        },
    )


def fail(export_id: str, error: str, now: str) -> None:
    _update(export_id, {"status": "failed", "error": error, "finished_at": now})


def page(
    limit: int, after: str | None = None, staff_id: str | None = None
) -> tuple[list[ExportRecord], str | None]:
    """One page of the audit log, newest first; `after` is the GSI1SK of the last entry seen."""
    kwargs: dict[str, Any] = {
        "IndexName": "GSI1",
        "KeyConditionExpression": Key("GSI1PK").eq(keys.STAFF_EXPORTS_GSI1),
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if staff_id:
        kwargs["FilterExpression"] = Attr("staff_id").eq(staff_id)
    if after:
        export_id = after.rsplit("#", 1)[-1]
        kwargs["ExclusiveStartKey"] = {
            **keys.export(export_id),
            "GSI1PK": keys.STAFF_EXPORTS_GSI1,
            "GSI1SK": after,
        }
    answer = data_table().query(**kwargs)
    records = [_from_item(i) for i in answer.get("Items", [])]
    last = answer.get("LastEvaluatedKey")
    return records, (last["GSI1SK"] if last else None)
