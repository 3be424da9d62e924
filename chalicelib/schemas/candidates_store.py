"""The stored candidate (repository model). Request and response models: schemas/candidates.py."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from chalicelib.schemas.offers_store import ContractType


class TrainingRecord(BaseModel):
    title: str
    code_rome: list[str]
    end_date: date
    organisation: str | None = None
    certification_obtained: bool | None = None
    certification_code: str | None = None  # the catalogue's code (domain/certifications.py)


class CandidateRecord(BaseModel):
    """The profile item (PK CAND#<id>, SK PROFILE); keys and TTL are added by the repository."""

    id: str
    email: str
    first_name: str
    last_name: str
    phone: str | None = None
    code_insee: str
    bassin: str
    mobility_km: int
    training: TrainingRecord
    target_code_rome: list[str] = Field(default_factory=list)
    competences: list[str] = Field(default_factory=list)
    contract_types: list[ContractType]
    available_from: date
    consent_contact: bool
    consent_terms_at: str
    visible: bool = True
    digest_opt_out: bool = False
    version: int = 1
    created_at: str
    updated_at: str
    last_active_at: str
    # Key of the sign-up's idempotency record (it holds the response, hence the id): erased with the account.
    signup_request: str | None = None

    @property
    def matchable(self) -> bool:
        """Shown to the matching worker (sparse GSI2) only with consent and while not paused."""
        return self.consent_contact and self.visible

    @property
    def metier_codes(self) -> list[str]:
        return list(dict.fromkeys([*self.training.code_rome, *self.target_code_rome]))
