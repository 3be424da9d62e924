"""Use cases of the staff on exports: ask for one, follow it, read the audit log.

The request is stored (EXPORT#<id>, pending) and queued; the exports worker builds the file
(services/build_export.py). The stored request is the audit entry: who asked for what, when.
"""

from __future__ import annotations

import re

from chalicelib.domain import export_format as fmt
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.errors import NotFound
from chalicelib.gateways import exports_store
from chalicelib.observability import logger, metrics
from chalicelib.repositories import exports
from chalicelib.schemas.exports import (
    ExportLogEntry,
    ExportLogPage,
    ExportLogQuery,
    ExportRequest,
    ExportView,
)
from chalicelib.schemas.exports_store import ID_PATTERN, ExportRecord
from chalicelib.schemas.pagination import decode_cursor, encode_cursor
from chalicelib.services.idempotency import run_idempotent
from chalicelib.services.sessions import staff_addresses


def request_export(staff_id: str, body: ExportRequest, idempotency_key: str | None) -> dict:
    """Stores the request and queues it → {"id": ...}; the same Idempotency-Key never asks twice."""

    def create() -> dict:
        record = ExportRecord(
            id=new_id(),
            staff_id=staff_id,
            kind=body.kind,
            format=body.format,
            filters=body.filters(),
            created_at=utc_timestamp(),
        )
        exports.create(record)
        exports_store.queue_export(record.id)
        metrics.add_metric(name="ExportRequested", unit="Count", value=1)
        logger.info(
            "export requested", extra={"export_id": record.id, "staff_id": staff_id, "kind": body.kind}
        )
        return {"id": record.id}

    scope = f"POST /staff/exports:{staff_id}"
    return run_idempotent(scope, idempotency_key, body.model_dump(mode="json"), create)


def valid_id(export_id: str) -> bool:
    return re.fullmatch(ID_PATTERN, export_id) is not None


def export_view(export_id: str, staff_id: str) -> ExportView:
    """The export's state; once done, a fresh signed download link at every read, each one
    written in the audit log (who, which export, when) before it is handed out."""
    record = exports.get(export_id) if valid_id(export_id) else None
    if record is None:
        raise NotFound("Export introuvable.")
    url = expires_at = None
    if record.status == "done" and record.object_key and record.filename:
        exports.log_link(record.id, staff_id, utc_timestamp())
        logger.info("export link issued", extra={"export_id": record.id, "staff_id": staff_id})
        url, expires_at = exports_store.download_link(
            record.object_key, record.filename, fmt.CONTENT_TYPES[record.format]
        )
    return ExportView(
        **record.model_dump(include=set(ExportView.model_fields) - {"download_url", "expires_at"}),
        download_url=url,
        expires_at=expires_at,
    )


def export_log(query: ExportLogQuery, staff_id: str) -> ExportLogPage:
    """One page of the audit log, newest first; `mine` keeps the caller's own exports."""
    start_key = decode_cursor(query.next, exports.start_key_is_valid)
    records, last = exports.page(query.limit, start_key, staff_id if query.mine else None)
    agents = staff_addresses() if records else {}
    fields = set(ExportLogEntry.model_fields) - {"staff_email"}
    items = [
        ExportLogEntry.model_validate({**r.model_dump(include=fields), "staff_email": agents.get(r.staff_id)})
        for r in records
    ]
    return ExportLogPage(items=items, next=encode_cursor(last))
