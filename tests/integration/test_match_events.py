"""Per-event matching over the moto server: after each candidate or offer event, worked by the
real handler through the item-sized indexes, the stored matches of every offer concerned equal a
full recompute (ids, order, scores, reasons), on random data; bursts of events for one item are
worked once; a retried or crashed message writes the same thing; erasure leaves no index entry.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

import pytest

from chalicelib.domain.calendar import paris_today
from chalicelib.domain.matching import run_matching
from chalicelib.domain.referentials import get_referentials
from chalicelib.jobs.matching import handle_message
from chalicelib.repositories import candidates as candidates_repo
from chalicelib.repositories import db, match_index
from chalicelib.repositories import matches as matches_repo
from chalicelib.repositories import offers as offers_repo
from chalicelib.services import candidate_account, match_events
from chalicelib.services import run_matching as run_matching_service
from tests.factories import new_id
from tests.integration.helpers import drain_matching_queue, seed_candidate, seed_offer

pytestmark = [pytest.mark.usefixtures("empty_queues"), pytest.mark.own_table]

TOP = 4  # short lists: most are full, so entering, pushing out and refilling all happen
BASSINS = ("4410", "4411", "4412", "4413")
SEEDS = ("A1203", "A1414")


@pytest.fixture
def short_lists(monkeypatch):
    monkeypatch.setattr(run_matching_service, "TOP_PER_OFFER", TOP)
    monkeypatch.setattr(match_events, "TOP_PER_OFFER", TOP)


def world(seed: int):
    refs = get_referentials()
    rnd = random.Random(seed)
    communes = rnd.sample(
        sorted((c for c in refs.communes.values() if c.bassin_code in BASSINS), key=lambda c: c.code_insee),
        25,
    )
    codes = sorted({*SEEDS, *(t for s in SEEDS for t in refs.metiers[s].mobilities)})[:8]
    return rnd, communes, codes


def person(rnd, communes, codes, tag: str):
    today = paris_today()
    own = rnd.sample(codes, 2)
    return seed_candidate(
        id=f"ev-{tag}-{new_id()[:8]}",
        code_insee=rnd.choice(communes).code_insee,
        mobility_km=rnd.choice([0, 10, 30, 60]),
        training={
            "title": "Titre pro",
            "code_rome": own[:1],
            "end_date": today - timedelta(days=rnd.randint(0, 300)),
        },
        target_code_rome=own[1:],
        competences=[c.code for c in get_referentials().competences_of(own[0])][: rnd.randint(1, 4)],
        contract_types=rnd.sample(["cdi", "cdd", "interim"], 2),
        available_from=today,
    )


def job(rnd, communes, codes, tag: str):
    code = rnd.choice(codes)
    return seed_offer(
        id=f"ev-{tag}-{new_id()[:8]}",
        employer_id="emp-events",
        code_rome=code,
        competences=[c.code for c in get_referentials().competences_of(code)][:3],
        code_insee=rnd.choice(communes).code_insee,
        contract_type=rnd.choice(["cdi", "cdd", "interim"]),
        start_date=paris_today() + timedelta(days=rnd.randint(1, 40)),
    )


def event(kind: str, item) -> dict[str, int]:
    body = {"type": kind, f"{kind}_id": item.id, "bassin": item.bassin}
    return handle_message(json.dumps(body))


def reconcile() -> None:
    """The scheduled run of the test's bassins: their lists, and every offer and resident candidate
    listed in the indexes (the test's métiers are used by no other module, so nobody elsewhere
    matches its offers)."""
    for bassin in BASSINS:
        handle_message(json.dumps({"type": "bassin", "bassin": bassin}))
    # A run reads the index; the residents it lists for the first time get their event queued
    # again (matched in every bassin they reach): the worker's next messages.
    for message in drain_matching_queue():
        if message["type"] in ("candidate", "offer"):
            handle_message(json.dumps(message))


def stored(offer_ids) -> dict[str, list]:
    found = {}
    for offer_id in offer_ids:
        records = sorted(
            matches_repo.existing_match_records(offer_id).values(), key=lambda r: (-r.score, r.candidate_id)
        )
        if records:
            found[offer_id] = [(r.candidate_id, r.score, tuple(r.reasons)) for r in records]
    return found


def everyone() -> dict:
    """Every matchable candidate of the region (27 Queries)."""
    bassins = sorted(get_referentials().bassins)
    return {c.id: c for b in bassins for c in candidates_repo.list_matchable_in_bassin(b)}


def full_recompute(offer_ids, people: dict | None = None) -> dict[str, list]:
    """The engine on every open offer concerned against every matchable candidate of the region
    (`people`: those, kept up to date by the test instead of read again)."""
    today = paris_today()
    matchable = list((people if people is not None else everyone()).values())
    mine = [o for o in offers_repo.get_many(offer_ids).values() if o.is_open]
    matching = run_matching(
        [run_matching_service._offer_input(o) for o in mine],
        [i for i in map(run_matching_service._candidate_input, matchable) if i],
        run_matching_service._mobility(),
        run_matching_service._Labels(),
        today,
        TOP,
        0,
    )
    return {
        o: [(r.candidate_id, r.score, r.reasons) for r in rs] for o, rs in matching.by_offer.items() if rs
    }


def lists_stored(offer_ids) -> dict[str, list]:
    return {o: r.entries() for o, r in match_index.lists_of(offer_ids).items() if r.ids}


def test_every_event_gives_the_lists_of_a_full_recompute(short_lists) -> None:
    rnd, communes, codes = world(7)
    people = [person(rnd, communes, codes, "p") for _ in range(40)]
    jobs = [job(rnd, communes, codes, "o") for _ in range(10)]
    reconcile()  # lists, indexes for everyone (the first run after a deployment does the same)
    ids = [o.id for o in jobs]
    assert stored(ids) == full_recompute(ids) and len(stored(ids)) >= 5
    assert lists_stored(ids) == {o: [(c, s) for c, s, _ in rs] for o, rs in stored(ids).items()}

    region = everyone()
    counts = {"puts": 0, "refills": 0, "skipped": 0}
    for n in range(12):
        kind = n % 4
        if kind == 0:  # sign-up
            item, what = person(rnd, communes, codes, "new"), "candidate"
            people.append(item)
        elif kind == 1:  # edited profile: mobility, métier or consent
            current = candidates_repo.get(rnd.choice(people).id)
            change = rnd.choice(
                [
                    {"mobility_km": rnd.choice([0, 5, 60])},
                    {"consent_contact": not current.consent_contact},
                    {"target_code_rome": [rnd.choice(codes)]},
                ]
            )
            item = current.model_copy(update={**change, "version": current.version + 1})
            candidates_repo.save(item, current.version)
            what = "candidate"
        elif kind == 2:  # new offer
            item, what = job(rnd, communes, codes, "newo"), "offer"
            jobs.append(item)
        else:  # edited or closed offer
            current = offers_repo.get(rnd.choice(jobs).id)
            change = rnd.choice(
                [{"status": "closed"}, {"code_rome": rnd.choice(codes)}, {"contract_type": "cdd"}]
            )
            item = current.model_copy(update={**change, "version": current.version + 1})
            offers_repo.save(item, current.version)
            what = "offer"
        totals = event(what, item)
        again = event(what, item)  # SQS delivers at least once: the same message again
        if what == "candidate":  # the region's matchable candidates, as the store now holds them
            region.pop(item.id, None)
            if item.matchable:
                region[item.id] = item
        counts["puts"] += totals["written"]
        counts["refills"] += totals["refills"]
        counts["skipped"] += again["skipped"]
        ids = [o.id for o in jobs]
        assert stored(ids) == full_recompute(ids, region), f"event {n} ({what})"
        assert lists_stored(ids) == {o: [(c, s) for c, s, _ in rs] for o, rs in stored(ids).items()}
    assert counts["puts"] and counts["skipped"] == 12, counts
    assert full_recompute(ids, region) == full_recompute(ids)  # the test's copy was the store's


def test_a_burst_of_events_for_one_item_is_worked_once_and_a_crash_is_redone(
    short_lists, monkeypatch
) -> None:
    rnd, communes, codes = world(11)
    jobs = [job(rnd, communes, codes, "b") for _ in range(4)]
    for o in jobs:
        event("offer", o)
    someone = person(rnd, communes, codes, "burst")
    for _ in range(3):  # three saves in a row, each queuing its event, before the worker runs
        current = candidates_repo.get(someone.id)
        candidates_repo.save(
            current.model_copy(update={"version": current.version + 1, "mobility_km": 60}), current.version
        )
    results = [event("candidate", someone) for _ in range(3)]
    assert [r["skipped"] for r in results] == [0, 1, 1]

    # A crash after the matches were written but before the MATCHED version: the retry redoes
    # the work and writes nothing more.
    current = candidates_repo.get(someone.id)
    candidates_repo.save(
        current.model_copy(update={"version": current.version + 1, "mobility_km": 10}), current.version
    )

    def crash(*args, **kwargs):
        raise ConnectionError("Lambda stopped")

    with monkeypatch.context() as m:
        m.setattr(match_index, "mark_matched", crash)
        with pytest.raises(ConnectionError):
            event("candidate", someone)
    ids = [o.id for o in jobs]
    before = stored(ids)
    retried = event("candidate", someone)
    assert retried["skipped"] == 0 and retried["written"] == 0
    assert stored(ids) == before == full_recompute(ids)


def test_requests_of_a_new_candidate_are_item_sized(short_lists) -> None:
    rnd, communes, codes = world(13)
    for _ in range(3):
        event("offer", job(rnd, communes, codes, "r"))
    newcomer = person(rnd, communes, codes, "req")
    with db.count_requests() as counts:
        event("candidate", newcomer)
    assert "Scan" not in counts and sum(counts.values()) <= 20, counts


def test_erasure_leaves_no_index_entry_nor_list_mention(short_lists) -> None:
    rnd, communes, codes = world(17)
    jobs = [job(rnd, communes, codes, "e") for _ in range(3)]
    for o in jobs:
        event("offer", o)
    someone = person(rnd, communes, codes, "erase")
    candidates_repo.save(someone.model_copy(update={"version": 2, "mobility_km": 60}), 1)
    event("candidate", someone)
    done = match_index.matched("candidate", someone.id)
    entries = match_index.matched_keys(done)
    assert entries and {c.id for c in match_index.candidates_under(entries)} >= {someone.id}
    listed = {o for o, r in match_index.lists_of(o.id for o in jobs).items() if someone.id in r.ids}
    assert listed, "the person is in some offer's list"

    candidate_account.erase(someone.id)
    assert match_index.matched("candidate", someone.id) is None
    assert someone.id not in {c.id for c in match_index.candidates_under(entries)}
    assert not any(someone.id in r.ids for r in match_index.lists_of(o.id for o in jobs).values())
    assert matches_repo.candidate_match_records(someone.id) == {}
