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
"""

from __future__ import annotations

import functools
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
    _serialize_dynamodb()
    _snapshot_touched_items_only()


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
