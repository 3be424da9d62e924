"""Employer profiles over the data table: PK=EMP#<id>, SK=PROFILE, kind "employer".

Created together with the EMAIL#<address> uniqueness item (repositories/accounts.py);
updated with an optimistic version check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.context import Role
from chalicelib.repositories import accounts, db, keys
from chalicelib.repositories.db import data_table
from chalicelib.schemas.employers_store import EmployerRecord


def employer_item(record: EmployerRecord) -> dict[str, Any]:
    item = {**keys.employer(record.id), "kind": "employer", **record.model_dump(mode="json")}
    return {k: v for k, v in item.items() if v is not None}


def _record(item: dict[str, Any]) -> EmployerRecord:
    return EmployerRecord.model_validate(db.plain(item))


def create(record: EmployerRecord) -> None:
    """Profile and e-mail claim in one transaction: an address already in use → Conflict (409)."""
    accounts.create_with_unique_email(record.email, record.id, Role.EMPLOYER, employer_item(record))


def get(employer_id: str) -> EmployerRecord | None:
    item = data_table().get_item(Key=keys.employer(employer_id), ConsistentRead=True).get("Item")
    return _record(item) if item and item.get("kind") == "employer" else None


def get_many(employer_ids: Iterable[str]) -> dict[str, EmployerRecord]:
    items = db.batch_get(keys.employer(i) for i in employer_ids)
    return {r.id: r for r in (_record(i) for i in items if i.get("kind") == "employer")}


def save(record: EmployerRecord, expected_version: int) -> None:
    """Written only if the stored version is still `expected_version`; StaleVersion otherwise."""
    db.put_versioned(employer_item(record), expected_version)


def delete(record: EmployerRecord) -> None:
    """Frees the address, then erases the profile: a retry after a failure in between finds the
    profile again (the reverse order left the claim for ever once the profile was gone)."""
    accounts.release_email(record.email, record.id)
    data_table().delete_item(Key=keys.employer(record.id))
    data_table().delete_item(Key=keys.employer_responsiveness(record.id))
