"""Use case: an organisme invites a training's cohort from its spreadsheet (or JSON rows).

The dry run reports every wrong line (line number, field, French message) and every duplicate,
storing and sending nothing. The import invites each valid row once per training (the cohort
line is claimed with a conditional write: the same file twice, even concurrently, invites nobody
twice), never an invalid one; an address that already has an account gets a "link this training"
e-mail instead of a second account. docs/structures.md."""

from __future__ import annotations

import time

from pydantic import ValidationError

from chalicelib.context import Principal, Role
from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.cohort_file import CohortFileError, read_rows
from chalicelib.domain.identity import keyed_hash, new_token
from chalicelib.errors import PayloadTooLarge, ValidationFailed
from chalicelib.gateways import outbox, secrets
from chalicelib.observability import logger, metrics
from chalicelib.repositories import accounts, trainings
from chalicelib.schemas.trainings import (
    DryRunReport,
    DuplicateLine,
    ImportReport,
    LineError,
    TraineeImport,
    TraineeRow,
    ValidTrainee,
)
from chalicelib.schemas.trainings_store import InvitationRecord, TraineeRecord
from chalicelib.schemas.validation import french_message
from chalicelib.services import trainings as training_service

INVITATION_TTL_S = 30 * 24 * 3600
REQUIRED = "Ce champ est obligatoire."
PHONE = "Numéro de téléphone français attendu : 10 chiffres commençant par 0, ou +33."


def email_hash(email: str) -> str:
    return keyed_hash(secrets.signing_key(), f"trainee:{email}")


def _row_errors(line: int, exc: ValidationError) -> list[LineError]:
    found: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        field = str(error["loc"][0]) if error["loc"] else "ligne"
        if field == "phone":
            message = PHONE
        elif error["type"] in ("missing", "string_too_short") or (
            error["type"] == "value_error" and "obligatoire" in str(error.get("msg", ""))
        ):
            message = REQUIRED
        else:
            message = french_message(error)
        found.setdefault(field, message)
    return [LineError(line=line, field=f, message=m) for f, m in found.items()]


def parse(raw: bytes, content_type: str) -> DryRunReport:
    """The report of a body (CSV file or JSON rows); a file that cannot be read → 400 or 413."""
    if "json" in content_type:
        rows = _json_rows(raw)
    else:
        try:
            file_rows, _ = read_rows(raw)
        except CohortFileError as exc:
            if "volumineux" in exc.message:
                raise PayloadTooLarge(exc.message) from exc
            raise ValidationFailed(exc.message, {exc.field: exc.message}) from exc
        rows = [(r.line, r.values) for r in file_rows]
    invalid: list[LineError] = []
    duplicates: list[DuplicateLine] = []
    valid: list[ValidTrainee] = []
    seen: set[str] = set()
    for line, values in rows:
        try:
            row = TraineeRow.model_validate({k: v for k, v in values.items() if k != "line"})
        except ValidationError as exc:
            invalid += _row_errors(line, exc)
            continue
        if row.email in seen:
            duplicates.append(DuplicateLine(line=line, email=row.email))
            continue
        seen.add(row.email)
        valid.append(ValidTrainee(line=line, **row.model_dump(exclude={"line"})))
    return DryRunReport(
        rows=len(rows), valid=len(valid), invalid=invalid, duplicates=duplicates, trainees=valid
    )


def _json_rows(raw: bytes) -> list[tuple[int, dict]]:
    import json

    if len(raw) > 512 * 1024:
        raise PayloadTooLarge()
    try:
        body = TraineeImport.model_validate(json.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, ValueError) as exc:
        from chalicelib.schemas.validation import to_validation_failed

        if isinstance(exc, ValidationError):
            raise to_validation_failed(exc) from exc
        raise ValidationFailed(
            "Le corps de la requête n'est pas un JSON valide.", {"body": "JSON invalide."}
        ) from exc
    rows = []
    for index, values in enumerate(body.trainees):
        line = values.get("line")
        rows.append((line if isinstance(line, int) and not isinstance(line, bool) else index + 1, values))
    return rows


def dry_run(principal: Principal, training_id: str, raw: bytes, content_type: str) -> DryRunReport:
    training_service.load(principal, training_id)
    return parse(raw, content_type)


WORKERS = 16  # rows written and e-mailed in parallel: a 500-row file stays well within a request's time


def invite(principal: Principal, training_id: str, raw: bytes, content_type: str) -> ImportReport:
    caller, training = training_service.load(principal, training_id)
    report = parse(raw, content_type)
    hashes = {row.email: email_hash(row.email) for row in report.trainees}
    known = trainings.existing_trainees(training.id, list(hashes.values()))  # lines invited before
    fresh = [row for row in report.trainees if hashes[row.email] not in known]
    roles = accounts.roles_of_emails([row.email for row in fresh])
    now, stamp = int(time.time()), utc_timestamp()

    def one(row) -> str:
        """Claims the row's cohort line and e-mails the invitation: "invited", "linked" or "already"."""
        token = new_token()
        line = TraineeRecord(
            training_id=training.id,
            structure_id=caller.structure.id,
            email_hash=hashes[row.email],
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            phone=row.phone,
            account_exists=row.email in roles,
            invited_at=stamp,
        )
        link = InvitationRecord(
            token_hash=keyed_hash(secrets.signing_key(), token),
            training_id=training.id,
            email_hash=line.email_hash,
            expires_at=now + INVITATION_TTL_S,
        )
        if not trainings.invite(line, link):  # a concurrent import claimed it first
            return "already"
        if line.account_exists:
            if roles[row.email] == Role.CANDIDATE:
                _send(
                    row.email,
                    "invitation_existing_account",
                    structure_name=caller.structure.name,
                    training_title=training.title,
                    token=token,
                )
            return "linked"
        _send(
            row.email,
            "invitation",
            first_name=row.first_name,
            structure_name=caller.structure.name,
            training_title=training.title,
            token=token,
        )
        return "invited"

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = list(pool.map(one, fresh))
    invited, linked = outcomes.count("invited"), outcomes.count("linked")
    already_invited = len(report.trainees) - len(fresh) + outcomes.count("already")
    metrics.add_metric(name="TraineesInvited", unit="Count", value=invited)
    logger.info(
        "cohort imported",
        extra={"training_id": training.id, "invited": invited, "already": already_invited, "linked": linked},
    )
    return ImportReport(
        invited=invited,
        already_invited=already_invited,
        already_registered=linked,
        invalid=report.invalid,
        duplicates=report.duplicates,
    )


def _send(to: str, template: str, **data: str) -> None:
    # The line is claimed whatever happens to the e-mail: a retry must not invite twice. Queued on
    # the outbox (chalicelib/gateways/outbox.py): a send SES refuses is retried there, and the import
    # does not wait for SES once per trainee.
    try:
        outbox.email(to, template, **data)
    except Exception:
        logger.exception("invitation e-mail not queued")
