"""Invitation models: what an invited person sees, and the rest of the sign-up they complete."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, StrictBool, field_validator

from chalicelib.schemas.advisors import InvitationPrefill
from chalicelib.schemas.bases import Body
from chalicelib.schemas.candidates import (
    AvailableFrom,
    CandidateCompetences,
    ContractTypes,
    MetierLabel,
    MobilityKm,
    TargetCodes,
)
from chalicelib.schemas.fields import CodeInsee, PersonName, Phone
from chalicelib.schemas.sharing import SharingPage, SharingView  # noqa: F401 - re-exported
from chalicelib.schemas.structures_store import StructureKind


class InvitationAccept(Body):
    """Body of POST /api/invitations/{token}: the candidate sign-up without `email` and `training`
    (the invitation carries them), plus whether to share progress with the structure."""

    first_name: PersonName
    last_name: PersonName
    phone: Phone | None = None
    code_insee: CodeInsee = Field(description="Commune de résidence (code INSEE)")
    mobility_km: MobilityKm
    target_code_rome: TargetCodes = Field(default_factory=list)
    competences: CandidateCompetences = Field(default_factory=list)
    contract_types: ContractTypes
    available_from: AvailableFrom
    consent_contact: StrictBool = Field(description="Accepte d'être contacté(e) par les employeurs")
    consent_terms: StrictBool = Field(description="Accepte les conditions d'utilisation (obligatoire)")
    share_with_structure: StrictBool = Field(
        description="Partager mon suivi (correspondances, embauche) avec l'organisme"
    )

    @field_validator("consent_terms")
    @classmethod
    def _terms_accepted(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("Vous devez accepter les conditions d'utilisation pour vous inscrire.")
        return value


class LinkRequest(Body):
    share_with_structure: StrictBool


class InvitingStructure(BaseModel):
    name: str
    kind: StructureKind


class InvitedTraining(BaseModel):
    title: str
    code_rome: list[str]
    end_date: date
    metiers: list[MetierLabel] = Field(
        default_factory=list, description="Libellés des métiers de la formation (codes ROME), dans leur ordre"
    )


class InvitationView(BaseModel):
    first_name: str
    last_name: str
    email: str
    structure: InvitingStructure
    training: InvitedTraining | None = None
    account_exists: bool = Field(
        default=False, description="L'adresse a déjà un compte : relier la formation au compte (POST …/link)"
    )
    prefill: InvitationPrefill | None = Field(
        default=None, description="Inscription préparée par un conseiller : ce qu'il a renseigné"
    )


class SharingRequest(Body):
    shared: StrictBool = Field(description="Partager mon suivi avec l'organisme de cette formation")
