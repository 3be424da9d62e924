"""Follow-up questions sent and their answers: FOLLOWUP#<hmac of the token>/FOLLOWUP.

GSI1 FOLLOWUPOF#<candidate> (sparse: removed when the person is erased) finds a person's surveys;
GSI2 BASSIN#<b>#FOLLOWUP lists a bassin's surveys, linked or not (daily run, staff figures).
A survey is claimed with its "sent once" marker (DIGEST#<candidate>/followup#<due>) in one
transaction: a second run, or a concurrent one, cannot claim the same due again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.schemas.followup_store import FollowupAnswerRecord, FollowupRecord

RETENTION_S = 3 * 365 * 24 * 3600  # pseudonymous once unlinked; kept for the yearly figures
CLAIM_TTL_S = 400 * 24 * 3600


def followup_item(record: FollowupRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        **keys.followup(record.token_hash),
        "kind": "followup",
        **record.model_dump(mode="json", exclude_none=True),
        "GSI2PK": keys.bassin_followups_gsi2(record.bassin),
        "GSI2SK": keys.bassin_followup_sort(record.due_date.isoformat(), record.token_hash),
        "ttl": int(time.time()) + RETENTION_S,
    }
    if record.candidate_id:
        item["GSI1PK"] = keys.candidate_followups_gsi1(record.candidate_id)
        item["GSI1SK"] = record.due
    return item


def record_from_item(item: dict[str, Any]) -> FollowupRecord:
    return FollowupRecord.model_validate(db.plain(item))


def claim(record: FollowupRecord) -> bool:
    """Claims the candidate's due and stores the survey, all or nothing; False if already claimed."""
    assert record.candidate_id
    marker = {
        **keys.marker(record.candidate_id, keys.followup_claim_name(record.due)),
        "ttl": int(time.time()) + CLAIM_TTL_S,
    }
    return db.transact_write(
        {"Put": {"Item": marker, "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Put": {"Item": followup_item(record), "ConditionExpression": "attribute_not_exists(PK)"}},
    )


def release(record: FollowupRecord) -> None:
    """Undoes a claim whose message could not be sent (the next run tries again)."""
    assert record.candidate_id
    data_table().delete_item(Key=keys.followup(record.token_hash))
    data_table().delete_item(Key=keys.marker(record.candidate_id, keys.followup_claim_name(record.due)))


def mark_sent(token_hash: str, now: str) -> None:
    data_table().update_item(
        Key=keys.followup(token_hash),
        UpdateExpression="SET sent_at = :now",
        ExpressionAttributeValues={":now": now},
    )


def get(token_hash: str) -> FollowupRecord | None:
    item = data_table().get_item(Key=keys.followup(token_hash), ConsistentRead=True).get("Item")
    return record_from_item(item) if item else None


def save_answer(token_hash: str, answer: FollowupAnswerRecord, today: str) -> bool:
    """Replaces the answer while the link is valid and still linked; False otherwise."""
    result = db.conditional(
        data_table().update_item,
        Key=keys.followup(token_hash),
        UpdateExpression="SET answer = :answer",
        ConditionExpression="attribute_exists(candidate_id) AND expires_on >= :today",
        ExpressionAttributeValues={
            ":answer": answer.model_dump(mode="json", exclude_none=True),
            ":today": today,
        },
    )
    return result is not None


def in_bassin(bassin: str) -> Iterator[FollowupRecord]:
    """Every survey sent to the bassin's candidates, linked or not, page by page."""
    for item in query_all(
        IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(keys.bassin_followups_gsi2(bassin))
    ):
        yield record_from_item(item)


def of_candidate(candidate_id: str) -> list[FollowupRecord]:
    """The surveys still linked to the person (RGPD access)."""
    items = query_all(
        IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.candidate_followups_gsi1(candidate_id))
    )
    return [record_from_item(i) for i in items]


def unlink_candidate(candidate_id: str) -> int:
    """Erasure: the person's surveys lose their link (and their GSI1 keys); the answers stay for
    the aggregate figures, without anything that leads back to the person."""
    items = list(
        query_all(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.candidate_followups_gsi1(candidate_id)),
            ProjectionExpression="PK, SK",
        )
    )
    for item in items:
        data_table().update_item(
            Key={"PK": item["PK"], "SK": item["SK"]}, UpdateExpression="REMOVE candidate_id, GSI1PK, GSI1SK"
        )
    return len(items)
