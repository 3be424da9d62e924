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

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.errors import Conflict
from chalicelib.repositories import accounts, keys
from chalicelib.repositories.db import Key, data_table, is_conditional_failure, query_all
from chalicelib.repositories.db import plain as _plain
from chalicelib.schemas.candidates import CandidateRecord, add_years

ROLE = "candidate"
RETENTION_YEARS = 2  # 24 months without activity, then erased (TTL)
WARNING_DAYS = 30
STALE = (
    "Votre profil a été modifié entre-temps (dans un autre onglet ?) : rechargez la page puis recommencez."
)


def expiry_of(last_active_at: str) -> datetime:
    active = datetime.fromisoformat(last_active_at)
    return datetime.combine(add_years(active.date(), RETENTION_YEARS), active.timetz())


def _retention_keys(candidate_id: str, last_active_at: str) -> dict[str, Any]:
    expires = expiry_of(last_active_at)
    warn_day = (expires - timedelta(days=WARNING_DAYS)).astimezone(UTC).date().isoformat()
    return {
        "ttl": int(expires.timestamp()),
        "GSI3PK": keys.expiry_warning_gsi3(warn_day),
        "GSI3SK": keys.candidate(candidate_id)["PK"],
    }


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
    return CandidateRecord.model_validate(_plain(item))


def create(record: CandidateRecord) -> None:
    """Profile and e-mail uniqueness item in one transaction; a taken address → Conflict (409)."""
    accounts.create_with_unique_email(record.email, record.id, ROLE, candidate_item(record))


def get(candidate_id: str) -> CandidateRecord | None:
    item = data_table().get_item(Key=keys.candidate(candidate_id), ConsistentRead=True).get("Item")
    return record_from_item(item) if item else None


def get_many(candidate_ids: Iterable[str]) -> dict[str, CandidateRecord]:
    """BatchGetItem by 100, unprocessed keys retried."""
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    ids = sorted(set(candidate_ids))
    client = aws.client("dynamodb")
    table = get_settings().table
    found: dict[str, CandidateRecord] = {}
    for start in range(0, len(ids), 100):
        batch = [{k: {"S": v} for k, v in keys.candidate(i).items()} for i in ids[start : start + 100]]
        request: dict[str, Any] = {table: {"Keys": batch}}
        while request:
            response = client.batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(table, []):
                record = record_from_item({k: deserialize(v) for k, v in raw.items()})
                found[record.id] = record
            request = response.get("UnprocessedKeys") or {}
    return found


def list_matchable_in_bassin(bassin: str) -> list[CandidateRecord]:
    """Candidates living in `bassin` who consent to contact and are visible (sparse GSI2)."""
    items = query_all(
        IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(keys.bassin_candidates_gsi2(bassin))
    )
    return [record_from_item(i) for i in items]


def iter_all_in_bassin(bassin: str) -> Iterator[CandidateRecord]:
    """Every candidate living in `bassin`, matchable or not, page by page (staff exports)."""
    for partition in (keys.bassin_candidates_gsi2(bassin), keys.bassin_other_candidates_gsi2(bassin)):
        for item in query_all(IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(partition)):
            yield record_from_item(item)


def save(record: CandidateRecord, expected_version: int) -> None:
    """Optimistic concurrency: written only if the stored version is still `expected_version`."""
    try:
        data_table().put_item(
            Item=candidate_item(record),
            ConditionExpression="attribute_exists(PK) AND version = :expected",
            ExpressionAttributeValues={":expected": expected_version},
        )
    except Exception as exc:
        if is_conditional_failure(exc):
            raise Conflict(STALE, {"If-Match": "Version périmée : rechargez le profil."}) from exc
        raise


def touch(candidate_id: str, now: str) -> bool:
    """Records activity (pushes back the expiry) without changing the profile's version."""
    retention = _retention_keys(candidate_id, now)
    try:
        data_table().update_item(
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
    except Exception as exc:
        if is_conditional_failure(exc):
            return False
        raise
    return True


def delete(record: CandidateRecord) -> None:
    """Frees the e-mail address, then deletes the profile (a retry after a failure finishes the job)."""
    accounts.release_email(record.email, record.id)
    data_table().delete_item(Key=keys.candidate(record.id))


def delete_digests(candidate_id: str) -> int:
    """The once-a-day digest markers (DIGEST#<id>) carry the id: erased with the account."""
    items = list(query_all(KeyConditionExpression=Key("PK").eq(keys.digest_pk(candidate_id))))
    with data_table().batch_writer() as batch:
        for item in items:
            batch.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})
    return len(items)


def forget_signup_request(record_key: str) -> None:
    """Deletes the sign-up's idempotency record (Powertools' table, key `id`): it holds the new id."""
    aws.client("dynamodb").delete_item(
        TableName=get_settings().idempotency_table, Key={"id": {"S": record_key}}
    )
