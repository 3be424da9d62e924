"""Follow-up survey rules (pure): when each question is due, and what counts as "in a job".

docs/followup.md ("Due dates") and docs/staff.md ("In a job") state these rules in words.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

Due = Literal["1m", "6m"]
DUE_DAYS: dict[str, int] = {"1m": 30, "6m": 182}
OPEN_DAYS = 60  # a due stays open (the question can still be sent) 60 days after its date
VALID_DAYS = 60  # a link answers for 60 days after it was sent

SITUATIONS = (
    "emploi_cdi",
    "emploi_cdd_6m_plus",
    "emploi_cdd_moins_6m",
    "interim",
    "alternance",
    "creation",
    "formation",
    "recherche",
    "autre",
)
Situation = Literal[
    "emploi_cdi",
    "emploi_cdd_6m_plus",
    "emploi_cdd_moins_6m",
    "interim",
    "alternance",
    "creation",
    "formation",
    "recherche",
    "autre",
]
# "In a job": a contract of any length (CDI, CDD, intérim), an apprenticeship or professionalisation
# contract, or one's own business. Training again, searching and "other" are not.
IN_JOB = frozenset(
    {"emploi_cdi", "emploi_cdd_6m_plus", "emploi_cdd_moins_6m", "interim", "alternance", "creation"}
)

SITUATION_LABELS = {
    "emploi_cdi": "En emploi en CDI",
    "emploi_cdd_6m_plus": "En emploi en CDD de 6 mois ou plus",
    "emploi_cdd_moins_6m": "En emploi en CDD de moins de 6 mois",
    "interim": "En mission d'intérim",
    "alternance": "En alternance (apprentissage, contrat de professionnalisation)",
    "creation": "J'ai créé ou repris une entreprise",
    "formation": "En formation",
    "recherche": "En recherche d'emploi",
    "autre": "Autre situation",
}
DUE_LABELS = {"1m": "un mois", "6m": "six mois"}


def due_date(training_end: date, due: str) -> date:
    return training_end + timedelta(days=DUE_DAYS[due])


def open_dues(training_end: date, today: date) -> list[str]:
    """The questions that may be sent today: from their due date to OPEN_DAYS after it."""
    return [
        due
        for due in DUE_DAYS
        if due_date(training_end, due) <= today <= due_date(training_end, due) + timedelta(days=OPEN_DAYS)
    ]


def reached_dues(training_end: date, today: date) -> list[str]:
    """The dues whose date has come (the candidate counts in that due's denominator)."""
    return [due for due in DUE_DAYS if due_date(training_end, due) <= today]


def link_expiry(sent_on: date) -> date:
    """Last day a link sent on `sent_on` answers."""
    return sent_on + timedelta(days=VALID_DAYS)


def is_in_job(situation: str | None) -> bool:
    return situation in IN_JOB


def in_job_at_due(situation: str | None, hired_on: date | None, due_day: date) -> bool:
    """In a job at a due: the person's answer when there is one; without an answer, a hire
    recorded by an employer on Passerelle no later than the due date."""
    if situation is not None:
        return is_in_job(situation)
    return hired_on is not None and hired_on <= due_day


def departement_of(code_insee: str) -> str:
    """The département of a commune (metropolitan codes: "57", "2A"; overseas communes are not served)."""
    return code_insee[:2]


def departement_name(code: str) -> str:
    """The name of a département of the région's places (departements.json, scripts/build_map_data.py)."""
    return _departements().get(code, code)


def _departements() -> dict[str, str]:
    global _NAMES
    if _NAMES is None:
        import json

        from chalicelib.domain.referentials import data_dir

        _NAMES = json.loads((data_dir() / "departements.json").read_text("utf-8"))
    return _NAMES


_NAMES: dict[str, str] | None = None
