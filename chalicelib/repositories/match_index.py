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
from datetime import date
from functools import lru_cache
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Key, data_table, query_all
from chalicelib.repositories.matches import write_into
from chalicelib.schemas.candidates_store import CandidateRecord
from chalicelib.schemas.match_index_store import (
    MatchedRecord,
    OfferListRecord,
    ReachCandidateRecord,
    ReachOfferRecord,
)
from chalicelib.schemas.matches_store import MatchRecord
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


def item_and_matched(kind: str, item_id: str) -> tuple[dict[str, Any] | None, MatchedRecord | None]:
    """The item (profile or offer) and its MATCHED item in one consistent BatchGetItem."""
    if kind == "candidate":
        item_key, done_key = keys.candidate(item_id), keys.candidate_matched(item_id)
    else:
        item_key, done_key = keys.offer(item_id), keys.offer_matched(item_id)
    found = {i["SK"]: i for i in db.batch_get([item_key, done_key], consistent=True)}
    done = found.get(done_key["SK"])
    return found.get(item_key["SK"]), MatchedRecord.model_validate(done) if done else None


def write_changes(
    puts: Iterable[MatchRecord], deletes: Iterable[tuple[str, str]], lists: Iterable[OfferListRecord]
) -> int:
    """An item's matches to put and delete, then the lists they changed, in the same
    BatchWriteItem requests (25 items each: one or two for most events); returns the matches written.
    The lists go last: a crash before them leaves the old lists, and the retried event redoes it."""
    with data_table().batch_writer() as batch:
        written = write_into(batch, puts, deletes)
        for record in lists:
            if record.ids or record.digest:
                batch.put_item(Item=list_item(record))
            else:
                batch.delete_item(Key=keys.offer_list(record.offer_id))
    return written


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
            written += _write_entries(batch, kind, item_id, entry, new_keys, old_keys)
    with data_table().batch_writer() as batch:
        for item_id, _, version, new_keys, _ in items:
            key = keys.candidate_matched(item_id) if kind == "candidate" else keys.offer_matched(item_id)
            record = MatchedRecord(version=version, keys=sorted(map(_key_text, new_keys)), matched_at=now)
            batch.put_item(Item={**key, "kind": "matched", **record.model_dump()})
    return written


def matched_versions(kind: str, item_ids: Iterable[str]) -> dict[str, int]:
    """item id → the version last matched (BatchGetItem of the MATCHED items, that attribute only)."""
    key = keys.candidate_matched if kind == "candidate" else keys.offer_matched
    prefix = "CAND#" if kind == "candidate" else keys.offer_pk("")
    items = db.batch_get((key(x) for x in item_ids), attributes=("PK", "version"))
    return {i["PK"][len(prefix) :]: int(i["version"]) for i in items}


def matched_keys(record: MatchedRecord | None) -> set[IndexKey]:
    return {_key_of(k) for k in record.keys} if record else set()


def _partition(kind: str, key: IndexKey) -> str:
    return keys.reach_candidates(*key) if kind == "candidate" else keys.reach_offers(*key)


_SEPARATORS = ("|", ",")


def pack_candidate(entry: ReachCandidateRecord) -> str:
    """What the scheduled run reads of a candidate, as one string (one attribute to decode
    instead of a dozen: reading is most of a run's CPU). unpack_candidate reverses it."""
    lists = (entry.metiers, entry.competences, entry.contract_types)
    fields = [entry.id, entry.code_insee, str(entry.mobility_km), *(",".join(v) for v in lists)]
    if any(sep in value for value in (*fields[:2], *(x for v in lists for x in v)) for sep in _SEPARATORS):
        raise ValueError("a matching input holds a separator")
    return "|".join(
        [*fields, entry.available_from.isoformat(), entry.training_end.isoformat(), str(entry.version)]
    )


@lru_cache(maxsize=4096)
def _day(text: str) -> date:
    return date.fromisoformat(text)


def unpack_candidate(text: str) -> ReachCandidateRecord:
    cid, insee, km, metiers, competences, contracts, available, end, version = text.split("|")
    return ReachCandidateRecord.model_construct(
        id=cid,
        code_insee=insee,
        mobility_km=int(km),
        metiers=metiers.split(",") if metiers else [],
        competences=competences.split(",") if competences else [],
        contract_types=contracts.split(",") if contracts else [],
        available_from=_day(available),
        training_end=_day(end),
        version=int(version),
    )


def _write_entries(
    batch, kind: str, item_id: str, entry, new_keys: set[IndexKey], old_keys: set[IndexKey]
) -> int:
    data = entry.model_dump(mode="json") if entry is not None else None
    written = 0
    # A candidate's entry under their smallest code, in each bassin, also lists them once in that
    # bassin's MREACH# partition of GSI2, packed: what the scheduled run reads (docs/matching.md).
    run_code = min((code for _, code in new_keys), default=None) if kind == "candidate" else None
    for key in sorted(new_keys) if data is not None else ():
        item = {"PK": _partition(kind, key), "SK": item_id, "kind": "reach", **data}
        if key[1] == run_code:
            item |= {
                "GSI2PK": keys.reaching_bassin_gsi2(key[0]),
                "GSI2SK": item_id,
                "run": pack_candidate(entry),
            }
        batch.put_item(Item=item)
        written += 1
    for key in sorted(old_keys - (new_keys if data is not None else set())):
        batch.delete_item(Key={"PK": _partition(kind, key), "SK": item_id})
        written += 1
    return written


def write_entries(
    kind: str,
    item_id: str,
    entry: ReachCandidateRecord | ReachOfferRecord | None,
    new_keys: set[IndexKey],
    old_keys: set[IndexKey],
) -> int:
    """Lists the item under `new_keys` (with its current inputs), takes it off the others."""
    with data_table().batch_writer() as batch:
        return _write_entries(batch, kind, item_id, entry, new_keys, old_keys)


def candidates_reaching_bassin(bassin: str) -> list[ReachCandidateRecord]:
    """Every candidate listed as able to work in `bassin`, once (one Query of GSI2 MREACH#<b>,
    the packed attribute only): the scheduled run's candidates, instead of every profile of every
    bassin within 200 km."""
    items = query_all(
        IndexName="GSI2",
        KeyConditionExpression=Key("GSI2PK").eq(keys.reaching_bassin_gsi2(bassin)),
        ProjectionExpression="#run",
        ExpressionAttributeNames={"#run": "run"},
    )
    return [unpack_candidate(i["run"]) for i in items]


def list_digests(offer_ids: Iterable[str]) -> dict[str, str | None]:
    """offer id → the digest of its stored list (None: written by an event), for the offers that
    have a LIST item (BatchGetItem, eventually consistent, those attributes only)."""
    prefix = keys.offer_pk("")
    items = db.batch_get((keys.offer_list(o) for o in offer_ids), attributes=("PK", "digest"))
    return {i["PK"][len(prefix) :]: i.get("digest") for i in items}


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
    return {**keys.offer_list(record.offer_id), "kind": "list", **record.model_dump(exclude_none=True)}


def write_lists(lists: Iterable[OfferListRecord]) -> int:
    """Puts each list (an empty one deletes the item, unless the run wrote it with its digest)."""
    written = 0
    with data_table().batch_writer() as batch:
        for record in lists:
            if record.ids or record.digest:
                batch.put_item(Item=list_item(record))
            else:
                batch.delete_item(Key=keys.offer_list(record.offer_id))
            written += 1
    return written
