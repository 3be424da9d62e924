"""One account per e-mail address: the uniqueness item EMAIL#<address>.

An account is created in one transaction with its uniqueness item
(attribute_not_exists), never by read-then-write. The claim is also under its owner in GSI1
(OWNER#<id> / EMAIL), so erasure frees it from the owner id alone, even when the profile (and
the address it held) is already gone; a candidate's claim carries the day after which its
profile's TTL may have run (GSI3 PURGE#<day>), so the daily job finds what TTL left behind.
"""

from __future__ import annotations

from typing import Any

from chalicelib.context import Role
from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.repositories.errors import EmailTaken


def owner_of_email(email: str) -> tuple[str, Role] | None:
    item = data_table().get_item(Key=keys.email(email), ConsistentRead=True).get("Item")
    return (item["owner_id"], Role(item["role"])) if item else None


def claim_item(email: str, owner_id: str, role: Role, purge_day: str | None = None) -> dict[str, Any]:
    item = {
        **keys.email(email),
        "owner_id": owner_id,
        "role": role.value,
        "GSI1PK": keys.owner_gsi1(owner_id),
        "GSI1SK": keys.OWNER_EMAIL_SORT,
    }
    if purge_day:
        item.update(GSI3PK=keys.purge_gsi3(purge_day), GSI3SK=owner_id)
    return item


def create_with_unique_email(
    email: str, owner_id: str, role: Role, profile_item: dict[str, Any], purge_day: str | None = None
) -> None:
    """Writes the profile and claims the address atomically; a taken address → EmailTaken."""
    claim = claim_item(email, owner_id, role, purge_day)
    created = db.transact_write(
        {"Put": {"Item": claim, "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Put": {"Item": profile_item, "ConditionExpression": "attribute_not_exists(PK)"}},
    )
    if not created:
        raise EmailTaken()


def release_email(email: str, owner_id: str) -> None:
    """Frees the address on erasure (only if it still belongs to this owner)."""
    db.conditional(
        data_table().delete_item,
        Key=keys.email(email),
        ConditionExpression="owner_id = :owner",
        ExpressionAttributeValues={":owner": owner_id},
    )


def roles_of_emails(emails: list[str]) -> dict[str, Role]:
    """The addresses among `emails` that have an account, with its role (BatchGetItem by 100)."""
    items = db.batch_get(keys.email(e) for e in emails)
    return {item["PK"].removeprefix("EMAIL#"): Role(item["role"]) for item in items}


def claims_due_for_purge(day: str) -> list[tuple[str, str]]:
    """(address, owner id) of the claims whose purge day is `day` (sparse GSI3)."""
    items = query_all(IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(keys.purge_gsi3(day)))
    return [(i["PK"].removeprefix("EMAIL#"), i["owner_id"]) for i in items]


def postpone_purge(email: str, owner_id: str, day: str) -> None:
    """The owner was active since: the claim is looked at again on its new purge day."""
    db.conditional(
        data_table().update_item,
        Key=keys.email(email),
        UpdateExpression="SET GSI3PK = :day",
        ConditionExpression="owner_id = :owner",
        ExpressionAttributeValues={":day": keys.purge_gsi3(day), ":owner": owner_id},
    )
