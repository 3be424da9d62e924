"""Use cases: a candidate reads their matched open offers and says interested or not."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from chalicelib.config import get_settings
from chalicelib.domain.calendar import paris_today, utc_timestamp
from chalicelib.domain.responsiveness import (
    REMINDER_AFTER_DAYS,
    STATUS_FOR_CANDIDATE,
    rate_sentence,
    reason_label,
    reminder_due_at,
    reminder_refusal,
)
from chalicelib.errors import Conflict, NotFound
from chalicelib.gateways import outbox
from chalicelib.observability import logger, metrics
from chalicelib.repositories import employers, matches, offers
from chalicelib.repositories import responsiveness as responsiveness_repo
from chalicelib.schemas.candidates import EmployerAnswer, MatchForCandidate, OfferSummary
from chalicelib.schemas.matches_store import InteractionRecord, MatchPair
from chalicelib.schemas.offers_store import OfferRecord
from chalicelib.schemas.responsiveness_store import ResponsivenessRecord
from chalicelib.services import labels

MAX_SHOWN = 30
_OFFER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NO_MATCH = "Cette offre ne fait pas (ou plus) partie de vos correspondances."


def offer_summary(offer: OfferRecord, company_name: str | None = None) -> OfferSummary:
    """The public view of an offer: no employer contact, no description; the company's name."""
    return OfferSummary(
        **offer.model_dump(
            include=set(OfferSummary.model_fields) - {"bassin", "company_name", "contract_type_label"}
        ),
        company_name=company_name,
        contract_type_label=labels.contract_label(offer.contract_type),
        metier_label=labels.metier_label(offer.code_rome),
        **labels.place(offer.code_insee, offer.bassin),
    )


def company_names(records: list[OfferRecord]) -> dict[str, str]:
    """employer id → company name, in one batch read."""
    found = employers.get_many({r.employer_id for r in records})
    return {key: employer.company_name for key, employer in found.items()}


def is_shown(offer: OfferRecord | None, today: date) -> bool:
    return offer is not None and offer.is_open and offer.expires_at >= today


def answer_of(pair: MatchPair) -> EmployerAnswer | None:
    """The employer's answer as the candidate reads it: a label, a kind reason, the date."""
    act = pair.interaction
    # Only an answer to the person's interest (not a proposal the employer set aside unasked).
    if act is None or act.status is None or act.status_at is None or act.interest != "interested":
        return None
    return EmployerAnswer(
        status=act.status,
        label=STATUS_FOR_CANDIDATE.get(act.status, act.status),
        reason_label=reason_label(act.reason) if act.status == "not_retained" else None,
        at=act.status_at,
    )


def _view(
    pair: MatchPair, offer: OfferRecord, company_name: str | None, rate_sentence: str | None = None
) -> MatchForCandidate:
    assert pair.match is not None
    act = pair.interaction
    waiting = act is not None and act.interest == "interested" and act.status is None and act.interest_at
    return MatchForCandidate(
        offer=offer_summary(offer, company_name),
        score=pair.match.score,
        distance_km=pair.match.distance_km,
        reasons=pair.match.reasons,
        interest=pair.interest,
        status=pair.status,
        answer=answer_of(pair),
        reminder_from=reminder_due_at(act.interest_at) if waiting and act and act.interest_at else None,
        reminded_at=act.candidate_reminded_at if act else None,
        employer_responsiveness=rate_sentence,
        status_label=labels.outcome_label(pair.status),
    )


def _company(offer: OfferRecord) -> str | None:
    return company_names([offer]).get(offer.employer_id)


def list_matches(candidate_id: str, today: date | None = None) -> list[MatchForCandidate]:
    """The best MAX_SHOWN matches whose offer is still open, best first."""
    today = today or paris_today()
    proposed = [p for p in matches.for_candidate(candidate_id) if p.match is not None]
    found = offers.get_many(p.offer_id for p in proposed)
    shown = [(p, found[p.offer_id]) for p in proposed if is_shown(found.get(p.offer_id), today)]
    figures = responsiveness_repo.get_many({offer.employer_id for _, offer in shown})
    # A paused employer's offers stay with the candidates who had them before the pause.
    shown = [(p, o) for p, o in shown if _still_proposed(p, figures.get(o.employer_id))]
    shown.sort(key=lambda pair: (-pair[0].score, pair[1].start_date, pair[0].offer_id))
    shown = shown[:MAX_SHOWN]
    names = company_names([offer for _, offer in shown])
    return [
        _view(pair, offer, names.get(offer.employer_id), _sentence(figures.get(offer.employer_id)))
        for pair, offer in shown
    ]


def _still_proposed(pair: MatchPair, figures: ResponsivenessRecord | None) -> bool:
    if figures is None or not figures.paused_at:
        return True
    if pair.interaction is not None and pair.interaction.interest is not None:
        return True
    return pair.match is not None and pair.match.computed_at < figures.paused_at


def _sentence(figures: ResponsivenessRecord | None) -> str | None:
    return rate_sentence(figures.rate, figures.interests) if figures else None


def get_match(candidate_id: str, offer_id: str, today: date | None = None) -> MatchForCandidate:
    """One of the candidate's matches (the offer page shows the choice next to the offer)."""
    today = today or paris_today()
    pair = matches.get(offer_id, candidate_id) if _OFFER_ID.match(offer_id) else None
    offer = offers.get(offer_id) if pair is not None and pair.match is not None else None
    if pair is None or offer is None or not is_shown(offer, today):
        raise NotFound(NO_MATCH)
    return _view(pair, offer, _company(offer), _rate_sentence_of(offer))


def _rate_sentence_of(offer: OfferRecord) -> str | None:
    return _sentence(responsiveness_repo.get_many({offer.employer_id}).get(offer.employer_id))


def set_interest(
    candidate_id: str, offer_id: str, interested: bool, now: datetime | None = None
) -> MatchForCandidate:
    if not _OFFER_ID.match(offer_id):
        raise NotFound(NO_MATCH)
    pair = matches.get(offer_id, candidate_id)  # the caller's own pair only
    offer = offers.get(offer_id) if pair is not None and pair.match is not None else None
    stamp = utc_timestamp(now)
    today = paris_today() if now is None else date.fromisoformat(stamp[:10])
    if pair is None or offer is None or not is_shown(offer, today):
        raise NotFound(NO_MATCH)
    matches.set_interest(pair, interested, stamp)
    metrics.add_metric(
        name="CandidateInterested" if interested else "CandidateNotInterested", unit="Count", value=1
    )
    logger.info("interest recorded", extra={"candidate_id": candidate_id, "offer_id": offer_id})
    updated = matches.get(offer_id, candidate_id)
    assert updated is not None
    return _view(updated, offer, _company(offer), _rate_sentence_of(offer))


def send_reminder(candidate_id: str, offer_id: str, now: datetime | None = None) -> None:
    """The candidate's one reminder to the employer (domain/responsiveness.py): 404 for a pair that
    is not theirs, 409 with the reason when too early, twice or after an answer."""
    if not _OFFER_ID.match(offer_id):
        raise NotFound(NO_MATCH)
    pair = matches.get(offer_id, candidate_id)
    offer = offers.get(offer_id) if pair is not None else None
    if pair is None or offer is None:
        raise NotFound(NO_MATCH)
    act = pair.interaction or InteractionRecord(offer_id=offer_id, candidate_id=candidate_id, employer_id="")
    moment = now or datetime.now(UTC)
    refusal = reminder_refusal(act.interest, act.interest_at, act.status, act.candidate_reminded_at, moment)
    if refusal is None and not offer.is_open:
        refusal = "Cette offre est clôturée : la relance n'est plus possible."
    if refusal is not None:
        raise Conflict(refusal)
    if not matches.mark_candidate_reminded(pair, utc_timestamp(moment)):
        raise Conflict("La relance a déjà été envoyée, ou l'employeur vient de répondre.")
    employer = employers.get(offer.employer_id)
    if employer is not None:
        outbox.email(
            employer.email,
            "plain",
            subject="Passerelle : une personne vous relance",
            paragraphs=[
                "Bonjour,",
                f"Une personne formée s'est dite intéressée par votre offre « {offer.title} » il y a plus "
                f"de {REMINDER_AFTER_DAYS} jours et attend votre réponse. Ses coordonnées sont dans votre "
                "espace : merci d'indiquer la suite que vous donnez (contact, entretien, embauche ou "
                "non retenue, avec sa raison).",
            ],
            link=("Voir les candidats", f"{get_settings().site_url}/employeur/espace.html"),
        )
    metrics.add_metric(name="CandidateReminder", unit="Count", value=1)
    logger.info("candidate reminder sent", extra={"offer_id": offer_id, "candidate_id": candidate_id})
