"""The stored offer (repository model). Request/response models live in schemas/offers.py."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

ContractType = Literal["cdi", "cdd", "interim", "alternance"]


class OfferRecord(BaseModel):
    id: str
    employer_id: str
    title: str
    code_rome: str
    description: str
    competences: list[str] = Field(default_factory=list)
    code_insee: str
    bassin: str
    contract_type: ContractType
    positions: int = Field(ge=1)
    start_date: date
    expires_at: date
    status: Literal["open", "closed"] = "open"
    closed_reason: str | None = None
    closed_at: str | None = None
    expiry_warned_at: str | None = None
    version: int = 1
    created_at: str
    updated_at: str

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def is_expired(self, today: date) -> bool:
        """Published up to and including `expires_at`."""
        return self.expires_at < today

    def is_listed(self, today: date) -> bool:
        return self.is_open and not self.is_expired(today)
