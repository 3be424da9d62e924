"""Matching runs end to end on moto: scheduler → SQS (one message per bassin) → worker → stored matches.

Data lives in the Colmar bassin (4405) with ROME F1703 (maçon) so that other modules sharing the
moto server do not interfere.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain.calendar import paris_today
from chalicelib.domain.referentials import get_referentials
from chalicelib.jobs.matching import PoisonMessage, handle_message
from chalicelib.repositories import candidates as candidates_repo
from chalicelib.repositories import db, match_index, runs
from chalicelib.repositories import matches as matches_repo
from chalicelib.repositories import offers as offers_repo
from chalicelib.schemas.candidates_store import CandidateRecord
from chalicelib.schemas.match_index_store import OfferListRecord
from chalicelib.schemas.offers_store import OfferRecord
from tests.factories import new_id
from tests.integration.helpers import drain, seed_candidate, seed_offer

pytestmark = pytest.mark.own_table  # 27 bassins matched: only this module's data

BASSIN = "4405"
COLMAR = "68066"
ROME = "F1703"


def make_candidate(index: int, *, mobility: int = 30, consent: bool = True) -> CandidateRecord:
    return seed_candidate(
        id=f"cand-colmar-{index:03d}-{new_id()[:6]}",
        email=f"macon-{new_id()[:10]}@example.net",
        first_name="Alex",
        last_name="Martin",
        phone=None,
        code_insee=COLMAR,
        mobility_km=mobility,
        training={
            "title": "Titre pro maçon",
            "code_rome": [ROME],
            "end_date": paris_today() - timedelta(days=20),
        },
        target_code_rome=[],
        competences=[c.code for c in get_referentials().competences_of(ROME)][: 2 + index % 4],
        contract_types=["cdi", "cdd"],
        consent_contact=consent,
    )


def make_offer(index: int, status: str = "open") -> OfferRecord:
    return seed_offer(
        id=f"offer-colmar-{index:03d}-{new_id()[:6]}",
        employer_id="emp-colmar",
        title=f"Maçon / maçonne {index}",
        code_rome=ROME,
        description="Construction de maisons individuelles.",
        competences=[c.code for c in get_referentials().competences_of(ROME)][:4],
        code_insee=COLMAR,
        start_date=paris_today() + timedelta(days=15),
        status=status,
    )


def snapshot(offer_ids) -> dict:
    return {
        (r.offer_id, r.candidate_id): (r.score, tuple(r.reasons))
        for offer_id in offer_ids
        for r in matches_repo.existing_match_records(offer_id).values()
    }


@pytest.fixture(scope="module")
def colmar(stack_env):
    drain(get_settings().matching_queue_url)
    people = [make_candidate(i) for i in range(12)]
    people.append(make_candidate(99, consent=False))  # never matched: no consent
    jobs = [make_offer(i) for i in range(3)]
    yield people, jobs
    drain(get_settings().matching_queue_url)


def test_scheduled_run_fans_out_per_bassin_and_stores_explained_matches(client, colmar):
    people, jobs = colmar
    url = get_settings().matching_queue_url
    client.lambda_.invoke(
        "matching_scheduler", client.events.generate_cw_event("Scheduled Event", "aws.events", {}, [])
    )
    bodies = drain(url)
    messages = [json.loads(b) for b in bodies]
    assert sorted(m["bassin"] for m in messages) == sorted(get_referentials().bassins)
    run_id = messages[0]["run_id"]

    for body in bodies:  # what the SQS event source mapping does, through the real handler
        event = client.events.generate_sqs_event(message_bodies=[body], queue_name=url.rsplit("/", 1)[1])
        client.lambda_.invoke("matching_worker", event)

    run = runs.get(run_id)
    assert run.status == "done" and run.bassins_done == 27
    stored = matches_repo.for_offer(jobs[0].id)
    consenting = {p.id for p in people if p.consent_contact}
    ours = {p.id for p in people}  # other modules may add people to the same bassin
    assert {v.candidate_id for v in stored if v.candidate_id in ours} == consenting
    scores = [v.match.score for v in stored]
    assert scores == sorted(scores, reverse=True)
    best = stored[0].match
    assert best.reasons[0].startswith("Même métier") and any("compétence" in r for r in best.reasons)


def test_rerun_without_change_writes_nothing_and_never_scans(colmar):
    _, jobs = colmar
    handle_message(json.dumps({"type": "bassin", "bassin": BASSIN}))
    with db.count_requests() as calls:
        totals = handle_message(json.dumps({"type": "bassin", "bassin": BASSIN}))
    assert totals["written"] == 0
    assert calls.get("BatchWriteItem", 0) == 0 and calls.get("Scan", 0) == 0
    assert calls["Query"] >= len(jobs)  # offers, candidates of reachable bassins, matches per offer


def test_a_crashed_worker_retried_gives_the_uninterrupted_result(colmar, monkeypatch):
    _, jobs = colmar
    offer_ids = [j.id for j in jobs]
    handle_message(json.dumps({"type": "bassin", "bassin": BASSIN}))
    expected = snapshot(offer_ids)
    assert expected

    matches_repo.apply_changes([], list(expected))  # start from nothing: every match must be rewritten
    match_index.write_lists([OfferListRecord(offer_id=o) for o in offer_ids])  # and their lists' digests
    real_apply = matches_repo.apply_changes

    def crash_half_way(puts, deletes):
        puts = list(puts)
        real_apply(puts[: len(puts) // 2], [])
        raise RuntimeError("worker killed half-way")

    monkeypatch.setattr(matches_repo, "apply_changes", crash_half_way)
    with pytest.raises(RuntimeError):
        handle_message(json.dumps({"type": "bassin", "bassin": BASSIN}))
    assert 0 < len(snapshot(offer_ids)) < len(expected)
    monkeypatch.setattr(matches_repo, "apply_changes", real_apply)

    handle_message(json.dumps({"type": "bassin", "bassin": BASSIN}))  # SQS redelivers the message
    assert snapshot(offer_ids) == expected


def test_no_match_is_left_for_a_closed_offer_or_a_withdrawn_candidate(colmar):
    people, jobs = colmar
    handle_message(json.dumps({"type": "bassin", "bassin": BASSIN}))
    closing = offers_repo.get(jobs[2].id)
    offers_repo.save(
        closing.model_copy(update={"status": "closed", "version": closing.version + 1}), closing.version
    )
    leaving = candidates_repo.get(people[0].id)
    candidates_repo.save(
        leaving.model_copy(update={"visible": False, "version": leaving.version + 1}), leaving.version
    )

    handle_message(json.dumps({"type": "bassin", "bassin": BASSIN}))
    handle_message(json.dumps({"type": "offer", "offer_id": jobs[2].id, "bassin": BASSIN}))
    assert (
        matches_repo.existing_match_records(jobs[2].id) == {}
        or offers_repo.get(jobs[2].id).status == "closed"
    )
    remaining = snapshot([jobs[0].id, jobs[1].id])
    assert all(candidate != people[0].id for _, candidate in remaining)


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_poison_messages_fail_loudly_and_end_in_the_dead_letter_queue():
    records = _Records()
    logging.getLogger("passerelle").addHandler(records)  # Powertools' logger for service "passerelle"
    try:
        for body in ("not json", json.dumps({"type": "bassin", "bassin": "9999"}), json.dumps({"type": "x"})):
            with pytest.raises(PoisonMessage):
                handle_message(body)
    finally:
        logging.getLogger("passerelle").removeHandler(records)
    assert sum("ALARM poison matching message" in m for m in records.messages) == 3
    sqs = aws.client("sqs")
    url = get_settings().matching_queue_url
    dlq = sqs.get_queue_url(QueueName=url.rsplit("/", 1)[1] + "-dlq")["QueueUrl"]
    drain(dlq)
    drain(url)  # the per-event messages the runs above queued again for candidates they listed
    sqs.send_message(QueueUrl=url, MessageBody="{poison")
    for _ in range(3):  # the Lambda fails three times; SQS then moves the message aside
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=0)["Messages"]
        with pytest.raises(PoisonMessage):
            handle_message(received[0]["Body"])
    assert sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", []) == []
    assert drain(dlq) == ["{poison"]
