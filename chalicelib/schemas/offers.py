"""Offer request and response models. The stored record is schemas/offers_store.py.

Date rules depend on "today" (Paris): a validation context `{"today": date}` replaces the
clock, which the unit tests use.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from chalicelib.domain.calendar import one_year_after, paris_today
from chalicelib.schemas.fields import (
    competence_code,
    competences_of_metier,
    known_commune,
    known_metier,
    multi_line,
    single_line,
)
from chalicelib.schemas.offers_store import ContractType
from chalicelib.schemas.referentials import BassinOut

DEFAULT_LIFETIME_DAYS = 60
MAX_RADIUS_KM = 200
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_CURSOR = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
OutcomeStatus = Literal["contacted", "interview", "hired", "not_retained"]


def _iso_date(value: object) -> object:
    # JSON has no date type: only "YYYY-MM-DD" (no timestamps, no datetimes) is a date here.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError("Une date au format AAAA-MM-JJ est attendue.")
    return value.strip()


def _today(info: ValidationInfo) -> date:
    context = info.context or {}
    return context.get("today") or paris_today()


def _not_null(value: object) -> object:
    if value is None:
        raise ValueError("Ce champ ne peut pas être vide.")
    return value


Title = Annotated[
    str, Field(min_length=3, max_length=120, description="Intitulé du poste"), AfterValidator(single_line)
]
CodeRome = Annotated[
    str,
    Field(min_length=5, max_length=5, description="Code ROME 4.0 du métier"),
    AfterValidator(known_metier),
]
Description = Annotated[str, Field(min_length=10, max_length=4000), AfterValidator(multi_line)]
Competence = Annotated[str, Field(max_length=10), AfterValidator(competence_code)]
Competences = Annotated[
    list[Competence], Field(min_length=1, max_length=20, description="Codes OGR des compétences attendues")
]
CommuneCode = Annotated[
    str,
    Field(min_length=5, max_length=5, description="Code INSEE du lieu de travail"),
    AfterValidator(known_commune),
]
Positions = Annotated[int, Field(strict=True, ge=1, le=50, description="Nombre de postes")]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class _OfferFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("competences", check_fields=False)
    @classmethod
    def _competences_of_the_metier(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        code_rome = info.data.get("code_rome")
        if value is None or not code_rome:
            return value  # an unknown métier is reported on code_rome; PATCH checks the merged offer
        return competences_of_metier(value, code_rome)

    @field_validator("start_date", check_fields=False)
    @classmethod
    def _start_within_a_year(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = _today(info)
        if value is not None and not today <= value <= one_year_after(today):
            raise ValueError("La date de début doit être comprise entre aujourd'hui et dans un an.")
        return value

    @field_validator("expires_at", check_fields=False)
    @classmethod
    def _expiry_within_a_year(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = _today(info)
        if value is not None and not today < value <= one_year_after(today):
            raise ValueError(
                "La date d'expiration doit être postérieure à aujourd'hui et au plus dans un an."
            )
        return value


class OfferCreate(_OfferFields):
    title: Title
    code_rome: CodeRome
    description: Description
    competences: Competences
    code_insee: CommuneCode
    contract_type: ContractType
    positions: Positions
    start_date: IsoDate
    expires_at: IsoDate | None = Field(
        default=None,
        description=f"Dernier jour de publication (par défaut : dans {DEFAULT_LIFETIME_DAYS} jours)",
    )


class OfferUpdate(_OfferFields):
    """Partial update of an open offer; a field sent as null is refused."""

    title: Title | None = None
    code_rome: CodeRome | None = None
    description: Description | None = None
    competences: Competences | None = None
    code_insee: CommuneCode | None = None
    contract_type: ContractType | None = None
    positions: Positions | None = None
    start_date: IsoDate | None = None
    expires_at: IsoDate | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: object) -> object:
        return _not_null(value)


class OfferListQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    bassin: str | None = Field(default=None, max_length=10, description="Code du bassin d'emploi")
    code_rome: Annotated[str, AfterValidator(known_metier)] | None = Field(default=None, max_length=5)
    commune: Annotated[str, AfterValidator(known_commune)] | None = Field(
        default=None, max_length=5, description="Code INSEE du point de départ de la recherche par distance"
    )
    radius_km: int | None = Field(default=None, ge=0, le=MAX_RADIUS_KM)
    limit: int = Field(default=20, ge=1, le=50)
    next: str | None = Field(default=None, max_length=2000, description="Curseur de la page suivante")

    @model_validator(mode="before")
    @classmethod
    def _blank_means_absent(cls, data: object) -> object:
        # An HTML form sends "bassin=" for a filter left empty.
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator("bassin")
    @classmethod
    def _known_bassin(cls, value: str | None) -> str | None:
        from chalicelib.domain.referentials import get_referentials

        if value is not None and value not in get_referentials().bassins:
            raise ValueError("Bassin d'emploi inconnu.")
        return value

    @field_validator("next")
    @classmethod
    def _cursor_shape(cls, value: str | None) -> str | None:
        if value is not None and not _CURSOR.match(value):
            raise ValueError("Curseur de pagination invalide.")
        return value


class OutcomeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: OutcomeStatus


# --- responses --------------------------------------------------------------------------
class CompetenceLabel(BaseModel):
    code: str
    label: str


class OfferPublic(BaseModel):
    """What anyone may see of an open offer: no employer contact."""

    id: str
    title: str
    code_rome: str
    metier_label: str
    description: str
    competences: list[CompetenceLabel]
    code_insee: str
    commune_name: str
    bassin: BassinOut
    contract_type: ContractType
    positions: int
    start_date: date
    expires_at: date
    company_name: str | None


class MatchCounts(BaseModel):
    matches: int = Field(description="Candidats proposés et visibles (consentement donné, profil actif)")
    interested: int = Field(description="Candidats qui se sont dits intéressés")
    answered: int = Field(description="Candidats intéressés à qui l'employeur a donné une suite")
    hired: int


class OfferOwnerView(OfferPublic):
    """The public view plus what only the owner sees."""

    status: Literal["open", "closed"]
    expired: bool
    version: int
    created_at: str
    updated_at: str
    closed_at: str | None
    counts: MatchCounts
    answer_rate: float | None = Field(description="Part des candidats intéressés ayant reçu une suite (0–1)")


class OfferPage(BaseModel):
    items: list[OfferPublic]
    next: str | None


class OwnOffers(BaseModel):
    items: list[OfferOwnerView]
    answer_rate: float | None = Field(
        description="Sur toutes mes offres : part des candidats intéressés à qui j'ai donné une suite (0–1)"
    )
    next: str | None = None


class TrainingSummary(BaseModel):
    title: str
    code_rome: list[str]
    end_date: date | None
    certification_obtained: bool | None


class CandidateMatchOut(BaseModel):
    """A matched candidate seen by the offer's owner; email/phone only once they said interested."""

    candidate_id: str
    first_name: str
    training: TrainingSummary
    competences: list[CompetenceLabel]
    distance_km: float | None
    score: int
    reasons: list[str]
    interested: bool | None
    status: str | None
    email: str | None = None
    phone: str | None = None
