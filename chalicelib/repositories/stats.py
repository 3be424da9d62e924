"""Staff figures: the reads that feed them (Query only) and the aggregate items they are kept in.

Aggregates live in one partition, PK=STATS, so that a page view is a single Query:
- SK=BASSIN#<code>: the figures of a bassin (instant counts + monthly buckets), rewritten whole
  by `services/staff_stats.refresh_stats` after each matching of the bassin;
- SK=HIRES#<code>#<n>: the hires recorded on the offers of a bassin, as fixed-width records
  "<candidate token><YYYYMMDD>" packed in one string (chunks of HIRES_PER_ITEM), which every
  bassin's refresh joins with its own candidates to compute the share in a job after training.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from chalicelib.repositories import db, keys
from chalicelib.repositories.db import Attr, Key, data_table, query_all
from chalicelib.schemas.matches_store import InteractionRecord

TOKEN_CHARS = 16
HIRE_RECORD = TOKEN_CHARS + 8
HIRES_PER_ITEM = 12_000  # 288 kB of text: under DynamoDB's 400 kB item limit


# --- reads behind the figures ------------------------------------------------------------------
def _count(kwargs: dict[str, Any]) -> int:
    """Select=COUNT, every page: nothing travels but the number."""
    total, table = 0, data_table()
    while True:
        page = table.query(**kwargs, Select="COUNT")
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs = {**kwargs, "ExclusiveStartKey": page["LastEvaluatedKey"]}


def _count_partitions(*partitions: str) -> int:
    return sum(
        _count({"IndexName": "GSI2", "KeyConditionExpression": Key("GSI2PK").eq(partition)})
        for partition in partitions
    )


# How many items an export of a bassin will read, before it reads them (its progress).
def count_candidates(bassin: str) -> int:
    return _count_partitions(keys.bassin_candidates_gsi2(bassin), keys.bassin_other_candidates_gsi2(bassin))


def count_offers(bassin: str) -> int:
    return _count_partitions(keys.bassin_offers_gsi2(bassin), keys.bassin_closed_offers_gsi2(bassin))


def count_open_offers(bassin: str) -> int:
    return _count_partitions(keys.bassin_offers_gsi2(bassin))


def count_interactions(bassin: str) -> int:
    return _count_partitions(keys.bassin_interactions_gsi2(bassin))


def candidate_facts(bassin: str) -> Iterator[tuple[str, bool, date]]:
    """(id, matchable, training end) of every candidate living in the bassin."""
    for partition, matchable in (
        (keys.bassin_candidates_gsi2(bassin), True),
        (keys.bassin_other_candidates_gsi2(bassin), False),
    ):
        for item in query_all(
            IndexName="GSI2",
            KeyConditionExpression=Key("GSI2PK").eq(partition),
            ProjectionExpression="#id, #training.#end",
            ExpressionAttributeNames={"#id": "id", "#training": "training", "#end": "end_date"},
        ):
            yield item["id"], matchable, date.fromisoformat(item["training"]["end_date"])


def open_offers(bassin: str) -> Iterator[tuple[str, date]]:
    """(id, last day published) of the open offers of the bassin."""
    for item in query_all(
        IndexName="GSI2",
        KeyConditionExpression=Key("GSI2PK").eq(keys.bassin_offers_gsi2(bassin)),
        ProjectionExpression="#id, #expires",
        ExpressionAttributeNames={"#id": "id", "#expires": "expires_at"},
    ):
        yield item["id"], date.fromisoformat(item["expires_at"])


def count_matches(offer_id: str) -> int:
    return _count(
        {
            "KeyConditionExpression": Key("PK").eq(keys.offer_pk(offer_id))
            & Key("SK").begins_with(keys.MATCH_PREFIX)
        }
    )


def interactions_in_bassin(bassin: str) -> Iterator[InteractionRecord]:
    """Interest and outcomes recorded on the offers of the bassin (GSI2 #ACT), page by page."""
    for item in query_all(
        IndexName="GSI2",
        KeyConditionExpression=Key("GSI2PK").eq(keys.bassin_interactions_gsi2(bassin)),
        FilterExpression=Attr("kind").eq("interaction"),
    ):
        yield InteractionRecord.model_validate(db.plain(item))


# --- aggregates ---------------------------------------------------------------------------------
def put_figures(bassin: str, figures: dict[str, Any]) -> None:
    data_table().put_item(
        Item={**keys.bassin_stats(bassin), "kind": "bassin_stats", "bassin": bassin, **figures}
    )


def all_figures() -> dict[str, dict[str, Any]]:
    """Figures of every bassin refreshed at least once, by bassin code: one Query."""
    items = query_all(
        KeyConditionExpression=Key("PK").eq(keys.STATS_PK) & Key("SK").begins_with(keys.BASSIN_STATS_PREFIX)
    )
    return {i["bassin"]: db.plain(i) for i in items}


def put_hires(bassin: str, hires: list[tuple[str, date]]) -> None:
    """Replaces the hires of the bassin's offers; chunks left over from a longer list are deleted."""
    records = sorted(f"{token[:TOKEN_CHARS]}{day.strftime('%Y%m%d')}" for token, day in hires)
    chunks = max(1, -(-len(records) // HIRES_PER_ITEM))
    table = data_table()
    for n in range(chunks):
        packed = "".join(records[n * HIRES_PER_ITEM : (n + 1) * HIRES_PER_ITEM])
        table.put_item(Item={**keys.bassin_hires_chunk(bassin, n), "kind": "bassin_hires", "records": packed})
    stale = query_all(
        KeyConditionExpression=Key("PK").eq(keys.STATS_PK)
        & Key("SK").begins_with(keys.bassin_hires_prefix(bassin)),
        ProjectionExpression="PK, SK",
    )
    for item in list(stale):
        if int(item["SK"].rsplit("#", 1)[1]) >= chunks:
            table.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})


def all_hires() -> Iterator[tuple[str, date]]:
    """(candidate token, hire day) of every hire recorded in the region: one Query."""
    items = query_all(
        KeyConditionExpression=Key("PK").eq(keys.STATS_PK) & Key("SK").begins_with(keys.BASSIN_HIRES_PREFIX)
    )
    for item in items:
        packed = item.get("records", "")
        for start in range(0, len(packed), HIRE_RECORD):
            record = packed[start : start + HIRE_RECORD]
            day = record[TOKEN_CHARS:]
            yield record[:TOKEN_CHARS], date(int(day[:4]), int(day[4:6]), int(day[6:]))


def candidate_dimensions(bassin: str) -> Iterator[tuple[str, bool, date, str, str | None]]:
    """(id, matchable, training end, commune, certification code or None) of every candidate of
    the bassin: who is due a follow-up question, and the départements and certifications of the
    figures."""
    for partition, matchable in (
        (keys.bassin_candidates_gsi2(bassin), True),
        (keys.bassin_other_candidates_gsi2(bassin), False),
    ):
        for item in query_all(
            IndexName="GSI2",
            KeyConditionExpression=Key("GSI2PK").eq(partition),
            ProjectionExpression="#id, code_insee, #training.#end, #training.certification_code",
            ExpressionAttributeNames={"#id": "id", "#training": "training", "#end": "end_date"},
        ):
            training = item["training"]
            yield (
                item["id"],
                matchable,
                date.fromisoformat(training["end_date"]),
                item["code_insee"],
                training.get("certification_code"),
            )


def sharing_structures() -> dict[str, set[str]]:
    """Candidate id → the structures (organismes, structures d'accompagnement) that invited or
    registered them and with which they share their progress: one Query of a sparse partition."""
    found: dict[str, set[str]] = {}
    for item in query_all(
        IndexName="GSI3",
        KeyConditionExpression=Key("GSI3PK").eq(keys.SHARING_GSI3),
        ProjectionExpression="candidate_id, structure_id",
    ):
        found.setdefault(item["candidate_id"], set()).add(item["structure_id"])
    return found
