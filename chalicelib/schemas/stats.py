"""Staff figures per bassin d'emploi: the query and the view (services/staff_stats.py)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.schemas.bases import Body, Period
from chalicelib.schemas.fields import BassinCode


class StatsQuery(Period):
    """GET /api/staff/stats?bassin=&from=&to= (the period is applied month by month)."""


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


class StatsPeriod(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)
    from_: date | None = Field(alias="from")
    to: date | None


class StatsView(BaseModel):
    period: StatsPeriod = Field(description="Période effective : mois entiers (vide = depuis le début)")
    bassins: list[BassinFigures]
    region: BassinFigures = Field(description="Total des 27 bassins du Grand Est")


class StatsRefreshRequest(Body):
    """POST /api/staff/stats/refresh: recompute one bassin's figures now (all 27 without `bassin`)."""

    bassin: BassinCode | None = None


class StatsRefreshView(BaseModel):
    bassins: int = Field(description="Nombre de bassins recalculés")
    refreshed_at: str = Field(description="Heure du calcul")
