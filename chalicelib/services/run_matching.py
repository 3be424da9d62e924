"""Use case: bring the stored matches of one bassin's offers up to date (docs/matching.md,
"Reconciliation", patterns R1–R6).

Reads: open offers of the bassin (GSI2), every candidate who can work in it once (the per-event
index's GSI2 MREACH#<bassin>, packed entries), the digests of the offers' stored lists, and the
stored matches only of the offers whose new list differs. Runs the pure engine. Writes
(BatchWriteItem) only the matches that appeared, changed or disappeared (compared as arrays,
domain/matching/stored.py), then those offers' lists with their digest: a second run on
unchanged data reads no stored match and writes nothing. Stored set = the best 50 candidates
per offer; a candidate sees the best 30 of what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

import numpy as np

from chalicelib.domain.matching import run_matching, stored_matches
from chalicelib.domain.reach import candidate_index_keys, fitted_by, offer_index_keys
from chalicelib.domain.referentials import get_referentials
from chalicelib.gateways.queue import send_matching_batch
from chalicelib.repositories import candidates as candidates_repo
from chalicelib.repositories import match_index
from chalicelib.repositories import matches as matches_repo
from chalicelib.repositories import offers as offers_repo
from chalicelib.schemas.match_index_store import OfferListRecord, ReachCandidateRecord
from chalicelib.schemas.matches_store import MatchRecord
from chalicelib.services.matching_inputs import candidate_input as _entry_input
from chalicelib.services.matching_inputs import match_record
from chalicelib.services.matching_inputs import offer_input as _offer_input
from chalicelib.services.matching_inputs import profile_input as _candidate_input  # noqa: F401 (tests)

TOP_PER_OFFER = 50
TOP_PER_CANDIDATE = 30
LISTED_BY_RUN = -1  # the MATCHED version of a candidate the run listed in the index, pending their event


@dataclass
class BassinResult:
    bassin: str
    offers: int = 0
    candidates: int = 0
    pairs_examined: int = 0
    eligible_pairs: int = 0
    kept: int = 0
    written: int = 0
    lists_written: int = 0
    index_repaired: int = 0
    stored_read: int = 0  # stored matches read (offers whose list digest differed)
    new_pairs: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "offers": self.offers,
            "candidates": self.candidates,
            "pairs_examined": self.pairs_examined,
            "eligible_pairs": self.eligible_pairs,
            "kept": self.kept,
            "written": self.written,
            "lists_written": self.lists_written,
            "index_repaired": self.index_repaired,
            "stored_read": self.stored_read,
        }


class _Labels:
    def __init__(self) -> None:
        self.refs = get_referentials()

    def metier(self, code_rome: str) -> str:
        metier = self.refs.metiers.get(code_rome)
        return metier.label if metier else code_rome

    def competence(self, code: str) -> str:
        competence = self.refs.competences.get(code)
        return competence.label if competence else code


@cache
def _mobility() -> dict[str, tuple[str, ...]]:
    return {code: metier.mobilities for code, metier in get_referentials().metiers.items()}


@cache
def fitted_codes() -> dict[str, frozenset[str]]:
    """ROME code → the codes whose holders fit its offers (reach.fitted_by of the mobilities)."""
    return fitted_by(_mobility())


def match_bassin(bassin: str, today: date, now: str, offer_ids: set[str] | None = None) -> BassinResult:
    """Recompute the matches of the open offers of `bassin` (or of `offer_ids` among them)."""
    result = BassinResult(bassin=bassin)
    offers = [o for o in offers_repo.list_open_in_bassin(bassin) if offer_ids is None or o.id in offer_ids]
    offer_by_id = {o.id: o for o in offers}
    offer_inputs = [i for i in (_offer_input(o) for o in offers) if i is not None]
    reaching: list[ReachCandidateRecord] = []
    if offer_inputs or offer_ids is None:
        # Who can work in the bassin, once each, from the per-event index (GSI2 MREACH#<b>): about
        # 3.5 bassins per candidate instead of every profile of the bassins within 200 km.
        reaching = match_index.candidates_reaching_bassin(bassin)
    if offer_inputs or offer_ids is None:  # the residents in the per-event index (docs/matching.md)
        reaching, result.index_repaired = _check_residents(bassin, reaching, now)
    if offer_ids is None:
        result.index_repaired += _repair_offers(offers, today, now)
    candidate_inputs = [i for i in map(_entry_input, reaching) if i] if offer_inputs else []
    matching = run_matching(
        offer_inputs,
        candidate_inputs,
        mobility=_mobility(),
        labels=_Labels(),
        today=today,
        top_per_offer=TOP_PER_OFFER,
        # Only the offers' lists are stored; a candidate's view (TOP_PER_CANDIDATE) is read from them.
        top_per_candidate=0,
    )
    result.offers, result.candidates = len(offer_inputs), len(candidate_inputs)
    result.pairs_examined = matching.stats.pairs_examined
    result.eligible_pairs = matching.stats.eligible_pairs
    # What is stored is compared with the run's lists as arrays (StoredMatches.diff); records
    # and their reasons are built only for the matches to write. An offer whose LIST item holds
    # the digest of its new list (the previous run stored exactly that) is not read at all.
    lists = stored_matches(matching)
    digests = lists.digests()
    stored_digests = match_index.list_digests(lists.offer_ids)
    changed = [k for k, o in enumerate(lists.offer_ids) if stored_digests.get(o, "") != digests[k]]
    stored = {lists.offer_ids[k]: matches_repo.existing_match_records(lists.offer_ids[k]) for k in changed}
    result.stored_read = sum(map(len, stored.values()))
    put_rows, deletes = lists.diff(r for records in stored.values() for r in records.values())
    put_rows = put_rows[np.isin(lists.offer[put_rows], changed)]
    puts: list[MatchRecord] = []
    for row in put_rows.tolist():
        m = lists.result(row)
        puts.append(match_record(m, offer_by_id[m.offer_id].employer_id, bassin, now))
        if (m.offer_id, m.candidate_id) not in stored[m.offer_id]:
            result.new_pairs.append((m.offer_id, m.candidate_id))
    result.kept = len(lists)
    result.written = matches_repo.apply_changes(puts, deletes)
    gone = withdraw_from_closed_offers({p.offer_id for p in puts})
    result.lists_written = _write_lists(
        lists, [k for k in changed if lists.offer_ids[k] not in gone], digests
    )
    return result


def withdraw_from_closed_offers(offer_ids: set[str]) -> set[str]:
    """An offer closed while a run computed its list: the close deleted the proposals it found,
    and those the run wrote after it are deleted here (their ids returned). The close writes its
    status before deleting and this reads the status (consistently) after writing, so one of the
    two sees the other."""
    if not offer_ids:
        return set()
    current = offers_repo.get_many(offer_ids, consistent=True)
    gone = {o for o in offer_ids if o not in current or not current[o].is_open}
    for offer_id in gone:
        matches_repo.delete_matches_of_offer(offer_id)
    return gone


def _write_lists(lists, rows: list[int], digests: list[str]) -> int:
    """The per-event path's copy of the lists of these offer rows (OFFER#<id> / LIST), with the
    digest of what was stored: written for the offers whose digest differed."""
    ids, start = lists.candidate_ids, lists.start.tolist()
    candidate, scores = lists.candidate.tolist(), lists.score.tolist()
    records = []
    for k in rows:
        span = slice(start[k], start[k + 1])
        records.append(
            OfferListRecord(
                offer_id=lists.offer_ids[k],
                ids=[ids[r] for r in candidate[span]],
                scores=scores[span],
                digest=digests[k],
            )
        )
    return match_index.write_lists(records)


def _check_residents(
    bassin: str, reaching: list[ReachCandidateRecord], now: str
) -> tuple[list[ReachCandidateRecord], int]:
    """The per-event index of the bassin's residents against their profiles: a matchable resident
    missing from it or listed with an older version (an event lost; the first run after deploying
    this) is listed now (MATCHED version LISTED_BY_RUN) and taken into this run; one listed but no longer matchable is left out.
    Both get their per-event message queued again, which matches them in every bassin they reach
    (this run only covers its own). Returns the candidates to match and the entries written."""
    versions = candidates_repo.versions_in_bassin(bassin)
    listed = {c.id: c for c in reaching}
    stale = [cid for cid, v in versions.items() if cid not in listed or listed[cid].version < v]
    # Listed residents the (eventually consistent) GSI does not show as matchable: checked on the
    # profile itself (consistent) before leaving anyone out.
    suspects = [c.id for c in reaching if c.id not in versions and _home_bassin(c.code_insee) == bassin]
    profiles = candidates_repo.get_many([*stale, *suspects], consistent=True) if stale or suspects else {}
    repaired = [p for p in map(profiles.get, stale) if p is not None and p.matchable]
    for record in repaired:
        listed[record.id] = match_index.reach_candidate(record)
    withdrawn = {cid for cid in suspects if cid not in profiles or not profiles[cid].matchable}
    moved = []  # listed here, now living elsewhere (an event lost): matched on their current profile
    for cid in suspects:
        record = profiles.get(cid)
        if cid not in withdrawn and record.version > listed[cid].version:
            listed[cid] = match_index.reach_candidate(record)
            moved.append(cid)
    written = list_pending(repaired, now) if repaired else 0
    again = [r.id for r in repaired] + sorted(withdrawn) + moved
    if again:
        send_matching_batch([{"type": "candidate", "candidate_id": c, "bassin": bassin} for c in again])
    return [c for cid, c in listed.items() if cid not in withdrawn], written


def list_pending(records, now: str) -> int:
    """Lists matchable profiles in the per-event index as their event would (entries under
    their keys), MATCHED version LISTED_BY_RUN (-1): their event, queued or to come, still
    matches them. For profiles written without their event (the run's repair, the demo data)."""
    items = [
        (
            r.id,
            match_index.reach_candidate(r),
            LISTED_BY_RUN,
            candidate_index_keys(r.code_insee, r.mobility_km, r.metier_codes),
            set(),
        )
        for r in records
        if r.matchable
    ]
    return match_index.repair("candidate", items, now)


def _home_bassin(code_insee: str) -> str | None:
    commune = get_referentials().commune(code_insee)
    return commune.bassin_code if commune else None


def _repair_offers(offers, today: date, now: str) -> int:
    """Lists in the per-event index the bassin's offers whose MATCHED version is stale (an event
    lost, the first run after deploying): this run computes their whole list."""
    done = match_index.matched_versions("offer", [o.id for o in offers])
    stale = [o for o in offers if done.get(o.id) != (o.version if o.is_listed(today) else 0)]
    if not stale:
        return 0
    before = match_index.matched_many("offer", [o.id for o in stale])  # their old keys
    repaired = []
    for o in stale:
        version = o.version if o.is_listed(today) else 0
        new_keys = offer_index_keys(o.bassin, o.code_rome, fitted_codes()) if version else set()
        old_keys = match_index.matched_keys(before.get(o.id))
        repaired.append((o.id, match_index.reach_offer(o), version, new_keys, old_keys))
    return match_index.repair("offer", repaired, now)
