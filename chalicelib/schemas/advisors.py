"""Advisors' models (docs/structures.md, "Advisors"): a person registered by a structure
d'accompagnement, the caseload as the advisor sees it, and the advisor's e-mail preference."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, StrictBool

from chalicelib.domain.followup import Situation
from chalicelib.schemas.bases import Body
from chalicelib.schemas.candidates import CandidateFields

PersonStatus = Literal["awaiting_consent", "registered", "declined"]


class AdvisedCreate(CandidateFields):
    """Body of POST /api/advisor/candidates: the candidate sign-up without the consents, which
    the person gives themselves from the invitation e-mail."""


class AdvisedCreated(BaseModel):
    id: str
    status: PersonStatus


class AdvisedView(BaseModel):
    """A line of the caseload; the figures only for a person who shares with the structure."""

    id: str
    first_name: str
    last_name: str
    email: str | None = Field(
        description="Tant que la personne n'a pas répondu (l'adresse saisie par le conseiller)"
    )
    status: PersonStatus
    shared: bool
    registered_at: str
    matched: int | None = None
    interested: int | None = None
    hired: int | None = None
    followup_1m: Situation | None = Field(default=None, description="Réponse au suivi à 1 mois")
    followup_6m: Situation | None = Field(default=None, description="Réponse au suivi à 6 mois")


class AdvisedPage(BaseModel):
    items: list[AdvisedView]
    next: str | None = None


class AdvisorPreferences(BaseModel):
    digest_opt_out: bool = Field(description="Ne plus recevoir le récapitulatif quotidien des changements")


class AdvisorPreferencesUpdate(Body):
    digest_opt_out: StrictBool


class InvitationPrefill(BaseModel):
    """What the advisor entered, shown to the person before they accept (GET /api/invitations/{token})."""

    phone: str | None = None
    code_insee: str
    commune_name: str
    mobility_km: int
    target_code_rome: list[str]
    competences: list[str]
    contract_types: list[str]
    available_from: date
