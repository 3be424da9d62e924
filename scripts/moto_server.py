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


def main() -> None:
    patch_moto()
    from moto.server import main as moto_main

    moto_main(sys.argv[1:])


if __name__ == "__main__":
    main()
