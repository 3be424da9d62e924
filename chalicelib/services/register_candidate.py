"""Use case: a person signs up as a candidate and receives a sign-in link by e-mail."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib import emails
from chalicelib.domain.identity import new_id
from chalicelib.gateways import mailer
from chalicelib.observability import logger, metrics
from chalicelib.repositories import candidates
from chalicelib.schemas.candidates import CandidateIn, CandidateRecord, Training
from chalicelib.services import idempotency, matching_triggers, sessions

SCOPE = "POST /candidates"


def now_iso(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def _signup_request_key(key: str | None) -> str | None:
    """Key of the idempotency record being written for this sign-up.

    The record keeps the response (the new id) for 24 hours; erasing the account deletes it
    too, so the profile remembers its key. Powertools names records `<function>#<hash>` and
    has configured its store for this call by the time `create` runs.
    """
    if key is None:
        return None
    store = idempotency._persistence()
    return store._get_hashed_idempotency_key({"scope": SCOPE, "key": key})


def build_record(body: CandidateIn, candidate_id: str, bassin: str, now: str) -> CandidateRecord:
    data = body.model_dump(exclude={"consent_terms", "training"})
    return CandidateRecord(
        **data,
        id=candidate_id,
        bassin=bassin,
        training=Training(**body.training.model_dump()),
        consent_terms_at=now,
        created_at=now,
        updated_at=now,
        last_active_at=now,
    )


def register(body: CandidateIn, idempotency_key: str | None, now: datetime | None = None) -> dict:
    """Creates the account once per Idempotency-Key; returns `{"id": ...}`."""

    def create() -> dict:
        from chalicelib.domain.referentials import get_referentials

        stamp = now_iso(now)
        bassin = get_referentials().commune(body.code_insee).bassin_code
        record = build_record(body, new_id(), bassin, stamp)
        record.signup_request = _signup_request_key(idempotency_key)
        candidates.create(record)  # 409 if the address already has an account
        metrics.add_metric(name="CandidateRegistered", unit="Count", value=1)
        logger.info("candidate registered", extra={"candidate_id": record.id, "bassin": bassin})
        _send_welcome(record.id, record.email)
        matching_triggers.candidate_changed(record.id, bassin)
        return {"id": record.id}

    return idempotency.run_idempotent(SCOPE, idempotency_key, body.model_dump(mode="json"), create)


def _send_welcome(candidate_id: str, email: str) -> None:
    # The account exists whatever happens here: a lost e-mail is recovered from the sign-in page,
    # whereas failing the request would make a retry answer "address already used".
    try:
        subject, text, html = emails.welcome(sessions.issue_token(candidate_id, candidates.ROLE), "candidate")
        mailer.send_email(email, subject, text, html)
    except Exception:
        logger.exception("welcome e-mail not sent", extra={"candidate_id": candidate_id})
