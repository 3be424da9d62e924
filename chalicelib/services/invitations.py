"""Use cases of an invitation: the invited person reads it, accepts (the rest of the candidate
sign-up, their own consent), links it to the account they already have, or declines; the
organisme sees its cohort, and the progress of those who chose to share it. docs/structures.md."""

from __future__ import annotations

import time

from chalicelib.context import Principal, Role
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import keyed_hash, new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.gateways import secrets
from chalicelib.observability import logger, metrics
from chalicelib.repositories import accounts, advisors, candidates, structures, trainings
from chalicelib.repositories.errors import EmailTaken
from chalicelib.schemas.advisors import InvitationPrefill
from chalicelib.schemas.candidates import check_competences
from chalicelib.schemas.candidates_store import CandidateRecord, TrainingRecord
from chalicelib.schemas.invitations import (
    InvitationAccept,
    InvitationView,
    InvitedTraining,
    InvitingStructure,
    SharingPage,
    SharingView,
)
from chalicelib.schemas.trainings import TraineePage, TraineeView
from chalicelib.schemas.trainings_store import (
    AdvisedRecord,
    InvitationRecord,
    TraineeRecord,
    TrainingSessionRecord,
)
from chalicelib.services import labels, matching_triggers, sessions
from chalicelib.services import trainings as training_service

UNKNOWN = "Cette invitation n'est plus valable (déjà utilisée, refusée ou expirée)."
ACCOUNT = "Un compte existe déjà avec cette adresse : connectez-vous pour relier la formation à votre compte."
NOT_YOURS = "Cette invitation a été envoyée à une autre adresse que celle de votre compte."
ACCOMPANIMENT = "Accompagnement vers l'emploi"


def _hash(token: str) -> str:
    return keyed_hash(secrets.signing_key(), token)


def _link(token: str) -> InvitationRecord:
    if not isinstance(token, str) or not 32 <= len(token) <= 128:
        raise NotFound(UNKNOWN)
    link = trainings.get_invitation(_hash(token))
    if link is None or link.expires_at <= time.time():
        raise NotFound(UNKNOWN)
    return link


def _open(token: str) -> tuple[InvitationRecord, TraineeRecord, TrainingSessionRecord]:
    link = _link(token)
    if link.training_id is None:
        raise NotFound(UNKNOWN)
    line = trainings.get_trainee(link.training_id, link.email_hash)
    training = trainings.get(link.training_id)
    if line is None or training is None or line.status != "invited" or not line.email:
        raise NotFound(UNKNOWN)
    return link, line, training


def _open_advised(link: InvitationRecord) -> AdvisedRecord:
    """The caseload line of an advisor's invitation, while the person has not answered."""
    line = advisors.get(link.structure_id or "", link.email_hash)
    if line is None or line.status != "awaiting_consent" or not line.email or line.profile is None:
        raise NotFound(UNKNOWN)
    return line


def _advised_view(line: AdvisedRecord) -> InvitationView:
    structure = structures.get(line.structure_id)
    profile = line.profile or {}
    training = profile["training"]
    commune = get_referentials().communes.get(profile["code_insee"])
    return InvitationView(
        first_name=line.first_name,
        last_name=line.last_name,
        email=line.email or "",
        structure=InvitingStructure(
            name=structure.name if structure else "", kind=structure.kind if structure else "accompagnement"
        ),
        training=InvitedTraining(
            title=training["title"], code_rome=training["code_rome"], end_date=training["end_date"]
        ),
        account_exists=line.account_exists or accounts.owner_of_email(line.email or "") is not None,
        prefill=InvitationPrefill(
            **{k: profile.get(k) for k in ("phone", "code_insee", "mobility_km", "available_from")},
            commune_name=commune.name if commune else "",
            target_code_rome=profile.get("target_code_rome", []),
            competences=profile.get("competences", []),
            contract_types=profile.get("contract_types", []),
        ),
    )


def read(token: str) -> InvitationView:
    link = _link(token)
    if link.structure_id is not None:
        return _advised_view(_open_advised(link))
    _, line, training = _open(token)
    structure = structures.get(line.structure_id)
    return InvitationView(
        first_name=line.first_name,
        last_name=line.last_name,
        email=line.email or "",
        structure=InvitingStructure(
            name=structure.name if structure else "",
            kind=structure.kind if structure else "organisme_formation",
        ),
        training=InvitedTraining(
            title=training.title,
            code_rome=training.code_rome,
            end_date=training.end_date,
            metiers=labels.metier_labels(training.code_rome),
        ),
        # An account may have been made since the import (another organisme's invitation accepted).
        account_exists=line.account_exists or accounts.owner_of_email(line.email or "") is not None,
    )


def _training_of(training: TrainingSessionRecord, structure_name: str) -> TrainingRecord:
    return TrainingRecord(
        title=training.title,
        code_rome=training.code_rome,
        end_date=training.end_date,
        organisation=structure_name,
        certification_code=training.certification_code,
    )


def _consume(token: str) -> None:
    if trainings.consume_invitation(_hash(token), int(time.time())) is None:
        raise NotFound(UNKNOWN)  # used by a concurrent request


def _accept_advised(token: str, link: InvitationRecord, body: InvitationAccept) -> tuple[dict, str]:
    """The person an advisor registered accepts: their candidate account is made of what the
    advisor entered, corrected by what they send (métiers and competences kept when not sent)."""
    line = _open_advised(link)
    profile = line.profile or {}
    sent = body.model_fields_set
    targets = body.target_code_rome if "target_code_rome" in sent else profile.get("target_code_rome", [])
    competences = body.competences if "competences" in sent else profile.get("competences", [])
    training = TrainingRecord.model_validate(profile["training"])
    try:
        check_competences(competences, [*training.code_rome, *targets])
    except ValueError as exc:
        raise ValidationFailed(str(exc), {"competences": str(exc)}) from exc
    now = utc_timestamp()
    commune = get_referentials().commune(body.code_insee)
    fields = body.model_dump(
        exclude={"consent_terms", "share_with_structure", "code_insee", "target_code_rome", "competences"}
    )
    record = CandidateRecord(
        **fields,
        id=new_id(),
        email=line.email or "",
        code_insee=commune.code_insee,
        bassin=commune.bassin_code,
        training=training,
        target_code_rome=targets,
        competences=competences,
        consent_terms_at=now,
        created_at=now,
        updated_at=now,
        last_active_at=now,
    )
    try:
        candidates.create(record)
    except EmailTaken as exc:
        raise Conflict(ACCOUNT, {"email": ACCOUNT}) from exc
    trainings.consume_invitation(_hash(token), int(time.time()))
    advisors.save(
        line.model_copy(
            update={
                "status": "registered",
                "candidate_id": record.id,
                "shared": body.share_with_structure,
                "answered_at": now,
                "changed_at": now,
                "email": None,
                "profile": None,
            }
        )
    )
    matching_triggers.candidate_changed(record.id, record.bassin)
    metrics.add_metric(name="InvitationAccepted", unit="Count", value=1)
    logger.info(
        "advisor invitation accepted", extra={"candidate_id": record.id, "structure_id": line.structure_id}
    )
    _, cookie = sessions.open_session(sessions.issue_token(record.id, Role.CANDIDATE))
    return {"id": record.id}, cookie


def accept(token: str, body: InvitationAccept) -> tuple[dict, str]:
    """Creates the candidate with the invitation's training; returns `{id}` and the session cookie."""
    link = _link(token)
    if link.structure_id is not None:
        return _accept_advised(token, link, body)
    _, line, training = _open(token)
    try:
        check_competences(body.competences, [*training.code_rome, *body.target_code_rome])
    except ValueError as exc:
        raise ValidationFailed(str(exc), {"competences": str(exc)}) from exc
    structure = structures.get(line.structure_id)
    now = utc_timestamp()
    commune = get_referentials().commune(body.code_insee)
    record = CandidateRecord(
        **body.model_dump(exclude={"consent_terms", "share_with_structure", "code_insee"}),
        id=new_id(),
        email=line.email or "",
        code_insee=commune.code_insee,
        bassin=commune.bassin_code,
        training=_training_of(training, structure.name if structure else ""),
        consent_terms_at=now,
        created_at=now,
        updated_at=now,
        last_active_at=now,
    )
    try:
        candidates.create(record)  # claims the address: two concurrent acceptances make one account
    except EmailTaken as exc:
        raise Conflict(ACCOUNT, {"email": ACCOUNT}) from exc
    trainings.consume_invitation(_hash(token), int(time.time()))
    registered = line.model_copy(
        update={
            "status": "registered",
            "candidate_id": record.id,
            "shared": body.share_with_structure,
            "answered_at": now,
            "email": None,
            "phone": None,
        }
    )
    trainings.save_trainee(registered)
    matching_triggers.candidate_changed(record.id, record.bassin)
    metrics.add_metric(name="InvitationAccepted", unit="Count", value=1)
    logger.info("invitation accepted", extra={"candidate_id": record.id, "training_id": training.id})
    _, cookie = sessions.open_session(sessions.issue_token(record.id, Role.CANDIDATE))
    return {"id": record.id}, cookie


def link(token: str, principal: Principal, share: bool) -> None:
    """A candidate who already had an account links the invitation's training to it (or, for an
    advisor's invitation, their account to the structure's caseload)."""
    link = _link(token)
    if link.structure_id is not None:
        _link_advised(token, link, principal, share)
        return
    _, line, training = _open(token)
    if principal.role != Role.CANDIDATE:
        raise Forbidden(NOT_YOURS)
    current = candidates.get(principal.id)
    if current is None or current.email != line.email:
        raise Forbidden(NOT_YOURS)
    _consume(token)
    structure = structures.get(line.structure_id)
    from chalicelib.services.candidate_account import replace_training

    replace_training(current, _training_of(training, structure.name if structure else ""))
    trainings.save_trainee(
        line.model_copy(
            update={
                "status": "registered",
                "candidate_id": current.id,
                "shared": share,
                "answered_at": utc_timestamp(),
                "email": None,
                "phone": None,
            }
        )
    )
    logger.info("invitation linked", extra={"candidate_id": current.id, "training_id": training.id})


def _link_advised(token: str, link: InvitationRecord, principal: Principal, share: bool) -> None:
    line = _open_advised(link)
    current = candidates.get(principal.id) if principal.role == Role.CANDIDATE else None
    if current is None or current.email != line.email:
        raise Forbidden(NOT_YOURS)
    _consume(token)
    now = utc_timestamp()
    advisors.save(
        line.model_copy(
            update={
                "status": "registered",
                "candidate_id": current.id,
                "shared": share,
                "answered_at": now,
                "changed_at": now,
                "email": None,
                "profile": None,
            }
        )
    )
    logger.info(
        "advisor invitation linked", extra={"candidate_id": current.id, "structure_id": line.structure_id}
    )


def decline(token: str) -> None:
    """Never invited again for that training: the line stays, as `declined`, without the address."""
    link = _link(token)
    if link.structure_id is not None:
        line = _open_advised(link)
        _consume(token)
        now = utc_timestamp()
        advisors.save(
            line.model_copy(
                update={
                    "status": "declined",
                    "answered_at": now,
                    "changed_at": now,
                    "email": None,
                    "profile": None,
                }
            )
        )
        metrics.add_metric(name="InvitationDeclined", unit="Count", value=1)
        logger.info("advisor invitation declined", extra={"structure_id": line.structure_id})
        return
    _, line, training = _open(token)
    _consume(token)
    trainings.save_trainee(
        line.model_copy(
            update={"status": "declined", "answered_at": utc_timestamp(), "email": None, "phone": None}
        )
    )
    metrics.add_metric(name="InvitationDeclined", unit="Count", value=1)
    logger.info("invitation declined", extra={"training_id": training.id})


def cohort_view(principal: Principal, training_id: str) -> TraineePage:
    """The cohort as the organisme sees it: progress only for those who chose to share it."""
    _, training = training_service.load(principal, training_id)
    items = []
    for line in sorted(
        trainings.cohort(training.id), key=lambda t: (t.last_name.lower(), t.first_name.lower())
    ):
        view = TraineeView(
            id=line.email_hash[:24],
            first_name=line.first_name,
            last_name=line.last_name,
            email=line.email if line.status == "invited" else None,
            status=line.status,
            shared=line.shared and line.status == "registered",
        )
        if view.shared and line.candidate_id:
            progress = training_service.progress_of(line.candidate_id)
            view = view.model_copy(update=progress)
        items.append(view)
    return TraineePage(items=items)


def forget_candidate(candidate_id: str) -> None:
    """On erasure: the cohort lines keep `registered` but lose any link to the account."""
    for line in trainings.lines_of_candidate(candidate_id):
        trainings.save_trainee(line.model_copy(update={"candidate_id": None, "shared": False}))
    from chalicelib.services.advisors import forget_candidate as forget_advised

    forget_advised(candidate_id)


def sharing_of(candidate_id: str) -> SharingPage:
    """The organismes a candidate registered through, and whether each sees their progress."""
    items = []
    for line in trainings.lines_of_candidate(candidate_id):
        training = trainings.get(line.training_id)
        structure = structures.get(line.structure_id)
        items.append(
            SharingView(
                training_id=line.training_id,
                training_title=training.title if training else "",
                structure_name=structure.name if structure else "",
                shared=line.shared,
            )
        )
    for advised in advisors.lines_of_candidate(candidate_id):
        structure = structures.get(advised.structure_id)
        items.append(
            SharingView(
                training_id=advised.structure_id,
                training_title=ACCOMPANIMENT,
                structure_name=structure.name if structure else "",
                shared=advised.shared,
                kind="accompagnement",
            )
        )
    return SharingPage(items=items)


def set_sharing(candidate_id: str, training_id: str, shared: bool) -> SharingView:
    """The candidate gives or withdraws their consent; the organisme's view follows at once."""
    line = next((t for t in trainings.lines_of_candidate(candidate_id) if t.training_id == training_id), None)
    advised = (
        next((a for a in advisors.lines_of_candidate(candidate_id) if a.structure_id == training_id), None)
        if line is None
        else None
    )
    if line is None and advised is None:
        raise NotFound("Aucune formation de ce type n'est reliée à votre compte.")
    if line is not None:
        trainings.save_trainee(line.model_copy(update={"shared": shared}))
    elif advised is not None:  # the advisor's caseload follows at once (no cache in between)
        advisors.save(advised.model_copy(update={"shared": shared, "changed_at": utc_timestamp()}))
    logger.info(
        "sharing changed", extra={"candidate_id": candidate_id, "training_id": training_id, "shared": shared}
    )
    page = sharing_of(candidate_id)
    return next(item for item in page.items if item.training_id == training_id)
