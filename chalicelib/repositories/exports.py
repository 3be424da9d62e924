"""Export requests and the staff audit log: EXPORT#<id> / EXPORT, listed newest first on GSI1
(GSI1PK=STAFF#EXPORTS, GSI1SK=<created_at>#<id>). The item is the audit entry: who asked, for what
(kind, format, filters), when, how many rows; it stays a year (TTL), the file itself a week (S3).
"""

from __future__ import annotations

import time
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Attr, Key, data_table
from chalicelib.schemas.exports_store import ExportRecord

RETENTION_S = 366 * 24 * 3600


def _record(item: dict[str, Any]) -> ExportRecord:
    return ExportRecord.model_validate(db.plain(item))


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
    if not db.put_new(item):
        raise ValueError(f"export {record.id} already exists")


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
    return db.conditional(data_table().update_item, **kwargs) is not None


def log_link(export_id: str, staff_id: str, now: str) -> None:
    """Appends a download link handed out to the export's audit entry."""
    data_table().update_item(
        Key=keys.export(export_id),
        UpdateExpression="SET links_issued = list_append(if_not_exists(links_issued, :empty), :link)",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues={":empty": [], ":link": [{"staff_id": staff_id, "at": now}]},
    )


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
    limit: int, start_key: dict[str, Any] | None = None, staff_id: str | None = None
) -> tuple[list[ExportRecord], dict[str, Any] | None]:
    """One page of the audit log, newest first, and the key to continue from (None at the end)."""
    kwargs: dict[str, Any] = {
        "IndexName": "GSI1",
        "KeyConditionExpression": Key("GSI1PK").eq(keys.STAFF_EXPORTS_GSI1),
        "ScanIndexForward": False,
        "Limit": limit,
    }
    if staff_id:
        kwargs["FilterExpression"] = Attr("staff_id").eq(staff_id)
    if start_key:
        kwargs["ExclusiveStartKey"] = start_key
    answer = data_table().query(**kwargs)
    return [_from_item(i) for i in answer.get("Items", [])], answer.get("LastEvaluatedKey")


def start_key_is_valid(start_key: Any) -> bool:
    """A cursor sent back must be the key of an entry of the audit log."""
    return db.is_index_start_key(
        start_key, "GSI1", keys.STAFF_EXPORTS_GSI1, pk_prefix=keys.export("")["PK"], sk=keys.export("")["SK"]
    )
