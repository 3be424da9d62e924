"""Employer request and response models. The stored record is schemas/employers_store.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StrictBool

from chalicelib.domain.siret import normalize_siret
from chalicelib.schemas.bases import Body, Query, UpdateBody
from chalicelib.schemas.fields import CodeInsee, Email, Phone, SingleLine
from chalicelib.schemas.referentials import BassinView

Siret = Annotated[
    str,
    Field(max_length=40, description="SIRET de l'établissement (14 chiffres, espaces acceptés)"),
    AfterValidator(normalize_siret),
]
CompanyName = SingleLine(1, 120, "Raison sociale")
ContactName = SingleLine(1, 80, "Nom de la personne à contacter")


class EmployerCreate(Body):
    siret: Siret
    company_name: CompanyName
    contact_name: ContactName
    email: Email
    phone: Phone | None = None
    code_insee: CodeInsee = Field(description="Code INSEE de la commune")


class EmployerUpdate(UpdateBody):
    """Partial update. The e-mail address is the sign-in identity and is not changed here; only the
    phone number can be removed (sent as null)."""

    NULLABLE = frozenset({"phone"})

    siret: Siret | None = None
    company_name: CompanyName | None = None
    contact_name: ContactName | None = None
    phone: Phone | None = None
    code_insee: CodeInsee | None = None
    digest_opt_out: StrictBool | None = Field(default=None, description="Ne plus recevoir les récapitulatifs")


class EmployerView(BaseModel):
    """The employer's own account."""

    id: str
    siret: str
    company_name: str
    contact_name: str
    email: str
    phone: str | None
    code_insee: str
    commune_name: str
    bassin: BassinView
    digest_opt_out: bool = False
    version: int
    created_at: str
    updated_at: str


class UnansweredQuery(Query):
    unanswered_days: int = Field(
        default=30, ge=0, le=365, description="Plus ancienne marque d'intérêt sans réponse, en jours"
    )


class EmployerResponsivenessView(BaseModel):
    """What staff read of an employer's answers (daily figures, over 90 days)."""

    employer_id: str
    company_name: str
    contact_name: str
    email: str
    phone: str | None
    interests: int = Field(description="Personnes intéressées sur 90 jours")
    answered: int = Field(description="Parmi elles, celles à qui l'employeur a donné une suite")
    answer_rate: float | None
    unanswered_days: int = Field(description="Attente de la plus ancienne personne sans réponse, en jours")
    last_answer_at: str | None
    paused_at: str | None = Field(description="Depuis quand ses offres ne sont plus proposées")
    computed_at: str
