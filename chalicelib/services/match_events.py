"""Use case: bring the stored matches up to date after one candidate or one offer changed.

The per-event path (docs/matching.md, "Service: per-event path"): the worker reads the item,
skips it if that version was already matched (bursts of events for one item coalesce into one
piece of work), lists it in the item-sized indexes, reads the other side through the same keys
(a few consistent Queries), runs the pure per-item functions (domain/matching/items.py) and
writes that item's diff, the offers' lists it changed, and last the version it matched: a crash
before that makes the retried message redo the same work, which writes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from chalicelib.domain.matching import (
    CandidateInput,
    ItemChanges,
    MatchResult,
    match_candidate,
    match_offer,
    updated_list,
    value_of,
)
from chalicelib.domain.reach import candidate_index_keys, offer_index_keys
from chalicelib.repositories import candidates as candidates_repo
from chalicelib.repositories import match_index
from chalicelib.repositories import matches as matches_repo
from chalicelib.repositories import offers as offers_repo
from chalicelib.schemas.match_index_store import OfferListRecord, ReachOfferRecord
from chalicelib.schemas.matches_store import MatchRecord
from chalicelib.services.matching_inputs import candidate_input as _candidate_input
from chalicelib.services.matching_inputs import match_record
from chalicelib.services.matching_inputs import offer_input as _offer_input
from chalicelib.services.run_matching import TOP_PER_OFFER, _Labels, _mobility, fitted_codes

IndexKey = tuple[str, str]


@dataclass
class EventResult:
    skipped: int = 0  # 1 when this version was already matched (a coalesced event)
    candidates: int = 0  # candidates read
    offers: int = 0  # offers read
    refills: int = 0
    written: int = 0  # matches put or deleted
    index_written: int = 0  # index entries put or deleted
    new_pairs: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "skipped": self.skipped,
            "candidates": self.candidates,
            "offers": self.offers,
            "refills": self.refills,
            "written": self.written,
            "index_written": self.index_written,
        }


def candidate_keys(code_insee: str, mobility_km: int, metiers: list[str]) -> set[IndexKey]:
    """Where a candidate is listed, and where they read offers: bassins they can work in × own codes."""
    return candidate_index_keys(code_insee, mobility_km, metiers)


def offer_keys(bassin: str, code_rome: str) -> set[IndexKey]:
    """Where an offer is listed, and where it reads candidates: its bassin × the codes fitting it."""
    return offer_index_keys(bassin, code_rome, fitted_codes())


def _record(m: MatchResult, offer: ReachOfferRecord, now: str) -> MatchRecord:
    return match_record(m, offer.employer_id, offer.bassin, now)


def _refill(offer: ReachOfferRecord, today: date) -> tuple[ItemChanges, list[tuple[str, int]], set, int]:
    """An offer's whole list, recomputed (match_offer): its changes, its new list, the pairs
    stored before and how many candidates were read."""
    stored = matches_repo.existing_match_records(offer.id)
    readers = match_index.candidates_under(offer_keys(offer.bassin, offer.code_rome))
    inputs = [i for i in map(_candidate_input, readers) if i is not None]
    offer_input = _offer_input(offer)
    current = {cid: value_of(r) for (_, cid), r in stored.items()}
    if offer_input is None:
        changes = ItemChanges({}, sorted(stored))
    else:
        changes = match_offer(offer_input, inputs, current, _mobility(), _Labels(), today, TOP_PER_OFFER)
    before = [(cid, r.score) for (_, cid), r in stored.items()]
    return changes, updated_list(offer.id, before, changes, TOP_PER_OFFER), set(stored), len(readers)


def process_candidate(candidate_id: str, today: date, now: str) -> EventResult:
    result = EventResult()
    item, done = match_index.item_and_matched("candidate", candidate_id)
    record = candidates_repo.record_from_item(item) if item else None
    version = record.version if record is not None and record.matchable else 0
    if done is not None and done.version == version:
        result.skipped = 1
        return result
    if done is None and version == 0 and record is None:
        result.skipped = 1  # never matched, gone: nothing to undo
        return result
    entry = match_index.reach_candidate(record) if record is not None else None
    new_keys = (
        candidate_keys(record.code_insee, record.mobility_km, record.metier_codes) if version else set()
    )
    result.index_written = match_index.write_entries(
        "candidate", candidate_id, entry if version else None, new_keys, match_index.matched_keys(done)
    )
    # Someone never listed (no MATCHED item: a sign-up) has no stored match: nothing to read.
    mine = matches_repo.candidate_match_records(candidate_id) if done is not None else {}
    offers = {o.id: o for o in match_index.offers_under(new_keys)}
    result.offers = len(offers)
    lists = match_index.lists_of({*offers, *mine})
    candidate = _candidate_input(entry, listed=bool(version)) if entry is not None else None
    if candidate is None:  # erased: leaves every list it was in
        candidate = CandidateInput(
            id=candidate_id, lat=0.0, lon=0.0, code_insee="", mobility_km=0, metiers=frozenset(),
            competences=frozenset(), contract_types=frozenset(), available_from=today,
            training_end=today, active=False, consent_contact=False,
        )  # fmt: skip
    offer_inputs = [i for i in map(_offer_input, offers.values()) if i is not None]
    changes = match_candidate(
        candidate,
        offer_inputs,
        {o: lst.entries() for o, lst in lists.items()},
        {o: value_of(r) for o, r in mine.items()},
        _mobility(),
        _Labels(),
        today,
        TOP_PER_OFFER,
    )
    refill = set(changes.refill)
    missing = [
        o
        for o in {*refill, *(o for o, _ in changes.puts), *(o for o, _ in changes.deletes)}
        if o not in offers
    ]
    if missing:  # offers the candidate was stored for but no longer reaches
        offers.update({o.id: match_index.reach_offer(o) for o in offers_repo.get_many(missing).values()})
    puts: list[MatchRecord] = []
    deletes: list[tuple[str, str]] = []
    new_lists: list[OfferListRecord] = []
    touched = {o for o, _ in changes.puts} | {o for o, _ in changes.deletes}
    for offer_id in sorted(touched - refill):
        offer = offers.get(offer_id)
        before = lists[offer_id].entries() if offer_id in lists else []
        after = updated_list(offer_id, before, changes, TOP_PER_OFFER)
        new_lists.append(
            OfferListRecord(offer_id=offer_id, ids=[c for c, _ in after], scores=[s for _, s in after])
        )
    for pair, m in changes.puts.items():
        if pair[0] not in refill and pair[0] in offers:
            puts.append(_record(m, offers[pair[0]], now))
            if pair[0] not in mine:
                result.new_pairs.append(pair)
    deletes += [pair for pair in changes.deletes if pair[0] not in refill]
    for offer_id in sorted(refill):
        offer = offers.get(offer_id)
        if offer is None:
            continue  # the offer itself is gone: its own event cleans it
        refilled, after, stored, _ = _refill(offer, today)
        result.refills += 1
        puts += [_record(m, offer, now) for m in refilled.puts.values()]
        result.new_pairs += [p for p in refilled.puts if p not in stored]
        deletes += refilled.deletes
        new_lists.append(
            OfferListRecord(offer_id=offer_id, ids=[c for c, _ in after], scores=[s for _, s in after])
        )
    result.written = match_index.write_changes(puts, deletes, new_lists)
    match_index.mark_matched("candidate", candidate_id, version, new_keys, now)
    return result


def process_offer(offer_id: str, today: date, now: str) -> EventResult:
    result = EventResult()
    item, done = match_index.item_and_matched("offer", offer_id)
    record = offers_repo.record_from_item(item) if item else None
    live = record is not None and record.is_listed(today)
    version = record.version if live else 0
    if done is not None and done.version == version:
        result.skipped = 1
        return result
    entry = match_index.reach_offer(record) if record is not None else None
    new_keys = offer_keys(record.bassin, record.code_rome) if live else set()
    result.index_written = match_index.write_entries(
        "offer", offer_id, entry if live else None, new_keys, match_index.matched_keys(done)
    )
    if live:
        changes, after, stored, result.candidates = _refill(entry, today)
        puts = [_record(m, entry, now) for m in changes.puts.values()]
        result.new_pairs = [p for p in changes.puts if p not in stored]
        deletes = changes.deletes
    else:
        puts, deletes, after = [], list(matches_repo.existing_match_records(offer_id)), []
    new_list = OfferListRecord(offer_id=offer_id, ids=[c for c, _ in after], scores=[s for _, s in after])
    result.written = match_index.write_changes(puts, deletes, [new_list])
    match_index.mark_matched("offer", offer_id, version, new_keys, now)
    return result
