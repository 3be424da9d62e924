"""Structure and member request and response models (docs/structures.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from chalicelib.schemas.bases import Body, Query
from chalicelib.schemas.employers import Siret
from chalicelib.schemas.fields import CodeInsee, Cursor, Email, Phone, SingleLine
from chalicelib.schemas.referentials import BassinView
from chalicelib.schemas.structures_store import Network, StructureKind, StructureStatus

StructureName = SingleLine(2, 150, "Nom de la structure")
MemberName = SingleLine(2, 80, "Prénom et nom")
Reason = SingleLine(5, 500, "Motif du refus (envoyé à la personne qui a fait la demande)")
NETWORK_ONLY_FOR_SUPPORT = "Le réseau ne s'indique que pour une structure d'accompagnement."
NETWORK_REQUIRED = "Indiquez le réseau de la structure d'accompagnement."


class StructureCreate(Body):
    """Body of POST /api/structures: the structure and its first member (the requester)."""

    kind: StructureKind = Field(description="organisme_formation (rôle trainer) ou accompagnement (advisor)")
    network: Network | None = Field(
        default=None, validate_default=True, description="Réseau, pour une structure d'accompagnement"
    )
    siret: Siret
    name: StructureName
    code_insee: CodeInsee = Field(description="Commune de la structure (code INSEE)")
    contact_name: MemberName
    email: Email
    phone: Phone | None = None

    @field_validator("network")
    @classmethod
    def _network_of_kind(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind == "organisme_formation" and value is not None:
            raise ValueError(NETWORK_ONLY_FOR_SUPPORT)
        if kind == "accompagnement" and value is None:
            raise ValueError(NETWORK_REQUIRED)
        return value


class MemberCreate(Body):
    name: MemberName
    email: Email


class DecisionRequest(Body):
    decision: Literal["validate", "reject"]
    reason: Reason | None = Field(default=None, validate_default=True)

    @field_validator("reason")
    @classmethod
    def _reason_to_reject(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("decision") == "reject" and not value:
            raise ValueError("Indiquez le motif du refus : il est envoyé au demandeur.")
        return value


class StructureListQuery(Query):
    status: StructureStatus = "pending"
    limit: int = Field(default=50, ge=1, le=100)
    next: Cursor | None = None


# --- responses ---------------------------------------------------------------------------------
class StructureCreated(BaseModel):
    id: str
    status: StructureStatus


class MemberView(BaseModel):
    id: str
    name: str
    email: str


class StructureView(BaseModel):
    """A member's own structure."""

    id: str
    kind: StructureKind
    network: Network | None
    name: str
    siret: str
    code_insee: str
    commune_name: str
    bassin: BassinView
    status: StructureStatus
    members: list[MemberView]


class StructureForStaff(BaseModel):
    """A structure in the staff queue."""

    id: str
    kind: StructureKind
    network: Network | None
    name: str
    siret: str
    code_insee: str
    commune_name: str
    bassin: BassinView
    contact_name: str
    email: str
    phone: str | None
    status: StructureStatus
    reason: str | None
    created_at: str
    decided_at: str | None


class StructureStaffPage(BaseModel):
    items: list[StructureForStaff]
    next: str | None = None


class DecisionView(BaseModel):
    status: StructureStatus
