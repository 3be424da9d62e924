"""Reversibility: load a dump written by scripts/dump.py into the data table of an empty stack.

    .venv/bin/python scripts/restore.py --bucket <dump bucket> --prefix dumps/2026-12-02T0300Z

Every part is checked against the manifest (item count, SHA-256) before the first write; the
target table must be empty (a restore never mixes two stacks' data). Items are written with
BatchWriteItem (25 a request, unprocessed items retried), then counted again. docs/deploy.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from scripts.dump import FORMAT, MANIFEST, read_part  # noqa: E402


class RestoreError(Exception):
    pass


def _write(dynamodb: Any, table: str, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), 25):
        request = {table: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]}
        for attempt in range(10):
            unprocessed = dynamodb.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
            if not unprocessed:
                break
            request = unprocessed
            time.sleep(min(2**attempt * 0.05, 2))
        else:
            raise RestoreError("DynamoDB kept refusing writes; nothing is lost, run the restore again")


def count_items(dynamodb: Any, table: str) -> int:
    pages = dynamodb.get_paginator("scan").paginate(TableName=table, Select="COUNT", ConsistentRead=True)
    return sum(page["Count"] for page in pages)


def restore(dynamodb: Any, s3: Any, bucket: str, prefix: str, table: str) -> dict[str, Any]:
    import json

    prefix = prefix.strip("/")
    try:
        manifest = json.loads(s3.get_object(Bucket=bucket, Key=f"{prefix}/{MANIFEST}")["Body"].read())
    except s3.exceptions.NoSuchKey as exc:
        raise RestoreError(f"no {MANIFEST} under s3://{bucket}/{prefix}/: not a complete dump") from exc
    if manifest.get("format") != FORMAT:
        raise RestoreError(f"unknown dump format {manifest.get('format')!r}")
    if dynamodb.scan(TableName=table, Limit=1, Select="COUNT")["Count"] or count_items(dynamodb, table):
        raise RestoreError(f"table {table} is not empty: restore into a new stack")
    for part in manifest["parts"]:  # every part checked before anything is written
        read_part(s3, bucket, part)
    for part in manifest["parts"]:
        _write(dynamodb, table, read_part(s3, bucket, part))
    restored = count_items(dynamodb, table)
    if restored != manifest["items"]:
        raise RestoreError(f"{restored} items in {table} after the restore, the dump has {manifest['items']}")
    return {"items": restored, "kinds": manifest["kinds"]}


def main(argv: list[str] | None = None) -> int:
    import boto3

    from chalicelib.config import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--table", help="data table of the new stack (default: PASSERELLE_TABLE)")
    args = parser.parse_args(argv)
    try:
        report = restore(
            boto3.client("dynamodb"),
            boto3.client("s3"),
            args.bucket,
            args.prefix,
            args.table or get_settings().table,
        )
    except (RestoreError, ValueError) as exc:
        print(f"restore: {exc}", file=sys.stderr)
        return 1
    print(f"{report['items']} items restored")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
