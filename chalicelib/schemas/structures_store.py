"""Stored structures and members (docs/structures.md). Request and response models: schemas/structures.py."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

StructureKind = Literal["organisme_formation", "accompagnement"]
Network = Literal["france_travail", "mission_locale", "cap_emploi", "apec", "region", "autre"]
StructureStatus = Literal["pending", "active", "rejected"]


class StructureRecord(BaseModel):
    """PK STRUCT#<id>, SK PROFILE."""

    id: str
    kind: StructureKind
    network: Network | None = None
    siret: str
    name: str
    code_insee: str
    bassin: str
    contact_name: str
    email: str  # the requester's address (told of the decision)
    phone: str | None = None
    status: StructureStatus = "pending"
    reason: str | None = None  # why staff rejected it
    decided_at: str | None = None
    decided_by: str | None = None
    version: int = 1
    created_at: str
    updated_at: str


class MemberRecord(BaseModel):
    """PK STRUCT#<sid>, SK MEMBER#<id> (the list) and PK MEMBER#<id>, SK MEMBER (by id)."""

    id: str
    structure_id: str
    name: str
    email: str
    role: Literal["trainer", "advisor"]
    added_by: str | None = None  # the member who added them; None for the requester
    created_at: str
    digest_opt_out: bool = False  # advisors: no daily digest of the caseload's changes
