"""Findings of the outside review (issue 15), each with the test that failed before its fix.
docs/security.md lists them with their mitigation."""

from __future__ import annotations

import base64
import json
import time

import pytest

from chalicelib.domain.calendar import paris_today
from tests.integration.helpers import call

pytestmark = pytest.mark.usefixtures("empty_queues")


# --- 6. deeply nested JSON -------------------------------------------------------------------------
@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_deeply_nested_bodies_are_400_not_500(client, opening):
    body = opening * 60_000 if opening == "[" else opening * 9_000
    assert len(body) < 64 * 1024  # under the size limit: only the depth can refuse it
    for path in ("/api/candidates", "/api/auth/magic-link", "/api/employers"):
        answer = call(client, "POST", path, body)
        assert answer.status == 400, (path, answer.status)
        assert "imbriqué" in answer.body["error"]["fields"]["body"]


def test_a_deeply_nested_cursor_is_400_naming_next(client):
    cursor = base64.urlsafe_b64encode(b"[" * 30_000).decode().rstrip("=")
    answer = call(client, "GET", "/api/offers?next=" + cursor)
    assert answer.status == 400 and "next" in answer.body["error"]["fields"]


def test_ordinary_nesting_and_brackets_in_strings_still_parse(client):
    from chalicelib.schemas import json_input

    assert json_input.loads(b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\""}') == {
        "a": '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["'
    }
    assert json_input.nesting_depth(b'[[1], {"x": [2, "]]]]"]}]') == 3
    with pytest.raises(json_input.TooDeep):
        json_input.loads(b"[" * 33 + b"]" * 33)
    assert json_input.loads(b"[" * 32 + b"]" * 32) is not None


# --- 2. staff removed from the list --------------------------------------------------------------
@pytest.fixture
def staff_list(stack_env):
    """Sets the staff list in SSM (as an operator would), and puts the suite's list back."""
    from aws_lambda_powertools.utilities import parameters

    from chalicelib import aws
    from chalicelib.config import get_settings
    from tests.integration.helpers import COLLEAGUE_EMAIL, STAFF_EMAIL

    ssm, name = aws.client("ssm"), get_settings().staff_emails_param

    def set_list(*emails: str) -> None:
        ssm.put_parameter(Name=name, Type="StringList", Value=",".join(emails), Overwrite=True)
        parameters.clear_caches()  # what 5 minutes do in production

    yield set_list
    set_list(STAFF_EMAIL, COLLEAGUE_EMAIL)


def test_staff_removed_from_the_list_lose_access_at_once(client, staff_list):
    from tests.integration.helpers import COLLEAGUE_EMAIL, STAFF_EMAIL, staff_session

    staff_list(STAFF_EMAIL, COLLEAGUE_EMAIL, "partant@example.org")
    cookie = staff_session(client, "partant@example.org")
    assert call(client, "GET", "/api/staff/exports", cookie=cookie).status == 200
    staff_list(STAFF_EMAIL, COLLEAGUE_EMAIL)
    assert call(client, "GET", "/api/staff/exports", cookie=cookie).status == 401
    assert call(client, "GET", "/api/auth/me", cookie=cookie).status == 401
    # the others keep theirs
    assert call(client, "GET", "/api/staff/exports", cookie=staff_session(client)).status == 200


def test_staff_sessions_last_a_working_day(client):
    from chalicelib.domain.identity import keyed_hash
    from chalicelib.gateways import secrets
    from chalicelib.repositories import auth
    from chalicelib.services import sessions
    from tests.integration.helpers import STAFF_EMAIL, cookie_of

    token = sessions.issue_token(sessions.staff_id(STAFF_EMAIL), "staff")
    answer = call(client, "POST", "/api/auth/session", {"token": token})
    assert answer.status == 200 and "Max-Age=28800" in answer.headers["Set-Cookie"]
    session = auth.get_session(keyed_hash(secrets.signing_key(), cookie_of(answer).split("=", 1)[1]))
    assert int(session["expires_at"]) - time.time() <= 8 * 3600


# --- 1. inactive accounts left half-erased ----------------------------------------------------------
def _items_of(*needles: str) -> list[dict]:
    from tests.integration.helpers import all_items

    return [item for item in all_items() if any(n in str(item) for n in needles)]


def _as_if_ttl_deleted(candidate_id: str) -> None:
    from chalicelib.repositories import keys
    from chalicelib.repositories.db import data_table

    data_table().delete_item(Key=keys.candidate(candidate_id))


def test_ttl_deleting_the_profile_first_leaves_nothing_after_the_next_daily_job(client, moto_endpoint):
    from datetime import date

    from chalicelib.repositories import candidates as candidates_repo
    from chalicelib.repositories import markers
    from chalicelib.services import housekeeping
    from tests.integration.helpers import new_candidate, say_interest, seed_match, seed_offer

    person = new_candidate(client, moto_endpoint)
    offer = seed_offer()
    seed_match(offer.id, person.id, offer.employer_id, 80)
    say_interest(offer.id, person.id)
    markers.claim(person.id, "expiry-warning#test", 3600)
    profile = candidates_repo.get(person.id)
    assert (
        candidates_repo.purge_day(profile.last_active_at)
        > candidates_repo.expiry_of(profile.last_active_at).date().isoformat()
    )  # the TTL (and its purge) come after the job's own erasure
    _as_if_ttl_deleted(person.id)
    assert _items_of(person.id)  # the claim, the session, the match and the interaction are left

    housekeeping.run_daily(date.fromisoformat(candidates_repo.purge_day(profile.last_active_at)))
    assert _items_of(person.id, person.email) == []
    # the address is free again
    again = call(client, "POST", "/api/candidates", {**person.body})
    assert again.status == 201


def test_an_active_person_s_claim_is_only_postponed(client, moto_endpoint):
    from datetime import date

    from chalicelib.repositories import candidates as candidates_repo
    from chalicelib.services import housekeeping
    from tests.integration.helpers import new_candidate

    person = new_candidate(client, moto_endpoint)
    created = candidates_repo.get(person.id)
    day = candidates_repo.purge_day(created.last_active_at)
    later = created.model_copy(update={"last_active_at": f"{day}T08:00:00.000Z", "version": 2})
    candidates_repo.save(later, 1)  # active again before the purge day
    housekeeping.run_daily(date.fromisoformat(day))
    assert candidates_repo.get(person.id) is not None
    assert call(client, "GET", "/api/candidates/me", cookie=person.cookie).status == 200


def test_delete_me_frees_the_address_even_when_the_profile_is_gone(client, moto_endpoint):
    from tests.integration.helpers import new_candidate

    person = new_candidate(client, moto_endpoint)
    _as_if_ttl_deleted(person.id)
    assert call(client, "DELETE", "/api/candidates/me", cookie=person.cookie).status == 204
    assert _items_of(person.id, person.email) == []
    assert call(client, "POST", "/api/candidates", {**person.body}).status == 201


def test_an_employer_erasure_interrupted_while_freeing_the_address_is_finished_by_a_retry(
    client, moto_endpoint, monkeypatch
):
    from chalicelib.repositories import accounts
    from chalicelib.services import employer_account
    from tests.integration.helpers import sign_up_employer

    employer = sign_up_employer(client, moto_endpoint)
    monkeypatch.setattr(accounts, "release_email", _fail)
    with pytest.raises(RuntimeError):
        employer_account.erase(employer.id)
    monkeypatch.undo()
    employer_account.erase(employer.id)  # the person tries again with the same session
    assert accounts.owner_of_email(employer.email) is None
    assert call(client, "POST", "/api/employers", {**employer.body}).status == 201


def _fail(*_args, **_kwargs):
    raise RuntimeError("simulated failure")


# --- 4. enumeration by timing and by sign-up ----------------------------------------------------------
def test_a_known_and_an_unknown_address_answer_in_the_same_time(client, moto_endpoint, monkeypatch):
    import statistics

    from chalicelib.services import sessions
    from scripts.moto_mail import messages_to
    from tests.integration.helpers import deliver_outbox, new_candidate

    monkeypatch.setattr(sessions, "MAX_PER_ADDRESS", 1000)  # the counters still run, for both
    monkeypatch.setattr(sessions, "MAX_PER_CLIENT", 1000)
    monkeypatch.setattr(sessions, "MAX_PER_ADDRESS_ALL_CLIENTS", 1000)
    known = new_candidate(client, moto_endpoint).email
    unknown = "personne-" + known
    headers = {"Content-Type": "application/json"}

    def timed(email: str) -> float:
        body = json.dumps({"email": email})
        start = time.perf_counter()
        answer = client.http.request("POST", "/api/auth/magic-link", body=body, headers=headers)
        elapsed = time.perf_counter() - start
        assert answer.status_code == 202
        return elapsed

    before = len(messages_to(moto_endpoint, known))
    for _ in range(3):  # warm both paths
        timed(known), timed(unknown)
    known_times, unknown_times = [], []
    for _ in range(25):  # interleaved, so that a slow moment of the machine hits both
        known_times.append(timed(known))
        unknown_times.append(timed(unknown))
    known_median, unknown_median = statistics.median(known_times), statistics.median(unknown_times)
    print(f"median known {known_median * 1000:.1f} ms, unknown {unknown_median * 1000:.1f} ms")
    assert abs(known_median - unknown_median) <= 0.2 * unknown_median
    # the e-mails still leave, only to the known address
    deliver_outbox()
    assert len(messages_to(moto_endpoint, known)) == before + 28
    assert messages_to(moto_endpoint, unknown) == []


# --- 3. the API only through CloudFront; limits per (address, client) ------------------------------------
def test_outside_local_a_request_without_cloudfront_s_origin_header_is_refused(client, monkeypatch):
    from chalicelib.config import Settings, get_settings
    from chalicelib.gateways import secrets
    from chalicelib.services import edge

    monkeypatch.setattr(
        edge, "get_settings", lambda: Settings(**{**get_settings().model_dump(), "stage": "prod"})
    )
    direct = call(client, "GET", "/api/auth/me")
    assert direct.status == 403 and "Accès direct refusé" in direct.body["error"]["message"]
    assert call(client, "GET", "/api/auth/me", X_Passerelle_Origin="devine").status == 403
    through_cloudfront = call(client, "GET", "/api/auth/me", X_Passerelle_Origin=secrets.origin_key())
    assert through_cloudfront.status == 401  # reached the app: no session


def test_the_client_is_the_viewer_address_cloudfront_gives():
    from chalicelib.services.edge import client_address

    assert client_address({"cloudfront-viewer-address": "198.51.100.10:46532"}, "10.0.0.1") == "198.51.100.10"
    assert client_address({"cloudfront-viewer-address": "2001:db8::1:46532"}, "10.0.0.1") == "2001:db8::1"
    assert client_address({}, "10.0.0.1") == "10.0.0.1"


def _ask_link(client, email: str, viewer: str) -> int:
    return call(
        client, "POST", "/api/auth/magic-link", {"email": email}, CloudFront_Viewer_Address=viewer
    ).status


def test_a_training_centre_behind_one_address_is_not_locked_out(client):
    centre = "203.0.113.7:40000"
    statuses = [_ask_link(client, f"stagiaire-{n}@example.net", centre) for n in range(40)]
    assert statuses == [202] * 40  # 30 per 15 minutes for everyone behind one NAT before


def test_someone_hammering_an_address_neither_locks_its_owner_out_nor_floods_them(
    client, moto_endpoint, monkeypatch
):
    from chalicelib.services import sessions
    from scripts.moto_mail import messages_to
    from tests.integration.helpers import deliver_outbox, new_candidate

    monkeypatch.setattr(sessions, "LOCKED_DELAY_S", 4)
    victim = new_candidate(client, moto_endpoint).email
    before = len(messages_to(moto_endpoint, victim))
    attacker = [_ask_link(client, victim, "198.51.100.66:5000") for _ in range(8)]
    assert attacker == [202] * 5 + [429] * 3  # this client, this address: refused after 5
    others = [_ask_link(client, victim, f"198.51.100.{n}:5000") for n in range(10, 16)]
    assert others == [202] * 6  # others are not refused...
    assert len(messages_to(moto_endpoint, victim)) == before + 5  # ...and the mailbox is not flooded
    owner = _ask_link(client, victim, "192.0.2.1:443")
    assert owner == 202
    time.sleep(4.5)
    deliver_outbox()
    assert len(messages_to(moto_endpoint, victim)) == before + 6  # one link for the slot, a little later


# --- 7. CSRF ---------------------------------------------------------------------------------------------
def test_changes_accept_json_only(client, moto_endpoint):
    from tests.integration.helpers import new_candidate

    person = new_candidate(client, moto_endpoint)
    for content_type in (
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ):
        answer = call(
            client,
            "PATCH",
            "/api/candidates/me",
            '{"mobility_km": 0}',
            person.cookie,
            Content_Type=content_type,
            If_Match="1",
        )
        assert answer.status == 415, (content_type, answer.status)
        assert answer.body["error"]["code"] == "unsupported_media_type"
    answer = call(client, "POST", "/api/auth/magic-link", "email=x%40example.net", Content_Type="text/plain")
    assert answer.status == 415
    # a body-less change (sign-out) and JSON with its charset still pass
    assert call(client, "GET", "/api/candidates/me", cookie=person.cookie).body["mobility_km"] != 0
    ok = call(
        client,
        "PATCH",
        "/api/candidates/me",
        {"mobility_km": 0},
        person.cookie,
        If_Match="1",
        Content_Type="application/json; charset=utf-8",
    )
    assert ok.status == 200


def test_a_change_from_another_site_is_refused_and_api_clients_without_origin_pass(client, moto_endpoint):
    from chalicelib.config import get_settings
    from tests.integration.helpers import new_candidate

    person = new_candidate(client, moto_endpoint)
    foreign = call(
        client, "DELETE", "/api/candidates/me", cookie=person.cookie, Origin="https://evil.example"
    )
    assert foreign.status == 403 and "ne vient pas du site" in foreign.body["error"]["message"]
    assert call(client, "GET", "/api/candidates/me", cookie=person.cookie).status == 200  # still there
    own = call(
        client, "POST", "/api/auth/magic-link", {"email": person.email}, Origin=get_settings().site_url
    )
    assert own.status == 202
    assert call(client, "DELETE", "/api/candidates/me", cookie=person.cookie).status == 204  # no Origin


def test_the_session_cookie_is_host_prefixed_outside_local(monkeypatch):
    from chalicelib.config import Settings
    from chalicelib.services import sessions

    monkeypatch.setattr(sessions, "get_settings", lambda: Settings(stage="prod"))
    cookie = sessions.session_cookie("x" * 43, 3600)
    assert cookie.startswith("__Host-passerelle_session=") and "Secure" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


def test_a_malformed_neighbour_cookie_does_not_sign_the_person_out(client, moto_endpoint):
    from tests.integration.helpers import new_candidate

    person = new_candidate(client, moto_endpoint)
    messy = f'tracker="a;b"c; {person.cookie}; bad\\cookie=1; other=[x]'
    assert call(client, "GET", "/api/auth/me", cookie=messy).status == 200


# --- 8. races ----------------------------------------------------------------------------------------------
def test_a_run_that_read_an_offer_before_it_closed_leaves_no_proposal_on_it(stack_env, monkeypatch):

    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.repositories import matches as matches_module
    from chalicelib.repositories import offers as offers_repo
    from chalicelib.services import run_matching
    from chalicelib.services.submit_offer import close_offer
    from tests.integration.helpers import seed_candidate, seed_offer

    seed_candidate()
    offer = seed_offer()
    written: list[str] = []

    def close_then_write(puts, deletes):
        puts = list(puts)
        written.extend(p.offer_id for p in puts)
        close_offer(offers_repo.get(offer.id), "expired")  # closed while the run was computing
        return matches_module.apply_changes(puts, deletes)

    class Repo:
        apply_changes = staticmethod(close_then_write)

        def __getattr__(self, name):
            return getattr(matches_module, name)

    monkeypatch.setattr(run_matching, "matches_repo", Repo())
    run_matching.match_bassin(offer.bassin, paris_today(), utc_timestamp(), offer_ids={offer.id})
    assert offer.id in written  # the run did want to propose candidates on it
    assert matches_module.existing_match_records(offer.id) == {}


def test_the_30_day_closure_does_not_overwrite_an_answer_given_meanwhile(stack_env, monkeypatch):
    from datetime import timedelta

    from chalicelib.domain.calendar import paris_today, utc_timestamp
    from chalicelib.repositories import matches as matches_repo
    from chalicelib.services import housekeeping
    from tests.integration.helpers import say_interest, seed_candidate, seed_match, seed_offer

    person, offer = seed_candidate(), seed_offer()
    seed_match(offer.id, person.id, offer.employer_id, 80)
    today = paris_today()
    say_interest(offer.id, person.id, at=f"{(today - timedelta(days=31)).isoformat()}T09:00:00.000Z")
    real_get = matches_repo.get

    def get_then_employer_answers(offer_id, candidate_id):
        view = real_get(offer_id, candidate_id)  # the job reads "no answer"...
        matches_repo.set_outcome(
            real_get(offer_id, candidate_id), "interview", utc_timestamp()
        )  # ...answered now
        return view

    monkeypatch.setattr(matches_repo, "get", get_then_employer_answers)
    housekeeping.unanswered_interests(today)
    monkeypatch.undo()
    assert real_get(offer.id, person.id).interaction.status == "interview"


# --- 9. audit of download links ------------------------------------------------------------------------
def test_every_download_link_handed_out_is_in_the_audit_log(client):
    from tests.integration.helpers import COLLEAGUE_EMAIL, staff_session
    from tests.integration.test_staff import request_export, run_exports_worker

    mine, colleague = staff_session(client), staff_session(client, COLLEAGUE_EMAIL)
    export_id = request_export(client, mine, kind="offers", format="csv")
    assert "done" in run_exports_worker()
    for cookie in (mine, colleague, mine):
        view = call(client, "GET", f"/api/staff/exports/{export_id}", cookie=cookie)
        assert view.status == 200 and view.body["download_url"]
    log = call(client, "GET", "/api/staff/exports?limit=100", cookie=mine)
    entry = next(e for e in log.body["items"] if e["id"] == export_id)
    who = [link["staff_id"] for link in entry["links_issued"]]
    me = call(client, "GET", "/api/auth/me", cookie=mine).body["id"]
    other = call(client, "GET", "/api/auth/me", cookie=colleague).body["id"]
    assert who == [me, other, me]
    assert all(link["at"] >= entry["finished_at"] for link in entry["links_issued"])


def test_a_refused_send_is_retried_and_logs_no_address(stack_env, monkeypatch):
    from chalicelib.gateways import mailer
    from chalicelib.jobs import outbox as outbox_job
    from chalicelib.observability import logger

    class Refused(Exception):
        # a botocore error's shape
        response = {"Error": {"Code": "MessageRejected", "Message": "not verified: x@y.fr"}}  # noqa: RUF012

        def __str__(self):
            return "Email address is not verified. The following identities failed: victime@example.fr"

    def refuse(*_args):
        raise Refused()

    monkeypatch.setattr(mailer, "send_email", refuse)
    body = json.dumps(
        {
            "channel": "email",
            "to": "victime@example.fr",
            "template": "already_registered",
            "data": {"role": "candidate"},
        }
    )
    with pytest.raises(outbox_job.DeliveryFailed) as failure:
        outbox_job.handle_outbox_message(body)
    assert failure.value.__cause__ is None and failure.value.__suppress_context__
    assert "victime" not in str(failure.value)
    import io

    stream = io.StringIO()
    previous = logger.registered_handler.setStream(stream)
    try:
        raise Refused()
    except Refused:
        logger.exception("something failed")
    finally:
        logger.registered_handler.setStream(previous)
    assert "victime@example.fr" not in stream.getvalue() and "<adresse>" in stream.getvalue()


# --- 5. e-mails sign-ups make the service send; SES feedback ------------------------------------------
def test_sign_ups_from_one_client_are_capped_before_anything_is_stored(client, monkeypatch):
    from chalicelib.services import sessions
    from tests.factories import candidate_payload

    monkeypatch.setattr(sessions, "MAX_SIGN_UPS_PER_CLIENT", 3)
    viewer = "198.51.100.200:1000"
    statuses = [
        call(client, "POST", "/api/candidates", candidate_payload(), CloudFront_Viewer_Address=viewer).status
        for _ in range(5)
    ]
    assert statuses == [201, 201, 201, 429, 429]
    body = candidate_payload()
    assert (
        call(client, "POST", "/api/candidates", body, CloudFront_Viewer_Address="198.51.100.201:1").status
        == 201
    )


def test_bounced_and_complaining_addresses_are_not_written_to_again(client, moto_endpoint):
    from chalicelib.jobs.ses_feedback import handle_ses_notification
    from scripts.moto_mail import messages_to
    from tests.integration.helpers import new_candidate

    bounced, complained, transient = (new_candidate(client, moto_endpoint) for _ in range(3))
    events = [
        {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bouncedRecipients": [{"emailAddress": bounced.email.upper()}],
            },
        },
        {
            "notificationType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": complained.email}]},
        },
        {
            "eventType": "Bounce",
            "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": transient.email}]},
        },
    ]
    assert [handle_ses_notification(json.dumps(e)) for e in events] == [1, 1, 0]
    assert handle_ses_notification("not json") == 0
    for person in (bounced, complained, transient):
        before = len(messages_to(moto_endpoint, person.email))
        assert (
            call(client, "POST", "/api/auth/magic-link", {"email": person.email}).status == 202
        )  # same answer
        sent = len(messages_to(moto_endpoint, person.email)) - before
        assert sent == (1 if person is transient else 0)
