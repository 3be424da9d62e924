"""Why a pair was matched, in French, as shown to the candidate and to the employer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from chalicelib.domain.matching.model import CandidateInput, Labels, OfferInput
from chalicelib.domain.text import fold

MAX_LISTED_COMPETENCES = 3


@lru_cache(maxsize=1 << 16)
def _sort_key(label: str) -> str:
    # Alphabetical order a French reader expects ("Éplucher" with the E's); fold is slow
    # enough to be worth caching over the 30,000 competence labels.
    return fold(label)


def metier_reason(code_rome: str, exact: bool, labels: Labels) -> str:
    kind = "Même métier" if exact else "Métier proche"
    return f"{kind} : {labels.metier(code_rome)} ({code_rome})"


def competence_order(code: str, labels: Labels) -> tuple[str, str, str]:
    """Where a competence comes in the reasons: alphabetical by label, then by code."""
    label = labels.competence(code)
    return _sort_key(label), label, code


def competence_text(first_labels: Iterable[str], count: int, required: int) -> str:
    """`first_labels`: the labels of the first held competences in `competence_order` (the
    first MAX_LISTED_COMPETENCES are shown)."""
    # French puts 0 and 1 in the singular.
    text = f"{count} compétence{'s' if count > 1 else ''} sur {required}"
    if count:
        text += " : " + ", ".join(list(first_labels)[:MAX_LISTED_COMPETENCES])
        if count > MAX_LISTED_COMPETENCES:
            text += "…"
    return text


def competence_reason(held: Iterable[str], required: int, labels: Labels) -> str | None:
    if required == 0:
        return None
    names = sorted(competence_order(code, labels) for code in held)
    return competence_text((label for _, label, _ in names), len(names), required)


def distance_reason(same_commune: bool, distance_km: float) -> str:
    if same_commune:
        return "Même commune"
    km = int(distance_km + 0.5)
    if km < 1:
        return "Moins de 1 km de chez vous"
    return f"{km} km de chez vous"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 and not word.endswith('s') else ''}"


@lru_cache(maxsize=4096)
def training_reason(training_end: date, today: date) -> str:
    days = (today - training_end).days
    if days < 0:
        return f"Formation en cours, fin le {training_end:%d/%m/%Y}"
    if days == 0:
        return "Formation terminée aujourd'hui"
    if days < 7:
        ago = _plural(days, "jour")
    elif days < 60:
        ago = _plural(days // 7, "semaine")
    elif days < 365:
        ago = _plural(days // 30, "mois")
    else:
        ago = _plural(days // 365, "an")
    return f"Formation terminée il y a {ago}"


def reasons(
    offer: OfferInput,
    candidate: CandidateInput,
    exact: bool,
    distance_km: float,
    held: Iterable[str],
    labels: Labels,
    today: date,
) -> tuple[str, ...]:
    lines = [metier_reason(offer.code_rome, exact, labels)]
    competences = competence_reason(held, len(offer.competences), labels)
    if competences is not None:
        lines.append(competences)
    lines.append(distance_reason(candidate.code_insee == offer.code_insee, distance_km))
    lines.append(training_reason(candidate.training_end, today))
    return tuple(lines)
