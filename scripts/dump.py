"""Reversibility: every item of the data table, and the index of the S3 exports, to JSON Lines in S3.

    .venv/bin/python scripts/dump.py --stage prod --bucket <dump bucket> [--prefix dumps/2026-12-02]

Items are read with a paginated Scan (the only scan of the app: a dump is the one reader of every
item) and written as they come, in gzip parts of at most PART_ITEMS items, in DynamoDB's typed JSON
(numbers, sets and binary kept exactly). A manifest.json written last lists each part with its item
count and SHA-256, the counts by kind and the exports' index (key, size, ETag): scripts/restore.py
refuses a dump whose manifest is missing or whose parts do not match it. docs/deploy.md has the
procedure, and DynamoDB's point-in-time recovery for the other kind of restore.

The dump holds personal data: the bucket must be private, encrypted and kept no longer than needed.
Sessions, sign-in tokens and rate counters are dumped too (every item); they are only usable with
the old stack's signing key, which is not in the dump.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PART_ITEMS = 20_000
MANIFEST = "manifest.json"
FORMAT = "passerelle-dump/1"


def _kind(item: dict[str, Any]) -> str:
    if "kind" in item and "S" in item["kind"]:
        return item["kind"]["S"]
    return item["PK"]["S"].split("#", 1)[0].lower() or "other"


def _put_part(s3: Any, bucket: str, key: str, lines: list[bytes]) -> dict[str, Any]:
    raw = b"".join(lines)
    body = gzip.compress(raw, mtime=0)
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/gzip")
    return {"key": key, "items": len(lines), "sha256": hashlib.sha256(body).hexdigest()}


def dump(
    dynamodb: Any, s3: Any, table: str, bucket: str, prefix: str, exports_bucket: str | None = None
) -> dict:
    """Writes the dump under s3://bucket/prefix/ and returns its manifest."""
    prefix = prefix.strip("/")
    parts, lines, kinds = [], [], Counter()
    for page in dynamodb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
        for item in page["Items"]:
            lines.append(json.dumps(item, sort_keys=True, ensure_ascii=False).encode() + b"\n")
            kinds[_kind(item)] += 1
            if len(lines) == PART_ITEMS:
                parts.append(_put_part(s3, bucket, f"{prefix}/items-{len(parts):05d}.jsonl.gz", lines))
                lines = []
    if lines or not parts:
        parts.append(_put_part(s3, bucket, f"{prefix}/items-{len(parts):05d}.jsonl.gz", lines))
    exports_index = None
    if exports_bucket:
        objects = [
            {"key": o["Key"], "size": o["Size"], "etag": o["ETag"].strip('"')}
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=exports_bucket, Prefix="exports/")
            for o in page.get("Contents", [])
        ]
        index_lines = [json.dumps(o, sort_keys=True).encode() + b"\n" for o in objects]
        exports_index = _put_part(s3, bucket, f"{prefix}/exports-index.jsonl.gz", index_lines)
    manifest = {
        "format": FORMAT,
        "table": table,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "items": sum(p["items"] for p in parts),
        "kinds": dict(sorted(kinds.items())),
        "parts": parts,
        "exports_index": exports_index,
    }
    s3.put_object(
        Bucket=bucket,
        Key=f"{prefix}/{MANIFEST}",
        Body=json.dumps(manifest, indent=2).encode(),
        ContentType="application/json",
    )
    return manifest


def read_part(s3: Any, bucket: str, part: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of one part, after checking it against the manifest (ValueError otherwise)."""
    body = s3.get_object(Bucket=bucket, Key=part["key"])["Body"].read()
    if hashlib.sha256(body).hexdigest() != part["sha256"]:
        raise ValueError(f"{part['key']}: checksum does not match the manifest")
    items = [json.loads(line) for line in io.BytesIO(gzip.decompress(body)) if line.strip()]
    if len(items) != part["items"]:
        raise ValueError(f"{part['key']}: {len(items)} items, the manifest says {part['items']}")
    return items


def main(argv: list[str] | None = None) -> int:
    import boto3

    from chalicelib.config import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True, help="private bucket that receives the dump")
    parser.add_argument("--prefix", default=f"dumps/{datetime.now(UTC):%Y-%m-%dT%H%M%SZ}")
    parser.add_argument("--table", help="data table (default: PASSERELLE_TABLE)")
    parser.add_argument("--exports-bucket", help="exports bucket (default: PASSERELLE_EXPORTS_BUCKET)")
    args = parser.parse_args(argv)
    settings = get_settings()
    manifest = dump(
        boto3.client("dynamodb"),
        boto3.client("s3"),
        args.table or settings.table,
        args.bucket,
        args.prefix,
        args.exports_bucket or settings.exports_bucket,
    )
    print(f"{manifest['items']} items in {len(manifest['parts'])} part(s): s3://{args.bucket}/{args.prefix}/")
    for kind, count in manifest["kinds"].items():
        print(f"  {kind:<16} {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
