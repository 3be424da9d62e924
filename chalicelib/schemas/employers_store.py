"""The stored employer (repository model). Request and response models: schemas/employers.py."""

from __future__ import annotations

from pydantic import BaseModel


class EmployerRecord(BaseModel):
    """The stored profile (PK=EMP#<id>, SK=PROFILE)."""

    id: str
    siret: str
    company_name: str
    contact_name: str
    email: str
    phone: str | None = None
    code_insee: str
    bassin: str
    digest_opt_out: bool = False
    version: int = 1
    created_at: str
    updated_at: str
