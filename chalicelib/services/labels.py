"""The French labels views show next to reference codes (commune, bassin, métier, competence).

A code the reference data no longer knows is shown as itself rather than failing the view.
"""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.domain.export_columns import CONTRACTS, INTERESTS, OFFER_STATUSES, OUTCOMES
from chalicelib.domain.referentials import get_referentials
from chalicelib.schemas.offers import CompetenceLabel
from chalicelib.schemas.referentials import BassinView


def commune_name(code_insee: str) -> str:
    commune = get_referentials().commune(code_insee)
    return commune.name if commune else code_insee


def bassin_view(code: str) -> BassinView:
    bassin = get_referentials().bassins.get(code)
    return BassinView(code=code, label=bassin.label if bassin else code)


def metier_label(code_rome: str) -> str:
    metier = get_referentials().metiers.get(code_rome)
    return metier.label if metier else code_rome


def competence_labels(codes: Iterable[str]) -> list[CompetenceLabel]:
    known = get_referentials().competences
    return [CompetenceLabel(code=c, label=known[c].label if c in known else c) for c in codes]


def place(code_insee: str, bassin: str) -> dict[str, object]:
    """The `commune_name` and `bassin` fields of a view."""
    return {"commune_name": commune_name(code_insee), "bassin": bassin_view(bassin)}


def metier_labels(codes: Iterable[str]) -> list[dict[str, str]]:
    """`{code_rome, label}` of each code, once, in order."""
    return [{"code_rome": c, "label": metier_label(c)} for c in dict.fromkeys(codes)]


def contract_label(code: str) -> str:
    return CONTRACTS.get(code, code)


def interest_label(code: str | None) -> str | None:
    return INTERESTS.get(code, code) if code else None


def outcome_label(code: str | None) -> str | None:
    return OUTCOMES.get(code, code) if code else None


def offer_status_label(code: str | None) -> str | None:
    return OFFER_STATUSES.get(code, code) if code else None
