"""Training and cohort-import request and response models (docs/structures.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StrictBool, ValidationInfo, field_validator

from chalicelib.domain.calendar import add_years
from chalicelib.schemas.bases import Body, Query, UpdateBody
from chalicelib.schemas.candidates import MetierLabel
from chalicelib.schemas.fields import (
    CodeInsee,
    CodeRomeList,
    Email,
    IsoDate,
    NoMarkup,
    PersonName,
    Phone,
    WholeNumber,
    check_range,
    today_of,
)
from chalicelib.schemas.referentials import BassinView
from chalicelib.schemas.trainings_store import TraineeStatus

SessionTitle = NoMarkup(2, 150, "Intitulé de la formation")
SessionCodes = CodeRomeList(1, 5, "Métiers ROME auxquels mène la formation (1 à 5)")
Places = WholeNumber(1, 1000, "Nombre de places")
CertificationCode = Annotated[
    str, Field(min_length=1, max_length=20, description="Code du catalogue des certifications")
]
END_BEFORE_START = "La date de fin doit suivre la date de début."


def _session_date(value: date, info: ValidationInfo) -> date:
    today = today_of(info)
    return check_range(value, add_years(today, -3), add_years(today, 3), "La date")


SessionDate = Annotated[IsoDate, AfterValidator(_session_date)]


class TrainingCreate(Body):
    """Body of POST /api/trainings; `code_rome` defaults to the certification's."""

    title: SessionTitle
    certification_code: CertificationCode | None = None
    code_rome: SessionCodes | None = None
    code_insee: CodeInsee = Field(description="Lieu de la formation (code INSEE)")
    start_date: SessionDate
    end_date: SessionDate
    places: Places | None = None

    @field_validator("end_date")
    @classmethod
    def _after_start(cls, value: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and value < start:
            raise ValueError(END_BEFORE_START)
        return value


class TrainingUpdate(UpdateBody):
    NULLABLE = frozenset({"places", "certification_code"})

    title: SessionTitle | None = None
    certification_code: CertificationCode | None = None
    code_rome: SessionCodes | None = None
    code_insee: CodeInsee | None = None
    start_date: SessionDate | None = None
    end_date: SessionDate | None = None
    places: Places | None = None


class TrainingCounts(BaseModel):
    invited: int = 0
    registered: int = 0
    declined: int = 0
    matched: int = Field(default=0, description="Correspondances des stagiaires qui partagent leur suivi")
    interested: int = 0
    hired: int = 0


class TrainingView(BaseModel):
    id: str
    title: str
    certification_code: str | None
    certification_title: str | None
    code_rome: list[str]
    metiers: list[MetierLabel] = Field(
        default_factory=list, description="Libellés des métiers de la formation (codes ROME), dans leur ordre"
    )
    code_insee: str
    commune_name: str
    bassin: BassinView
    start_date: date
    end_date: date
    places: int | None
    counts: TrainingCounts
    version: int


class TrainingPage(BaseModel):
    items: list[TrainingView]
    next: str | None = None


# --- the cohort ------------------------------------------------------------------------------------
def _no_formula(value: str) -> str:
    # A cell starting like a formula is what spreadsheets evaluate (=HYPERLINK(…)): never stored.
    if value[:1] in ("=", "+", "-", "@"):
        raise ValueError("Formule de tableur refusée : indiquez le texte lui-même.")
    return value


class TraineeRow(Body):
    """One trainee, from a line of the file or from the JSON form."""

    line: WholeNumber(1, 100_000, "Ligne du fichier d'origine (rapports d'erreurs)") | None = None
    first_name: PersonName
    last_name: PersonName
    email: Email
    phone: Phone | None = None

    @field_validator("phone", mode="before")
    @classmethod
    def _blank_phone(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("first_name", "last_name", mode="before")
    @classmethod
    def _formula_first(cls, value: object) -> object:
        if isinstance(value, str):
            _no_formula(value.strip())
        return value


class TraineeImport(Body):
    """JSON form of the cohort (the CSV file is the other)."""

    trainees: list[dict] = Field(
        min_length=1, max_length=500, description="[{first_name, last_name, email, phone?, line?}]"
    )


class ImportQuery(Query):
    dry_run: StrictBool = False

    @field_validator("dry_run", mode="before")
    @classmethod
    def _flag(cls, value: object) -> object:
        if isinstance(value, str):
            if value.lower() in ("true", "1", "oui"):
                return True
            if value.lower() in ("false", "0", "non"):
                return False
        return value


class LineError(BaseModel):
    line: int
    field: str
    message: str


class DuplicateLine(BaseModel):
    line: int
    email: str


class ValidTrainee(BaseModel):
    line: int
    first_name: str
    last_name: str
    email: str
    phone: str | None


class DryRunReport(BaseModel):
    rows: int
    valid: int
    invalid: list[LineError]
    duplicates: list[DuplicateLine]
    trainees: list[ValidTrainee] = Field(
        description="Les lignes valides (sans doublon), pour les afficher avant l'envoi"
    )


class ImportReport(BaseModel):
    invited: int
    already_invited: int
    already_registered: int
    invalid: list[LineError]
    duplicates: list[DuplicateLine]


class TraineeView(BaseModel):
    id: str
    first_name: str
    last_name: str
    email: str | None = Field(
        description="Tant que la personne est invitée (l'adresse du fichier de l'organisme)"
    )
    status: TraineeStatus
    shared: bool
    matched: int | None = None
    interested: int | None = None
    hired: int | None = None


class TraineePage(BaseModel):
    items: list[TraineeView]
    next: str | None = None
