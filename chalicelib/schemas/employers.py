"""Employer models: sign-up and update requests, the stored profile, the owner's view."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, field_validator

from chalicelib.domain.identity import normalize_email
from chalicelib.domain.siret import normalize_siret
from chalicelib.schemas.fields import known_commune, phone_number, single_line
from chalicelib.schemas.referentials import BassinOut

Siret = Annotated[
    str,
    Field(max_length=40, description="SIRET de l'établissement (14 chiffres, espaces acceptés)"),
    AfterValidator(normalize_siret),
]
CompanyName = Annotated[
    str, Field(min_length=1, max_length=120, description="Raison sociale"), AfterValidator(single_line)
]
ContactName = Annotated[
    str,
    Field(min_length=1, max_length=80, description="Nom de la personne à contacter"),
    AfterValidator(single_line),
]
Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(normalize_email)]
Phone = Annotated[str, Field(max_length=30), AfterValidator(phone_number)]
CommuneCode = Annotated[
    str,
    Field(min_length=5, max_length=5, description="Code INSEE de la commune"),
    AfterValidator(known_commune),
]


class EmployerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    siret: Siret
    company_name: CompanyName
    contact_name: ContactName
    email: Email
    phone: Phone | None = None
    code_insee: CommuneCode


class EmployerUpdate(BaseModel):
    """Partial update. The e-mail address is the sign-in identity and is not changed here."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    siret: Siret | None = None
    company_name: CompanyName | None = None
    contact_name: ContactName | None = None
    phone: Phone | None = None
    code_insee: CommuneCode | None = None
    digest_opt_out: StrictBool | None = Field(default=None, description="Ne plus recevoir les récapitulatifs")

    @field_validator("siret", "company_name", "contact_name", "code_insee", "digest_opt_out", mode="before")
    @classmethod
    def _no_null(cls, value: object) -> object:
        # Only the phone number can be removed (sent as null).
        if value is None:
            raise ValueError("Ce champ ne peut pas être vide.")
        return value


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


class EmployerOut(BaseModel):
    id: str
    siret: str
    company_name: str
    contact_name: str
    email: str
    phone: str | None
    code_insee: str
    commune_name: str
    bassin: BassinOut
    digest_opt_out: bool = False
    version: int
    created_at: str
    updated_at: str


class Created(BaseModel):
    id: str
