"""Employers' answers to interested candidates: reasons, reminders, answer rate, pauses.

Pure rules (no AWS): the services decide with them, the tests inject the clock.

- A candidate turned down is told why with a kind label; the employer's comment stays private.
- A candidate may remind the employer once, from REMINDER_AFTER_DAYS after "interested",
  while there is no answer.
- An employer's answer rate is answered interests / interests expressed over RATE_WINDOW_DAYS.
- An employer is paused (offers no longer proposed to new candidates) when they have at least
  PAUSE_MIN_INTERESTS interests over the window, none answered over the last
  PAUSE_SILENT_DAYS days, and at least one interest has waited that long.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

REMINDER_AFTER_DAYS = 10
RATE_WINDOW_DAYS = 90
PAUSE_MIN_INTERESTS = 5
PAUSE_SILENT_DAYS = 30

# Statuses an employer records; "sans_reponse" is the job's closure, not an answer.
ANSWERS = ("contacted", "interview", "hired", "not_retained")
# Recording these needs the candidate's interest (their contact details come with it).
NEED_INTEREST = ("contacted", "interview", "hired")

# What the employer picks from (their words) and what the candidate reads (kind words).
REASONS_FOR_EMPLOYER = {
    "profil_inadapte": "Profil ne correspondant pas au poste",
    "poste_pourvu": "Poste déjà pourvu",
    "injoignable": "Candidat(e) injoignable",
    "candidat_indisponible": "Candidat(e) non disponible aux dates du poste",
    "autre": "Autre raison",
}
REASONS_FOR_CANDIDATE = {
    "profil_inadapte": "L'employeur recherche un profil un peu différent du vôtre pour ce poste.",
    "poste_pourvu": "Le poste a déjà été pourvu.",
    "injoignable": "L'employeur n'a pas réussi à vous joindre.",
    "candidat_indisponible": "Vos disponibilités ne correspondaient pas aux dates du poste.",
    "autre": "L'employeur n'a pas retenu votre candidature pour cette offre.",
}
STATUS_FOR_CANDIDATE = {
    "contacted": "L'employeur a pris contact avec vous",
    "interview": "L'employeur vous propose un entretien",
    "hired": "L'employeur a retenu votre candidature",
    "not_retained": "L'employeur n'a pas retenu votre candidature",
    "sans_reponse": "L'employeur n'a pas répondu dans les 30 jours",
}


def reason_label(reason: str | None) -> str | None:
    return REASONS_FOR_CANDIDATE.get(reason) if reason else None


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def reminder_refusal(
    interest: str | None, interest_at: str | None, status: str | None, reminded_at: str | None, now: datetime
) -> str | None:
    """Why a candidate's reminder is refused (a French sentence), or None when it may go."""
    if interest != "interested" or not interest_at:
        return "Vous ne vous êtes pas déclaré(e) intéressé(e) par cette offre : il n'y a rien à relancer."
    if status is not None:
        return "L'employeur a déjà donné une suite à votre intérêt : la relance n'est plus possible."
    if reminded_at:
        return "Vous avez déjà relancé l'employeur pour cette offre : une seule relance est possible."
    due = _at(interest_at) + timedelta(days=REMINDER_AFTER_DAYS)
    if now < due:
        return (
            f"Vous pourrez relancer l'employeur à partir du {due.strftime('%d/%m/%Y')}, "
            f"{REMINDER_AFTER_DAYS} jours après avoir indiqué votre intérêt."
        )
    return None


def reminder_due_at(interest_at: str) -> str:
    return (_at(interest_at) + timedelta(days=REMINDER_AFTER_DAYS)).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Interest:
    """One candidate's interest in one of the employer's offers, as the rate sees it."""

    interest_at: str
    status: str | None
    status_at: str | None


@dataclass(frozen=True)
class Responsiveness:
    interests: int
    answered: int
    oldest_unanswered_at: str | None
    last_answer_at: str | None

    @property
    def rate(self) -> float | None:
        return round(self.answered / self.interests, 3) if self.interests else None

    def unanswered_days(self, now: datetime) -> int:
        """How long the oldest unanswered interest has waited (0 when none waits)."""
        if not self.oldest_unanswered_at:
            return 0
        return max(0, (now - _at(self.oldest_unanswered_at)).days)

    def should_pause(self, now: datetime) -> bool:
        if self.interests < PAUSE_MIN_INTERESTS or self.unanswered_days(now) < PAUSE_SILENT_DAYS:
            return False
        silent_since = now - timedelta(days=PAUSE_SILENT_DAYS)
        return self.last_answer_at is None or _at(self.last_answer_at) < silent_since


def responsiveness(interests: Iterable[Interest], now: datetime) -> Responsiveness:
    """The employer's figures over the RATE_WINDOW_DAYS before `now`."""
    start = now - timedelta(days=RATE_WINDOW_DAYS)
    count = answered = 0
    oldest: str | None = None
    last_answer: str | None = None
    for item in interests:
        if _at(item.interest_at) < start:
            continue
        count += 1
        if item.status in ANSWERS:
            answered += 1
            if item.status_at and (last_answer is None or _at(item.status_at) > _at(last_answer)):
                last_answer = item.status_at
        elif oldest is None or _at(item.interest_at) < _at(oldest):
            oldest = item.interest_at
    return Responsiveness(count, answered, oldest, last_answer)


def rate_sentence(rate: float | None, interests: int) -> str | None:
    """What a candidate reads about an employer, in plain words (None when too few to say)."""
    if rate is None or interests < 3:
        return None
    if rate >= 0.8:
        return "Cet employeur répond à presque toutes les personnes intéressées."
    if rate >= 0.5:
        return "Cet employeur répond à plus de la moitié des personnes intéressées."
    if rate > 0:
        return "Cet employeur répond à moins de la moitié des personnes intéressées."
    return "Cet employeur n'a encore répondu à aucune des personnes intéressées ces derniers mois."
