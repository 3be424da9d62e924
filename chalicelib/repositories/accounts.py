"""One account per e-mail address: the uniqueness item EMAIL#<address>.

An account is created in one transaction with its uniqueness item
(attribute_not_exists), never by read-then-write.
"""

from __future__ import annotations

from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.errors import Conflict
from chalicelib.repositories import keys
from chalicelib.repositories.db import data_table, is_conditional_failure

DUPLICATE = "Un compte existe déjà avec cette adresse e-mail. Connectez-vous pour y accéder."


def owner_of_email(email: str) -> tuple[str, str] | None:
    item = data_table().get_item(Key=keys.email(email), ConsistentRead=True).get("Item")
    return (item["owner_id"], item["role"]) if item else None


def create_with_unique_email(email: str, owner_id: str, role: str, profile_item: dict[str, Any]) -> None:
    """Writes the profile and claims the address atomically; a taken address → Conflict (409)."""
    from boto3.dynamodb.types import TypeSerializer

    serialize = TypeSerializer().serialize
    table = get_settings().table

    def marshal(item: dict) -> dict:
        return {k: serialize(v) for k, v in item.items()}

    claim = {**keys.email(email), "owner_id": owner_id, "role": role}
    try:
        aws.client("dynamodb").transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": marshal(claim),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                {
                    "Put": {
                        "TableName": table,
                        "Item": marshal(profile_item),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )
    except Exception as exc:
        if is_conditional_failure(exc):
            raise Conflict(DUPLICATE, {"email": "Cette adresse e-mail est déjà utilisée."}) from exc
        raise


def release_email(email: str, owner_id: str) -> None:
    """Frees the address on erasure (only if it still belongs to this owner)."""
    try:
        data_table().delete_item(
            Key=keys.email(email),
            ConditionExpression="owner_id = :owner",
            ExpressionAttributeValues={":owner": owner_id},
        )
    except Exception as exc:
        if not is_conditional_failure(exc):
            raise
