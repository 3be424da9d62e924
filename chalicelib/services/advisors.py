"""Use cases of an advisor (a member of a structure d'accompagnement), docs/structures.md
"Advisors": register a person they accompany (the person confirms and consents from the
invitation e-mail), the caseload with the progress of those who share it, their matches, the
e-mail preference and the daily digest of changes.

A person of another structure answers 404, as one that does not exist; a person who does not
share (or no longer) shows names and status only, and their matches answer 404."""

from __future__ import annotations

import re
import time
from datetime import date

from chalicelib import emails
from chalicelib.config import get_settings
from chalicelib.context import Principal, Role
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import keyed_hash, new_token
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.gateways import mailer, outbox, secrets
from chalicelib.observability import logger, metrics
from chalicelib.repositories import accounts, advisors, followup, markers, structures
from chalicelib.schemas.advisors import (
    AdvisedCreate,
    AdvisedCreated,
    AdvisedPage,
    AdvisedView,
    AdvisorPreferences,
)
from chalicelib.schemas.candidates import MatchForCandidate
from chalicelib.schemas.trainings_store import AdvisedRecord, InvitationRecord
from chalicelib.services import structure_members
from chalicelib.services.idempotency import run_idempotent

INVITATION_TTL_S = 30 * 24 * 3600
ONLY_ADVISORS = "Seules les structures d'accompagnement inscrivent les personnes qu'elles accompagnent."
UNKNOWN = (
    "Personne introuvable dans votre portefeuille, ou elle ne partage pas son suivi avec votre structure."
)
ALREADY = "Votre structure a déjà inscrit cette adresse e-mail."
PRO_ACCOUNT = "Cette adresse est celle d'un compte professionnel Passerelle : indiquez l'adresse personnelle de la personne."
_PERSON_ID = re.compile(r"^[0-9a-f]{24}$")
DIGEST_KEEP_S = 2 * 24 * 3600


def _advisor(principal: Principal) -> structure_members.Caller:
    caller = structure_members.current(principal)
    if caller.member.role != Role.ADVISOR or caller.structure.kind != "accompagnement":
        raise Forbidden(ONLY_ADVISORS)
    return caller


def email_hash(email: str) -> str:
    return keyed_hash(secrets.signing_key(), f"advised:{email}")


# --- registration --------------------------------------------------------------------------------
def register(principal: Principal, body: AdvisedCreate, idempotency_key: str | None) -> AdvisedCreated:
    caller = _advisor(principal)

    def create() -> dict:
        owner = accounts.owner_of_email(body.email)
        if owner is not None and owner[1] != Role.CANDIDATE:
            raise Conflict(PRO_ACCOUNT, {"email": PRO_ACCOUNT})
        commune = get_referentials().commune(body.code_insee)  # validated by the schema
        stamp, token = utc_timestamp(), new_token()
        line = AdvisedRecord(
            structure_id=caller.structure.id,
            email_hash=email_hash(body.email),
            email=body.email,
            first_name=body.first_name,
            last_name=body.last_name,
            profile={
                **body.model_dump(mode="json", exclude={"email", "first_name", "last_name"}),
                "code_insee": commune.code_insee,
            },
            account_exists=owner is not None,
            registered_by=caller.member.id,
            registered_at=stamp,
            changed_at=stamp,
        )
        link = InvitationRecord(
            token_hash=keyed_hash(secrets.signing_key(), token),
            structure_id=caller.structure.id,
            email_hash=line.email_hash,
            expires_at=int(time.time()) + INVITATION_TTL_S,
        )
        if not advisors.register(line, link):
            raise Conflict(ALREADY, {"email": ALREADY})
        if line.account_exists:
            message = emails.advisor_invitation_existing_account(caller.structure.name, token)
        else:
            message = emails.advisor_invitation(body.first_name, caller.structure.name, token)
        try:  # the line is claimed whatever happens to the e-mail: a retry must not register twice
            mailer.send_email(body.email, *message)
        except Exception:
            logger.exception("advisor invitation e-mail not sent")
        metrics.add_metric(name="PersonRegisteredByAdvisor", unit="Count", value=1)
        logger.info(
            "person registered by an advisor",
            extra={"structure_id": caller.structure.id, "person_id": line.id},
        )
        return {"id": line.id, "status": line.status}

    scope = f"POST /advisor/candidates {caller.structure.id}"
    return AdvisedCreated(**run_idempotent(scope, idempotency_key, body.model_dump(mode="json"), create))


# --- caseload ------------------------------------------------------------------------------------
def progress_of(candidate_id: str) -> dict:
    """Matched / interested / hired and the follow-up answers of a person who shares them."""
    from chalicelib.services.trainings import progress_of as matches_progress

    progress: dict = matches_progress(candidate_id)
    for survey in followup.of_candidate(candidate_id):
        if survey.answer is not None:
            progress[f"followup_{survey.due}"] = survey.answer.situation
    return progress


def shares(line: AdvisedRecord) -> bool:
    return line.status == "registered" and line.shared and line.candidate_id is not None


def line_view(line: AdvisedRecord) -> AdvisedView:
    view = AdvisedView(
        id=line.id,
        first_name=line.first_name,
        last_name=line.last_name,
        email=line.email if line.status == "awaiting_consent" else None,
        status=line.status,
        shared=shares(line),
        registered_at=line.registered_at,
    )
    if shares(line):
        view = view.model_copy(update=progress_of(line.candidate_id or ""))
    return view


def caseload(principal: Principal) -> AdvisedPage:
    caller = _advisor(principal)
    lines = sorted(
        advisors.caseload(caller.structure.id),
        key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.id),
    )
    return AdvisedPage(items=[line_view(line) for line in lines])


def _sharing_line(principal: Principal, person_id: str) -> AdvisedRecord:
    caller = _advisor(principal)
    line = advisors.find(caller.structure.id, person_id) if _PERSON_ID.fullmatch(person_id) else None
    if line is None or not shares(line):
        raise NotFound(UNKNOWN)
    return line


def person(principal: Principal, person_id: str) -> AdvisedView:
    return line_view(_sharing_line(principal, person_id))


def matches_of(principal: Principal, person_id: str) -> list[MatchForCandidate]:
    from chalicelib.services.candidate_matches import list_matches

    return list_matches(_sharing_line(principal, person_id).candidate_id or "")


# --- preferences ---------------------------------------------------------------------------------
def preferences(principal: Principal) -> AdvisorPreferences:
    return AdvisorPreferences(digest_opt_out=_advisor(principal).member.digest_opt_out)


def set_preferences(principal: Principal, digest_opt_out: bool) -> AdvisorPreferences:
    caller = _advisor(principal)
    if not structures.save_member(caller.member.model_copy(update={"digest_opt_out": digest_opt_out})):
        raise NotFound(structure_members.GONE)
    return AdvisorPreferences(digest_opt_out=digest_opt_out)


# --- the daily digest ------------------------------------------------------------------------------
STATUS_WORDS = {
    "awaiting_consent": "n'a pas encore répondu",
    "registered": "a accepté son inscription",
    "declined": "a refusé l'inscription",
}


def _snapshot(line: AdvisedRecord) -> dict:
    state: dict = {"status": line.status, "shared": shares(line)}
    if shares(line):
        state.update(progress_of(line.candidate_id or ""))
    return state


def _change_sentence(line: AdvisedRecord, before: dict, now: dict) -> str | None:
    name = f"{line.first_name} {line.last_name}"
    parts = []
    if before.get("status") != now["status"]:
        parts.append(STATUS_WORDS[now["status"]])
    if before.get("shared", False) != now["shared"]:
        parts.append("partage désormais son suivi" if now["shared"] else "ne partage plus son suivi")
    if now["shared"]:
        for key, word in (
            ("matched", "correspondance(s)"),
            ("interested", "intérêt(s) déclaré(s)"),
            ("hired", "embauche(s)"),
        ):
            gained = now.get(key, 0) - before.get(key, 0)
            if gained > 0:
                parts.append(f"{gained} nouvelle(s) {word}" if key != "hired" else f"{gained} {word}")
        for due, words in (("followup_1m", "à 1 mois"), ("followup_6m", "à 6 mois")):
            if now.get(due) and now.get(due) != before.get(due):
                parts.append(f"a répondu au suivi {words}")
    return f"{name} : {', '.join(parts)}." if parts else None


def send_digests(today: date) -> dict[str, int]:
    """Once a day, each advisor who did not opt out gets the changes of the structure's caseload
    since the previous digest (answers, sharing given or withdrawn, new matches, interests, hires
    and follow-up answers of those who share). Through the outbox; one claim per member and day."""
    sent = 0
    for structure in structures.list_active():
        if structure.kind != "accompagnement":
            continue
        changes: list[str] = []
        for line in advisors.caseload(structure.id):
            now = _snapshot(line)
            sentence = _change_sentence(line, line.notified or {}, now)
            if sentence:
                changes.append(sentence)
            if now != (line.notified or {}):
                advisors.save(line.model_copy(update={"notified": now}))
        if not changes:
            continue
        _, members = structures.with_members(structure.id)
        space = f"{get_settings().site_url}/organisme/accompagnement.html"
        for member in members:
            if member.digest_opt_out or not markers.claim(
                member.id, f"advisor-digest#{today.isoformat()}", DIGEST_KEEP_S
            ):
                continue
            outbox.enqueue(
                "email", member.email, "plain", emails.advisor_digest_data(structure.name, changes, space)
            )
            sent += 1
    if sent:
        logger.info("advisor digests queued", extra={"count": sent})
    return {"advisor_digests": sent}


def forget_candidate(candidate_id: str) -> None:
    """On erasure: the caseload lines keep `registered` but lose any link to the account."""
    for line in advisors.lines_of_candidate(candidate_id):
        advisors.save(line.model_copy(update={"candidate_id": None, "shared": False}))
