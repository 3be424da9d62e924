"""Candidate models: the sign-up and update bodies, the stored record, the views.

Checks that need "today" read it from the validation context (`{"today": date}`), so tests
and services can inject a clock; without a context they use Paris's today. Checks against
the reference data (communes, ROME métiers, competences) use the process-wide referentials.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationInfo,
    field_validator,
)

from chalicelib.domain.calendar import paris_today
from chalicelib.domain.identity import normalize_email
from chalicelib.schemas.offers_store import ContractType
from chalicelib.schemas.referentials import BassinOut

_NAME_EXTRA = frozenset(" '’-.")
_PHONE = re.compile(r"^(?:0|\+330?|00330?)([1-9][0-9]{8})$")  # "+33 (0)6 ..." too
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_ROME = re.compile(r"^[A-N][0-9]{4}$")
_OGR = re.compile(r"^[0-9]{1,8}$")
_INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")


def _refs():
    from chalicelib.domain.referentials import get_referentials

    return get_referentials()


def add_years(day: date, years: int) -> date:
    """Same day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def today_of(info: ValidationInfo) -> date:
    context = info.context if isinstance(info.context, dict) else {}
    today = context.get("today")
    return today if isinstance(today, date) else paris_today()


def _french(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _check_range(value: date, low: date, high: date, what: str) -> date:
    if not low <= value <= high:
        raise ValueError(f"{what} doit être comprise entre le {_french(low)} et le {_french(high)}.")
    return value


# --- field types ---------------------------------------------------------------------------
def _person_name(value: str) -> str:
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not value:
        raise ValueError("Ce champ est obligatoire.")
    if any(not (c.isalpha() or c in _NAME_EXTRA) for c in value):
        raise ValueError(
            "Seuls les lettres, les espaces, l'apostrophe, le trait d'union et le point sont autorisés."
        )
    if not any(c.isalpha() for c in value):
        raise ValueError("Au moins une lettre est attendue.")
    return value


def _plain_text(value: str) -> str:
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if "<" in value or ">" in value:
        raise ValueError("Les caractères < et > ne sont pas autorisés.")
    if any(unicodedata.category(c)[0] == "C" for c in value):
        raise ValueError("Ce texte contient des caractères non autorisés.")
    return value


def _phone(value: str) -> str:
    match = _PHONE.match(_PHONE_SEPARATORS.sub("", value))
    if not match:
        raise ValueError("Numéro de téléphone français attendu : 10 chiffres commençant par 0, ou +33.")
    return "+33" + match.group(1)


def _email(value: str) -> str:
    return normalize_email(value)


def _code_insee(value: str) -> str:
    commune = _refs().commune(value) if _INSEE.match(value) else None
    if commune is None:
        raise ValueError("Commune inconnue : le code INSEE d'une commune du Grand Est est attendu.")
    return commune.code_insee  # a historical code is stored as the current commune's


def _rome_codes(values: list[str]) -> list[str]:
    metiers = _refs().metiers
    codes = list(dict.fromkeys(v.strip().upper() for v in values))
    unknown = [c for c in codes if not _ROME.match(c) or c not in metiers]
    if unknown:
        raise ValueError(f"Code(s) ROME inconnu(s) : {', '.join(unknown[:5])}.")
    return codes


def _ogr_codes(values: list[str]) -> list[str]:
    codes = list(dict.fromkeys(v.strip() for v in values))
    known = _refs().competences
    unknown = [c for c in codes if not _OGR.match(c) or c not in known]
    if unknown:
        raise ValueError(f"Compétence(s) inconnue(s) : {', '.join(unknown[:5])}.")
    return codes


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _iso_date_string(value: Any) -> Any:
    # JSON has no date type: only "AAAA-MM-JJ" strings (pydantic would also take numbers).
    if not isinstance(value, str | date):
        raise ValueError("Une date au format AAAA-MM-JJ est attendue.")
    return value


def check_competences(competences: list[str], metier_codes: list[str]) -> None:
    """Competences must come from the fiches of the chosen métiers (training or targets)."""
    refs = _refs()
    allowed = {
        code for rome in metier_codes if rome in refs.metiers for code in refs.metiers[rome].competences
    }
    foreign = [c for c in competences if c not in allowed]
    if foreign:
        raise ValueError(
            "Ces compétences ne font pas partie des métiers choisis (formation ou métiers visés) : "
            f"{', '.join(foreign[:5])}."
        )


PersonName = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_person_name)]
Phone = Annotated[str, Field(min_length=10, max_length=20), AfterValidator(_phone)]
Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(_email)]
CodeInsee = Annotated[str, Field(min_length=5, max_length=5), AfterValidator(_code_insee)]
RomeCode = Annotated[str, Field(min_length=5, max_length=5)]
OgrCode = Annotated[str, Field(min_length=1, max_length=8)]
MobilityKm = Annotated[int, Field(strict=True, ge=0, le=200)]
TrainingCodes = Annotated[list[RomeCode], Field(min_length=1, max_length=5), AfterValidator(_rome_codes)]
TargetCodes = Annotated[list[RomeCode], Field(max_length=5), AfterValidator(_rome_codes)]
Competences = Annotated[list[OgrCode], Field(max_length=40), AfterValidator(_ogr_codes)]
ContractTypes = Annotated[list[ContractType], Field(min_length=1, max_length=4), AfterValidator(_unique)]
TrainingTitle = Annotated[str, Field(min_length=2, max_length=150), AfterValidator(_plain_text)]
Organisation = Annotated[str, Field(max_length=150), AfterValidator(_plain_text)]


def _training_end(value: date, info: ValidationInfo) -> date:
    today = today_of(info)
    return _check_range(value, add_years(today, -3), add_years(today, 2), "La date de fin de formation")


def _available_from(value: date, info: ValidationInfo) -> date:
    today = today_of(info)
    return _check_range(value, add_years(today, -1), add_years(today, 2), "La date de disponibilité")


TrainingEnd = Annotated[date, BeforeValidator(_iso_date_string), AfterValidator(_training_end)]
AvailableFrom = Annotated[date, BeforeValidator(_iso_date_string), AfterValidator(_available_from)]


class TrainingIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: TrainingTitle = Field(description="Intitulé de la formation suivie")
    code_rome: TrainingCodes = Field(description="Métiers ROME auxquels mène la formation (1 à 5)")
    end_date: TrainingEnd = Field(description="Fin de formation (entre il y a 3 ans et dans 2 ans)")
    organisation: Organisation | None = Field(default=None, description="Organisme de formation")
    certification_obtained: StrictBool | None = None


class CandidateIn(BaseModel):
    """Body of POST /api/candidates."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: Email
    first_name: PersonName
    last_name: PersonName
    phone: Phone | None = None
    code_insee: CodeInsee = Field(description="Commune de résidence (code INSEE)")
    mobility_km: MobilityKm = Field(description="Distance que la personne peut parcourir (0 à 200 km)")
    training: TrainingIn
    target_code_rome: TargetCodes = Field(default_factory=list, description="Métiers visés (0 à 5)")
    competences: Competences = Field(default_factory=list, description="Compétences (codes OGR, 0 à 40)")
    contract_types: ContractTypes
    available_from: AvailableFrom
    consent_contact: StrictBool = Field(description="Accepte d'être contacté(e) par les employeurs")
    consent_terms: StrictBool = Field(description="Accepte les conditions d'utilisation (obligatoire)")

    @field_validator("competences")
    @classmethod
    def _of_chosen_metiers(cls, value: list[str], info: ValidationInfo) -> list[str]:
        training = info.data.get("training")
        targets = info.data.get("target_code_rome")
        if training is not None and targets is not None:  # otherwise their own error is reported
            check_competences(value, [*training.code_rome, *targets])
        return value

    @field_validator("consent_terms")
    @classmethod
    def _terms_accepted(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("Vous devez accepter les conditions d'utilisation pour vous inscrire.")
        return value


NULLABLE_IN_PATCH = frozenset({"phone"})


class CandidatePatch(BaseModel):
    """Body of PATCH /api/candidates/me: only the fields sent change; `training` is replaced whole.

    The e-mail address (the sign-in identity) and the acceptance of the terms are not editable
    here; `phone: null` removes the phone number.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    phone: Phone | None = None
    code_insee: CodeInsee | None = None
    mobility_km: MobilityKm | None = None
    training: TrainingIn | None = None
    target_code_rome: TargetCodes | None = None
    competences: Competences | None = None
    contract_types: ContractTypes | None = None
    available_from: AvailableFrom | None = None
    consent_contact: StrictBool | None = None
    visible: StrictBool | None = Field(default=None, description="Visible des employeurs (false : en pause)")
    digest_opt_out: StrictBool | None = Field(default=None, description="Ne plus recevoir les récapitulatifs")

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        # Runs only for fields present in the body: an explicit null may only erase the phone.
        if value is None and info.field_name not in NULLABLE_IN_PATCH:
            raise ValueError("Ce champ ne peut pas être vide.")
        return value

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


# --- stored record ---------------------------------------------------------------------------
class Training(BaseModel):
    title: str
    code_rome: list[str]
    end_date: date
    organisation: str | None = None
    certification_obtained: bool | None = None


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
    training: Training
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


# --- responses ---------------------------------------------------------------------------------
class CandidateCreated(BaseModel):
    id: str


class CandidateOut(BaseModel):
    id: str
    email: str
    first_name: str
    last_name: str
    phone: str | None
    code_insee: str
    commune_name: str
    bassin: BassinOut
    mobility_km: int
    training: Training
    target_code_rome: list[str]
    competences: list[str]
    contract_types: list[str]
    available_from: date
    consent_contact: bool
    consent_terms_at: str
    visible: bool
    digest_opt_out: bool
    version: int
    created_at: str
    updated_at: str
    last_active_at: str
    data_kept_until: date = Field(description="Sans activité d'ici là, le compte et ses données sont effacés")


class MatchedOfferOut(BaseModel):
    """Public view of an offer (no employer contact)."""

    id: str
    title: str
    code_rome: str
    metier_label: str
    code_insee: str
    commune_name: str
    bassin: BassinOut
    contract_type: str
    positions: int
    start_date: date
    expires_at: date


class CandidateMatchOut(BaseModel):
    offer: MatchedOfferOut
    score: int = Field(ge=0, le=100)
    distance_km: float
    reasons: list[str]
    interest: str | None
    status: str | None


class InterestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    interested: StrictBool


class OutcomeOut(BaseModel):
    status: str
    at: str


class ExportedMatch(BaseModel):
    offer_id: str
    offer: MatchedOfferOut | None = Field(description="Absente si l'offre a été supprimée")
    offer_status: str | None
    score: int | None = Field(description="Absent si la correspondance n'est plus proposée")
    distance_km: float | None
    reasons: list[str]
    computed_at: str | None
    interest: str | None
    interest_at: str | None
    status: str | None
    status_at: str | None
    history: list[OutcomeOut]


class CandidateExport(BaseModel):
    exported_at: str
    profile: CandidateOut
    matches: list[ExportedMatch]
    retention: str
