"""One-time sign-in tokens, sessions and rate-limit counters."""

from __future__ import annotations

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all


def put_token(token_hash: str, owner_id: str, role: str, expires_at: int) -> None:
    data_table().put_item(
        Item={
            **keys.token(token_hash),
            "owner_id": owner_id,
            "role": role,
            "expires_at": expires_at,
            "ttl": expires_at + 3600,
            "GSI1PK": keys.owner_gsi1(owner_id),
            "GSI1SK": keys.owner_token_sort(token_hash),
        },
        ConditionExpression="attribute_not_exists(PK)",
    )


def consume_token(token_hash: str, now: int) -> dict | None:
    """Delete-if-valid in one conditional write: two concurrent uses cannot both win."""
    answer = db.conditional(
        data_table().delete_item,
        Key=keys.token(token_hash),
        ConditionExpression="attribute_exists(PK) AND expires_at > :now",
        ExpressionAttributeValues={":now": now},
        ReturnValues="ALL_OLD",
    )
    return answer.get("Attributes") if answer is not None else None


def put_session(session_hash: str, owner_id: str, role: str, expires_at: int) -> None:
    data_table().put_item(
        Item={
            **keys.session(session_hash),
            "owner_id": owner_id,
            "role": role,
            "expires_at": expires_at,
            "ttl": expires_at,
            "GSI1PK": keys.owner_gsi1(owner_id),
            "GSI1SK": keys.owner_session_sort(session_hash),
        }
    )


def get_session(session_hash: str) -> dict | None:
    return data_table().get_item(Key=keys.session(session_hash), ConsistentRead=True).get("Item")


def delete_session(session_hash: str) -> None:
    data_table().delete_item(Key=keys.session(session_hash))


def owner_items(owner_id: str) -> list[dict]:
    """Pending tokens and sessions of one account."""
    return list(
        query_all(IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.owner_gsi1(owner_id)))
    )


def delete_owner_items(owner_id: str) -> int:
    return db.delete_all(owner_items(owner_id))


def hit_rate_counter(kind: str, subject_hash: str, window: str, expires_at: int) -> int:
    response = data_table().update_item(
        Key=keys.rate(kind, subject_hash, window),
        UpdateExpression="ADD hits :one SET #ttl = if_not_exists(#ttl, :ttl)",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={":one": 1, ":ttl": expires_at},
        ReturnValues="UPDATED_NEW",
    )
    return int(response["Attributes"]["hits"])
