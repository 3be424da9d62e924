"""Use case: a person signs up as a candidate and receives a sign-in link by e-mail."""

from __future__ import annotations

from datetime import datetime

from chalicelib.context import Role
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.observability import logger, metrics
from chalicelib.repositories import candidates
from chalicelib.schemas.candidates import CandidateCreate
from chalicelib.schemas.candidates_store import CandidateRecord, TrainingRecord
from chalicelib.services import accounts, idempotency, matching_triggers

SCOPE = "POST /candidates"


def build_record(body: CandidateCreate, candidate_id: str, bassin: str, now: str) -> CandidateRecord:
    data = body.model_dump(exclude={"consent_terms", "training"})
    return CandidateRecord(
        **data,
        id=candidate_id,
        bassin=bassin,
        training=TrainingRecord(**body.training.model_dump()),
        consent_terms_at=now,
        created_at=now,
        updated_at=now,
        last_active_at=now,
    )


def register(body: CandidateCreate, idempotency_key: str | None, now: datetime | None = None) -> dict:
    """Creates the account once per Idempotency-Key; returns `{"id": ...}`."""

    def create() -> dict:
        stamp = utc_timestamp(now)
        bassin = get_referentials().commune(body.code_insee).bassin_code
        record = build_record(body, new_id(), bassin, stamp)
        # Erasing the account deletes the sign-up's idempotency record too: it holds the new id.
        record.signup_request = idempotency.record_key(SCOPE, idempotency_key)
        if not accounts.create(candidates.create, record, Role.CANDIDATE):
            return {"id": record.id}  # the address has an account: its owner is told by e-mail
        metrics.add_metric(name="CandidateRegistered", unit="Count", value=1)
        logger.info("candidate registered", extra={"candidate_id": record.id, "bassin": bassin})
        accounts.send_welcome(record.id, Role.CANDIDATE, record.email)
        matching_triggers.candidate_changed(record.id, bassin)
        return {"id": record.id}

    return idempotency.run_idempotent(SCOPE, idempotency_key, body.model_dump(mode="json"), create)
