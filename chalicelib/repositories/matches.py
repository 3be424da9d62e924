"""Matches (engine output) and interactions (interest, outcomes) over the data table.

Offer side: Query PK=OFFER#<id>. Candidate side: Query GSI1 GSI1PK=CAND#<id> (inverted index,
matches sorted best first by GSI1SK). Never a Scan.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.schemas.matches_store import InteractionRecord, MatchPair, MatchRecord


def match_item(record: MatchRecord) -> dict[str, Any]:
    data = record.model_dump()
    data["distance_km"] = Decimal(str(round(record.distance_km, 1)))
    return {
        **keys.match(record.offer_id, record.candidate_id),
        "GSI1PK": keys.candidate_matches_gsi1(record.candidate_id),
        "GSI1SK": keys.candidate_match_sort(record.score, record.offer_id),
        "kind": "match",
        **data,
    }


def _join(items: Iterable[dict]) -> list[MatchPair]:
    views: dict[tuple[str, str], MatchPair] = {}
    for raw in items:
        item = db.plain(raw)
        if item.get("kind") not in ("match", "interaction"):
            continue  # PK=OFFER#<id> also holds the offer item itself
        pair = (item["offer_id"], item["candidate_id"])
        view = views.setdefault(pair, MatchPair(offer_id=pair[0], candidate_id=pair[1]))
        if item.get("kind") == "match":
            view.match = MatchRecord.model_validate(item)
        elif item.get("kind") == "interaction":
            view.interaction = InteractionRecord.model_validate(item)
    return sorted(views.values(), key=lambda v: (-v.score, v.offer_id, v.candidate_id))


def for_offer(offer_id: str) -> list[MatchPair]:
    """Every match and interaction of one offer, best score first."""
    return _join(query_all(KeyConditionExpression=Key("PK").eq(keys.offer_pk(offer_id))))


def for_candidate(candidate_id: str) -> list[MatchPair]:
    """Every match and interaction of one candidate, best score first (inverted index GSI1)."""
    return _join(
        query_all(
            IndexName="GSI1",
            KeyConditionExpression=Key("GSI1PK").eq(keys.candidate_matches_gsi1(candidate_id)),
        )
    )


def get(offer_id: str, candidate_id: str) -> MatchPair | None:
    table = data_table()
    match = table.get_item(Key=keys.match(offer_id, candidate_id), ConsistentRead=True).get("Item")
    act = table.get_item(Key=keys.interaction(offer_id, candidate_id), ConsistentRead=True).get("Item")
    views = _join([i for i in (match, act) if i])
    return views[0] if views else None


OUTCOME_DETAILS = ("reason", "comment", "hired_contract_type", "hired_start_date")


def _update_interaction(
    offer_id: str,
    candidate_id: str,
    employer_id: str,
    bassin: str,
    sets: dict,
    awaiting=None,
    condition: str | None = None,
    **extra,
) -> bool:
    """Answers False only when `condition` was refused.
    `awaiting`: a day (YYYY-MM-DD) puts the pair in the sparse "waiting for the employer" index
    (GSI3 AWAITING#<day>, read by the reminder job); False takes it out; None leaves it."""
    names = {f"#{k}": k for k in sets}
    values = {f":{k}": v for k, v in sets.items()}
    expression = ", ".join(f"#{k} = :{k}" for k in sets)
    expression += ", kind = :kind, offer_id = :oid, candidate_id = :cid, employer_id = :eid, bassin = :bassin"
    expression += ", GSI1PK = :g1pk, GSI1SK = :g1sk"
    values.update(
        {
            ":kind": "interaction",
            ":oid": offer_id,
            ":cid": candidate_id,
            ":eid": employer_id,
            ":bassin": bassin,
            ":g1pk": keys.candidate_matches_gsi1(candidate_id),
            ":g1sk": keys.candidate_interaction_sort(offer_id),
        }
    )
    if bassin:  # staff figures and exports read the interactions of a bassin (GSI2 #ACT)
        expression += ", GSI2PK = :g2pk, GSI2SK = :g2sk"
        values[":g2pk"] = keys.bassin_interactions_gsi2(bassin)
        values[":g2sk"] = keys.bassin_interaction_sort(offer_id, candidate_id)
    if awaiting:
        expression += ", GSI3PK = :g3pk, GSI3SK = :g3sk"
        values[":g3pk"] = keys.awaiting_answer_gsi3(awaiting)
        values[":g3sk"] = keys.awaiting_answer_sort(offer_id, candidate_id)
    update = "SET " + expression
    update_remove = " REMOVE GSI3PK, GSI3SK" if awaiting is False else ""
    if extra.get("append_history"):
        update += ", history = list_append(if_not_exists(history, :empty), :event)"
        values[":empty"] = []
        values[":event"] = [extra["append_history"]]
    request: dict[str, Any] = {
        "Key": keys.interaction(offer_id, candidate_id),
        "UpdateExpression": update + update_remove,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
    }
    if condition:
        request["ConditionExpression"] = condition
        values[":nothing"] = None
        return db.conditional(data_table().update_item, **request) is not None
    data_table().update_item(**request)
    return True


def set_interest(view: MatchPair, interested: bool, now: str) -> None:
    if view.match is None:
        raise ValueError("interest is said about a proposed match only")
    interest = "interested" if interested else "not_interested"
    m = view.match
    answered = view.interaction is not None and view.interaction.status is not None
    awaiting = now[:10] if interested and not answered else False
    _update_interaction(
        m.offer_id,
        m.candidate_id,
        m.employer_id,
        m.bassin,
        {"interest": interest, "interest_at": now},
        awaiting=awaiting,
    )


def set_outcome(
    view: MatchPair, status: str, now: str, details: dict[str, Any] | None = None, only_if_unanswered=False
) -> bool:
    """Records the status with its details (reason, comment, hired_*; the others are cleared).
    `only_if_unanswered`: the write happens only while no status is stored (the 30-day closure
    never overwrites a real answer); answers False when it did not happen."""
    source = view.match or view.interaction
    if source is None:
        raise ValueError("an outcome is recorded on an existing match or interaction")
    bassin = getattr(source, "bassin", "")
    given = details or {}
    sets = {"status": status, "status_at": now}
    sets.update({name: given.get(name) for name in OUTCOME_DETAILS})
    event = {"status": status, "at": now}
    if given.get("reason"):
        event["reason"] = given["reason"]
    return _update_interaction(
        view.offer_id,
        view.candidate_id,
        source.employer_id,
        bassin,
        sets,
        awaiting=False,
        append_history=event,
        condition="attribute_not_exists(#status) OR #status = :nothing" if only_if_unanswered else None,
    )


def mark_candidate_reminded(pair: MatchPair, now: str) -> bool:
    """Claims the candidate's one reminder: False when already sent or answered meanwhile."""
    answer = db.conditional(
        data_table().update_item,
        Key=keys.interaction(pair.offer_id, pair.candidate_id),
        UpdateExpression="SET candidate_reminded_at = :now",
        ConditionExpression=(
            "attribute_exists(PK) AND attribute_not_exists(candidate_reminded_at) "
            "AND (attribute_not_exists(#status) OR #status = :nothing)"
        ),
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":now": now, ":nothing": None},
    )
    return answer is not None


def awaiting_since(day: str) -> list[InteractionRecord]:
    """Interests the employer has not answered yet, expressed on `day` (sparse GSI3)."""
    items = query_all(
        IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq(keys.awaiting_answer_gsi3(day))
    )
    return [InteractionRecord.model_validate(db.plain(i)) for i in items]


def mark_reminded(pair: MatchPair, now: str) -> None:
    db.conditional(
        data_table().update_item,
        Key=keys.interaction(pair.offer_id, pair.candidate_id),
        UpdateExpression="SET reminded_at = :now",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues={":now": now},
    )


# --- engine side: incremental writes -------------------------------------------------
def existing_match_records(offer_id: str) -> dict[tuple[str, str], MatchRecord]:
    items = query_all(
        KeyConditionExpression=Key("PK").eq(keys.offer_pk(offer_id))
        & Key("SK").begins_with(keys.MATCH_PREFIX)
    )
    return {(r.offer_id, r.candidate_id): r for r in (MatchRecord.model_validate(db.plain(i)) for i in items)}


def apply_changes(puts: Iterable[MatchRecord], deletes: Iterable[tuple[str, str]]) -> int:
    """BatchWriteItem (25 per request, unprocessed items retried by boto3's batch writer)."""
    with data_table().batch_writer() as batch:
        return write_into(batch, puts, deletes)


def write_into(batch, puts: Iterable[MatchRecord], deletes: Iterable[tuple[str, str]]) -> int:
    """The puts and deletes added to a batch writer (shared with other items): how many."""
    written = 0
    for record in puts:
        batch.put_item(Item=match_item(record))
        written += 1
    for offer_id, candidate_id in deletes:
        batch.delete_item(Key=keys.match(offer_id, candidate_id))
        written += 1
    return written


def delete_everything_of_candidate(candidate_id: str) -> int:
    """RGPD erasure: every match and interaction mentioning the candidate."""
    return db.delete_all(
        list(
            query_all(
                IndexName="GSI1",
                KeyConditionExpression=Key("GSI1PK").eq(keys.candidate_matches_gsi1(candidate_id)),
            )
        )
    )


def delete_matches_of_offer(offer_id: str) -> int:
    """A closed offer keeps its interactions (they feed the statistics) but loses its proposals."""
    current = existing_match_records(offer_id)
    return apply_changes([], current.keys())


def candidate_match_records(candidate_id: str) -> dict[str, MatchRecord]:
    """offer id → the candidate's stored match (GSI1, matches only: no interaction)."""
    items = query_all(
        IndexName="GSI1",
        KeyConditionExpression=Key("GSI1PK").eq(keys.candidate_matches_gsi1(candidate_id))
        & Key("GSI1SK").begins_with(keys.MATCH_PREFIX),
    )
    records = (MatchRecord.model_validate(db.plain(i)) for i in items)
    return {r.offer_id: r for r in records}
