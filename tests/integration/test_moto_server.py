"""The fixes of scripts/moto_server.py keep DynamoDB's guarantees: serialised requests, and
transactions that roll back only the items they touched (all-or-nothing, no lost neighbour); and
/moto-api/data.json (the e-mail reader) stays the size of the mail sent, not of the tables."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def dynamodb(moto_endpoint: str):
    return boto3.client(
        "dynamodb",
        endpoint_url=moto_endpoint,
        region_name="eu-west-3",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def table(dynamodb) -> Iterator[str]:
    name = f"moto-fix-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    yield name
    dynamodb.delete_table(TableName=name)


def key(pk: str) -> dict:
    return {"PK": {"S": pk}, "SK": {"S": "X"}}


def put(name: str, pk: str, **attributes: str) -> dict:
    return {
        "Put": {
            "TableName": name,
            "Item": {**key(pk), **{k: {"S": v} for k, v in attributes.items()}},
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }


def get(dynamodb, name: str, pk: str) -> dict | None:
    return dynamodb.get_item(TableName=name, Key=key(pk), ConsistentRead=True).get("Item")


def test_a_cancelled_transaction_leaves_every_touched_item_as_it_was(dynamodb, table):
    dynamodb.put_item(TableName=table, Item={**key("updated"), "v": {"S": "before"}})
    dynamodb.put_item(TableName=table, Item={**key("taken"), "v": {"S": "first owner"}})
    dynamodb.put_item(TableName=table, Item={**key("neighbour"), "v": {"S": "untouched"}})
    update = {
        "Update": {
            "TableName": table,
            "Key": key("updated"),
            "UpdateExpression": "SET v = :v",
            "ExpressionAttributeValues": {":v": {"S": "after"}},
        }
    }
    with pytest.raises(ClientError) as refused:
        # the failing operation comes last: moto has applied the others when it finds out
        dynamodb.transact_write_items(
            TransactItems=[update, put(table, "new", v="new"), put(table, "taken", v="second owner")]
        )
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert get(dynamodb, table, "updated")["v"] == {"S": "before"}
    assert get(dynamodb, table, "new") is None
    assert get(dynamodb, table, "taken")["v"] == {"S": "first owner"}
    assert get(dynamodb, table, "neighbour")["v"] == {"S": "untouched"}


def test_a_successful_transaction_writes_every_item(dynamodb, table):
    dynamodb.transact_write_items(TransactItems=[put(table, "a", v="1"), put(table, "b", v="2")])
    assert get(dynamodb, table, "a")["v"] == {"S": "1"} and get(dynamodb, table, "b")["v"] == {"S": "2"}


def test_an_invalid_transaction_writes_nothing(dynamodb, table):
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[put(table, "twice", v="1"), put(table, "twice", v="2")])
    assert get(dynamodb, table, "twice") is None


def test_failing_transactions_never_erase_what_others_write_meanwhile(dynamodb, table):
    dynamodb.put_item(TableName=table, Item=key("taken"))
    acknowledged: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        for j in range(40):
            pk = f"w-{n}-{j}"
            dynamodb.put_item(TableName=table, Item=key(pk))
            with lock:
                acknowledged.append(pk)

    def failing_transactions() -> None:
        for _ in range(10):
            try:
                dynamodb.transact_write_items(TransactItems=[put(table, "taken")])
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "TransactionCanceledException":
                    errors.append(exc.response["Error"]["Code"])

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=failing_transactions) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(acknowledged) == 160
    assert [pk for pk in acknowledged if get(dynamodb, table, pk) is None] == []


def test_data_json_lists_the_mail_sent_not_every_item_ever_stored(moto_endpoint, dynamodb, table):
    import json
    import urllib.request

    def dump() -> tuple[dict, float]:
        with urllib.request.urlopen(f"{moto_endpoint}/moto-api/data.json", timeout=30) as response:
            body = response.read()
        return json.loads(body), len(body)

    _, size_before = dump()
    for n in range(300):
        dynamodb.put_item(TableName=table, Item={**key(f"many-{n}"), "v": {"S": "x" * 200}})
    address = f"fix5-{uuid.uuid4().hex[:8]}@example.org"
    ses = boto3.client(
        "ses",
        endpoint_url=moto_endpoint,
        region_name="eu-west-3",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    ses.verify_email_identity(EmailAddress="fix5@example.org")
    ses.send_email(
        Source="fix5@example.org",
        Destination={"ToAddresses": [address]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
    )
    data, size_after = dump()
    assert [m for m in data["ses"]["Message"] if address in m["destinations"]["ToAddresses"]]
    assert all(items == [] for items in data.get("dynamodb", {}).values())
    assert size_after - size_before < 60_000  # the 300 items of 200+ bytes are not in the dump
