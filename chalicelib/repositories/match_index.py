"""The per-event matching indexes over the data table (docs/matching.md, "Service: per-event path").

- MCAND#<bassin>#<code> / <candidate id>: a matchable candidate under every bassin they can work
  in × each of their own codes (training and targets);
- MOFFER#<bassin>#<code> / <offer id>: an open offer under its bassin × every code whose holders
  fit it (its own, and those whose ROME mobilities lead to it);
- CAND#<id> / MATCHED and OFFER#<id> / MATCHED: the version last matched and the keys listed under;
- OFFER#<id> / LIST: the offer's stored list as (candidate id, score), best first.

Index entries are base-table items, so the worker reads them with consistent Queries: an item's
own entries are written before it reads the other side, so of two items changed at the same time
at least one sees the other.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.schemas.candidates_store import CandidateRecord
from chalicelib.schemas.match_index_store import (
    MatchedRecord,
    OfferListRecord,
    ReachCandidateRecord,
    ReachOfferRecord,
)
from chalicelib.schemas.offers_store import OfferRecord

IndexKey = tuple[str, str]  # (bassin, ROME code)


def _key_text(key: IndexKey) -> str:
    return f"{key[0]}#{key[1]}"


def _key_of(text: str) -> IndexKey:
    bassin, code = text.split("#", 1)
    return bassin, code


def reach_candidate(record: CandidateRecord) -> ReachCandidateRecord:
    return ReachCandidateRecord(
        id=record.id,
        code_insee=record.code_insee,
        mobility_km=record.mobility_km,
        metiers=record.metier_codes,
        competences=record.competences,
        contract_types=record.contract_types,
        available_from=record.available_from,
        training_end=record.training.end_date,
        version=record.version,
    )


def reach_offer(record: OfferRecord) -> ReachOfferRecord:
    return ReachOfferRecord(**record.model_dump(include=set(ReachOfferRecord.model_fields)))


def matched(kind: str, item_id: str) -> MatchedRecord | None:
    key = keys.candidate_matched(item_id) if kind == "candidate" else keys.offer_matched(item_id)
    item = data_table().get_item(Key=key, ConsistentRead=True).get("Item")
    return MatchedRecord.model_validate(db.plain(item)) if item else None


def matched_many(kind: str, item_ids: Iterable[str]) -> dict[str, MatchedRecord]:
    """item id → what was last matched of it, for those that have a MATCHED item (BatchGetItem)."""
    key = keys.candidate_matched if kind == "candidate" else keys.offer_matched
    prefix = "CAND#" if kind == "candidate" else keys.offer_pk("")
    return {
        i["PK"][len(prefix) :]: MatchedRecord.model_validate(i)
        for i in db.batch_get(key(x) for x in item_ids)
    }


def repair(
    kind: str,
    items: list[
        tuple[str, ReachCandidateRecord | ReachOfferRecord | None, int, set[IndexKey], set[IndexKey]]
    ],
    now: str,
) -> int:
    """Index entries of items whose MATCHED version is stale (id, entry or None, version, new keys,
    old keys), written in batches: the entries first, then the MATCHED items."""
    written = 0
    with data_table().batch_writer() as batch:
        for item_id, entry, _, new_keys, old_keys in items:
            data = entry.model_dump(mode="json") if entry is not None else None
            for key in sorted(new_keys) if data is not None else ():
                batch.put_item(Item={"PK": _partition(kind, key), "SK": item_id, "kind": "reach", **data})
                written += 1
            for key in sorted(old_keys - (new_keys if data is not None else set())):
                batch.delete_item(Key={"PK": _partition(kind, key), "SK": item_id})
                written += 1
    with data_table().batch_writer() as batch:
        for item_id, _, version, new_keys, _ in items:
            key = keys.candidate_matched(item_id) if kind == "candidate" else keys.offer_matched(item_id)
            record = MatchedRecord(version=version, keys=sorted(map(_key_text, new_keys)), matched_at=now)
            batch.put_item(Item={**key, "kind": "matched", **record.model_dump()})
    return written


def matched_keys(record: MatchedRecord | None) -> set[IndexKey]:
    return {_key_of(k) for k in record.keys} if record else set()


def _partition(kind: str, key: IndexKey) -> str:
    return keys.reach_candidates(*key) if kind == "candidate" else keys.reach_offers(*key)


def write_entries(
    kind: str,
    item_id: str,
    entry: ReachCandidateRecord | ReachOfferRecord | None,
    new_keys: set[IndexKey],
    old_keys: set[IndexKey],
) -> int:
    """Lists the item under `new_keys` (with its current inputs), takes it off the others."""
    data = entry.model_dump(mode="json") if entry is not None else None
    written = 0
    with data_table().batch_writer() as batch:
        for key in sorted(new_keys) if data is not None else ():
            batch.put_item(Item={"PK": _partition(kind, key), "SK": item_id, "kind": "reach", **data})
            written += 1
        for key in sorted(old_keys - (new_keys if data is not None else set())):
            batch.delete_item(Key={"PK": _partition(kind, key), "SK": item_id})
            written += 1
    return written


def lists_stored(offer_ids: Iterable[str]) -> dict[str, OfferListRecord]:
    """Same as lists_of, eventually consistent (the scheduled run)."""
    items = db.batch_get(keys.offer_list(o) for o in offer_ids)
    return {i["offer_id"]: OfferListRecord.model_validate(i) for i in items}


def remove_from_lists(candidate_id: str, offer_ids: Iterable[str]) -> int:
    """Erasure: the candidate's id out of the lists of these offers."""
    changed = []
    for record in lists_of(offer_ids).values():
        if candidate_id in record.ids:
            kept = [(c, s) for c, s in record.entries() if c != candidate_id]
            changed.append(
                OfferListRecord(
                    offer_id=record.offer_id, ids=[c for c, _ in kept], scores=[s for _, s in kept]
                )
            )
    return write_lists(changed)


def mark_matched(kind: str, item_id: str, version: int, index_keys: set[IndexKey], now: str) -> None:
    """Written last, once the item's matches are: a crash before it makes the retry redo the work."""
    key = keys.candidate_matched(item_id) if kind == "candidate" else keys.offer_matched(item_id)
    record = MatchedRecord(version=version, keys=sorted(map(_key_text, index_keys)), matched_at=now)
    data_table().put_item(Item={**key, "kind": "matched", **record.model_dump()})


def forget(kind: str, item_id: str) -> int:
    """Erasure: the item's entries and its MATCHED item."""
    record = matched(kind, item_id)
    removed = write_entries(kind, item_id, None, set(), matched_keys(record))
    key = keys.candidate_matched(item_id) if kind == "candidate" else keys.offer_matched(item_id)
    data_table().delete_item(Key=key)
    return removed + (record is not None)


def _under(kind: str, index_keys: Iterable[IndexKey]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for key in sorted(set(index_keys)):
        for item in query_all(
            KeyConditionExpression=Key("PK").eq(_partition(kind, key)), ConsistentRead=True
        ):
            found.setdefault(item["SK"], item)
    return found


def candidates_under(index_keys: Iterable[IndexKey]) -> list[ReachCandidateRecord]:
    """The candidates listed under any of the keys, each once (one consistent Query per key)."""
    return [
        ReachCandidateRecord.model_validate(db.plain(i)) for i in _under("candidate", index_keys).values()
    ]


def offers_under(index_keys: Iterable[IndexKey]) -> list[ReachOfferRecord]:
    return [ReachOfferRecord.model_validate(db.plain(i)) for i in _under("offer", index_keys).values()]


def lists_of(offer_ids: Iterable[str]) -> dict[str, OfferListRecord]:
    """offer id → its stored list (BatchGetItem, consistent); an offer without one is absent."""
    items = db.batch_get((keys.offer_list(o) for o in offer_ids), consistent=True)
    return {i["offer_id"]: OfferListRecord.model_validate(i) for i in items}


def list_item(record: OfferListRecord) -> dict[str, Any]:
    return {**keys.offer_list(record.offer_id), "kind": "list", **record.model_dump()}


def write_lists(lists: Iterable[OfferListRecord]) -> int:
    """Puts each list (an empty one deletes the item)."""
    written = 0
    with data_table().batch_writer() as batch:
        for record in lists:
            if record.ids:
                batch.put_item(Item=list_item(record))
            else:
                batch.delete_item(Key=keys.offer_list(record.offer_id))
            written += 1
    return written
