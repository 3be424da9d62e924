"""Candidates over the data table.

Profile: PK=CAND#<id>, SK=PROFILE, kind "candidate". GSI2 = candidates of a bassin, in two
partitions: BASSIN#<b>#CAND holds only those who consent to contact and are visible (what the
matching reads), BASSIN#<b>#CANDX the others (staff exports and figures). GSI3 (sparse)
= the day their inactivity warning is due (30 days before `ttl`, which DynamoDB uses to delete
the profile 24 months after the last activity).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.context import Role
from chalicelib.domain.calendar import add_years
from chalicelib.repositories import accounts, db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.schemas.candidates_store import CandidateRecord

RETENTION_YEARS = 2  # 24 months without activity, then erased by the daily job
WARNING_DAYS = 30
# DynamoDB's TTL is a safety net that must never come first: it deletes the profile only, and
# only this long after the daily job's erasure was due (the job catches up 7 missed days).
TTL_GRACE_DAYS = 30


def expiry_of(last_active_at: str) -> datetime:
    active = datetime.fromisoformat(last_active_at)
    return datetime.combine(add_years(active.date(), RETENTION_YEARS), active.timetz())


def _retention_keys(candidate_id: str, last_active_at: str) -> dict[str, Any]:
    expires = expiry_of(last_active_at)
    warn_day = (expires - timedelta(days=WARNING_DAYS)).astimezone(UTC).date().isoformat()
    return {
        "ttl": int((expires + timedelta(days=TTL_GRACE_DAYS)).timestamp()),
        "GSI3PK": keys.expiry_warning_gsi3(warn_day),
        "GSI3SK": keys.candidate(candidate_id)["PK"],
    }


def purge_day(last_active_at: str) -> str:
    """The day after the profile's TTL: the daily job then erases whatever TTL left (the claim's
    GSI3 key, set when the account is created and moved on when the person was active since)."""
    ttl_day = (expiry_of(last_active_at) + timedelta(days=TTL_GRACE_DAYS)).astimezone(UTC).date()
    return (ttl_day + timedelta(days=1)).isoformat()


def candidate_item(record: CandidateRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        **keys.candidate(record.id),
        "kind": "candidate",
        **record.model_dump(mode="json", exclude_none=True),
        **_retention_keys(record.id, record.last_active_at),
    }
    item["training"] = {k: v for k, v in item["training"].items() if v is not None}
    if record.matchable:
        item["GSI2PK"] = keys.bassin_candidates_gsi2(record.bassin)
    else:  # a partition of its own, so the matching's sparse read is unchanged (staff exports read both)
        item["GSI2PK"] = keys.bassin_other_candidates_gsi2(record.bassin)
    item["GSI2SK"] = keys.candidate(record.id)["PK"]
    return item


def record_from_item(item: dict[str, Any]) -> CandidateRecord:
    return CandidateRecord.model_validate(db.plain(item))


def create(record: CandidateRecord) -> None:
    """Profile and e-mail uniqueness item in one transaction; a taken address → Conflict (409)."""
    accounts.create_with_unique_email(
        record.email, record.id, Role.CANDIDATE, candidate_item(record), purge_day(record.last_active_at)
    )


def get(candidate_id: str) -> CandidateRecord | None:
    item = data_table().get_item(Key=keys.candidate(candidate_id), ConsistentRead=True).get("Item")
    return record_from_item(item) if item else None


def get_many(candidate_ids: Iterable[str], consistent: bool = False) -> dict[str, CandidateRecord]:
    records = (
        record_from_item(i) for i in db.batch_get((keys.candidate(i) for i in candidate_ids), consistent)
    )
    return {r.id: r for r in records}


def list_matchable_in_bassin(bassin: str) -> list[CandidateRecord]:
    """Candidates living in `bassin` who consent to contact and are visible (sparse GSI2)."""
    items = query_all(
        IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(keys.bassin_candidates_gsi2(bassin))
    )
    return [record_from_item(i) for i in items]


def versions_in_bassin(bassin: str) -> dict[str, int]:
    """id → version of the matchable candidates living in `bassin` (the same sparse GSI2
    partition, two attributes only: the scheduled run checks the per-event index with them)."""
    items = query_all(
        IndexName="GSI2",
        KeyConditionExpression=Key("GSI2PK").eq(keys.bassin_candidates_gsi2(bassin)),
        ProjectionExpression="#pk, #v",
        ExpressionAttributeNames={"#pk": "PK", "#v": "version"},
    )
    prefix = len(keys.candidate("")["PK"])
    return {i["PK"][prefix:]: int(i["version"]) for i in items}


def iter_all_in_bassin(bassin: str) -> Iterator[CandidateRecord]:
    """Every candidate living in `bassin`, matchable or not, page by page (staff exports)."""
    for partition in (keys.bassin_candidates_gsi2(bassin), keys.bassin_other_candidates_gsi2(bassin)):
        for item in query_all(IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(partition)):
            yield record_from_item(item)


def save(record: CandidateRecord, expected_version: int) -> None:
    """Written only if the stored version is still `expected_version`; StaleVersion otherwise."""
    db.put_versioned(candidate_item(record), expected_version)


def touch(candidate_id: str, now: str) -> bool:
    """Records activity (pushes back the expiry) without changing the profile's version."""
    retention = _retention_keys(candidate_id, now)
    answer = db.conditional(
        data_table().update_item,
        Key=keys.candidate(candidate_id),
        UpdateExpression="SET last_active_at = :now, #ttl = :ttl, GSI3PK = :warn, GSI3SK = :sk",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={
            ":now": now,
            ":ttl": retention["ttl"],
            ":warn": retention["GSI3PK"],
            ":sk": retention["GSI3SK"],
        },
    )
    return answer is not None


def delete(record: CandidateRecord) -> None:
    """Frees the e-mail address, then deletes the profile (a retry after a failure finishes the job)."""
    accounts.release_email(record.email, record.id)
    data_table().delete_item(Key=keys.candidate(record.id))


def delete_digests(candidate_id: str) -> int:
    """The once-a-day digest markers (DIGEST#<id>) carry the id: erased with the account."""
    return db.delete_all(list(query_all(KeyConditionExpression=Key("PK").eq(keys.digest_pk(candidate_id)))))


def due_for_expiry_warning(day: str) -> list[CandidateRecord]:
    """Candidates whose inactivity warning falls on `day` (sparse GSI3)."""
    items = query_all(
        IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(keys.expiry_warning_gsi3(day))
    )
    return [record_from_item(i) for i in items]
