"""moto's server with two fixes. Used by the local stack and the integration tests.

1. `/moto-api/data.json` must survive multipart uploads. moto 5.2.5 serialises every S3 key for
   data.json, including the parts of multipart uploads, whose `bucket_name` is empty; reading
   their `status` looks the bucket up and raises, so the whole dump answers 500 — and with it the
   only way to read the e-mails the app sent. The fix answers "no status" for such keys.

2. DynamoDB requests are served one at a time. moto answers each request in a thread of its own
   without locking its DynamoDB backend, and TransactWriteItems deep-copies every table it writes
   to, then restores that copy when the transaction is cancelled (a condition failed, e.g. an
   e-mail already taken): other threads change the table meanwhile, so the copy fails ("dictionary
   changed size during iteration", an HTTP 500) or, once restored, silently erases what other
   requests wrote in between. Measured on a 5,000-item table, 4 threads writing 200 items while
   4 others ran 40 transactions that fail their condition: without the lock 2, 6 and 14 of the
   200 acknowledged PutItems lost and 1 to 22 transactions answered 500 (three runs); with it,
   none. `scripts/bench_load.py` got 500 for 62 of 100 sign-ups at 8 threads without it.
   DynamoDB applies each request atomically (transactions in isolation): serialising restores
   what the app relies on, at no real cost (moto is pure Python, its threads never ran in
   parallel). Other services keep their threads (an SQS long poll must not hold DynamoDB back).

3. A transaction snapshots the items it touches, not whole tables. moto's TransactWriteItems
   deep-copies the whole table once per operation of the transaction, whether it succeeds or not:
   a sign-up (two operations) cost 127 ms at 500 items, 449 ms at 2,000 and 1,177 ms at 5,000
   (PutItem: 6 ms), so the local stack slowed down as it filled, and concurrent sign-ups queued
   behind the lock of fix 2 until the app's 10 s timeouts. With the requests serialised, keeping
   a copy of the touched items and restoring them when the transaction is cancelled gives the same
   all-or-nothing result in a time that does not depend on the table's size.

4. (`PASSERELLE_MOTO_INDEXED_QUERIES=1`: benchmarks and the test suite.) A Query examines the items of its
   partition, not the whole table. moto 5.2.5 looks at every item of the table for each Query
   (base table and indexes), so a Query costs O(table) — about a second at two million items —
   and a region-scale benchmark would measure moto. With this fix the base table's Query reads
   the partition's dict, and an index's Query reads a map (index hash value → items) built once
   and kept up to date by PutItem, DeleteItem and UpdateItem (dropped on anything else that
   writes); moto's own query code then filters, sorts and pages exactly as before. And a
   DynamoDB answer is written with `json.dumps`: moto's generic response serializer spends about
   7 ms per item returned (a Query of 556 items: 4 s), which would otherwise be most of the time.

5. `/moto-api/data.json` lists the e-mails (SES) and SMS (SNS) sent, not every object moto ever
   made. moto keeps each instance of its models (every DynamoDB item and each copy of it, every
   SQS message, every S3 key) in a class-level list for that dump, forever, deleted ones too, and
   the dump `json.dumps` every attribute of each: reading the sign-in e-mail of a new account cost
   O(everything the server ever stored), and in the integration suite (one server, thousands of
   items) those reads grew to seconds and then to the 10 s timeout of `scripts/moto_mail.py`. The
   SES and SNS models are still tracked (the only parts of data.json the project reads); the
   others are not, which also ends the leak.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import threading

_DYNAMODB_LOCK = threading.RLock()


def patch_moto() -> None:
    from moto.s3 import models
    from moto.s3.exceptions import MissingBucket

    original = models.FakeKey.status
    if getattr(original.fget, "_passerelle_patched", False):
        return

    def status(self):
        try:
            return original.fget(self)
        except MissingBucket:
            return None

    status._passerelle_patched = True
    models.FakeKey.status = property(status, original.fset)
    _track_messages_only()
    _serialize_dynamodb()
    _snapshot_touched_items_only()
    if os.environ.get("PASSERELLE_MOTO_INDEXED_QUERIES") == "1":
        _indexed_queries()


def _indexed_queries() -> None:
    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    query = Table.query
    signature = inspect.signature(query)

    def key_of(table, attrs):
        hash_value = DynamoType(attrs[table.hash_key_attr])
        range_value = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
        return hash_value, range_value

    def maps(table):
        """{index hash attribute: {value: {(hash, range): item}}}, built on first use."""
        built = table.__dict__.get("_passerelle_maps")
        if built is None:
            attrs = {
                k["AttributeName"]
                for index in table.all_indexes()
                for k in index.schema
                if k["KeyType"] == "HASH" and len([h for h in index.schema if h["KeyType"] == "HASH"]) == 1
            }
            built = {attr: {} for attr in attrs}
            for item in table.all_items():
                add(built, item)
            table.__dict__["_passerelle_maps"] = built
        return built

    def add(built, item):
        for attr, by_value in built.items():
            value = item.attrs.get(attr)
            if value is not None:
                by_value.setdefault(value, {})[(item.hash_key, item.range_key)] = item

    def remove(built, item):
        for attr, by_value in built.items():
            value = item.attrs.get(attr)
            if value is not None and value in by_value:
                by_value[value].pop((item.hash_key, item.range_key), None)

    def tracked(table, hash_value, range_value, change):
        built = table.__dict__.get("_passerelle_maps")
        before = table.get_item(hash_value, range_value) if built is not None else None
        if before is not None:
            remove(built, before)
        try:
            return change()
        finally:
            if built is not None:
                after = table.get_item(hash_value, range_value)
                if after is not None:
                    add(built, after)

    put_item, delete_item = Table.put_item, Table.delete_item

    def indexed_put(self, item_attrs, *args, **kwargs):
        try:
            hash_value, range_value = key_of(self, item_attrs)
        except Exception:
            return put_item(self, item_attrs, *args, **kwargs)  # moto's validation answers
        return tracked(self, hash_value, range_value, lambda: put_item(self, item_attrs, *args, **kwargs))

    def indexed_delete(self, hash_key, range_key=None, *args, **kwargs):
        return tracked(
            self, hash_key, range_key, lambda: delete_item(self, hash_key, range_key, *args, **kwargs)
        )

    def indexed_query(self, *args, **kwargs):
        bound = signature.bind(self, *args, **kwargs)
        index_name, hash_key = bound.arguments.get("index_name"), bound.arguments.get("hash_key")
        if index_name is None:
            partition = self.items.get(hash_key) if hash_key is not None else None
            candidates = (
                [] if partition is None else list(partition.values()) if self.range_key_attr else [partition]
            )
        else:
            index = {i.name: i for i in self.all_indexes()}.get(index_name)
            hashes = [k["AttributeName"] for k in index.schema if k["KeyType"] == "HASH"] if index else []
            if len(hashes) != 1:
                return query(self, *args, **kwargs)
            conditions = dict(bound.arguments.get("hash_key_conditions") or [])
            value = conditions.get(hashes[0], hash_key)
            candidates = list(maps(self).get(hashes[0], {}).get(value, {}).values())
        self.__dict__["all_items"] = lambda: candidates
        try:
            return query(self, *args, **kwargs)
        finally:
            del self.__dict__["all_items"]

    def dropping(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            finally:
                for table in self.tables.values():
                    table.__dict__.pop("_passerelle_maps", None)

        return wrapper

    update_item = models.DynamoDBBackend.update_item

    def indexed_update(self, table_name, key, *args, **kwargs):
        table = self.get_table(table_name)
        try:
            hash_value, range_value = key_of(table, key)
        except Exception:
            return update_item(self, table_name, key, *args, **kwargs)
        return tracked(
            table, hash_value, range_value, lambda: update_item(self, table_name, key, *args, **kwargs)
        )

    from moto.dynamodb.responses import DynamoResult

    DATA_ANSWERS = {
        "Items", "Count", "ScannedCount", "LastEvaluatedKey", "Item", "Responses", "UnprocessedKeys",
        "UnprocessedItems", "ConsumedCapacity", "Attributes", "ItemCollectionMetrics",
    }  # fmt: skip

    def as_json(self, context):
        """DynamoDB's JSON protocol is the result itself (names and attribute values as sent)."""
        import json

        if isinstance(self.result, dict) and set(self.result) <= DATA_ANSWERS:
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, json.dumps(self.result)
        return ActionResult.execute_result(self, context)  # tables, errors: moto's serializer

    from moto.core.responses import ActionResult

    DynamoResult.execute_result = as_json
    Table.put_item, Table.delete_item, Table.query = indexed_put, indexed_delete, indexed_query
    models.DynamoDBBackend.update_item = indexed_update
    for name in ("transact_write_items", "restore_table_from_backup", "restore_table_to_point_in_time"):
        if hasattr(models.DynamoDBBackend, name):
            setattr(models.DynamoDBBackend, name, dropping(getattr(models.DynamoDBBackend, name)))


DUMPED_SERVICES = frozenset({"ses", "sns"})  # what /moto-api/data.json still lists (fix 5)


def _track_messages_only() -> None:
    from moto.core import model_instances
    from moto.core.common_models import BaseModel

    def __new__(cls, *args, **kwargs):
        instance = super(BaseModel, cls).__new__(cls)
        if cls.__module__.split(".")[1] in DUMPED_SERVICES:
            cls.instances_tracked.append(instance)
        return instance

    BaseModel.__new__ = __new__
    for service, classes in model_instances.model_data.items():  # what was made before the patch
        if service not in DUMPED_SERVICES:
            for cls in classes.values():
                cls.instances_tracked.clear()


def _serialize_dynamodb() -> None:
    from moto.dynamodb.responses import DynamoHandler

    call_action = DynamoHandler.call_action
    if getattr(call_action, "_passerelle_patched", False):
        return

    @functools.wraps(call_action)
    def serialized(self):
        with _DYNAMODB_LOCK:
            return call_action(self)

    serialized._passerelle_patched = True
    DynamoHandler.call_action = serialized


def _snapshot_touched_items_only() -> None:
    import copy
    import types

    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    transact_write_items = models.DynamoDBBackend.transact_write_items
    if getattr(transact_write_items, "_passerelle_patched", False):
        return

    def deepcopy(value, memo=None):
        # moto's whole-table snapshot becomes the table itself (its rollback then reassigns the
        # same object); the items are restored by `snapshotting` below. Items are still copied.
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = types.SimpleNamespace(deepcopy=deepcopy, copy=copy.copy)

    def touched_items(backend, transact_items):
        seen, touched = set(), []
        for entry in transact_items:
            try:
                ((op_type, op),) = entry.items()
                table = backend.get_table(op["TableName"])
                attributes = op["Item"] if op_type == "Put" else op["Key"]
                hash_value = DynamoType(attributes[table.hash_key_attr])
                range_attr = table.range_key_attr
                range_value = DynamoType(attributes[range_attr]) if range_attr else None
            except Exception:  # malformed: moto's own validation reports it, nothing is written
                table = None
            if table is not None and (table.name, hash_value, range_value) not in seen:
                seen.add((table.name, hash_value, range_value))
                current = table.get_item(hash_value, range_value)
                touched.append((table, hash_value, range_value, copy.deepcopy(current)))
        return touched

    @functools.wraps(transact_write_items)
    def snapshotting(self, transact_items):
        touched = touched_items(self, transact_items)
        try:
            return transact_write_items(self, transact_items)
        except Exception:
            for table, hash_value, range_value, before in reversed(touched):
                if before is None:
                    table.delete_item(hash_value, range_value)
                elif range_value is not None:
                    table.items[hash_value][range_value] = before
                else:
                    table.items[hash_value] = before
            raise

    snapshotting._passerelle_patched = True
    models.DynamoDBBackend.transact_write_items = snapshotting


def main() -> None:
    patch_moto()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
