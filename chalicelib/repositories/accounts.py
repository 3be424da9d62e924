"""One account per e-mail address: the uniqueness item EMAIL#<address>.

An account is created in one transaction with its uniqueness item
(attribute_not_exists), never by read-then-write.
"""

from __future__ import annotations

from typing import Any

from chalicelib.context import Role
from chalicelib.repositories import db, keys
from chalicelib.repositories.db import data_table
from chalicelib.repositories.errors import EmailTaken


def owner_of_email(email: str) -> tuple[str, Role] | None:
    item = data_table().get_item(Key=keys.email(email), ConsistentRead=True).get("Item")
    return (item["owner_id"], Role(item["role"])) if item else None


def create_with_unique_email(email: str, owner_id: str, role: Role, profile_item: dict[str, Any]) -> None:
    """Writes the profile and claims the address atomically; a taken address → EmailTaken."""
    claim = {**keys.email(email), "owner_id": owner_id, "role": role.value}
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
