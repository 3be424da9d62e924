"""The idempotency table (infra/: key `id`), written by Powertools Idempotency for services/idempotency.py."""

from __future__ import annotations

from functools import cache
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings


@cache
def persistence() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table, boto3_client=aws.client("dynamodb")
    )


def record_key(request: dict[str, Any]) -> str:
    """The `id` of the record Powertools writes for `request` (`<function>#<hash>`): known once the
    store has been configured for the call, i.e. inside the function it guards."""
    return persistence()._get_hashed_idempotency_key(request)


def forget(key: str) -> None:
    """Deletes a record (an erased account's sign-up: its stored response holds the account id)."""
    aws.client("dynamodb").delete_item(TableName=get_settings().idempotency_table, Key={"id": {"S": key}})
