"""Models of the public referential routes (communes, métiers, bassins)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")
    q: str = Field(default="", max_length=100, description="Début du nom, du code postal ou du libellé")
    limit: int = Field(default=10, ge=1, le=50)


class BassinOut(BaseModel):
    code: str
    label: str


class CommuneOut(BaseModel):
    code_insee: str
    name: str
    postal_codes: list[str]
    bassin: BassinOut


class MetierOut(BaseModel):
    code_rome: str
    label: str
    appellation: str | None = None


class CompetenceOut(BaseModel):
    code: str
    label: str
    kind: str


class Health(BaseModel):
    status: str
