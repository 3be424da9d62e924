"""Staff back office models: figures, matching runs, exports (requests, stored record, views).

`from` and `to` are Python keywords: the fields are `from_`/`to` in code, "from"/"to" on the wire
and in the stored filters (alias used for both validation and serialisation).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

ExportKind = Literal["candidates", "offers", "matches", "outcomes"]
ExportFormat = Literal["csv", "xlsx"]
ExportStatus = Literal["pending", "running", "done", "failed"]
ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
UNKNOWN_BASSIN = "Bassin d'emploi inconnu : un code de zone d'emploi du Grand Est est attendu (ex. 4410)."
BAD_PERIOD = "La date de début doit précéder la date de fin."


def _date_text(value: Any) -> Any:
    # JSON and query strings carry dates as "AAAA-MM-JJ" text (pydantic alone would take numbers).
    if not isinstance(value, str | date):
        raise ValueError("Une date au format AAAA-MM-JJ est attendue.")
    return value


Day = Annotated[date, BeforeValidator(_date_text)]


def _known_bassin(value: str | None) -> str | None:
    from chalicelib.domain.referentials import get_referentials

    if value is not None and value not in get_referentials().bassins:
        raise ValueError(UNKNOWN_BASSIN)
    return value


class _Period(BaseModel):
    model_config = ConfigDict(
        extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    bassin: str | None = Field(default=None, max_length=8, description="Code du bassin d'emploi (ex. 4410)")
    from_: Day | None = Field(default=None, alias="from", description="Début de la période (AAAA-MM-JJ)")
    to: Day | None = Field(default=None, description="Fin de la période, incluse (AAAA-MM-JJ)")

    @field_validator("bassin", "from_", "to", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # A form's empty field arrives as "?bassin=": no filter.
        return None if value == "" else value

    @field_validator("bassin")
    @classmethod
    def _bassin(cls, value: str | None) -> str | None:
        return _known_bassin(value)

    @field_validator("to")
    @classmethod
    def _ordered(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("from_")
        if value is not None and start is not None and start > value:
            raise ValueError(BAD_PERIOD)
        return value


# --- figures ---------------------------------------------------------------------------------
class StatsQuery(_Period):
    """GET /api/staff/stats?bassin=&from=&to= (the period is applied month by month)."""


class Placement(BaseModel):
    eligible: int = Field(description="Candidats dont la formation s'est terminée depuis au moins ce délai")
    placed: int = Field(description="Parmi eux, recrutés au plus tard à ce délai après la fin de formation")
    rate: float | None = Field(
        description="Part en pourcentage (une décimale) ; absente sans candidat éligible"
    )


class BassinFigures(BaseModel):
    code: str
    label: str
    refreshed_at: str | None = Field(description="Dernier calcul (après chaque appariement du bassin)")
    candidates: int = Field(description="Candidats inscrits résidant dans le bassin (instantané)")
    candidates_matchable: int = Field(description="Dont consentants et visibles (instantané)")
    open_offers: int = Field(description="Offres ouvertes et publiées (instantané)")
    matches: int = Field(description="Correspondances proposées sur les offres ouvertes (instantané)")
    interested: int = Field(description="Réponses « intéressé(e) » sur la période, offres du bassin")
    hires: int = Field(description="Recrutements enregistrés sur la période, offres du bassin")
    placed_1_month: Placement = Field(description="Formations terminées sur la période : en emploi à 1 mois")
    placed_6_months: Placement = Field(description="Formations terminées sur la période : en emploi à 6 mois")


class StatsPeriod(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)
    from_: date | None = Field(alias="from")
    to: date | None


class StatsOut(BaseModel):
    period: StatsPeriod = Field(description="Période effective : mois entiers (vide = depuis le début)")
    bassins: list[BassinFigures]
    region: BassinFigures = Field(description="Total des 27 bassins du Grand Est")


# --- matching runs ---------------------------------------------------------------------------
class RunCounts(BaseModel):
    offers: int = 0
    candidates: int = 0
    pairs_examined: int = 0
    eligible_pairs: int = 0
    kept: int = 0
    written: int = 0
    digests: int = 0


class RunOut(BaseModel):
    id: str
    status: Literal["running", "done"]
    trigger: str | None = None
    progress: int = Field(ge=0, le=100, description="Bassins traités / bassins à traiter, en %")
    bassins_total: int
    bassins_done: int
    counts: RunCounts
    created_at: str
    finished_at: str | None = None

    @classmethod
    def from_run(cls, run: dict) -> RunOut:
        total, done = int(run.get("bassins_total", 0)), int(run.get("bassins_done", 0))
        progress = 100 if total == 0 else min(100, done * 100 // total)
        return cls(
            id=run["id"],
            status=run["status"],
            trigger=run.get("trigger"),
            progress=progress,
            bassins_total=total,
            bassins_done=done,
            counts=RunCounts(**run.get("counts", {})),
            created_at=run["created_at"],
            finished_at=run.get("finished_at"),
        )


class RunListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=20, ge=1, le=100)


class Queued(BaseModel):
    """202 answer of a request handled in the background (a matching run, an export)."""

    id: str


# --- exports ---------------------------------------------------------------------------------
class ExportFilters(_Period):
    pass


class ExportRequest(_Period):
    """Body of POST /api/staff/exports."""

    kind: ExportKind = Field(description="candidates, offers, matches ou outcomes")
    format: ExportFormat = Field(description="csv (Excel français) ou xlsx")

    def filters(self) -> ExportFilters:
        return ExportFilters(bassin=self.bassin, from_=self.from_, to=self.to)


class ExportRecord(BaseModel):
    """The item EXPORT#<id> / EXPORT; its audit entry stays a year (TTL), the file a week (S3)."""

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


class ExportOut(BaseModel):
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
    kind: ExportKind
    format: ExportFormat
    filters: ExportFilters
    status: ExportStatus
    rows: int
    created_at: str
    finished_at: str | None


class ExportLogQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=20, ge=1, le=100)
    next: str | None = Field(default=None, max_length=200, description="Curseur de la page suivante")
    mine: bool = Field(default=False, description="Seulement mes exports")


class ExportLogPage(BaseModel):
    items: list[ExportLogEntry]
    next: str | None


class ExportMessage(BaseModel):
    """Message on the exports queue."""

    model_config = ConfigDict(extra="forbid")
    export_id: str = Field(pattern=ID_PATTERN)
