"""Use cases: the owner of an offer sees its matched candidates and records what came of them.

Who is shown: candidates the engine proposes for the offer, or who said they were interested,
or to whom the employer already gave a follow-up — and only while they consent to be contacted
and have not paused their profile. Their e-mail and phone only once they said "interested".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.referentials import get_referentials
from chalicelib.domain.responsiveness import NEED_INTEREST
from chalicelib.errors import Conflict, NotFound
from chalicelib.observability import logger, metrics
from chalicelib.repositories import candidates, matches
from chalicelib.schemas.candidates_store import CandidateRecord
from chalicelib.schemas.matches_store import OUTCOMES_EMPLOYER, MatchPair
from chalicelib.schemas.offers import CompetenceLabel, MatchCounts, MatchForEmployer, TrainingSummary
from chalicelib.schemas.offers_store import OfferRecord
from chalicelib.services import employer_responsiveness
from chalicelib.services.labels import commune_name
from chalicelib.services.submit_offer import owned_offer

NOT_MATCHED = "Ce candidat ne fait pas partie des correspondances de cette offre."
NOT_INTERESTED = (
    "Cette personne ne s'est pas déclarée intéressée par votre offre : un contact, un entretien "
    "ou une embauche ne s'enregistrent qu'après son accord."
)
Pair = tuple[MatchPair, CandidateRecord]


def _concerns_employer(view: MatchPair) -> bool:
    return view.match is not None or view.interest == "interested" or view.status in OUTCOMES_EMPLOYER


def _may_be_shown(candidate: CandidateRecord | None) -> bool:
    return candidate is not None and candidate.consent_contact and candidate.visible


def visible_pairs(offer_ids: Iterable[str]) -> dict[str, list[Pair]]:
    """Per offer, the pairs its owner may see, best first (one candidate read for all offers)."""
    views = {
        offer_id: [v for v in matches.for_offer(offer_id) if _concerns_employer(v)] for offer_id in offer_ids
    }
    found = candidates.get_many({v.candidate_id for vs in views.values() for v in vs})
    return {
        offer_id: [(v, found[v.candidate_id]) for v in vs if _may_be_shown(found.get(v.candidate_id))]
        for offer_id, vs in views.items()
    }


def counts_of(pairs: list[Pair]) -> MatchCounts:
    interested = [v for v, _ in pairs if v.interest == "interested"]
    return MatchCounts(
        matches=len(pairs),
        interested=len(interested),
        answered=sum(1 for v in interested if v.status in OUTCOMES_EMPLOYER),
        hired=sum(1 for v, _ in pairs if v.status == "hired"),
    )


def answer_rate(counts: Iterable[MatchCounts]) -> float | None:
    """Share of the interested candidates who got a follow-up from the employer (None: nobody yet)."""
    interested = answered = 0
    for c in counts:
        interested += c.interested
        answered += c.answered
    return round(answered / interested, 3) if interested else None


def candidate_out(view: MatchPair, candidate: CandidateRecord, offer: OfferRecord) -> MatchForEmployer:
    refs = get_referentials()
    labels = refs.competences
    required = set(offer.competences)
    # The offer's required competences first: what the employer looks for.
    held = sorted(candidate.competences, key=lambda code: code not in required)
    interested = {"interested": True, "not_interested": False}.get(view.interest or "")
    contact = {"email": candidate.email, "phone": candidate.phone} if interested else {}
    return MatchForEmployer(
        candidate_id=candidate.id,
        first_name=candidate.first_name,
        commune_name=commune_name(candidate.code_insee),
        training=TrainingSummary(
            title=candidate.training.title,
            code_rome=candidate.training.code_rome,
            end_date=candidate.training.end_date,
            certification_obtained=candidate.training.certification_obtained,
        ),
        competences=[CompetenceLabel(code=c, label=labels[c].label) for c in held if c in labels],
        distance_km=view.match.distance_km if view.match else None,
        score=view.score,
        reasons=list(view.match.reasons) if view.match else [],
        interested=interested,
        status=view.status,
        **_answer_details(view),
        **contact,
    )


def _answer_details(view: MatchPair) -> dict[str, Any]:
    act = view.interaction
    if act is None:
        return {}
    names = ("reason", "comment", "hired_contract_type", "hired_start_date")
    return {name: getattr(act, name) for name in names if getattr(act, name) is not None}


def list_for_owner(employer_id: str, offer_id: str) -> list[MatchForEmployer]:
    offer = owned_offer(employer_id, offer_id)
    return [candidate_out(v, c, offer) for v, c in visible_pairs([offer.id])[offer.id]]


def record_outcome(
    employer_id: str,
    offer_id: str,
    candidate_id: str,
    status: str,
    now: datetime | None = None,
    details: dict[str, Any] | None = None,
) -> MatchForEmployer:
    """Sets the employer's status (dated, appended to the history) for a candidate it can see.
    `details`: reason and comment (not_retained), contract type and start date (hired)."""
    offer = owned_offer(employer_id, offer_id)
    view = matches.get(offer.id, candidate_id) if len(candidate_id) <= 64 else None
    candidate = candidates.get(candidate_id) if view is not None and _concerns_employer(view) else None
    if view is None or not _may_be_shown(candidate):
        raise NotFound(NOT_MATCHED)
    assert candidate is not None
    if status in NEED_INTEREST and view.interest != "interested":
        raise Conflict(NOT_INTERESTED, fields={"status": NOT_INTERESTED})
    stamp = utc_timestamp(now)
    given = dict(details or {})
    if given.get("start_date") is not None:
        given["hired_start_date"] = str(given.pop("start_date"))
    if given.get("contract_type") is not None:
        given["hired_contract_type"] = given.pop("contract_type")
    matches.set_outcome(view, status, stamp, given)
    employer_responsiveness.resume_on_answer(employer_id, now)
    metrics.add_metric(name="OutcomeRecorded", unit="Count", value=1)
    logger.info(
        "outcome recorded", extra={"offer_id": offer.id, "candidate_id": candidate_id, "status": status}
    )
    updated = matches.get(offer.id, candidate_id) or view
    return candidate_out(updated, candidate, offer)
