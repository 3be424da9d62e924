"""Candidate request and response models. The stored record is schemas/candidates_store.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StrictBool, ValidationInfo, field_validator

from chalicelib.domain.calendar import add_years
from chalicelib.schemas.bases import Body, UpdateBody
from chalicelib.schemas.candidates_store import TrainingRecord
from chalicelib.schemas.fields import (
    CodeInsee,
    CodeRomeList,
    Competences,
    Email,
    IsoDate,
    NoMarkup,
    PersonName,
    Phone,
    WholeNumber,
    check_range,
    competences_outside,
    today_of,
    unique,
)
from chalicelib.schemas.matches_store import OutcomeEvent
from chalicelib.schemas.offers import CompetenceLabel
from chalicelib.schemas.offers_store import ContractType
from chalicelib.schemas.referentials import BassinView
from chalicelib.schemas.sharing import SharingView

MobilityKm = WholeNumber(0, 200, "Distance que la personne peut parcourir (0 à 200 km)")
ContractTypes = Annotated[list[ContractType], Field(min_length=1, max_length=4), AfterValidator(unique)]
CandidateCompetences = Competences(0, 40, "Compétences (codes OGR, 0 à 40)")
TargetCodes = CodeRomeList(0, 5, "Métiers visés (0 à 5)")
TrainingTitle = NoMarkup(2, 150, "Intitulé de la formation suivie")
TrainingCodes = CodeRomeList(1, 5, "Métiers ROME auxquels mène la formation (1 à 5)")
Organisation = NoMarkup(0, 150, "Organisme de formation")


def _known_certification(value: str) -> str:
    from chalicelib.domain.certifications import find_certification

    certification = find_certification(value)
    if certification is None:
        raise ValueError(
            "Certification inconnue : choisissez-la dans le catalogue, ou laissez ce champ vide."
        )
    return certification.code


CertificationCode = Annotated[str, Field(min_length=1, max_length=20), AfterValidator(_known_certification)]


def _training_end(value: date, info: ValidationInfo) -> date:
    today = today_of(info)
    return check_range(value, add_years(today, -3), add_years(today, 2), "La date de fin de formation")


def _available_from(value: date, info: ValidationInfo) -> date:
    today = today_of(info)
    return check_range(value, add_years(today, -1), add_years(today, 2), "La date de disponibilité")


TrainingEnd = Annotated[IsoDate, AfterValidator(_training_end)]
AvailableFrom = Annotated[IsoDate, AfterValidator(_available_from)]


def check_competences(competences: list[str], metier_codes: list[str]) -> None:
    """Competences must come from the fiches of the chosen métiers (training or targets)."""
    foreign = competences_outside(competences, metier_codes)
    if foreign:
        raise ValueError(
            "Ces compétences ne font pas partie des métiers choisis (formation ou métiers visés) : "
            f"{', '.join(foreign[:5])}."
        )


class Training(Body):
    """The training a candidate followed (part of the sign-up and update bodies)."""

    title: TrainingTitle
    code_rome: TrainingCodes
    end_date: TrainingEnd = Field(description="Fin de formation (entre il y a 3 ans et dans 2 ans)")
    organisation: Organisation | None = None
    certification_obtained: StrictBool | None = None
    certification_code: CertificationCode | None = Field(
        default=None,
        description="Code du catalogue des certifications (GET /api/referentials/certifications)",
    )


class CandidateFields(Body):
    """The candidate sign-up's profile fields: POST /api/candidates adds the consents; an advisor
    registers a person with these alone (POST /api/advisor/candidates, the person consents later)."""

    email: Email
    first_name: PersonName
    last_name: PersonName
    phone: Phone | None = None
    code_insee: CodeInsee = Field(description="Commune de résidence (code INSEE)")
    mobility_km: MobilityKm
    training: Training
    target_code_rome: TargetCodes = Field(default_factory=list)
    competences: CandidateCompetences = Field(default_factory=list)
    contract_types: ContractTypes
    available_from: AvailableFrom

    @field_validator("competences")
    @classmethod
    def _of_chosen_metiers(cls, value: list[str], info: ValidationInfo) -> list[str]:
        training = info.data.get("training")
        targets = info.data.get("target_code_rome")
        if training is not None and targets is not None:  # otherwise their own error is reported
            check_competences(value, [*training.code_rome, *targets])
        return value


class CandidateCreate(CandidateFields):
    """Body of POST /api/candidates."""

    consent_contact: StrictBool = Field(description="Accepte d'être contacté(e) par les employeurs")
    consent_terms: StrictBool = Field(description="Accepte les conditions d'utilisation (obligatoire)")

    @field_validator("consent_terms")
    @classmethod
    def _terms_accepted(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("Vous devez accepter les conditions d'utilisation pour vous inscrire.")
        return value


class CandidateUpdate(UpdateBody):
    """Body of PATCH /api/candidates/me: only the fields sent change; `training` is replaced whole.

    The e-mail address (the sign-in identity) and the acceptance of the terms are not editable
    here; `phone: null` removes the phone number.
    """

    NULLABLE = frozenset({"phone"})

    first_name: PersonName | None = None
    last_name: PersonName | None = None
    phone: Phone | None = None
    code_insee: CodeInsee | None = None
    mobility_km: MobilityKm | None = None
    training: Training | None = None
    target_code_rome: TargetCodes | None = None
    competences: CandidateCompetences | None = None
    contract_types: ContractTypes | None = None
    available_from: AvailableFrom | None = None
    consent_contact: StrictBool | None = None
    visible: StrictBool | None = Field(default=None, description="Visible des employeurs (false : en pause)")
    digest_opt_out: StrictBool | None = Field(default=None, description="Ne plus recevoir les récapitulatifs")
    sms_opt_in: StrictBool | None = Field(
        default=None,
        description="Recevoir des SMS (nouvelles offres, au plus un par jour) : un mobile est requis",
    )


class InterestRequest(Body):
    interested: StrictBool


# --- responses ---------------------------------------------------------------------------------
class MetierLabel(BaseModel):
    code_rome: str
    label: str


class CandidateView(BaseModel):
    """The candidate's own profile."""

    id: str
    email: str
    first_name: str
    last_name: str
    phone: str | None
    code_insee: str
    commune_name: str
    bassin: BassinView
    mobility_km: int
    training: TrainingRecord
    target_code_rome: list[str]
    competences: list[str]
    contract_types: list[str]
    available_from: date
    consent_contact: bool
    consent_terms_at: str
    visible: bool
    digest_opt_out: bool
    sms_opt_in: bool = False
    version: int
    created_at: str
    updated_at: str
    last_active_at: str
    data_kept_until: date = Field(description="Sans activité d'ici là, le compte et ses données sont effacés")
    metiers: list[MetierLabel] = Field(
        description="Libellés des métiers de la formation et des métiers visés (codes ROME)"
    )
    competence_labels: list[CompetenceLabel] = Field(description="Libellés des compétences, dans leur ordre")
    contract_type_labels: list[str] = Field(description="Libellés des types de contrat, dans leur ordre")


class OfferSummary(BaseModel):
    """An offer as a candidate sees it among their matches: no employer contact, no description."""

    id: str
    title: str
    company_name: str | None = Field(default=None, description="Nom de l'entreprise qui recrute")
    code_rome: str
    metier_label: str
    code_insee: str
    commune_name: str
    bassin: BassinView
    contract_type: str
    contract_type_label: str | None = Field(default=None, description="Le type de contrat en français")
    positions: int
    start_date: date
    expires_at: date


class EmployerAnswer(BaseModel):
    """What the employer answered, as the candidate reads it (never the employer's comment)."""

    status: str
    label: str = Field(description="La suite donnée, en français")
    reason_label: str | None = Field(default=None, description="Pourquoi, en mots bienveillants")
    at: str


class MatchForCandidate(BaseModel):
    """One of the candidate's matched offers."""

    offer: OfferSummary
    score: int = Field(ge=0, le=100)
    distance_km: float
    reasons: list[str]
    interest: str | None
    status: str | None
    answer: EmployerAnswer | None = None
    reminder_from: str | None = Field(
        default=None, description="Sans réponse : jour à partir duquel relancer l'employeur (une fois)"
    )
    reminded_at: str | None = Field(default=None, description="Quand j'ai relancé l'employeur")
    employer_responsiveness: str | None = Field(
        default=None, description="Le taux de réponse de l'employeur, en une phrase"
    )
    status_label: str | None = Field(
        default=None, description="La suite donnée par l'employeur, en français (entretien, recruté(e)…)"
    )


class ExportedMatch(BaseModel):
    offer_id: str
    offer: OfferSummary | None = Field(description="Absente si l'offre a été supprimée")
    offer_status: str | None
    offer_status_label: str | None
    score: int | None = Field(description="Absent si la correspondance n'est plus proposée")
    distance_km: float | None
    reasons: list[str]
    computed_at: str | None
    interest: str | None
    interest_label: str | None
    interest_at: str | None
    status: str | None
    status_label: str | None
    status_at: str | None
    history: list[OutcomeEvent]


class ExportedFollowup(BaseModel):
    due: str = Field(description="« 1m » : un mois après la fin de formation ; « 6m » : six mois")
    due_date: date
    sent_at: str | None = None
    expires_on: date
    situation: str | None = None
    found_via_passerelle: bool | None = None
    code_rome: str | None = None
    code_insee: str | None = None
    answered_at: str | None = None


class CandidateExport(BaseModel):
    """Everything held about a candidate (RGPD right of access)."""

    exported_at: str
    profile: CandidateView
    matches: list[ExportedMatch]
    followup: list[ExportedFollowup] = Field(
        default_factory=list, description="Questions de suivi reçues et réponses données"
    )
    retention: str
    structures: list[SharingView] = Field(
        default_factory=list,
        description="Les organismes par lesquels je me suis inscrit(e), et ce que je partage",
    )
