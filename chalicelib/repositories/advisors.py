"""Advisors' caseloads (docs/structures.md, "Advisors", patterns A1–A6).

Line: PK=CASELOAD#<sid>, SK=PERSON#<hmac(address)>, claimed with attribute_not_exists in the
transaction that stores its invitation link (INVITE#<hmac(token)>): one registration per
structure and address, one e-mail. Once the person accepted: GSI1 CAND#<id>#ADVISED / STRUCT#<sid>.
"""

from __future__ import annotations

from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.repositories.trainings import INVITATION_GRACE_S, person_line_item
from chalicelib.schemas.trainings_store import AdvisedRecord, InvitationRecord


def line_item(record: AdvisedRecord) -> dict[str, Any]:
    return person_line_item(
        keys.advised(record.structure_id, record.email_hash),
        "advised",
        record,
        keys.candidate_advised_gsi1,
        keys.structure_pk(record.structure_id),
    )


def _line(item: dict[str, Any]) -> AdvisedRecord:
    return AdvisedRecord.model_validate(db.plain(item))


def register(line: AdvisedRecord, invitation: InvitationRecord) -> bool:
    """Claims the line and stores its link, all or nothing; False if the structure already
    registered this address (whatever its answer)."""
    link = {
        **keys.invitation(invitation.token_hash),
        "kind": "invitation",
        **invitation.model_dump(mode="json", exclude_none=True),
        "ttl": invitation.expires_at + INVITATION_GRACE_S,
    }
    return db.transact_write(
        {"Put": {"Item": line_item(line), "ConditionExpression": "attribute_not_exists(PK)"}},
        {"Put": {"Item": link, "ConditionExpression": "attribute_not_exists(PK)"}},
    )


def get(structure_id: str, email_hash: str) -> AdvisedRecord | None:
    item = data_table().get_item(Key=keys.advised(structure_id, email_hash), ConsistentRead=True).get("Item")
    return _line(item) if item and item.get("kind") == "advised" else None


def find(structure_id: str, person_id: str) -> AdvisedRecord | None:
    """The line whose id (the hash's first 24 characters) is `person_id`, in that structure only."""
    items = query_all(
        KeyConditionExpression=Key("PK").eq(keys.caseload_pk(structure_id))
        & Key("SK").begins_with(f"{keys.PERSON_PREFIX}{person_id}")
    )
    found = [_line(i) for i in items if i.get("kind") == "advised"]
    return found[0] if len(found) == 1 else None


def caseload(structure_id: str) -> list[AdvisedRecord]:
    items = query_all(
        KeyConditionExpression=Key("PK").eq(keys.caseload_pk(structure_id))
        & Key("SK").begins_with(keys.PERSON_PREFIX)
    )
    return [_line(i) for i in items if i.get("kind") == "advised"]


def save(record: AdvisedRecord) -> None:
    data_table().put_item(Item=line_item(record))


def lines_of_candidate(candidate_id: str) -> list[AdvisedRecord]:
    items = query_all(
        IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.candidate_advised_gsi1(candidate_id))
    )
    return [_line(i) for i in items if i.get("kind") == "advised"]
