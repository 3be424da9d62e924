"""Structures and their members over the data table (docs/structures.md, patterns S1–S8).

Structure: PK=STRUCT#<id>, SK=PROFILE, `kind` "structure" (the record's kind is stored as
`structure_kind`), GSI1 = STRUCTS#<status> / <created>#<id> (the staff queue, oldest first).
A member is two items written and deleted together: STRUCT#<sid> / MEMBER#<id> (the list) and
MEMBER#<id> / MEMBER (who a caller is), plus the EMAIL#<address> claim every account has.
"""

from __future__ import annotations

from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table
from chalicelib.repositories.errors import EmailTaken, StaleVersion
from chalicelib.schemas.structures_store import MemberRecord, StructureRecord


class SiretTaken(Exception):
    """A structure of this kind already exists (or is being reviewed) for this SIRET."""


class StructureInactive(Exception):
    """The structure is not (or no longer) active."""


def structure_item(record: StructureRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude_none=True)
    data["structure_kind"] = data.pop("kind")
    return {
        **keys.structure(record.id),
        "kind": "structure",
        **data,
        "GSI1PK": keys.structures_by_status_gsi1(record.status),
        "GSI1SK": keys.structure_status_sort(record.created_at, record.id),
    }


def _structure(item: dict[str, Any]) -> StructureRecord:
    data = db.plain(item)
    data["kind"] = data.pop("structure_kind")
    return StructureRecord.model_validate(data)


def _member_items(member: MemberRecord) -> list[dict[str, Any]]:
    data = {"kind": "member", **member.model_dump(mode="json", exclude_none=True)}
    return [
        {**keys.structure_member(member.structure_id, member.id), **data},
        {**keys.member(member.id), **data},
    ]


def _claim(member: MemberRecord) -> dict[str, Any]:
    return {
        **keys.email(member.email),
        "owner_id": member.id,
        "role": member.role,
        "structure_id": member.structure_id,
    }


def _puts_new(*items: dict[str, Any]) -> list[dict]:
    return [{"Put": {"Item": item, "ConditionExpression": "attribute_not_exists(PK)"}} for item in items]


def _exists(key: dict[str, str]) -> bool:
    return "Item" in data_table().get_item(Key=key, ConsistentRead=True, ProjectionExpression="PK")


def create(record: StructureRecord, requester: MemberRecord) -> None:
    """The structure, its SIRET claim, its first member and their e-mail claim, all or nothing.
    Raises SiretTaken or EmailTaken (read after the refusal to say which)."""
    siret = {**keys.siret_claim(record.kind, record.siret), "structure_id": record.id}
    created = db.transact_write(
        *_puts_new(siret, structure_item(record), _claim(requester), *_member_items(requester))
    )
    if created:
        return
    if _exists(keys.siret_claim(record.kind, record.siret)):
        raise SiretTaken()
    raise EmailTaken()


def get(structure_id: str) -> StructureRecord | None:
    item = data_table().get_item(Key=keys.structure(structure_id), ConsistentRead=True).get("Item")
    return _structure(item) if item and item.get("kind") == "structure" else None


def with_members(structure_id: str) -> tuple[StructureRecord | None, list[MemberRecord]]:
    """The structure and its members, in one Query (oldest member first)."""
    items = list(db.query_all(KeyConditionExpression=Key("PK").eq(keys.structure_pk(structure_id))))
    found = [_structure(i) for i in items if i.get("kind") == "structure"]
    members = [MemberRecord.model_validate(db.plain(i)) for i in items if i.get("kind") == "member"]
    return (found[0] if found else None), sorted(members, key=lambda m: (m.created_at, m.id))


def list_by_status(
    status: str, limit: int, start_key: dict | None
) -> tuple[list[StructureRecord], dict | None]:
    kwargs: dict[str, Any] = {
        "IndexName": "GSI1",
        "KeyConditionExpression": Key("GSI1PK").eq(keys.structures_by_status_gsi1(status)),
        "Limit": limit,
    }
    if start_key:
        kwargs["ExclusiveStartKey"] = start_key
    page = data_table().query(**kwargs)
    records = [_structure(i) for i in page.get("Items", []) if i.get("kind") == "structure"]
    return records, page.get("LastEvaluatedKey")


def start_key_is_valid(status: str, start_key: Any) -> bool:
    return db.is_index_start_key(
        start_key,
        "GSI1",
        keys.structures_by_status_gsi1(status),
        pk_prefix=keys.STRUCTURE_PREFIX,
        sk=keys.PROFILE,
    )


def save_decision(record: StructureRecord, expected_version: int) -> None:
    """Writes the decided structure only while it is still pending at `expected_version`."""
    answer = db.conditional(
        data_table().put_item,
        Item=structure_item(record),
        ConditionExpression="attribute_exists(PK) AND version = :v AND #status = :pending",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":v": expected_version, ":pending": "pending"},
    )
    if answer is None:
        raise StaleVersion()


def release_claims(record: StructureRecord, members: list[MemberRecord]) -> None:
    """After a rejection: the SIRET and the members' addresses are free again; members go."""
    table = data_table()
    db.conditional(
        table.delete_item,
        Key=keys.siret_claim(record.kind, record.siret),
        ConditionExpression="structure_id = :sid",
        ExpressionAttributeValues={":sid": record.id},
    )
    for member in members:
        remove_member(member)


def get_member(member_id: str) -> MemberRecord | None:
    item = data_table().get_item(Key=keys.member(member_id), ConsistentRead=True).get("Item")
    return MemberRecord.model_validate(db.plain(item)) if item and item.get("kind") == "member" else None


def member_and_structure(member_id: str) -> tuple[MemberRecord | None, StructureRecord | None]:
    member = get_member(member_id)
    if member is None:
        return None, None
    return member, get(member.structure_id)


def add_member(member: MemberRecord) -> None:
    """The member's items and e-mail claim, only while the structure is active.
    Raises StructureInactive or EmailTaken."""
    check = {
        "ConditionCheck": {
            "Key": keys.structure(member.structure_id),
            "ConditionExpression": "#status = :active",
            "ExpressionAttributeNames": {"#status": "status"},
            "ExpressionAttributeValues": {":active": "active"},
        }
    }
    if db.transact_write(check, *_puts_new(_claim(member), *_member_items(member))):
        return
    structure = get(member.structure_id)
    if structure is None or structure.status != "active":
        raise StructureInactive()
    raise EmailTaken()


def remove_member(member: MemberRecord) -> None:
    """The member's two items and their e-mail claim (if still theirs). Sessions: repositories/auth."""
    table = data_table()
    for item in _member_items(member):
        table.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})
    db.conditional(
        table.delete_item,
        Key=keys.email(member.email),
        ConditionExpression="owner_id = :owner",
        ExpressionAttributeValues={":owner": member.id},
    )


def list_all() -> list[StructureRecord]:
    """Every structure, whatever its status (staff exports)."""
    found: list[StructureRecord] = []
    for status in ("pending", "active", "rejected"):
        items = db.query_all(
            IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.structures_by_status_gsi1(status))
        )
        found += [_structure(i) for i in items if i.get("kind") == "structure"]
    return found


def list_active() -> list[StructureRecord]:
    """The active structures (the advisors' daily digest)."""
    items = db.query_all(
        IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.structures_by_status_gsi1("active"))
    )
    return [_structure(i) for i in items if i.get("kind") == "structure"]


def save_member(member: MemberRecord) -> bool:
    """Rewrites both items of a member (a preference), only while the member exists: a colleague
    removing them at the same time is never undone. False if they were removed."""
    return db.transact_write(
        *(
            {"Put": {"Item": item, "ConditionExpression": "attribute_exists(PK)"}}
            for item in _member_items(member)
        )
    )
