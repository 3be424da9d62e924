"""Models of the public referential routes (communes, métiers, bassins, certifications)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class SearchQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    q: str = Field(default="", max_length=100, description="Début du nom, du code postal ou du libellé")
    limit: int = Field(default=10, ge=1, le=50)


class BassinView(BaseModel):
    code: str
    label: str


class CommuneView(BaseModel):
    code_insee: str
    name: str
    postal_codes: list[str]
    bassin: BassinView


class MetierView(BaseModel):
    code_rome: str
    label: str
    appellation: str | None = None


class CompetenceView(BaseModel):
    code: str
    label: str
    kind: str


class CertificationView(BaseModel):
    code: str = Field(
        description="Code Certif Info, ou code RNCP pour une fiche que Certif Info ne liste pas"
    )
    title: str
    type: str | None = Field(default=None, description="Type de certification (Certif Info)")
    level: int | None = Field(
        default=None, ge=1, le=8, description="Niveau de qualification (3 = CAP, 8 = doctorat)"
    )
    rncp: str | None = Field(default=None, description="Code de la fiche RNCP (France Compétences)")
    code_rome: list[str] = Field(description="Codes ROME 4.0 visés, les plus proches d'abord (5 au plus)")
    metiers: list[MetierView] = Field(
        default_factory=list, description="Les mêmes métiers avec leur libellé (pour les montrer sans code)"
    )


class HealthView(BaseModel):
    status: str
