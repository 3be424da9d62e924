"""Staff exports: the request, the view of one export, the audit log (services/export_requests.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.schemas.bases import Period
from chalicelib.schemas.exports_store import ExportFilters, ExportFormat, ExportKind, ExportStatus, LinkIssued
from chalicelib.schemas.fields import Cursor


class ExportRequest(Period):
    """Body of POST /api/staff/exports."""

    kind: ExportKind = Field(description="candidates, offers, matches, outcomes, structures ou trainings")
    format: ExportFormat = Field(description="csv (Excel français) ou xlsx")

    def filters(self) -> ExportFilters:
        return ExportFilters(bassin=self.bassin, from_=self.from_, to=self.to)


class ExportView(BaseModel):
    id: str
    kind: ExportKind
    format: ExportFormat
    filters: ExportFilters
    status: ExportStatus
    progress: int = Field(ge=0, le=100)
    rows: int
    created_at: str
    finished_at: str | None
    filename: str | None
    download_url: str | None = Field(description="Lien signé (15 min au plus), renouvelé à chaque lecture")
    expires_at: str | None = Field(description="Fin de validité du lien")
    error: str | None


class ExportLogEntry(BaseModel):
    id: str
    staff_id: str = Field(description="Qui : l'agent qui a demandé l'export")
    staff_email: str | None = Field(
        default=None, description="Son adresse e-mail (absente si l'agent n'est plus habilité)"
    )
    kind: ExportKind
    format: ExportFormat
    filters: ExportFilters
    status: ExportStatus
    rows: int
    created_at: str
    finished_at: str | None
    links_issued: list[LinkIssued] = Field(
        default_factory=list, description="Chaque lien de téléchargement délivré : à qui, quand"
    )


class ExportLogQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=20, ge=1, le=100)
    next: Cursor | None = None
    mine: bool = Field(default=False, description="Seulement mes exports")


class ExportLogPage(BaseModel):
    items: list[ExportLogEntry]
    next: str | None
