"""Trainings, their cohort lines and invitation links (docs/structures.md, patterns T1–T5, I1–I3).

Training: PK=TRAINING#<id>, SK=TRAINING, GSI1 STRUCT#<sid>#TRAININGS / <start>#<id>, GSI3 TRAININGS.
Cohort line: PK=TRAINING#<id>, SK=TRAINEE#<hmac(address)>: claimed with attribute_not_exists, so
an address is invited once per training whatever the number of (concurrent) imports.
Invitation: PK=INVITE#<hmac(token)>, SK=INVITE, written in the same transaction as its line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.schemas.trainings_store import (
    AdvisedRecord,
    InvitationRecord,
    TraineeRecord,
    TrainingSessionRecord,
)

INVITATION_GRACE_S = 24 * 3600  # TTL after expiry: the link answers 404 from `expires_at` anyway


def training_item(record: TrainingSessionRecord) -> dict[str, Any]:
    return {
        **keys.training(record.id),
        "kind": "training",
        **record.model_dump(mode="json", exclude_none=True),
        "GSI1PK": keys.structure_trainings_gsi1(record.structure_id),
        "GSI1SK": keys.training_sort(record.start_date.isoformat(), record.id),
        "GSI3PK": keys.TRAININGS_GSI3,
        "GSI3SK": f"{record.created_at}#{record.id}",
    }


def _training(item: dict[str, Any]) -> TrainingSessionRecord:
    return TrainingSessionRecord.model_validate(db.plain(item))


def create(record: TrainingSessionRecord) -> None:
    db.put_new(training_item(record))


def get(training_id: str) -> TrainingSessionRecord | None:
    item = data_table().get_item(Key=keys.training(training_id), ConsistentRead=True).get("Item")
    return _training(item) if item and item.get("kind") == "training" else None


def save(record: TrainingSessionRecord, expected_version: int) -> None:
    db.put_versioned(training_item(record), expected_version)


def list_by_structure(structure_id: str) -> list[TrainingSessionRecord]:
    items = query_all(
        IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.structure_trainings_gsi1(structure_id))
    )
    return [_training(i) for i in items if i.get("kind") == "training"]


def list_all() -> list[TrainingSessionRecord]:
    """Every training of the région (staff exports)."""
    items = query_all(IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(keys.TRAININGS_GSI3))
    return [_training(i) for i in items if i.get("kind") == "training"]


# --- cohort lines ------------------------------------------------------------------------------------
def person_line_item(
    line_keys: dict[str, str],
    kind: str,
    record: TraineeRecord | AdvisedRecord,
    gsi1pk_of: Callable[[str], str],
    gsi1sk: str,
) -> dict[str, Any]:
    """A structure's line for one person (a cohort's trainee, an advisor's registration): once the
    person has an account it is found from them (GSI1), and while they share it counts in the staff
    figures by structure (sparse GSI3)."""
    item = {**line_keys, "kind": kind, **record.model_dump(mode="json", exclude_none=True)}
    if record.candidate_id:
        item["GSI1PK"] = gsi1pk_of(record.candidate_id)
        item["GSI1SK"] = gsi1sk
        if record.shared and record.status == "registered":  # the staff figures by structure
            item["GSI3PK"] = keys.SHARING_GSI3
            item["GSI3SK"] = keys.sharing_sort(record.candidate_id, record.structure_id)
    return item


def trainee_item(record: TraineeRecord) -> dict[str, Any]:
    return person_line_item(
        keys.trainee(record.training_id, record.email_hash),
        "trainee",
        record,
        keys.candidate_trainees_gsi1,
        keys.training_pk(record.training_id),
    )


def _trainee(item: dict[str, Any]) -> TraineeRecord:
    return TraineeRecord.model_validate(db.plain(item))


def cohort(training_id: str) -> list[TraineeRecord]:
    items = query_all(
        KeyConditionExpression=Key("PK").eq(keys.training_pk(training_id))
        & Key("SK").begins_with(keys.TRAINEE_PREFIX)
    )
    return [_trainee(i) for i in items]


def get_trainee(training_id: str, email_hash: str) -> TraineeRecord | None:
    item = data_table().get_item(Key=keys.trainee(training_id, email_hash), ConsistentRead=True).get("Item")
    return _trainee(item) if item else None


def invite(trainee: TraineeRecord, invitation: InvitationRecord) -> bool:
    """Claims the cohort line and stores its link, all or nothing; False if the line exists
    (invited, registered or declined before: nobody is invited twice)."""
    link = {
        **keys.invitation(invitation.token_hash),
        "kind": "invitation",
        **invitation.model_dump(mode="json"),
        "ttl": invitation.expires_at + INVITATION_GRACE_S,
    }
    return db.transact_write(
        {"Put": {"Item": trainee_item(trainee), "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Put": {"Item": link, "ConditionExpression": "attribute_not_exists(PK)"}},
    )


def existing_trainees(training_id: str, email_hashes: list[str]) -> set[str]:
    """The hashes among `email_hashes` that already have a line in the training (BatchGetItem by 100)."""
    items = db.batch_get(keys.trainee(training_id, h) for h in email_hashes)
    return {item["email_hash"] for item in items}


def save_trainee(record: TraineeRecord) -> None:
    data_table().put_item(Item=trainee_item(record))


def lines_of_candidate(candidate_id: str) -> list[TraineeRecord]:
    items = query_all(
        IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.candidate_trainees_gsi1(candidate_id))
    )
    return [_trainee(i) for i in items if i.get("kind") == "trainee"]


# --- invitation links ---------------------------------------------------------------------------------
def get_invitation(token_hash: str) -> InvitationRecord | None:
    item = data_table().get_item(Key=keys.invitation(token_hash), ConsistentRead=True).get("Item")
    return (
        InvitationRecord.model_validate(db.plain(item)) if item and item.get("kind") == "invitation" else None
    )


def consume_invitation(token_hash: str, now: int) -> InvitationRecord | None:
    """Delete-if-valid in one conditional write: two uses of one link cannot both win."""
    answer = db.conditional(
        data_table().delete_item,
        Key=keys.invitation(token_hash),
        ConditionExpression="attribute_exists(PK) AND expires_at > :now",
        ExpressionAttributeValues={":now": now},
        ReturnValues="ALL_OLD",
    )
    attributes = answer.get("Attributes") if answer is not None else None
    return InvitationRecord.model_validate(db.plain(attributes)) if attributes else None
