"""Use case: a company signs up with its SIRET and receives a sign-in link by e-mail."""

from __future__ import annotations

from chalicelib.context import Role
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.observability import logger, metrics
from chalicelib.repositories import employers
from chalicelib.schemas.employers import EmployerCreate
from chalicelib.schemas.employers_store import EmployerRecord
from chalicelib.services import accounts
from chalicelib.services.idempotency import run_idempotent

SCOPE = "POST /employers"


def register(body: EmployerCreate, idempotency_key: str | None) -> dict:
    """Creates the account (an address with an account: its owner is e-mailed, same answer) → {"id": ...}; same key, same answer."""

    def create() -> dict:
        now = utc_timestamp()
        commune = get_referentials().commune(body.code_insee)
        assert commune is not None  # checked by the request model
        record = EmployerRecord(
            **body.model_dump(exclude={"code_insee"}),
            id=new_id(),
            code_insee=commune.code_insee,
            bassin=commune.bassin_code,
            created_at=now,
            updated_at=now,
        )
        if not accounts.create(employers.create, record, Role.EMPLOYER):
            return {"id": record.id}  # the address has an account: its owner is told by e-mail
        accounts.send_welcome(record.id, Role.EMPLOYER, record.email)
        metrics.add_metric(name="EmployerRegistered", unit="Count", value=1)
        logger.info("employer registered", extra={"employer_id": record.id, "bassin": record.bassin})
        return {"id": record.id}

    return run_idempotent(SCOPE, idempotency_key, body.model_dump(mode="json"), create)
