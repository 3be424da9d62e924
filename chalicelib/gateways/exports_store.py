"""Export files on S3 (streamed by multipart upload, downloaded by presigned GET) and export requests
on their SQS queue.

Object keys stay under `exports/`: the IAM policy of every stage grants Put/Get/Abort there only,
and the bucket's lifecycle deletes every object after 7 days (incomplete uploads after 1 day).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings

MiB = 1024 * 1024
MIN_PART_BYTES = 5 * MiB  # S3's minimum for every part but the last
PART_BYTES = 8 * MiB
LINK_SECONDS = 900  # API.md: download links live 15 minutes at most
PREFIX = "exports/"


def object_key(export_id: str, filename: str) -> str:
    return f"{PREFIX}{export_id}/{filename}"


class MultipartWriter:
    """Bytes in, S3 parts out: holds at most one part in memory, whatever the size of the file.

    Used as a context manager: an exception inside the block aborts the upload (no orphan parts
    left to pay for), a normal exit completes it.
    """

    def __init__(self, key: str, content_type: str, part_bytes: int = PART_BYTES) -> None:
        if part_bytes < MIN_PART_BYTES:
            raise ValueError("S3 parts are 5 MiB at least")
        self.key = key
        self.part_bytes = part_bytes
        self.size = 0
        self._s3 = aws.client("s3")
        self._bucket = get_settings().exports_bucket
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._upload_id = self._s3.create_multipart_upload(
            Bucket=self._bucket, Key=key, ContentType=content_type
        )["UploadId"]

    def __enter__(self) -> MultipartWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.complete()
        else:
            self.abort()

    def write(self, data: bytes) -> None:
        self.size += len(data)
        if not self._buffer and len(data) >= self.part_bytes:
            self._send_part(data)  # a whole part already (a chunk of a file): no copy
            return
        self._buffer += data
        if len(self._buffer) >= self.part_bytes:
            self._send_part(self._buffer)  # sent as is, then dropped: no copy either
            self._buffer = bytearray()

    def _send_part(self, body: bytes | bytearray) -> None:
        number = len(self._parts) + 1
        answer = self._s3.upload_part(
            Bucket=self._bucket, Key=self.key, UploadId=self._upload_id, PartNumber=number, Body=body
        )
        self._parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    def complete(self) -> int:
        if self._buffer or not self._parts:  # the last part may be small (or the only one, empty)
            self._send_part(self._buffer)
            self._buffer = bytearray()
        self._s3.complete_multipart_upload(
            Bucket=self._bucket,
            Key=self.key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )
        return self.size

    def abort(self) -> None:
        self._buffer = bytearray()
        self._s3.abort_multipart_upload(Bucket=self._bucket, Key=self.key, UploadId=self._upload_id)


def upload_file(path: Path, key: str, content_type: str, part_bytes: int = PART_BYTES) -> int:
    """A finished local file (an XLSX workbook) uploaded part by part; returns its size."""
    with path.open("rb") as source, MultipartWriter(key, content_type, part_bytes) as out:
        while chunk := source.read(part_bytes):
            out.write(chunk)
    return out.size


def download_link(key: str, filename: str, content_type: str, now: datetime | None = None) -> tuple[str, str]:
    """A presigned GET (a fresh one on each call) that saves the file under `filename`; and its end."""
    url = aws.client("s3").generate_presigned_url(
        "get_object",
        Params={
            "Bucket": get_settings().exports_bucket,
            "Key": key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
            "ResponseContentType": content_type,
        },
        ExpiresIn=LINK_SECONDS,
    )
    expires = (now or datetime.now(UTC)) + timedelta(seconds=LINK_SECONDS)
    return url, expires.isoformat(timespec="seconds")


def queue_export(export_id: str) -> None:
    aws.client("sqs").send_message(
        QueueUrl=get_settings().exports_queue_url, MessageBody=json.dumps({"export_id": export_id})
    )
