"""Offers over the data table.

Offer: PK=OFFER#<id>, SK=OFFER. GSI1 = offers of an employer; GSI2 = open offers of a bassin
(sparse: the keys are removed when the offer closes); GSI3 = all open offers (sparse).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Attr, Key, data_table, query_all
from chalicelib.schemas.offers_store import OfferRecord

# One public listing request reads at most PAGE_SIZE * MAX_PAGES index items, whatever the filters.
PAGE_SIZE = 100
MAX_PAGES = 10


def offer_item(record: OfferRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        **keys.offer(record.id),
        "kind": "offer",
        **record.model_dump(mode="json"),
        "GSI1PK": keys.employer_offers_gsi1(record.employer_id),
        "GSI1SK": keys.employer_offer_sort(record.created_at, record.id),
    }
    if record.is_open:
        item["GSI2PK"] = keys.bassin_offers_gsi2(record.bassin)
        item["GSI2SK"] = keys.bassin_offer_sort(record.start_date.isoformat(), record.id)
        item["GSI3PK"] = keys.OPEN_OFFERS_GSI3
        item["GSI3SK"] = keys.open_offer_sort(record.created_at, record.id)
    else:  # closed: out of the public and matching partitions, still found by staff exports
        item["GSI2PK"] = keys.bassin_closed_offers_gsi2(record.bassin)
        item["GSI2SK"] = keys.bassin_offer_sort(record.start_date.isoformat(), record.id)
    return {k: v for k, v in item.items() if v is not None}


def record_from_item(item: dict[str, Any]) -> OfferRecord:
    return OfferRecord.model_validate(db.plain(item))


def create(record: OfferRecord) -> None:
    if not db.put_new(offer_item(record)):
        raise ValueError(f"offer {record.id} already exists")


def save(record: OfferRecord, expected_version: int) -> None:
    """Written only if the stored version is still `expected_version`; StaleVersion otherwise.

    The whole item is replaced, so a closed offer loses its sparse GSI2/GSI3 keys here.
    """
    db.put_versioned(offer_item(record), expected_version)


def get(offer_id: str) -> OfferRecord | None:
    item = data_table().get_item(Key=keys.offer(offer_id), ConsistentRead=True).get("Item")
    return record_from_item(item) if item else None


def get_many(offer_ids: Iterable[str], consistent: bool = False) -> dict[str, OfferRecord]:
    records = (record_from_item(i) for i in db.batch_get((keys.offer(i) for i in offer_ids), consistent))
    return {r.id: r for r in records}


def list_by_employer(employer_id: str) -> list[OfferRecord]:
    """Every offer of an employer, open or closed, oldest first (GSI1)."""
    items = query_all(
        IndexName="GSI1", KeyConditionExpression=Key("GSI1PK").eq(keys.employer_offers_gsi1(employer_id))
    )
    return [record_from_item(i) for i in items if i.get("kind") == "offer"]


def list_open_in_bassin(bassin: str) -> list[OfferRecord]:
    items = query_all(
        IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(keys.bassin_offers_gsi2(bassin))
    )
    return [record_from_item(i) for i in items]


def iter_in_bassin(bassin: str) -> Iterator[OfferRecord]:
    """Every offer of `bassin`, open then closed, page by page (staff exports)."""
    for partition in (keys.bassin_offers_gsi2(bassin), keys.bassin_closed_offers_gsi2(bassin)):
        for item in query_all(IndexName="GSI2", KeyConditionExpression=Key("GSI2PK").eq(partition)):
            yield record_from_item(item)


# --- public listing -------------------------------------------------------------------------
def _index_of(bassin: str | None) -> tuple[str, str, str]:
    """(index, partition attribute, partition value) serving a listing."""
    if bassin:
        return "GSI2", "GSI2PK", keys.bassin_offers_gsi2(bassin)
    return "GSI3", "GSI3PK", keys.OPEN_OFFERS_GSI3


def start_key_is_valid(bassin: str | None, start_key: Any) -> bool:
    """A cursor must be the key of an offer in the very index the listing reads."""
    index, _, value = _index_of(bassin)
    return db.is_index_start_key(
        start_key, index, value, pk_prefix=keys.offer_pk(""), sk=keys.offer("")["SK"]
    )


def search_open(
    *,
    bassin: str | None,
    code_rome: str | None,
    today: date,
    limit: int,
    start_key: dict | None = None,
    accept: Callable[[OfferRecord], bool] | None = None,
) -> tuple[list[OfferRecord], dict | None]:
    """One page of listed offers and the key to continue from (None at the end).

    With a bassin: GSI2, soonest start first; otherwise GSI3, newest first. Métier and expiry are
    filtered by DynamoDB; `accept` (distance) here. The returned key is that of the last item
    examined, so a page that stops in the middle of a DynamoDB page loses nothing.
    """
    index, partition, value = _index_of(bassin)
    condition = Attr("status").eq("open") & Attr("expires_at").gte(today.isoformat())
    if code_rome:
        condition = condition & Attr("code_rome").eq(code_rome)
    kwargs: dict[str, Any] = {
        "IndexName": index,
        "KeyConditionExpression": Key(partition).eq(value),
        "FilterExpression": condition,
        "ScanIndexForward": index == "GSI2",
        "Limit": PAGE_SIZE,
    }
    names = ("PK", "SK", partition, f"{index}SK")
    found: list[OfferRecord] = []
    table = data_table()
    for _ in range(MAX_PAGES):
        if start_key:
            kwargs["ExclusiveStartKey"] = start_key
        page = table.query(**kwargs)
        items = page.get("Items", [])
        for position, item in enumerate(items):
            record = record_from_item(item)
            if accept is None or accept(record):
                found.append(record)
            if len(found) == limit:
                more = position < len(items) - 1 or "LastEvaluatedKey" in page
                return found, ({n: item[n] for n in names} if more else None)
        start_key = page.get("LastEvaluatedKey")
        if not start_key:
            return found, None
    return found, start_key
