"""Use cases of the follow-up survey: the daily run sends each due question once; the person reads
and answers it from the link, without signing in; erasure unlinks the answers.

Rules (due dates, "in a job"): domain/followup.py. Storage and the "never twice" claim:
repositories/followup.py; the whole design: docs/followup.md.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from chalicelib.config import get_settings
from chalicelib.domain.calendar import french_date, paris_today, utc_timestamp
from chalicelib.domain.followup import DUE_LABELS, departement_of, due_date, link_expiry, open_dues
from chalicelib.domain.identity import keyed_hash, new_token
from chalicelib.domain.phones import french_mobile
from chalicelib.errors import NotFound
from chalicelib.gateways import outbox, secrets
from chalicelib.gateways.sms import send_sms
from chalicelib.observability import logger, metrics
from chalicelib.repositories import candidates as candidates_repo
from chalicelib.repositories import followup as followup_repo
from chalicelib.repositories import stats as stats_repo
from chalicelib.schemas.candidates import ExportedFollowup
from chalicelib.schemas.candidates_store import CandidateRecord
from chalicelib.schemas.followup import FollowupAnswerRequest, FollowupAnswerView, FollowupView
from chalicelib.schemas.followup_store import FollowupAnswerRecord, FollowupRecord

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")
UNKNOWN = "Ce lien de suivi est inconnu. Vérifiez qu'il est complet, tel que reçu par e-mail."


def survey_url(token: str) -> str:
    return f"{get_settings().site_url}/suivi.html#token={token}"


def followup_sms(due_words: str, url: str) -> str:
    """The SMS that goes with the e-mail when the person opted in: the question, the link, how to stop."""
    return (
        f"Passerelle : votre formation s'est terminée il y a {due_words}. Où en êtes-vous ? "
        f"Répondez en un clic : {url} Pour ne plus recevoir de SMS : décochez l'option dans votre espace."
    )


def _send(person: CandidateRecord, record: FollowupRecord, token: str) -> None:
    """One message per question: the e-mail, and the same question by SMS when the person opted in
    with a French mobile (issue 12). The e-mail is queued on the outbox (the worker sends it, SQS
    retries what SES refuses): queuing it decides whether the question counts as sent. An SMS the
    provider refuses is logged (its class only) and not retried, the e-mail having been queued."""
    url = survey_url(token)
    outbox.email(
        person.email,
        "followup_question",
        first_name=person.first_name,
        training_title=person.training.title,
        due_words=DUE_LABELS[record.due],
        url=url,
        last_day=french_date(record.expires_on),
    )
    phone = french_mobile(person.phone) if person.sms_opt_in else None
    if phone is None:
        return
    try:
        send_sms(phone, followup_sms(DUE_LABELS[record.due], url))
        metrics.add_metric(name="SmsSent", unit="Count", value=1)
    except Exception as exc:
        logger.error("follow-up SMS not sent", extra={"due": record.due, "error": type(exc).__name__})


# --- daily run ----------------------------------------------------------------------------------
def send_due_in_bassin(bassin: str, today: date, now: datetime | None = None) -> dict[str, int]:
    """Sends every open question of the bassin's candidates not sent yet, each at most once."""
    stamp = utc_timestamp(now)
    already: set[tuple[str, str]] = set()
    unconfirmed = 0
    for survey in followup_repo.in_bassin(bassin):
        if survey.candidate_id:
            already.add((survey.candidate_id, survey.due))
            unconfirmed += survey.sent_at is None
    due_people = [
        (candidate_id, end, commune, certification, due)
        for candidate_id, _, end, commune, certification in stats_repo.candidate_dimensions(bassin)
        for due in open_dues(end, today)
        if (candidate_id, due) not in already
    ]
    people = candidates_repo.get_many({row[0] for row in due_people}) if due_people else {}
    sent = claimed_elsewhere = failed = 0
    key = secrets.signing_key() if due_people else ""
    for candidate_id, end, commune, certification, due in due_people:
        person = people.get(candidate_id)
        if person is None:  # erased since the read
            continue
        token = new_token()
        record = FollowupRecord(
            token_hash=keyed_hash(key, token),
            candidate_id=candidate_id,
            due=due,
            due_date=due_date(end, due),
            training_end=end,
            bassin=bassin,
            departement=departement_of(commune),
            certification=certification,
            created_at=stamp,
            expires_on=link_expiry(today),
        )
        if not followup_repo.claim(record):
            claimed_elsewhere += 1  # a concurrent or earlier run has it (or the person moved bassin)
            continue
        try:
            _send(person, record, token)
        except Exception as exc:
            followup_repo.release(record)  # not sent: the next run tries again
            failed += 1
            # The class only: a provider's message can name the address.
            logger.error(
                "follow-up message not sent",
                extra={"bassin": bassin, "due": due, "error": type(exc).__name__},
            )
            continue
        followup_repo.mark_sent(record.token_hash, utc_timestamp())
        sent += 1
    if sent:
        metrics.add_metric(name="FollowupSent", unit="Count", value=sent)
    return {
        "followup_sent": sent,
        "followup_already_claimed": claimed_elsewhere,
        "followup_failed": failed,
        "followup_unconfirmed": unconfirmed,
    }


# --- the person ---------------------------------------------------------------------------------
def _open(token: str, today: date) -> tuple[FollowupRecord, CandidateRecord]:
    survey = followup_repo.get(keyed_hash(secrets.signing_key(), token)) if _TOKEN.fullmatch(token) else None
    person = candidates_repo.get(survey.candidate_id) if survey and survey.candidate_id else None
    if survey is None or person is None:
        raise NotFound(UNKNOWN)
    if survey.expires_on < today:
        raise NotFound(
            f"Ce lien de suivi a expiré : il permettait de répondre jusqu'au {french_date(survey.expires_on)}."
        )
    return survey, person


def _view(survey: FollowupRecord, person: CandidateRecord) -> FollowupView:
    answer = FollowupAnswerView(**survey.answer.model_dump()) if survey.answer else None
    return FollowupView(
        first_name=person.first_name,
        training_title=person.training.title,
        due=survey.due,
        expires_on=survey.expires_on,
        answer=answer,
    )


def read(token: str, today: date | None = None) -> FollowupView:
    survey, person = _open(token, today or paris_today())
    return _view(survey, person)


def answer(token: str, body: FollowupAnswerRequest, today: date | None = None) -> FollowupView:
    today = today or paris_today()
    survey, person = _open(token, today)
    given = FollowupAnswerRecord(**body.model_dump(), answered_at=utc_timestamp())
    if not followup_repo.save_answer(survey.token_hash, given, today.isoformat()):
        raise NotFound(UNKNOWN)  # erased or expired between the read and the write
    metrics.add_metric(name="FollowupAnswered", unit="Count", value=1)
    logger.info("follow-up answered", extra={"due": survey.due, "bassin": survey.bassin})
    return _view(survey.model_copy(update={"answer": given}), person)


def exported_answers(candidate_id: str) -> list[ExportedFollowup]:
    """RGPD access: the questions the person received and what they answered."""
    return [
        ExportedFollowup(
            due=s.due,
            due_date=s.due_date,
            sent_at=s.sent_at,
            expires_on=s.expires_on,
            **(s.answer.model_dump(exclude={"answered_at"}) if s.answer else {}),
            answered_at=s.answer.answered_at if s.answer else None,
        )
        for s in followup_repo.of_candidate(candidate_id)
    ]


def unlink(candidate_id: str) -> int:
    """Erasure: the answers stay for the figures, without the link to the person."""
    return followup_repo.unlink_candidate(candidate_id)
