"""The data table and small helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings


def data_table() -> Any:
    return aws.table(get_settings().table)


def is_conditional_failure(exc: Exception) -> bool:
    # botocore's connection and timeout errors carry `response = None`: the original error must
    # propagate, not an AttributeError raised here.
    response = getattr(exc, "response", None) or {}
    code = response.get("Error", {}).get("Code", "")
    return code in ("ConditionalCheckFailedException", "TransactionCanceledException")


def query_all(**kwargs: Any) -> Iterator[dict]:
    """Every page of a Query (never a Scan)."""
    table = data_table()
    while True:
        page = table.query(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


# boto3's condition builders, imported on first use: importing boto3 costs ~120 ms of cold start
# that public routes (health, referentials) never need.
def Key(name: str) -> Any:
    from boto3.dynamodb.conditions import Key as _Key

    return _Key(name)


def Attr(name: str) -> Any:
    from boto3.dynamodb.conditions import Attr as _Attr

    return _Attr(name)


def plain(value: Any) -> Any:
    """A DynamoDB item as plain Python: boto3 returns every number as Decimal."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
