"""A stored export request, which is also its audit entry (EXPORT#<id>/EXPORT): repositories/exports.py."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from chalicelib.schemas.bases import Period

ExportKind = Literal["candidates", "offers", "matches", "outcomes", "structures", "trainings"]
ExportFormat = Literal["csv", "xlsx"]
ExportStatus = Literal["pending", "running", "done", "failed"]
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"


class ExportFilters(Period):
    """What the staff member asked to export (a bassin, a period)."""


class LinkIssued(BaseModel):
    staff_id: str
    at: str


class ExportRecord(BaseModel):
    """Its audit entry stays a year (TTL), the file a week (S3)."""

    id: str
    staff_id: str
    kind: ExportKind
    format: ExportFormat
    filters: ExportFilters
    status: ExportStatus = "pending"
    progress: int = 0
    rows: int = 0
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    object_key: str | None = None
    filename: str | None = None
    size_bytes: int | None = None
    error: str | None = None
    # The audit of downloads: every signed link handed out, to whom and when.
    links_issued: list[LinkIssued] = []
