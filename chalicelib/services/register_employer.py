"""Use case: a company signs up with its SIRET and receives a sign-in link by e-mail."""

from __future__ import annotations

from chalicelib import emails
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.gateways import mailer
from chalicelib.observability import logger, metrics
from chalicelib.repositories import employers
from chalicelib.schemas.employers import EmployerCreate, EmployerRecord
from chalicelib.services import sessions
from chalicelib.services.idempotency import run_idempotent

SCOPE = "POST /employers"


def _send_welcome(record: EmployerRecord) -> None:
    # The account exists whatever happens here: a lost e-mail is recovered from the sign-in page,
    # whereas failing the request would make the person retry into "address already used".
    try:
        subject, text, html = emails.welcome(sessions.issue_token(record.id, employers.ROLE), employers.ROLE)
        mailer.send_email(record.email, subject, text, html)
    except Exception:
        logger.exception("welcome e-mail not sent", extra={"employer_id": record.id})


def register(body: EmployerCreate, idempotency_key: str | None) -> dict:
    """Creates the account (409 if the address is taken) → {"id": ...}; same key, same answer."""

    def create() -> dict:
        now = utc_timestamp()
        commune = get_referentials().commune(body.code_insee)
        assert commune is not None  # checked by the request model
        record = EmployerRecord(
            id=new_id(),
            siret=body.siret,
            company_name=body.company_name,
            contact_name=body.contact_name,
            email=body.email,
            phone=body.phone,
            code_insee=commune.code_insee,
            bassin=commune.bassin_code,
            created_at=now,
            updated_at=now,
        )
        employers.create(record)
        _send_welcome(record)
        metrics.add_metric(name="EmployerRegistered", unit="Count", value=1)
        logger.info("employer registered", extra={"employer_id": record.id, "bassin": record.bassin})
        return {"id": record.id}

    return run_idempotent(SCOPE, idempotency_key, body.model_dump(mode="json"), create)
