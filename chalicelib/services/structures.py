"""Use cases of a structure's life: the public request, and the staff's review (docs/structures.md)."""

from __future__ import annotations

from chalicelib import emails
from chalicelib.context import Role
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import Conflict, NotFound
from chalicelib.gateways import mailer
from chalicelib.observability import logger, metrics
from chalicelib.repositories import auth, structures
from chalicelib.repositories.errors import EmailTaken, StaleVersion
from chalicelib.schemas.pagination import decode_cursor, encode_cursor
from chalicelib.schemas.structures import (
    DecisionRequest,
    DecisionView,
    StructureCreate,
    StructureCreated,
    StructureForStaff,
    StructureStaffPage,
)
from chalicelib.schemas.structures_store import MemberRecord, StructureRecord
from chalicelib.services import labels, sessions
from chalicelib.services.idempotency import run_idempotent

SCOPE = "POST /structures"
ROLE_OF_KIND = {"organisme_formation": Role.TRAINER, "accompagnement": Role.ADVISOR}
SIRET_TAKEN = "Une demande existe déjà pour ce SIRET et ce type de structure."
EMAIL_TAKEN = "Un compte existe déjà avec cette adresse e-mail : utilisez une autre adresse professionnelle."
UNKNOWN = "Structure introuvable."
DECIDED = "Cette demande a déjà été traitée."


def _send(to: str, message: tuple[str, str, str], what: str, structure_id: str) -> None:
    # The decision is stored whatever happens to the e-mail: the requester can still ask for a
    # sign-in link, and staff see the status.
    try:
        mailer.send_email(to, *message)
    except Exception:
        logger.exception("structure e-mail not sent", extra={"what": what, "structure_id": structure_id})


def request(body: StructureCreate, idempotency_key: str | None) -> dict:
    """A structure asks for an account: pending until staff decide; no sign-in link until then."""

    def create() -> dict:
        now = utc_timestamp()
        commune = get_referentials().commune(body.code_insee)
        record = StructureRecord(
            **body.model_dump(exclude={"code_insee"}),
            id=new_id(),
            code_insee=commune.code_insee,
            bassin=commune.bassin_code,
            created_at=now,
            updated_at=now,
        )
        requester = MemberRecord(
            id=new_id(),
            structure_id=record.id,
            name=body.contact_name,
            email=body.email,
            role=ROLE_OF_KIND[body.kind],
            created_at=now,
        )
        try:
            structures.create(record, requester)
        except structures.SiretTaken as exc:
            raise Conflict(SIRET_TAKEN, {"siret": SIRET_TAKEN}) from exc
        except EmailTaken as exc:
            raise Conflict(EMAIL_TAKEN, {"email": "Cette adresse e-mail est déjà utilisée."}) from exc
        _send(record.email, emails.structure_requested(record.name), "requested", record.id)
        metrics.add_metric(name="StructureRequested", unit="Count", value=1)
        logger.info("structure requested", extra={"structure_id": record.id, "kind": record.kind})
        return StructureCreated(id=record.id, status=record.status).model_dump()

    return run_idempotent(SCOPE, idempotency_key, body.model_dump(mode="json"), create)


def staff_view(record: StructureRecord) -> StructureForStaff:
    return StructureForStaff(
        **record.model_dump(exclude={"bassin"}), **labels.place(record.code_insee, record.bassin)
    )


def list_for_staff(status: str, limit: int, cursor: str | None) -> StructureStaffPage:
    start = decode_cursor(cursor, lambda key: structures.start_key_is_valid(status, key))
    records, last = structures.list_by_status(status, limit, start)
    return StructureStaffPage(items=[staff_view(r) for r in records], next=encode_cursor(last))


def decide(structure_id: str, body: DecisionRequest, staff_id: str) -> DecisionView:
    """Validate or reject a pending structure, once; the requester is told by e-mail."""
    record, members = structures.with_members(structure_id)
    if record is None:
        raise NotFound(UNKNOWN)
    if record.status != "pending":
        raise Conflict(DECIDED, {"decision": DECIDED})
    now = utc_timestamp()
    validated = body.decision == "validate"
    decided = record.model_copy(
        update={
            "status": "active" if validated else "rejected",
            "reason": None if validated else body.reason,
            "decided_at": now,
            "decided_by": staff_id,
            "updated_at": now,
            "version": record.version + 1,
        }
    )
    try:
        structures.save_decision(decided, record.version)
    except StaleVersion as exc:
        raise Conflict(DECIDED, {"decision": DECIDED}) from exc
    if validated:
        requester = members[0] if members else None
        if requester is not None:
            token = sessions.issue_token(requester.id, requester.role)
            _send(record.email, emails.structure_validated(record.name, token), "validated", record.id)
    else:
        structures.release_claims(decided, members)
        for member in members:
            auth.delete_owner_items(member.id)
        _send(record.email, emails.structure_rejected(record.name, body.reason or ""), "rejected", record.id)
    metrics.add_metric(name="StructureValidated" if validated else "StructureRejected", unit="Count", value=1)
    logger.info("structure decided", extra={"structure_id": structure_id, "status": decided.status})
    return DecisionView(status=decided.status)
