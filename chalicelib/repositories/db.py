"""The data table and the primitives every repository shares (docs/layers.md, "Adding a repository").

Repositories build their keys with `keys.py`, read and write through these helpers, and return
models. What a refused condition means is theirs to say: `StaleVersion` for a version check,
False or None for a claim; the French message is the service's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.repositories.errors import StaleVersion

BATCH_GET_MAX = 100  # DynamoDB's limit per BatchGetItem


def data_table() -> Any:
    return aws.table(get_settings().table)


def is_conditional_failure(exc: Exception) -> bool:
    # botocore's connection and timeout errors carry `response = None`: the original error must
    # propagate, not an AttributeError raised here.
    response = getattr(exc, "response", None) or {}
    code = response.get("Error", {}).get("Code", "")
    return code in ("ConditionalCheckFailedException", "TransactionCanceledException")


def conditional(operation: Callable[..., Any], **kwargs: Any) -> Any | None:
    """Runs a conditional request: its response, or None when DynamoDB refused the condition
    (any other error propagates)."""
    try:
        return operation(**kwargs)
    except Exception as exc:
        if is_conditional_failure(exc):
            return None
        raise


def put_new(item: dict[str, Any]) -> bool:
    """Writes the item only if its key is free; False if it already exists."""
    return (
        conditional(data_table().put_item, Item=item, ConditionExpression="attribute_not_exists(PK)")
        is not None
    )


def put_versioned(item: dict[str, Any], expected_version: int) -> None:
    """Replaces the item only while the stored one is still at `expected_version` (optimistic
    concurrency: the caller read that version); otherwise raises StaleVersion."""
    answer = conditional(
        data_table().put_item,
        Item=item,
        ConditionExpression="attribute_exists(PK) AND version = :expected",
        ExpressionAttributeValues={":expected": expected_version},
    )
    if answer is None:
        raise StaleVersion()


def query_all(**kwargs: Any) -> Iterator[dict]:
    """Every page of a Query (never a Scan)."""
    table = data_table()
    while True:
        page = table.query(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def is_index_start_key(start_key: Any, index: str, partition: str, *, pk_prefix: str, sk: str) -> bool:
    """Whether a cursor sent back by a client is the key of an item of one index partition, and
    nothing else (the listing then reads exactly where the previous page stopped)."""
    names = {"PK", "SK", f"{index}PK", f"{index}SK"}
    return (
        isinstance(start_key, dict)
        and set(start_key) == names
        and all(isinstance(v, str) and 0 < len(v) <= 300 for v in start_key.values())
        and start_key[f"{index}PK"] == partition
        and start_key["SK"] == sk
        and start_key["PK"].startswith(pk_prefix)
    )


def batch_get(
    item_keys: Iterable[dict[str, str]], consistent: bool = False, attributes: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """The items that exist among `item_keys` (BatchGetItem by 100, unprocessed keys retried), as
    plain values; order not kept, duplicates read once. `attributes`: only those (a projection)."""
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    unique = list({(k["PK"], k["SK"]): k for k in item_keys}.values())
    client, table = aws.client("dynamodb"), get_settings().table
    found: list[dict[str, Any]] = []
    names = {f"#a{i}": name for i, name in enumerate(attributes)}
    projection = (
        {"ProjectionExpression": ", ".join(names), "ExpressionAttributeNames": names} if names else {}
    )
    for start in range(0, len(unique), BATCH_GET_MAX):
        chunk = [typed(key) for key in unique[start : start + BATCH_GET_MAX]]
        request: dict[str, Any] = {table: {"Keys": chunk, "ConsistentRead": consistent, **projection}}
        while request:
            response = client.batch_get_item(RequestItems=request)
            found += [
                plain({k: deserialize(v) for k, v in raw.items()})
                for raw in response.get("Responses", {}).get(table, [])
            ]
            request = response.get("UnprocessedKeys") or {}
    return found


def delete_all(items: Iterable[dict[str, Any]]) -> int:
    """Deletes the items (BatchWriteItem, 25 at a time, unprocessed ones retried); returns how many."""
    count = 0
    with data_table().batch_writer() as batch:
        for item in items:
            batch.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})
            count += 1
    return count


def typed(values: dict[str, Any]) -> dict[str, Any]:
    """Plain values as DynamoDB attribute values (the low-level client's format)."""
    from boto3.dynamodb.types import TypeSerializer

    serialize = TypeSerializer().serialize
    return {k: serialize(v) for k, v in values.items()}


def transact_write(*actions: dict[str, dict[str, Any]]) -> bool:
    """One TransactWriteItems on the data table, all or nothing; False if a condition refused it.

    Each action is `{"Put": {"Item": ..., ...}}` or `{"Update": {"Key": ..., ...}}` with plain
    values: the table name and the typed values are added here.
    """
    table = get_settings().table
    requests = []
    for action in actions:
        ((kind, request),) = action.items()
        request = {**request, "TableName": table}
        for part in ("Item", "Key", "ExpressionAttributeValues"):
            if part in request:
                request[part] = typed(request[part])
        requests.append({kind: request})
    return conditional(aws.client("dynamodb").transact_write_items, TransactItems=requests) is not None


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


@contextmanager
def count_requests() -> Iterator[dict[str, int]]:
    """Counts DynamoDB API calls by operation (botocore event hooks) while the block runs."""
    counts: dict[str, int] = {}

    def hook(model, **_kwargs) -> None:
        counts[model.name] = counts.get(model.name, 0) + 1

    emitters = {id(e): e for e in (aws.client("dynamodb").meta.events, data_table().meta.client.meta.events)}
    for emitter in emitters.values():
        emitter.register("before-call.dynamodb", hook, unique_id="passerelle-count")
    try:
        yield counts
    finally:
        for emitter in emitters.values():
            emitter.unregister("before-call.dynamodb", unique_id="passerelle-count")
