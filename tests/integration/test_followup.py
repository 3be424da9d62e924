"""Follow-up survey: one message per candidate and due, whatever the retries; the person answers
from the link without signing in; erasure unlinks the answers; staff run the daily job now."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.domain.calendar import paris_today
from chalicelib.gateways import mailer, outbox
from chalicelib.repositories import keys
from chalicelib.repositories.db import data_table
from chalicelib.services import daily_runs, followup_survey
from chalicelib.services.candidate_account import erase
from scripts.moto_mail import sms_to
from tests.integration.helpers import (
    STAFF_EMAIL,
    call,
    data_item,
    drain_matching_queue,
    mails_to,
    seed_candidate,
    session_for,
)

pytestmark = pytest.mark.usefixtures("empty_queues")

LINK = re.compile(r"/suivi\.html#token=([A-Za-z0-9_-]+)")
NANCY = "54395"  # bassin 4411 (Nancy)


def ended(days_ago: int, **overrides):
    today = paris_today()
    return seed_candidate(
        code_insee=overrides.pop("code_insee", NANCY),
        training={
            "title": "Titre pro cuisinier",
            "code_rome": ["G1602"],
            "end_date": today - timedelta(days=days_ago),
        },
        **overrides,
    )


def survey_mails(moto_endpoint: str, email: str) -> list[dict]:
    return [m for m in mails_to(moto_endpoint, email) if LINK.search(m.get("body", ""))]


def token_of(moto_endpoint: str, email: str) -> str:
    (message,) = survey_mails(moto_endpoint, email)
    return LINK.search(message["body"]).group(1)


def test_each_open_due_is_sent_once_even_under_a_double_and_a_concurrent_run(stack_env, moto_endpoint):
    one_month = ended(35)
    too_early = ended(10)
    between = ended(120)  # the 1m window (30–90 days) is closed, 6m not yet due
    six_months = ended(200)
    late_registration = ended(89)  # registered late: the 1m question still goes, 59 days late
    bassin = one_month.bassin
    today = paris_today()

    first = followup_survey.send_due_in_bassin(bassin, today)
    assert first["followup_sent"] >= 3
    followup_survey.send_due_in_bassin(bassin, today)  # the same day again
    runs = [
        threading.Thread(target=followup_survey.send_due_in_bassin, args=(bassin, today)) for _ in range(2)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    followup_survey.send_due_in_bassin(bassin, today + timedelta(days=1))  # the next day

    for person, expected in (
        (one_month, 1),
        (too_early, 0),
        (between, 0),
        (six_months, 1),
        (late_registration, 1),
    ):
        assert len(survey_mails(moto_endpoint, person.email)) == expected, person.training.end_date
    body = survey_mails(moto_endpoint, six_months.email)[0]["body"]
    assert "six mois" in body and "Titre pro cuisinier" in body
    for person in (one_month, too_early, between, six_months, late_registration):
        erase(person.id)


def test_the_question_goes_by_sms_too_only_with_the_opt_in(stack_env, moto_endpoint):
    keen = ended(40, phone="+33612349901", sms_opt_in=True)
    quiet = ended(40, phone="+33612349902")  # a mobile, but no opt-in
    today = paris_today()
    followup_survey.send_due_in_bassin(keen.bassin, today)
    followup_survey.send_due_in_bassin(keen.bassin, today)  # the same day again: nothing more

    (sms,) = sms_to(moto_endpoint, "+33612349901")
    assert LINK.search(sms["message"]).group(1) == token_of(moto_endpoint, keen.email)  # the e-mail's link
    assert "Pour ne plus recevoir de SMS" in sms["message"] and len(sms["message"]) <= 306
    assert sms_to(moto_endpoint, "+33612349902") == [] and len(survey_mails(moto_endpoint, quiet.email)) == 1
    for person in (keen, quiet):
        erase(person.id)


class Crash(BaseException):
    """The process dies (Lambda timeout, kill): nothing in the code can catch it."""


def test_a_run_that_crashes_half_way_resumes_without_sending_twice(stack_env, moto_endpoint, monkeypatch):
    people = [ended(40 + k) for k in range(4)]
    real_enqueue, calls = outbox.enqueue, []

    def dies_after_the_second_message(channel, to, template, data=None, delay_s=0):
        real_enqueue(channel, to, template, data, delay_s)
        calls.append(to)
        if len(calls) == 2:  # the outbox took the message, then the process died before sent_at
            raise Crash()

    monkeypatch.setattr(outbox, "enqueue", dies_after_the_second_message)
    run = daily_runs.create_run("test")
    with pytest.raises(Crash):
        daily_runs.process(run.id)
    assert daily_runs.get_run(run.id).status == "running"
    monkeypatch.setattr(outbox, "enqueue", real_enqueue)

    view = daily_runs.process(run.id)  # the message is delivered again
    assert view.status == "done" and view.progress == 100 and view.steps_done == view.steps_total
    for person in people:
        assert len(survey_mails(moto_endpoint, person.email)) == 1
    again = daily_runs.process(daily_runs.create_run("test").id)
    assert again.counts.get("followup_unconfirmed", 0) >= 1  # left unconfirmed, never sent twice
    for person in people:
        assert len(survey_mails(moto_endpoint, person.email)) == 1
        erase(person.id)


def test_a_question_the_outbox_could_not_take_is_sent_by_the_next_run(stack_env, moto_endpoint, monkeypatch):
    import io

    from chalicelib.observability import logger

    person = ended(50, code_insee="51454")  # Reims
    real_enqueue = outbox.enqueue

    def refuses(channel, to, template, data=None, delay_s=0):
        if to == person.email:
            raise RuntimeError(f"SQS unavailable while queuing for {to}")
        return real_enqueue(channel, to, template, data, delay_s)

    monkeypatch.setattr(outbox, "enqueue", refuses)
    stream = io.StringIO()
    previous = logger.registered_handler.setStream(stream)
    try:
        counts = followup_survey.send_due_in_bassin(person.bassin, paris_today())
    finally:
        logger.registered_handler.setStream(previous)
    assert counts["followup_failed"] >= 1
    assert "follow-up message not sent" in stream.getvalue()  # logged at ERROR, the suite's level is WARNING
    assert person.email not in stream.getvalue()  # no address in the logs
    assert survey_mails(moto_endpoint, person.email) == []
    assert data_item(keys.marker(person.id, keys.followup_claim_name("1m"))) is None  # claim released
    monkeypatch.setattr(outbox, "enqueue", real_enqueue)
    followup_survey.send_due_in_bassin(person.bassin, paris_today())
    assert len(survey_mails(moto_endpoint, person.email)) == 1
    erase(person.id)


def test_a_question_ses_refused_is_retried_by_the_outbox_and_sent_once(stack_env, moto_endpoint, monkeypatch):
    from chalicelib.jobs.outbox import DeliveryFailed, handle_outbox_message

    person = ended(52, code_insee="51454")  # Reims
    real_send = mailer.send_email

    def refuses(to, subject, text, html):
        if to == person.email:
            raise RuntimeError("Throttling: maximum sending rate exceeded")
        return real_send(to, subject, text, html)

    counts = followup_survey.send_due_in_bassin(person.bassin, paris_today())
    assert counts["followup_sent"] >= 1  # queued: the question counts as sent
    monkeypatch.setattr(mailer, "send_email", refuses)
    sqs, url, failed = aws.client("sqs"), get_settings().outbox_queue_url, 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:  # what the SQS event source does, the visibility timeout made 0
            try:
                handle_outbox_message(message["Body"])
            except DeliveryFailed:
                failed += 1
                sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
                if failed == 3:
                    monkeypatch.setattr(mailer, "send_email", real_send)  # SES is back for the 4th try
                continue
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert failed == 3
    followup_survey.send_due_in_bassin(person.bassin, paris_today())  # the next run claims nothing again
    assert len(survey_mails(moto_endpoint, person.email)) == 1  # SQS's retry delivered it, once
    erase(person.id)


def test_the_person_answers_from_the_link_and_answering_again_replaces(client, stack_env, moto_endpoint):
    person = ended(33, first_name="Inès")
    followup_survey.send_due_in_bassin(person.bassin, paris_today())
    token = token_of(moto_endpoint, person.email)

    status, body, _ = call(client, "GET", f"/api/followup/{token}")
    assert status == 200, body
    assert body["first_name"] == "Inès" and body["due"] == "1m" and body.get("answer") is None
    assert body["training_title"] == "Titre pro cuisinier"

    status, body, _ = call(client, "POST", f"/api/followup/{token}", {"situation": "recherche"})
    assert status == 200 and body["answer"]["situation"] == "recherche"
    status, body, _ = call(
        client,
        "POST",
        f"/api/followup/{token}",
        {"situation": "emploi_cdi", "found_via_passerelle": True, "code_rome": "G1602", "code_insee": NANCY},
    )
    assert status == 200 and body["answer"]["situation"] == "emploi_cdi"
    status, body, _ = call(client, "GET", f"/api/followup/{token}")
    assert body["answer"] == {**body["answer"], "situation": "emploi_cdi", "found_via_passerelle": True}

    for bad, field in (
        ({"situation": "chomage"}, "situation"),
        ({}, "situation"),
        ({"situation": "interim", "code_rome": "Z9999"}, "code_rome"),
        ({"situation": "interim", "code_insee": "75056"}, "code_insee"),
        ({"situation": "interim", "salaire": 2000}, "salaire"),
    ):
        status, body, _ = call(client, "POST", f"/api/followup/{token}", bad)
        assert status == 400 and field in body["error"]["fields"], (bad, body)
        assert body["error"]["message"].startswith("Certains champs")
    assert call(client, "GET", f"/api/followup/{token}").body["answer"]["situation"] == "emploi_cdi"
    erase(person.id)


def test_forged_unknown_and_expired_links_answer_404_in_french(client, stack_env, moto_endpoint):
    for token in ("x" * 43, "court", "a" * 200, "%2e%2e"):
        for method, body in (("GET", None), ("POST", {"situation": "autre"})):
            status, answer, _ = call(client, method, f"/api/followup/{token}", body)
            assert status == 404 and "inconnu" in answer["error"]["message"], (token, answer)

    person = ended(31)
    followup_survey.send_due_in_bassin(person.bassin, paris_today())
    token = token_of(moto_endpoint, person.email)
    (survey,) = [
        s for s in followup_survey.followup_repo.in_bassin(person.bassin) if s.candidate_id == person.id
    ]
    data_table().update_item(
        Key=keys.followup(survey.token_hash),
        UpdateExpression="SET expires_on = :d",
        ExpressionAttributeValues={":d": (paris_today() - timedelta(days=2)).isoformat()},
    )
    for method, body in (("GET", None), ("POST", {"situation": "autre"})):
        status, answer, _ = call(client, method, f"/api/followup/{token}", body)
        assert status == 404 and "expiré" in answer["error"]["message"]
    erase(person.id)


def test_erasure_unlinks_the_answers_and_the_link_stops_answering(client, stack_env, moto_endpoint):
    person = ended(36)
    followup_survey.send_due_in_bassin(person.bassin, paris_today())
    token = token_of(moto_endpoint, person.email)
    assert call(client, "POST", f"/api/followup/{token}", {"situation": "alternance"}).status == 200
    (survey,) = [
        s for s in followup_survey.followup_repo.in_bassin(person.bassin) if s.candidate_id == person.id
    ]

    erase(person.id)
    item = data_item(keys.followup(survey.token_hash))
    assert item is not None and item["answer"]["situation"] == "alternance"  # the figures keep it
    assert "candidate_id" not in item and "GSI1PK" not in item  # nothing leads back to the person
    assert person.id not in json.dumps(item, default=str)
    assert call(client, "GET", f"/api/followup/{token}").status == 404


def test_staff_run_the_daily_job_now_and_follow_its_progress(client, stack_env, moto_endpoint):
    from chalicelib.jobs.matching import handle_message

    person = ended(45)
    staff = session_for(client, f"staff-{STAFF_EMAIL}", "staff")
    drain_matching_queue()
    status, body, _ = call(
        client, "POST", "/api/staff/daily-runs", cookie=staff, Idempotency_Key="daily-run-0001"
    )
    assert status == 202, body
    run_id = body["id"]
    assert (
        call(client, "POST", "/api/staff/daily-runs", cookie=staff, Idempotency_Key="daily-run-0001").body
        == body
    )
    status, view, _ = call(client, "GET", f"/api/staff/daily-runs/{run_id}", cookie=staff)
    assert status == 200 and view["status"] == "running" and view["progress"] == 0

    (message,) = drain_matching_queue()
    assert message == {"type": "daily", "run_id": run_id}
    handle_message(json.dumps(message))
    status, view, _ = call(client, "GET", f"/api/staff/daily-runs/{run_id}", cookie=staff)
    assert view["status"] == "done" and view["progress"] == 100 and view["finished_at"]
    assert view["steps_total"] == 28 and view["counts"]["followup_sent"] >= 1
    assert len(survey_mails(moto_endpoint, person.email)) == 1
    handle_message(json.dumps(message))  # delivered twice: nothing counted or sent again
    assert (
        call(client, "GET", f"/api/staff/daily-runs/{run_id}", cookie=staff).body["counts"] == view["counts"]
    )
    assert len(survey_mails(moto_endpoint, person.email)) == 1

    # A worker whose time budget runs out queues the rest of the run instead of nearing its timeout.
    later = daily_runs.create_run("test")
    partial = daily_runs.process(later.id, budget_s=0)
    assert partial.status == "running" and partial.steps_done == 1
    (rest,) = drain_matching_queue()
    assert rest == {"type": "daily", "run_id": later.id}
    assert daily_runs.process(later.id).status == "done"

    listed = call(client, "GET", "/api/staff/daily-runs?limit=5", cookie=staff).body
    assert run_id in [r["id"] for r in listed]
    assert call(client, "GET", "/api/staff/daily-runs/inconnu", cookie=staff).status == 404
    assert call(client, "GET", "/api/staff/daily-runs?limit=0", cookie=staff).status == 400
    erase(person.id)


def test_figures_count_answers_with_their_denominators_and_hires_without_answer(
    client, stack_env, moto_endpoint
):
    from chalicelib.services.staff_stats import refresh_stats
    from tests.integration.helpers import record_outcome, seed_match, seed_offer

    charleville = "08105"  # bassin 4403 (Charleville-Mézières): few other tests live there
    from chalicelib.domain.referentials import get_referentials

    today = paris_today()
    staff = session_for(client, f"staff-{STAFF_EMAIL}", "staff")
    bassin = get_referentials().commune(charleville).bassin_code

    def figures(by: str = "bassin", **query):
        params = "&".join(f"{k}={v}" for k, v in {"by": by, "bassin": bassin, **query}.items())
        status, body, _ = call(client, "GET", f"/api/staff/stats?{params}", cookie=staff)
        assert status == 200, body
        return body

    refresh_stats(bassin, today)
    before = figures()["rows"][0]["followup"]["1m"]
    people = [ended(40, code_insee=charleville) for _ in range(4)]
    followup_survey.send_due_in_bassin(bassin, today)
    answers = ["emploi_cdi", "recherche", None, None]
    for person, situation in zip(people, answers, strict=True):
        if situation:
            token = token_of(moto_endpoint, person.email)
            assert call(client, "POST", f"/api/followup/{token}", {"situation": situation}).status == 200
    offer = seed_offer(code_insee=charleville)
    seed_match(
        offer.id, people[2].id, offer.employer_id, 80, bassin=bassin
    )  # hired, never answered: counts in a job
    record_outcome(
        offer.id, people[2].id, "hired", at=f"{(today - timedelta(days=20)).isoformat()}T09:00:00.000+00:00"
    )
    seed_match(
        offer.id, people[1].id, offer.employer_id, 80, bassin=bassin
    )  # hired, but says "recherche": the answer wins
    record_outcome(
        offer.id, people[1].id, "hired", at=f"{(today - timedelta(days=20)).isoformat()}T09:00:00.000+00:00"
    )
    refresh_stats(bassin, today)

    body = figures()
    row = body["rows"][0]
    after = row["followup"]["1m"]
    assert row["code"] == bassin and body["by"] == "bassin"
    assert after["due"] - before["due"] == 4
    assert after["sent"] - before["sent"] == 4
    assert after["answered"] - before["answered"] == 2
    assert after["in_job_answered"] - before["in_job_answered"] == 1
    assert after["in_job_recorded"] - before["in_job_recorded"] == 1
    assert after["in_job"] - before["in_job"] == 2
    for share, count, of in (("response_rate", "answered", "sent"), ("in_job_rate", "in_job", "due")):
        assert after[share]["count"] == after[count] and after[share]["of"] == after[of]
        assert after[share]["rate"] == round(100 * after[count] / after[of], 1)
    assert body["bassins"][0]["followup"]["1m"] == after  # the map and the table read the same numbers
    assert any(p["month"] == f"{(today - timedelta(days=40)):%Y-%m}" for p in body["trend"])

    by_dep = figures("departement")
    (ardennes,) = [r for r in by_dep["rows"] if r["code"] == "08"]
    assert ardennes["label"] == "Ardennes" and ardennes["followup"]["1m"]["sent"] >= 4
    assert ardennes["open_offers"] is None  # offer-side counts exist by bassin only
    by_cert = figures("certification")
    assert any(r["label"] == "Certification non renseignée" for r in by_cert["rows"])

    past = figures(to=(today - timedelta(days=400)).isoformat())  # trainings ended long before: none
    assert past["rows"][0]["followup"]["1m"]["sent"] == 0

    status, body, _ = call(client, "GET", "/api/staff/stats?by=structure", cookie=staff)
    assert status == 200 and body["by"] == "structure"  # rows: tests/integration/test_advisors.py
    status, body, _ = call(client, "GET", "/api/staff/stats?by=commune", cookie=staff)
    assert status == 400 and "by" in body["error"]["fields"]

    erase(people[0].id)  # the answer stays in the figures, unlinked
    refresh_stats(bassin, today)
    kept = figures()["rows"][0]["followup"]["1m"]
    assert (
        kept["answered"] == after["answered"]
        and kept["in_job"] == after["in_job"]
        and kept["due"] == after["due"]
    )
    for person in people[1:]:
        erase(person.id)
