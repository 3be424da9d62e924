"""Use cases of a structure's members: who the caller is, their structure, adding and removing
colleagues (docs/structures.md). Every trainer/advisor use case starts with `current()`."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib import emails
from chalicelib.context import Principal
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.errors import Conflict, Forbidden, NotFound, Unauthorized
from chalicelib.gateways import mailer
from chalicelib.observability import logger, metrics
from chalicelib.repositories import auth, structures
from chalicelib.repositories.errors import EmailTaken
from chalicelib.schemas.structures import MemberCreate, MemberView, StructureView
from chalicelib.schemas.structures_store import MemberRecord, StructureRecord
from chalicelib.services import labels, sessions

GONE = "Votre accès à cette structure a été retiré : demandez à un collègue de vous ajouter à nouveau."
NOT_ACTIVE = "Le compte de votre structure n'est pas (ou plus) validé par la Région."
NO_MEMBER = "Ce membre n'existe pas dans votre structure."
LAST_MEMBER = "Vous êtes la dernière personne de la structure : ajoutez un collègue avant de vous retirer."
EMAIL_TAKEN = "Cette adresse e-mail est déjà celle d'un compte Passerelle."


@dataclass(frozen=True)
class Caller:
    member: MemberRecord
    structure: StructureRecord


def current(principal: Principal) -> Caller:
    """The caller's member item and active structure; a removed member → 401, an inactive structure → 403."""
    member, structure = structures.member_and_structure(principal.id)
    if member is None or structure is None or member.role != principal.role:
        raise Unauthorized(GONE)
    if structure.status != "active":
        raise Forbidden(NOT_ACTIVE)
    return Caller(member, structure)


def may_sign_in(member_id: str) -> bool:
    """A sign-in link goes to a member only while they and their structure are active."""
    member, structure = structures.member_and_structure(member_id)
    return member is not None and structure is not None and structure.status == "active"


def member_view(member: MemberRecord) -> MemberView:
    return MemberView(id=member.id, name=member.name, email=member.email)


def my_structure(principal: Principal) -> StructureView:
    caller = current(principal)
    structure, members = structures.with_members(caller.structure.id)
    assert structure is not None
    return StructureView(
        **structure.model_dump(include={"id", "kind", "network", "name", "siret", "code_insee", "status"}),
        **labels.place(structure.code_insee, structure.bassin),
        members=[member_view(m) for m in members],
    )


def add_member(principal: Principal, body: MemberCreate) -> dict:
    caller = current(principal)
    member = MemberRecord(
        id=new_id(),
        structure_id=caller.structure.id,
        name=body.name,
        email=body.email,
        role=caller.member.role,
        added_by=caller.member.id,
        created_at=utc_timestamp(),
    )
    try:
        structures.add_member(member)
    except structures.StructureInactive as exc:
        raise Forbidden(NOT_ACTIVE) from exc
    except EmailTaken as exc:
        raise Conflict(EMAIL_TAKEN, {"email": EMAIL_TAKEN}) from exc
    try:
        token = sessions.issue_token(member.id, member.role)
        mailer.send_email(
            member.email, *emails.member_added(caller.structure.name, caller.member.name, token)
        )
    except Exception:
        logger.exception("member e-mail not sent", extra={"member_id": member.id})
    metrics.add_metric(name="MemberAdded", unit="Count", value=1)
    logger.info("member added", extra={"structure_id": member.structure_id, "member_id": member.id})
    return {"id": member.id}


def remove_member(principal: Principal, member_id: str) -> None:
    """Removes a colleague (or oneself); their sessions and pending sign-in links end at once."""
    caller = current(principal)
    _, members = structures.with_members(caller.structure.id)
    target = next((m for m in members if m.id == member_id), None)
    if target is None:
        raise NotFound(NO_MEMBER)
    if len(members) == 1:
        raise Conflict(LAST_MEMBER)
    structures.remove_member(target)
    auth.delete_owner_items(target.id)
    metrics.add_metric(name="MemberRemoved", unit="Count", value=1)
    logger.info("member removed", extra={"structure_id": caller.structure.id, "member_id": target.id})
