"""Offer request and response models. The stored record is schemas/offers_store.py."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from chalicelib.domain.calendar import add_years
from chalicelib.schemas.bases import Body, Query, UpdateBody
from chalicelib.schemas.fields import (
    BassinCode,
    CodeInsee,
    CodeRome,
    Competences,
    Cursor,
    Description,
    IsoDate,
    NoMarkup,
    SingleLine,
    WholeNumber,
    competences_outside,
    today_of,
)
from chalicelib.schemas.offers_store import ContractType
from chalicelib.schemas.referentials import BassinView

DEFAULT_LIFETIME_DAYS = 60
MAX_RADIUS_KM = 200
OutcomeStatus = Literal["contacted", "interview", "hired", "not_retained"]
OutcomeReason = Literal["profil_inadapte", "poste_pourvu", "injoignable", "candidat_indisponible", "autre"]
OutcomeComment = NoMarkup(1, 500, "Commentaire privé (500 caractères au plus)")

Title = SingleLine(3, 120, "Intitulé du poste")
OfferCompetences = Competences(1, 20, "Codes OGR des compétences attendues")
Positions = WholeNumber(1, 50, "Nombre de postes")


def check_competences_of_metier(codes: list[str], code_rome: str) -> list[str]:
    """Every competence must belong to the fiche of the offer's métier."""
    foreign = competences_outside(codes, [code_rome])
    if foreign:
        raise ValueError(
            f"Ces compétences ne figurent pas dans la fiche métier {code_rome} : {', '.join(foreign[:5])}."
        )
    return codes


class _OfferFields(Body):
    @field_validator("competences", check_fields=False)
    @classmethod
    def _competences_of_the_metier(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        code_rome = info.data.get("code_rome")
        if value is None or not code_rome:
            return value  # an unknown métier is reported on code_rome; PATCH checks the merged offer
        return check_competences_of_metier(value, code_rome)

    @field_validator("start_date", check_fields=False)
    @classmethod
    def _start_within_a_year(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = today_of(info)
        if value is not None and not today <= value <= add_years(today, 1):
            raise ValueError("La date de début doit être comprise entre aujourd'hui et dans un an.")
        return value

    @field_validator("expires_at", check_fields=False)
    @classmethod
    def _expiry_within_a_year(cls, value: date | None, info: ValidationInfo) -> date | None:
        today = today_of(info)
        if value is not None and not today < value <= add_years(today, 1):
            raise ValueError(
                "La date d'expiration doit être postérieure à aujourd'hui et au plus dans un an."
            )
        return value


class OfferCreate(_OfferFields):
    title: Title
    code_rome: CodeRome
    description: Description
    competences: OfferCompetences
    code_insee: CodeInsee = Field(description="Code INSEE du lieu de travail")
    contract_type: ContractType
    positions: Positions
    start_date: IsoDate
    expires_at: IsoDate | None = Field(
        default=None,
        description=f"Dernier jour de publication (par défaut : dans {DEFAULT_LIFETIME_DAYS} jours)",
    )


class OfferUpdate(UpdateBody, _OfferFields):
    """Partial update of an open offer; a field sent as null is refused."""

    title: Title | None = None
    code_rome: CodeRome | None = None
    description: Description | None = None
    competences: OfferCompetences | None = None
    code_insee: CodeInsee | None = None
    contract_type: ContractType | None = None
    positions: Positions | None = None
    start_date: IsoDate | None = None
    expires_at: IsoDate | None = None


class OfferListQuery(Query):
    bassin: BassinCode | None = None
    code_rome: CodeRome | None = None
    commune: CodeInsee | None = Field(
        default=None, description="Code INSEE du point de départ de la recherche par distance"
    )
    radius_km: int | None = Field(default=None, ge=0, le=MAX_RADIUS_KM)
    limit: int = Field(default=20, ge=1, le=50)
    next: Cursor | None = None


class OutcomeRequest(Body):
    """`reason` (and `comment`) with `not_retained` only; `contract_type`, `start_date` with `hired` only."""

    status: OutcomeStatus
    reason: OutcomeReason | None = Field(
        default=None, validate_default=True, description="Obligatoire pour « non retenu(e) »"
    )
    comment: OutcomeComment | None = Field(
        default=None, validate_default=True, description="Note privée : jamais montrée à la personne"
    )
    contract_type: ContractType | None = Field(
        default=None, validate_default=True, description="Pour « embauché(e) » : le contrat signé"
    )
    start_date: IsoDate | None = Field(
        default=None, validate_default=True, description="Pour « embauché(e) » : le premier jour"
    )

    @field_validator("reason")
    @classmethod
    def _reason_for_not_retained(cls, value: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if status == "not_retained" and value is None:
            raise ValueError("Indiquez la raison pour laquelle la candidature n'est pas retenue.")
        if status is not None and status != "not_retained" and value is not None:
            raise ValueError("Une raison ne s'indique que pour une candidature non retenue.")
        return value

    @field_validator("comment")
    @classmethod
    def _comment_for_not_retained(cls, value: str | None, info: ValidationInfo) -> str | None:
        status = info.data.get("status")
        if status is not None and status != "not_retained" and value is not None:
            raise ValueError("Un commentaire ne s'indique que pour une candidature non retenue.")
        return value

    @field_validator("contract_type", "start_date")
    @classmethod
    def _hire_details(cls, value, info: ValidationInfo):
        status = info.data.get("status")
        if status is not None and status != "hired" and value is not None:
            raise ValueError("Le contrat et la date de début ne s'indiquent que pour une embauche.")
        if info.field_name == "start_date" and value is not None:
            today = today_of(info)
            if not add_years(today, -1) <= value <= add_years(today, 1):
                raise ValueError("La date de début doit être comprise entre il y a un an et dans un an.")
        return value


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
    bassin: BassinView
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


class OfferView(OfferPublic):
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


class OwnOfferPage(BaseModel):
    items: list[OfferView]
    answer_rate: float | None = Field(
        description="Sur toutes mes offres : part des candidats intéressés à qui j'ai donné une suite (0–1)"
    )
    paused_at: str | None = Field(
        default=None,
        description="Mes offres ne sont plus proposées aux nouveaux candidats depuis ce moment (sans réponse)",
    )
    next: str | None = None


class TrainingSummary(BaseModel):
    title: str
    code_rome: list[str]
    end_date: date | None
    certification_obtained: bool | None


class MatchForEmployer(BaseModel):
    """A matched candidate seen by the offer's owner; email/phone only once they said interested."""

    candidate_id: str
    first_name: str
    commune_name: str | None = Field(
        default=None, description="Commune de résidence (distingue deux personnes du même prénom)"
    )
    training: TrainingSummary
    competences: list[CompetenceLabel]
    distance_km: float | None
    score: int
    reasons: list[str]
    interested: bool | None
    status: str | None
    reason: str | None = Field(default=None, description="Raison de « non retenu(e) »")
    comment: str | None = Field(default=None, description="Note privée de l'employeur")
    hired_contract_type: str | None = Field(default=None, description="Contrat de l'embauche")
    hired_start_date: str | None = Field(default=None, description="Premier jour de l'embauche")
    email: str | None = None
    phone: str | None = None
