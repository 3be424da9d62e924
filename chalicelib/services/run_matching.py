"""Use case: bring the stored matches of one bassin's offers up to date.

Reads (Query only): open offers of the bassin (GSI2), matchable candidates of every bassin
that can reach it (GSI2), current matches of each offer. Runs the pure engine. Writes
(BatchWriteItem) only the matches that appeared, changed or disappeared (compared as arrays,
domain/matching/stored.py): a second run on
unchanged data writes nothing. Stored set = the best 50 candidates per offer; a candidate
sees the best 30 of what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from chalicelib.domain.matching import CandidateInput, run_matching, stored_matches
from chalicelib.domain.reach import candidate_index_keys, fitted_by, offer_index_keys, source_bassins
from chalicelib.domain.referentials import get_referentials
from chalicelib.repositories import candidates as candidates_repo
from chalicelib.repositories import match_index
from chalicelib.repositories import matches as matches_repo
from chalicelib.repositories import offers as offers_repo
from chalicelib.schemas.match_index_store import OfferListRecord
from chalicelib.schemas.matches_store import MatchRecord
from chalicelib.services.matching_inputs import match_record
from chalicelib.services.matching_inputs import offer_input as _offer_input
from chalicelib.services.matching_inputs import profile_input as _candidate_input

TOP_PER_OFFER = 50
TOP_PER_CANDIDATE = 30


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
    candidate_inputs: list[CandidateInput] = []
    residents = []  # matchable candidates living in the bassin: their index entries are checked here
    if offer_inputs or offer_ids is None:
        for source in source_bassins(bassin):
            records = candidates_repo.list_matchable_in_bassin(source)
            if source == bassin:
                residents = records
            if offer_inputs:
                candidate_inputs += [i for i in map(_candidate_input, records) if i]
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
    # and their reasons are built only for the matches to write.
    lists = stored_matches(matching)
    stored = {o.id: matches_repo.existing_match_records(o.id) for o in offer_inputs}
    put_rows, deletes = lists.diff(r for records in stored.values() for r in records.values())
    puts: list[MatchRecord] = []
    for row in put_rows.tolist():
        m = lists.result(row)
        puts.append(match_record(m, offer_by_id[m.offer_id].employer_id, bassin, now))
        if (m.offer_id, m.candidate_id) not in stored[m.offer_id]:
            result.new_pairs.append((m.offer_id, m.candidate_id))
    result.kept = len(lists)
    result.written = matches_repo.apply_changes(puts, deletes)
    withdraw_from_closed_offers({p.offer_id for p in puts})
    result.lists_written = _write_lists(lists)
    if offer_ids is None:  # the reconciliation of the per-event indexes (docs/matching.md)
        result.index_repaired = _repair_index(offers, residents, today, now)
    return result


def withdraw_from_closed_offers(offer_ids: set[str]) -> int:
    """An offer closed while a run computed its list: the close deleted the proposals it found,
    and those the run wrote after it are deleted here. The close writes its status before deleting
    and this reads the status (consistently) after writing, so one of the two sees the other."""
    if not offer_ids:
        return 0
    current = offers_repo.get_many(offer_ids, consistent=True)
    gone = [o for o in offer_ids if o not in current or not current[o].is_open]
    return sum(matches_repo.delete_matches_of_offer(offer_id) for offer_id in gone)


def _write_lists(lists) -> int:
    """The per-event path's copy of each offer's list (OFFER#<id> / LIST), where it differs."""
    ids, start = lists.candidate_ids, lists.start.tolist()
    rows, scores = lists.candidate.tolist(), lists.score.tolist()
    stored = match_index.lists_stored(lists.offer_ids)
    changed = []
    for k, offer_id in enumerate(lists.offer_ids):
        span = slice(start[k], start[k + 1])
        record = OfferListRecord(offer_id=offer_id, ids=[ids[r] for r in rows[span]], scores=scores[span])
        if record != stored.get(offer_id, OfferListRecord(offer_id=offer_id)):
            changed.append(record)
    return match_index.write_lists(changed)


def _repair_index(offers, residents, today: date, now: str) -> int:
    """Lists in the per-event indexes the bassin's offers and resident candidates whose MATCHED
    version is stale (an event lost, the first run after deploying): the run has just matched them."""
    written = 0
    done = match_index.matched_many("offer", [o.id for o in offers])
    stale = []
    for o in offers:
        version = o.version if o.is_listed(today) else 0
        if o.id not in done or done[o.id].version != version:
            new_keys = offer_index_keys(o.bassin, o.code_rome, fitted_codes()) if version else set()
            stale.append(
                (
                    o.id,
                    match_index.reach_offer(o),
                    version,
                    new_keys,
                    match_index.matched_keys(done.get(o.id)),
                )
            )
    written += match_index.repair("offer", stale, now)
    done = match_index.matched_many("candidate", [c.id for c in residents])
    stale = []
    for c in residents:
        if c.id not in done or done[c.id].version != c.version:
            new_keys = candidate_index_keys(c.code_insee, c.mobility_km, c.metier_codes)
            stale.append(
                (
                    c.id,
                    match_index.reach_candidate(c),
                    c.version,
                    new_keys,
                    match_index.matched_keys(done.get(c.id)),
                )
            )
    written += match_index.repair("candidate", stale, now)
    return written
