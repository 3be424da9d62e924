"""Use cases: employers' answer rates, the pause of those who never answer, the staff's list.

The daily job (housekeeping.run_daily) reads the interactions of every bassin once, computes each
employer's figures over 90 days (domain/responsiveness.py) and stores them; it pauses an employer
who leaves interests unanswered (their offers are no longer proposed to new candidates, which
candidate_matches reads) and tells them by e-mail how to resume. An employer resumes by answering
(at once, record_outcome) or when staff resume them; a resumed employer is not paused again for
PAUSE_SILENT_DAYS.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from chalicelib.config import get_settings
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.referentials import get_referentials
from chalicelib.domain.responsiveness import PAUSE_SILENT_DAYS, Interest, responsiveness
from chalicelib.errors import NotFound
from chalicelib.gateways import outbox
from chalicelib.observability import logger, metrics
from chalicelib.repositories import employers, stats
from chalicelib.repositories import responsiveness as store
from chalicelib.schemas.employers import EmployerResponsivenessView
from chalicelib.schemas.responsiveness_store import ResponsivenessRecord

UNKNOWN_EMPLOYER = "Employeur introuvable."


def _at(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _recently_resumed(record: ResponsivenessRecord | None, now: datetime) -> bool:
    return bool(
        record and record.resumed_at and _at(record.resumed_at) > now - timedelta(days=PAUSE_SILENT_DAYS)
    )


def interests_by_employer() -> dict[str, list[Interest]]:
    found: dict[str, list[Interest]] = defaultdict(list)
    for bassin in sorted(get_referentials().bassins):
        for act in stats.interactions_in_bassin(bassin):
            if act.interest == "interested" and act.interest_at:
                found[act.employer_id].append(Interest(act.interest_at, act.status, act.status_at))
    return found


def refresh_all(today: date, now: datetime | None = None) -> dict[str, int]:
    """The daily part: every employer's figures, pauses and resumptions."""
    moment = now or datetime.now(UTC)
    stamp = utc_timestamp(moment)
    grouped = interests_by_employer()
    previous = store.get_many(grouped) if grouped else {}
    paused = resumed = 0
    for employer_id, interests in grouped.items():
        figures = responsiveness(interests, moment)
        before = previous.get(employer_id)
        paused_at = before.paused_at if before else None
        if paused_at is None and figures.should_pause(moment) and not _recently_resumed(before, moment):
            paused_at = stamp
            paused += 1
            _tell_paused(employer_id)
        elif paused_at is not None and not figures.should_pause(moment):
            paused_at = None  # they answered meanwhile
            resumed += 1
        store.put(
            ResponsivenessRecord(
                employer_id=employer_id,
                interests=figures.interests,
                answered=figures.answered,
                rate=figures.rate,
                oldest_unanswered_at=figures.oldest_unanswered_at,
                last_answer_at=figures.last_answer_at,
                computed_at=stamp,
                paused_at=paused_at,
                resumed_at=before.resumed_at if before else None,
            )
        )
    metrics.add_metric(name="EmployersPaused", unit="Count", value=paused)
    return {"employers_rated": len(grouped), "employers_paused": paused, "employers_resumed": resumed}


def _tell_paused(employer_id: str) -> None:
    employer = employers.get(employer_id)
    if employer is None:
        return
    outbox.email(
        employer.email,
        "plain",
        subject="Passerelle : vos offres ne sont plus proposées aux nouveaux candidats",
        paragraphs=[
            "Bonjour,",
            "Plusieurs personnes formées se sont dites intéressées par vos offres et attendent votre "
            f"réponse depuis plus de {PAUSE_SILENT_DAYS} jours. Pour ne pas les laisser sans nouvelles, "
            "Passerelle ne propose plus vos offres aux nouveaux candidats ; elles restent visibles pour "
            "les personnes à qui elles ont déjà été proposées.",
            "Pour reprendre : ouvrez votre espace et indiquez la suite donnée à chaque personne "
            "(contact, entretien, embauche ou non retenue avec sa raison). Vos offres sont de nouveau "
            "proposées dès votre première réponse. Vous pouvez aussi écrire à la Région.",
        ],
        link=("Répondre aux candidats", f"{get_settings().site_url}/employeur/espace.html"),
    )


def resume_on_answer(employer_id: str, now: datetime | None = None) -> None:
    """An answer from a paused employer lifts the pause at once."""
    record = store.get(employer_id)
    if record is not None and record.paused_at:
        store.put(record.model_copy(update={"paused_at": None, "resumed_at": utc_timestamp(now)}))
        logger.info("employer resumed by an answer", extra={"employer_id": employer_id})


def resume_by_staff(employer_id: str, now: datetime | None = None) -> EmployerResponsivenessView:
    record = store.get(employer_id) if len(employer_id) <= 64 else None
    employer = employers.get(employer_id) if record is not None else None
    if record is None or employer is None:
        raise NotFound(UNKNOWN_EMPLOYER)
    if record.paused_at:
        record = record.model_copy(update={"paused_at": None, "resumed_at": utc_timestamp(now)})
        store.put(record)
        logger.info("employer resumed by staff", extra={"employer_id": employer_id})
    return _view(record, employer, now or datetime.now(UTC))


def _view(record: ResponsivenessRecord, employer, now: datetime) -> EmployerResponsivenessView:
    oldest = record.oldest_unanswered_at
    return EmployerResponsivenessView(
        employer_id=record.employer_id,
        company_name=employer.company_name,
        contact_name=employer.contact_name,
        email=employer.email,
        phone=employer.phone,
        interests=record.interests,
        answered=record.answered,
        answer_rate=record.rate,
        unanswered_days=max(0, (now - _at(oldest)).days) if oldest else 0,
        last_answer_at=record.last_answer_at,
        paused_at=record.paused_at,
        computed_at=record.computed_at,
    )


def list_for_staff(unanswered_days: int, now: datetime | None = None) -> list[EmployerResponsivenessView]:
    """Employers whose oldest unanswered interest waited at least `unanswered_days` days (and the
    paused ones), the longest waits first."""
    moment = now or datetime.now(UTC)
    records = store.all_rated()
    found = employers.get_many(r.employer_id for r in records)
    views = [_view(r, found[r.employer_id], moment) for r in records if r.employer_id in found]
    shown = [
        v for v in views if (v.interests > v.answered and v.unanswered_days >= unanswered_days) or v.paused_at
    ]
    return sorted(shown, key=lambda v: (-v.unanswered_days, v.answer_rate or 0, v.company_name))
