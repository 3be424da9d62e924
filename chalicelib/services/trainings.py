"""Use cases of an organisme's trainings: declare, list with cohort counts, read, update.

Every call starts with the caller's structure (`structure_members.current`); a training of
another structure answers 404, like one that does not exist."""

from __future__ import annotations

from chalicelib.context import Principal, Role
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.observability import logger, metrics
from chalicelib.repositories import matches, trainings
from chalicelib.repositories.errors import StaleVersion
from chalicelib.schemas.trainings import (
    END_BEFORE_START,
    TrainingCounts,
    TrainingCreate,
    TrainingPage,
    TrainingUpdate,
    TrainingView,
)
from chalicelib.schemas.trainings_store import TraineeRecord, TrainingSessionRecord
from chalicelib.services import labels, structure_members
from chalicelib.services.idempotency import run_idempotent

UNKNOWN = "Formation introuvable."
ONLY_ORGANISMES = "Seuls les organismes de formation déclarent des formations."
UNKNOWN_CERTIFICATION = "Certification inconnue : choisissez-la dans le catalogue."
NO_CODES = "Indiquez au moins un code ROME (la certification choisie n'en a pas)."
STALE = "Cette formation a été modifiée entre-temps : rechargez-la avant de l'enregistrer."


def _organisme(principal: Principal) -> structure_members.Caller:
    caller = structure_members.current(principal)
    if caller.member.role != Role.TRAINER:
        raise Forbidden(ONLY_ORGANISMES)
    return caller


def load(principal: Principal, training_id: str) -> tuple[structure_members.Caller, TrainingSessionRecord]:
    caller = _organisme(principal)
    record = trainings.get(training_id)
    if record is None or record.structure_id != caller.structure.id:
        raise NotFound(UNKNOWN)
    return caller, record


def find_certification(code: str):
    # Imported on use: the catalogue module (and its data) stays out of the other routes' cold start.
    from chalicelib.domain.certifications import find_certification as find

    return find(code)


def _certification_codes(code: str | None, code_rome: list[str] | None) -> tuple[str | None, list[str]]:
    if code is None:
        if not code_rome:
            raise ValidationFailed(
                NO_CODES, {"code_rome": "Indiquez la certification ou au moins un code ROME."}
            )
        return None, code_rome
    certification = find_certification(code)
    if certification is None:
        raise ValidationFailed(UNKNOWN_CERTIFICATION, {"certification_code": UNKNOWN_CERTIFICATION})
    codes = code_rome or [c for c in certification.code_rome if c in get_referentials().metiers]
    if not codes:
        raise ValidationFailed(NO_CODES, {"code_rome": NO_CODES})
    return certification.code, codes


def counts_of(cohort: list[TraineeRecord]) -> TrainingCounts:
    counts = TrainingCounts()
    for line in cohort:
        setattr(counts, line.status, getattr(counts, line.status) + 1)
        if line.status == "registered" and line.shared and line.candidate_id:
            progress = progress_of(line.candidate_id)
            counts.matched += progress["matched"]
            counts.interested += progress["interested"]
            counts.hired += progress["hired"]
    return counts


def progress_of(candidate_id: str) -> dict[str, int]:
    """Matched / interested / hired of a trainee who shares their progress (pattern 6)."""
    pairs = matches.for_candidate(candidate_id)
    return {
        "matched": sum(1 for p in pairs if p.match is not None),
        "interested": sum(1 for p in pairs if p.interest == "interested"),
        "hired": sum(1 for p in pairs if p.status == "hired"),
    }


def view(record: TrainingSessionRecord, counts: TrainingCounts) -> TrainingView:
    certification = find_certification(record.certification_code) if record.certification_code else None
    return TrainingView(
        **record.model_dump(exclude={"structure_id", "bassin", "created_at", "updated_at"}),
        certification_title=certification.title if certification else None,
        metiers=labels.metier_labels(record.code_rome),
        **labels.place(record.code_insee, record.bassin),
        counts=counts,
    )


def create(principal: Principal, body: TrainingCreate, idempotency_key: str | None) -> dict:
    caller = _organisme(principal)

    def declare() -> dict:
        code, codes = _certification_codes(body.certification_code, body.code_rome)
        commune = get_referentials().commune(body.code_insee)
        now = utc_timestamp()
        record = TrainingSessionRecord(
            **body.model_dump(exclude={"certification_code", "code_rome", "code_insee"}),
            id=new_id(),
            structure_id=caller.structure.id,
            certification_code=code,
            code_rome=codes,
            code_insee=commune.code_insee,
            bassin=commune.bassin_code,
            created_at=now,
            updated_at=now,
        )
        trainings.create(record)
        metrics.add_metric(name="TrainingDeclared", unit="Count", value=1)
        logger.info(
            "training declared", extra={"training_id": record.id, "structure_id": record.structure_id}
        )
        return {"id": record.id}

    scope = f"POST /trainings {caller.structure.id}"
    return run_idempotent(scope, idempotency_key, body.model_dump(mode="json"), declare)


def list_own(principal: Principal) -> TrainingPage:
    caller = _organisme(principal)
    records = sorted(trainings.list_by_structure(caller.structure.id), key=lambda r: (r.start_date, r.id))
    return TrainingPage(items=[view(r, counts_of(trainings.cohort(r.id))) for r in records])


def get(principal: Principal, training_id: str) -> TrainingView:
    _, record = load(principal, training_id)
    return view(record, counts_of(trainings.cohort(record.id)))


def update(
    principal: Principal, training_id: str, changes: TrainingUpdate, expected_version: int
) -> TrainingView:
    _, current = load(principal, training_id)
    updates = changes.changes()
    if "certification_code" in updates or "code_rome" in updates:
        code = updates.get("certification_code", current.certification_code)
        codes = updates.get("code_rome") or (None if "certification_code" in updates else current.code_rome)
        updates["certification_code"], updates["code_rome"] = _certification_codes(code, codes)
    if "code_insee" in updates:
        updates["bassin"] = get_referentials().commune(updates["code_insee"]).bassin_code
    merged = {**current.model_dump(), **updates}
    if merged["end_date"] < merged["start_date"]:
        raise ValidationFailed(END_BEFORE_START, {"end_date": END_BEFORE_START})
    updated = TrainingSessionRecord.model_validate(
        {**merged, "version": expected_version + 1, "updated_at": utc_timestamp()}
    )
    try:
        trainings.save(updated, expected_version)
    except StaleVersion as exc:
        raise Conflict(STALE, {"If-Match": "Version périmée : rechargez la formation."}) from exc
    return view(updated, counts_of(trainings.cohort(updated.id)))
