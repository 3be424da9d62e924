"""Staff figures per bassin d'emploi: the query and the view (services/staff_stats.py)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.schemas.bases import Body, Period
from chalicelib.schemas.fields import BassinCode


class StatsQuery(Period):
    """GET /api/staff/stats?by=&bassin=&from=&to= (the period is applied month by month)."""

    by: Literal["bassin", "departement", "certification", "structure"] = Field(
        default="bassin",
        description="Ventilation des lignes : bassin, département, certification ou structure (organisme ou structure d'accompagnement avec laquelle la personne partage son suivi)",
    )


class Share(BaseModel):
    """A share always comes with its denominator."""

    count: int
    of: int = Field(description="Dénominateur")
    rate: float | None = Field(description="count / of en pourcentage (une décimale) ; absent si of vaut 0")


class FollowupDueFigures(BaseModel):
    due: int = Field(
        description="Personnes dont l'échéance (30 ou 182 jours après la fin de formation) est passée"
    )
    sent: int = Field(description="Questions de suivi envoyées")
    answered: int = Field(description="Réponses reçues")
    in_job: int = Field(
        description="En emploi à l'échéance : réponse « en emploi », ou sans réponse, recrutement enregistré par un employeur"
    )
    in_job_answered: int = Field(description="Dont déclarés en emploi dans leur réponse")
    in_job_recorded: int = Field(
        description="Dont sans réponse mais recrutés via Passerelle avant l'échéance"
    )
    response_rate: Share = Field(description="Réponses / questions envoyées")
    in_job_rate: Share = Field(description="En emploi / personnes arrivées à l'échéance")
    in_job_among_answers: Share = Field(description="Déclarés en emploi / réponses")


class FollowupFigures(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)
    one_month: FollowupDueFigures = Field(
        alias="1m", description="Un mois (30 jours) après la fin de formation"
    )
    six_months: FollowupDueFigures = Field(
        alias="6m", description="Six mois (182 jours) après la fin de formation"
    )


class Placement(BaseModel):
    eligible: int = Field(description="Candidats dont la formation s'est terminée depuis au moins ce délai")
    placed: int = Field(description="Parmi eux, recrutés au plus tard à ce délai après la fin de formation")
    rate: float | None = Field(
        description="Part en pourcentage (une décimale) ; absente sans candidat éligible"
    )


class BassinFigures(BaseModel):
    code: str
    label: str
    refreshed_at: str | None = Field(description="Dernier calcul (après chaque appariement du bassin)")
    candidates: int = Field(description="Candidats inscrits résidant dans le bassin (instantané)")
    candidates_matchable: int = Field(description="Dont consentants et visibles (instantané)")
    open_offers: int = Field(description="Offres ouvertes et publiées (instantané)")
    matches: int = Field(description="Correspondances proposées sur les offres ouvertes (instantané)")
    interested: int = Field(description="Réponses « intéressé(e) » sur la période, offres du bassin")
    hires: int = Field(description="Recrutements enregistrés sur la période, offres du bassin")
    placed_1_month: Placement = Field(description="Formations terminées sur la période : en emploi à 1 mois")
    placed_6_months: Placement = Field(description="Formations terminées sur la période : en emploi à 6 mois")
    followup: FollowupFigures = Field(description="Enquête de suivi, formations terminées sur la période")


class DimensionRow(BaseModel):
    """A row of the figures by bassin, département or certification. What is counted per person
    exists for every dimension; the offer-side counts only by bassin (null otherwise)."""

    code: str
    label: str
    candidates: int
    candidates_matchable: int
    open_offers: int | None = None
    matches: int | None = None
    interested: int | None = None
    hires: int | None = None
    placed_1_month: Placement
    placed_6_months: Placement
    followup: FollowupFigures


class TrendPoint(BaseModel):
    month: str = Field(description="AAAA-MM : mois de la fin de formation (suivi) ou de l'événement")
    interested: int
    hires: int
    followup_1m_due: int
    followup_1m_answered: int
    followup_1m_in_job: int
    in_job_rate_1m: Share


class StatsPeriod(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)
    from_: date | None = Field(alias="from")
    to: date | None


class StatsView(BaseModel):
    period: StatsPeriod = Field(description="Période effective : mois entiers (vide = depuis le début)")
    by: str = Field(default="bassin", description="Ventilation de `rows`")
    bassins: list[BassinFigures]
    rows: list[DimensionRow] = Field(
        default_factory=list, description="Une ligne par valeur de la ventilation (`by`)"
    )
    region: BassinFigures = Field(description="Total des bassins de la région servie")
    trend: list[TrendPoint] = Field(default_factory=list, description="Évolution mois par mois, région")


class StatsRefreshRequest(Body):
    """POST /api/staff/stats/refresh: recompute one bassin's figures now (all of the région's without `bassin`)."""

    bassin: BassinCode | None = None


class StatsRefreshView(BaseModel):
    bassins: int = Field(description="Nombre de bassins recalculés")
    refreshed_at: str = Field(description="Heure du calcul")
