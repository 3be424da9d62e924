"""Employers' answer figures: PK EMP#<id>, SK RESPONSIVENESS, listed for staff through the sparse
GSI3 partition EMPLOYERS#RATED (one item per employer who received interests; a few thousand at
most across the région)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.schemas.responsiveness_store import ResponsivenessRecord


def _item(record: ResponsivenessRecord) -> dict[str, Any]:
    data = record.model_dump()
    if record.rate is not None:
        data["rate"] = Decimal(str(record.rate))
    return {
        **keys.employer_responsiveness(record.employer_id),
        "kind": "responsiveness",
        "GSI3PK": keys.RATED_EMPLOYERS_GSI3,
        "GSI3SK": keys.rated_employer_sort(record.employer_id),
        **{k: v for k, v in data.items() if v is not None},
    }


def _record(item: dict[str, Any]) -> ResponsivenessRecord:
    return ResponsivenessRecord.model_validate(db.plain(item))


def get(employer_id: str) -> ResponsivenessRecord | None:
    item = data_table().get_item(Key=keys.employer_responsiveness(employer_id), ConsistentRead=True)
    found = item.get("Item")
    return _record(found) if found else None


def get_many(employer_ids: Iterable[str]) -> dict[str, ResponsivenessRecord]:
    items = db.batch_get(keys.employer_responsiveness(i) for i in employer_ids)
    return {r.employer_id: r for r in (_record(i) for i in items if i.get("kind") == "responsiveness")}


def put(record: ResponsivenessRecord) -> None:
    data_table().put_item(Item=_item(record))


def all_rated() -> list[ResponsivenessRecord]:
    items = query_all(IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(keys.RATED_EMPLOYERS_GSI3))
    return [_record(i) for i in items]


def delete(employer_id: str) -> None:
    data_table().delete_item(Key=keys.employer_responsiveness(employer_id))
