"""Employers' answers (issue 12, issue 17 point 6): reasons, the interest rule, what the candidate
reads, the candidate's one reminder, the 30-day closure that never overwrites an answer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.calendar import paris_today
from tests.integration.helpers import (
    call,
    mails_to,
    new_candidate,
    post_offer,
    say_interest,
    seed_candidate,
    seed_match,
    sign_up_employer,
)

pytestmark = pytest.mark.usefixtures("empty_queues")


def stamp(days_ago: float) -> str:
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@pytest.fixture
def employer(client, moto_endpoint):
    return sign_up_employer(client, moto_endpoint)


def outcome(client, employer, offer_id, candidate_id, body):
    return call(
        client, "POST", f"/api/offers/{offer_id}/matches/{candidate_id}", body, cookie=employer.cookie
    )


def test_contact_interview_or_hire_need_the_candidates_interest(client, employer):
    offer_id = post_offer(client, employer)
    silent, declined, keen = seed_candidate(), seed_candidate(), seed_candidate()
    for person in (silent, declined, keen):
        seed_match(offer_id, person.id, employer.id, 80)
    say_interest(offer_id, declined.id, interested=False)
    say_interest(offer_id, keen.id)
    for person in (silent, declined):
        for status in ("contacted", "interview", "hired"):
            refused = outcome(client, employer, offer_id, person.id, {"status": status})
            assert refused.status == 409, refused.body
            assert "intéressée" in refused.body["error"]["message"]
            assert "status" in refused.body["error"]["fields"]
        # turning down a proposal nobody asked for stays possible (it needs a reason)
        set_aside = outcome(
            client, employer, offer_id, person.id, {"status": "not_retained", "reason": "autre"}
        )
        assert set_aside.status == 200 and set_aside.body["status"] == "not_retained"
    from chalicelib.repositories import matches

    assert matches.get(offer_id, silent.id).interaction.history[-1].status == "not_retained"
    assert outcome(client, employer, offer_id, keen.id, {"status": "interview"}).status == 200


def test_reasons_and_hire_details_are_checked_naming_the_field(client, employer):
    offer_id = post_offer(client, employer)
    keen = seed_candidate()
    seed_match(offer_id, keen.id, employer.id, 80)
    say_interest(offer_id, keen.id)
    for body, field in (
        ({"status": "not_retained"}, "reason"),
        ({"status": "not_retained", "reason": "trop_jeune"}, "reason"),
        ({"status": "interview", "reason": "poste_pourvu"}, "reason"),
        ({"status": "contacted", "comment": "rappeler"}, "comment"),
        ({"status": "not_retained", "reason": "autre", "comment": "<b>x</b>"}, "comment"),
        ({"status": "not_retained", "reason": "autre", "comment": "x" * 501}, "comment"),
        ({"status": "interview", "contract_type": "cdi"}, "contract_type"),
        ({"status": "hired", "contract_type": "stage"}, "contract_type"),
        ({"status": "hired", "start_date": "2020-01-01"}, "start_date"),
        ({"status": "hired", "start_date": "demain"}, "start_date"),
    ):
        answer = outcome(client, employer, offer_id, keen.id, body)
        assert answer.status == 400, (body, answer.body)
        assert field in answer.body["error"]["fields"], (body, answer.body)
    from chalicelib.repositories import matches

    assert matches.get(offer_id, keen.id).interaction.status is None  # nothing was stored

    start = (paris_today() + timedelta(days=20)).isoformat()
    hired = outcome(
        client, employer, offer_id, keen.id, {"status": "hired", "contract_type": "cdd", "start_date": start}
    )
    assert hired.status == 200, hired.body
    assert hired.body["hired_contract_type"] == "cdd" and hired.body["hired_start_date"] == start
    act = matches.get(offer_id, keen.id).interaction
    assert (act.status, act.hired_contract_type, act.hired_start_date) == ("hired", "cdd", start)
    # a later answer replaces the details: no stale contract next to a refusal
    turned = outcome(
        client,
        employer,
        offer_id,
        keen.id,
        {"status": "not_retained", "reason": "poste_pourvu", "comment": "Pris en interne"},
    )
    assert (
        turned.status == 200
        and turned.body["reason"] == "poste_pourvu"
        and turned.body["comment"] == "Pris en interne"
    )
    act = matches.get(offer_id, keen.id).interaction
    assert act.hired_contract_type is None and act.hired_start_date is None
    assert [(e.status, e.reason) for e in act.history] == [("hired", None), ("not_retained", "poste_pourvu")]


def test_the_candidate_reads_a_kind_reason_and_the_date_never_the_comment(client, moto_endpoint, employer):
    offer_id = post_offer(client, employer)
    candidate = new_candidate(client, moto_endpoint)
    seed_match(offer_id, candidate.id, employer.id, 80)
    assert (
        call(
            client,
            "POST",
            f"/api/candidates/me/matches/{offer_id}",
            {"interested": True},
            cookie=candidate.cookie,
        ).status
        == 200
    )
    before = call(client, "GET", "/api/candidates/me/matches", cookie=candidate.cookie).body
    assert before[0]["answer"] is None and before[0]["reminder_from"]
    secret = "Trop lent à l'essai, ne pas rappeler"
    assert (
        outcome(
            client,
            employer,
            offer_id,
            candidate.id,
            {"status": "not_retained", "reason": "profil_inadapte", "comment": secret},
        ).status
        == 200
    )

    mine = call(client, "GET", "/api/candidates/me/matches", cookie=candidate.cookie)
    assert mine.status == 200
    answer = mine.body[0]["answer"]
    assert answer["status"] == "not_retained"
    assert answer["label"] == "L'employeur n'a pas retenu votre candidature"
    assert (
        answer["reason_label"] == "L'employeur recherche un profil un peu différent du vôtre pour ce poste."
    )
    assert answer["at"][:10] == datetime.now(UTC).date().isoformat()
    assert mine.body[0]["reminder_from"] is None  # answered: nothing to remind
    assert secret not in json.dumps(mine.body)
    export = call(client, "GET", "/api/candidates/me/export", cookie=candidate.cookie)
    assert export.status == 200 and secret not in json.dumps(export.body)


def test_one_reminder_from_ten_days_without_answer(client, moto_endpoint, employer):
    from chalicelib.repositories import matches

    offer_id = post_offer(client, employer)
    candidate = new_candidate(client, moto_endpoint)
    other = new_candidate(client, moto_endpoint)
    seed_match(offer_id, candidate.id, employer.id, 80)
    seed_match(offer_id, other.id, employer.id, 70)
    path = f"/api/candidates/me/matches/{offer_id}/reminder"

    early = call(client, "POST", path, cookie=candidate.cookie)
    assert early.status == 409 and "pas déclaré" in early.body["error"]["message"]  # no interest yet
    say_interest(offer_id, candidate.id, at=stamp(9.5))
    early = call(client, "POST", path, cookie=candidate.cookie)
    assert early.status == 409 and "à partir du" in early.body["error"]["message"]

    say_interest(offer_id, candidate.id, at=stamp(10.2))
    before = len(mails_to(moto_endpoint, employer.email))
    sent = call(client, "POST", path, cookie=candidate.cookie)
    assert sent.status == 202, sent.body
    mails = mails_to(moto_endpoint, employer.email)
    assert len(mails) == before + 1 and "relance" in mails[-1]["subject"]
    assert candidate.email not in json.dumps(mails[-1])  # the employer reads the contact in their space
    assert matches.get(offer_id, candidate.id).interaction.candidate_reminded_at
    twice = call(client, "POST", path, cookie=candidate.cookie)
    assert twice.status == 409 and "déjà relancé" in twice.body["error"]["message"]
    assert len(mails_to(moto_endpoint, employer.email)) == before + 1
    listed = call(client, "GET", "/api/candidates/me/matches", cookie=candidate.cookie).body[0]
    assert listed["reminded_at"]

    # someone else's interest, or no such offer: 404, nothing sent
    assert (
        call(client, "POST", "/api/candidates/me/matches/inconnu/reminder", cookie=candidate.cookie).status
        == 404
    )
    say_interest(offer_id, other.id, at=stamp(12))
    assert outcome(client, employer, offer_id, other.id, {"status": "contacted"}).status == 200
    answered = call(client, "POST", path, cookie=other.cookie)
    assert answered.status == 409 and "déjà donné une suite" in answered.body["error"]["message"]
    assert call(client, "POST", path, cookie=employer.cookie).status == 403


def test_the_closure_never_overwrites_an_answer(client, employer):
    from chalicelib.repositories import matches
    from chalicelib.services import housekeeping

    offer_id = post_offer(client, employer)
    waited, answered = seed_candidate(), seed_candidate()
    for person in (waited, answered):
        seed_match(offer_id, person.id, employer.id, 80)
        say_interest(offer_id, person.id, at=stamp(31))
    # the employer answers between the job's read and its write: the conditional write loses
    view = matches.get(offer_id, answered.id)
    assert outcome(client, employer, offer_id, answered.id, {"status": "interview"}).status == 200
    assert matches.set_outcome(view, "sans_reponse", stamp(0), only_if_unanswered=True) is False
    assert matches.get(offer_id, answered.id).interaction.status == "interview"

    today = paris_today()
    counts = housekeeping.unanswered_interests(today)
    assert counts["closed_without_answer"] >= 1
    assert matches.get(offer_id, waited.id).interaction.status == "sans_reponse"
    assert matches.get(offer_id, answered.id).interaction.status == "interview"


# --- employers who never answer ------------------------------------------------------------------
def test_silent_employers_are_paused_listed_for_staff_and_resumed(client, moto_endpoint, employer):
    from chalicelib.services import employer_responsiveness
    from tests.integration.helpers import session_for

    offer_id = post_offer(client, employer)
    waiting = [seed_candidate() for _ in range(5)]
    for person in waiting:
        seed_match(offer_id, person.id, employer.id, 70, computed_at=stamp(40))
        say_interest(offer_id, person.id, at=stamp(35))
    lively = sign_up_employer(client, moto_endpoint, company_name="Réactive SARL")
    lively_offer = post_offer(client, lively)
    for person in waiting[:4]:
        seed_match(lively_offer, person.id, lively.id, 60)
        say_interest(lively_offer, person.id, at=stamp(35))
    assert outcome(client, lively, lively_offer, waiting[0].id, {"status": "contacted"}).status == 200
    newcomer = new_candidate(client, moto_endpoint)

    before = len(mails_to(moto_endpoint, employer.email))
    counts = employer_responsiveness.refresh_all(paris_today())
    assert counts["employers_paused"] >= 1
    mails = mails_to(moto_endpoint, employer.email)
    assert len(mails) == before + 1 and "ne sont plus proposées" in mails[-1]["subject"]
    assert "indiquez la suite" in mails[-1]["body"]
    assert not [m for m in mails_to(moto_endpoint, lively.email) if "plus proposées" in m["subject"]]
    again = employer_responsiveness.refresh_all(paris_today())  # a second run tells nobody twice
    assert len(mails_to(moto_endpoint, employer.email)) == before + 1 and again["employers_paused"] == 0

    # proposed after the pause: the newcomer does not get the offer; people who had it keep it
    seed_match(offer_id, newcomer.id, employer.id, 90)
    own = call(client, "GET", "/api/employers/me/offers", cookie=employer.cookie).body
    assert (
        own["paused_at"]
        and call(client, "GET", "/api/employers/me/offers", cookie=lively.cookie).body["paused_at"] is None
    )
    from chalicelib.services.notify_matches import send_digests

    told = len(mails_to(moto_endpoint, newcomer.email))
    send_digests([(offer_id, newcomer.id)], "2031-01-02")  # nobody is told about a paused offer
    assert len(mails_to(moto_endpoint, newcomer.email)) == told
    assert offer_id not in [
        m["offer"]["id"]
        for m in call(client, "GET", "/api/candidates/me/matches", cookie=newcomer.cookie).body
    ]
    old_timer = session_for(client, waiting[1].id, "candidate")
    theirs = call(client, "GET", "/api/candidates/me/matches", cookie=old_timer).body
    by_offer = {m["offer"]["id"]: m for m in theirs}
    assert offer_id in by_offer
    assert by_offer[offer_id]["employer_responsiveness"] == (
        "Cet employeur n'a encore répondu à aucune des personnes intéressées ces derniers mois."
    )
    assert by_offer[lively_offer]["employer_responsiveness"] == (
        "Cet employeur répond à moins de la moitié des personnes intéressées."
    )

    staff = session_for(client, "staff-test", "staff")
    listed = call(client, "GET", "/api/staff/employers?unanswered_days=30", cookie=staff)
    assert listed.status == 200, listed.body
    rows = {r["employer_id"]: r for r in listed.body}
    row = rows[employer.id]
    assert (row["interests"], row["answered"], row["answer_rate"]) == (5, 0, 0.0)
    assert row["unanswered_days"] >= 35 and row["paused_at"] and row["company_name"]
    assert rows[lively.id]["answer_rate"] == 0.25 and rows[lively.id]["paused_at"] is None
    longer = call(client, "GET", "/api/staff/employers?unanswered_days=60", cookie=staff).body
    ids = {r["employer_id"] for r in longer}
    assert employer.id in ids and lively.id not in ids  # paused employers stay listed until resumed
    bad = call(client, "GET", "/api/staff/employers?unanswered_days=-1", cookie=staff)
    assert bad.status == 400 and "unanswered_days" in bad.body["error"]["fields"]
    assert call(client, "GET", "/api/staff/employers", cookie=employer.cookie).status == 403

    resumed = call(client, "POST", f"/api/staff/employers/{employer.id}/resume", cookie=staff)
    assert resumed.status == 200 and resumed.body["paused_at"] is None
    assert offer_id in [
        m["offer"]["id"]
        for m in call(client, "GET", "/api/candidates/me/matches", cookie=newcomer.cookie).body
    ]
    assert call(client, "POST", "/api/staff/employers/inconnu/resume", cookie=staff).status == 404
    # resumed by staff: not paused again by the next run, though still silent
    assert employer_responsiveness.refresh_all(paris_today())["employers_paused"] == 0


def test_an_answer_lifts_the_pause_at_once(client, employer):
    from chalicelib.repositories import responsiveness
    from chalicelib.services import employer_responsiveness

    offer_id = post_offer(client, employer)
    people = [seed_candidate() for _ in range(5)]
    for person in people:
        seed_match(offer_id, person.id, employer.id, 70)
        say_interest(offer_id, person.id, at=stamp(31))
    employer_responsiveness.refresh_all(paris_today())
    assert responsiveness.get(employer.id).paused_at
    assert outcome(client, employer, offer_id, people[0].id, {"status": "interview"}).status == 200
    assert responsiveness.get(employer.id).paused_at is None
