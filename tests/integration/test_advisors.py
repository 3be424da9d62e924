"""Advisors (docs/structures.md, "Advisors"): a member of a validated structure d'accompagnement
registers a person; the person accepts from the e-mail, consents and chooses to share; the
caseload shows the progress and matches of those who share only, never another structure's
people; sharing withdrawn hides them at once; the daily digest of changes and its opt-out."""

from __future__ import annotations

import io
import re

import pytest

from chalicelib.domain.calendar import paris_today
from chalicelib.observability import logger
from scripts.moto_mail import messages_to
from tests.factories import METZ, candidate_payload, invitation_acceptance, unique_email
from tests.integration.helpers import (
    call,
    data_item,
    deliver_outbox,
    new_candidate,
    new_member,
    say_interest,
    seed_match,
    seed_offer,
)

pytestmark = pytest.mark.usefixtures("empty_queues")
INVITE = re.compile(r"/invitation\.html#token=([A-Za-z0-9_-]{32,})")


def person_payload(**overrides):
    """POST /api/advisor/candidates: the candidate sign-up without the consents."""
    body = candidate_payload(**overrides)
    body.pop("consent_terms")
    body.pop("consent_contact")
    return body


def invitation_token(moto_endpoint: str, email: str) -> str:
    for message in reversed(messages_to(moto_endpoint, email)):
        found = INVITE.findall(message.get("body", ""))
        if found:
            return found[-1]
    raise AssertionError(f"no invitation e-mailed to {email}")


@pytest.fixture
def advisor(client, moto_endpoint):
    return new_member(client, moto_endpoint, "accompagnement", network="mission_locale")


def register(client, advisor, **overrides):
    body = person_payload(**overrides)
    answer = call(client, "POST", "/api/advisor/candidates", body, cookie=advisor.cookie)
    assert answer.status == 201, answer.body
    return answer.body["id"], body


def caseload(client, advisor) -> list[dict]:
    answer = call(client, "GET", "/api/advisor/candidates", cookie=advisor.cookie)
    assert answer.status == 200, answer.body
    return answer.body["items"]


def accept(client, moto_endpoint, email, **overrides) -> str:
    token = invitation_token(moto_endpoint, email)
    body = invitation_acceptance(**overrides)
    for field in ("target_code_rome", "competences"):  # as the invitation page sends it
        body.pop(field)
    accepted = call(client, "POST", f"/api/invitations/{token}", body)
    assert accepted.status == 201, accepted.body
    return accepted.headers["Set-Cookie"].split(";", 1)[0]


def test_a_registered_person_is_invisible_until_they_accept_then_shares_their_matches(
    client, moto_endpoint, advisor
):
    person_id, body = register(client, advisor, first_name="Yasmine", last_name="Haddad")
    line = caseload(client, advisor)[0]
    assert line["id"] == person_id and line["status"] == "awaiting_consent"
    assert line["email"] == body["email"] and line["shared"] is False and line["matched"] is None
    # Nothing exists for employers or the matching before the person's own consent.
    from chalicelib.repositories import accounts

    assert accounts.owner_of_email(body["email"]) is None
    assert (
        call(client, "GET", f"/api/advisor/candidates/{person_id}/matches", cookie=advisor.cookie).status
        == 404
    )

    token = invitation_token(moto_endpoint, body["email"])
    invitation = call(client, "GET", f"/api/invitations/{token}")
    assert invitation.status == 200, invitation.body
    assert invitation.body["structure"] == {"name": advisor.body["name"], "kind": "accompagnement"}
    assert invitation.body["training"]["title"] == body["training"]["title"]
    prefill = invitation.body["prefill"]
    assert prefill["code_insee"] == METZ and prefill["commune_name"] == "Metz"
    assert (
        prefill["competences"] == body["competences"] and prefill["contract_types"] == body["contract_types"]
    )

    no_consent = call(client, "POST", f"/api/invitations/{token}", invitation_acceptance(consent_terms=False))
    assert no_consent.status == 400 and "consent_terms" in no_consent.body["error"]["fields"]
    cookie = accept(client, moto_endpoint, body["email"], first_name="Yasmine", last_name="Haddad")
    me = call(client, "GET", "/api/candidates/me", cookie=cookie).body
    assert me["email"] == body["email"] and me["training"]["title"] == body["training"]["title"]
    assert me["target_code_rome"] == body["target_code_rome"] and me["competences"] == body["competences"]
    assert call(client, "GET", f"/api/invitations/{token}").status == 404  # used once

    offer = seed_offer()
    seed_match(offer.id, me["id"], offer.employer_id, 81)
    say_interest(offer.id, me["id"])
    line = caseload(client, advisor)[0]
    assert line["status"] == "registered" and line["shared"] is True and line["email"] is None
    assert (line["matched"], line["interested"], line["hired"]) == (1, 1, 0)
    found = call(client, "GET", f"/api/advisor/candidates/{person_id}/matches", cookie=advisor.cookie)
    assert found.status == 200 and [m["offer"]["id"] for m in found.body] == [offer.id]
    assert found.body[0]["score"] == 81
    one = call(client, "GET", f"/api/advisor/candidates/{person_id}", cookie=advisor.cookie)
    assert one.status == 200 and one.body["matched"] == 1

    # The person stops sharing: their progress disappears from the caseload at once.
    sharing = call(client, "GET", "/api/candidates/me/sharing", cookie=cookie).body["items"]
    assert [(s["kind"], s["structure_name"], s["shared"]) for s in sharing] == [
        ("accompagnement", advisor.body["name"], True)
    ]
    stopped = call(
        client,
        "POST",
        f"/api/candidates/me/sharing/{sharing[0]['training_id']}",
        {"shared": False},
        cookie=cookie,
    )
    assert stopped.status == 200 and stopped.body["shared"] is False
    line = caseload(client, advisor)[0]
    assert line["shared"] is False and line["matched"] is None and line["followup_1m"] is None
    assert (
        call(client, "GET", f"/api/advisor/candidates/{person_id}/matches", cookie=advisor.cookie).status
        == 404
    )

    # Erasure: the line stays "registered" without any link to the account.
    call(
        client,
        "POST",
        f"/api/candidates/me/sharing/{sharing[0]['training_id']}",
        {"shared": True},
        cookie=cookie,
    )
    assert caseload(client, advisor)[0]["shared"] is True
    assert call(client, "DELETE", "/api/candidates/me", cookie=cookie).status == 204
    line = caseload(client, advisor)[0]
    assert line["status"] == "registered" and line["shared"] is False and line["matched"] is None


def test_another_structure_never_sees_the_person(client, moto_endpoint, advisor):
    person_id, body = register(client, advisor)
    accept(client, moto_endpoint, body["email"])
    other = new_member(
        client, moto_endpoint, "accompagnement", network="france_travail", name="France Travail Metz"
    )
    assert caseload(client, other) == []
    for path in (f"/api/advisor/candidates/{person_id}", f"/api/advisor/candidates/{person_id}/matches"):
        assert call(client, "GET", path, cookie=other.cookie).status == 404
        assert call(client, "GET", path, cookie=advisor.cookie).status == 200
    for bad in ("inconnu", "0" * 24, person_id[:10], person_id + "00"):
        assert (
            call(client, "GET", f"/api/advisor/candidates/{bad}/matches", cookie=advisor.cookie).status == 404
        )
    # A training organisation's member is not an advisor.
    trainer = new_member(client, moto_endpoint, "organisme_formation")
    assert (
        call(client, "POST", "/api/advisor/candidates", person_payload(), cookie=trainer.cookie).status == 403
    )
    assert call(client, "GET", "/api/advisor/candidates", cookie=trainer.cookie).status == 403


def test_bad_registrations_are_refused_naming_the_field(client, moto_endpoint, advisor):
    for overrides, field in (
        ({"email": "pas-une-adresse"}, "email"),
        ({"code_insee": "75056"}, "code_insee"),
        ({"training__end_date": "2001-01-01"}, "training.end_date"),
        ({"training__code_rome": []}, "training.code_rome"),
        ({"contract_types": []}, "contract_types"),
        ({"mobility_km": 500}, "mobility_km"),
        ({"competences": ["999999999"]}, "competences"),
    ):
        answer = call(
            client, "POST", "/api/advisor/candidates", person_payload(**overrides), cookie=advisor.cookie
        )
        assert answer.status == 400, (overrides, answer.body)
        assert field in answer.body["error"]["fields"], answer.body
    consent = {**person_payload(), "consent_terms": True}  # the consents are the person's own
    answer = call(client, "POST", "/api/advisor/candidates", consent, cookie=advisor.cookie)
    assert answer.status == 400 and "consent_terms" in answer.body["error"]["fields"]

    _, body = register(client, advisor)
    again = call(client, "POST", "/api/advisor/candidates", body, cookie=advisor.cookie)
    assert again.status == 409 and "email" in again.body["error"]["fields"]
    assert len(caseload(client, advisor)) == 1
    assert (
        len([m for m in messages_to(moto_endpoint, body["email"]) if INVITE.search(m.get("body", ""))]) == 1
    )
    # An address of a professional account is not a person to register.
    pro = call(
        client,
        "POST",
        "/api/advisor/candidates",
        person_payload(email=advisor.body["email"]),
        cookie=advisor.cookie,
    )
    assert pro.status == 409 and "email" in pro.body["error"]["fields"]


def test_decline_and_an_existing_account_that_links(client, moto_endpoint, advisor):
    _, body = register(client, advisor)
    token = invitation_token(moto_endpoint, body["email"])
    assert call(client, "POST", f"/api/invitations/{token}/decline").status == 204
    line = caseload(client, advisor)[0]
    assert line["status"] == "declined" and line["email"] is None
    stored = data_item(
        {"PK": f"CASELOAD#{advisor.body['structure_id']}", "SK": f"PERSON#{_hash_of(body['email'])}"}
    )
    assert stored is not None and "email" not in stored and "profile" not in stored

    existing = new_candidate(client, moto_endpoint)
    email = existing.body["email"]
    register(client, advisor, email=email)
    token = invitation_token(moto_endpoint, email)
    invitation = call(client, "GET", f"/api/invitations/{token}").body
    assert invitation["account_exists"] is True
    assert call(client, "POST", f"/api/invitations/{token}", invitation_acceptance()).status == 409
    linked = call(
        client,
        "POST",
        f"/api/invitations/{token}/link",
        {"share_with_structure": True},
        cookie=existing.cookie,
    )
    assert linked.status == 204, linked.body
    mine = [line for line in caseload(client, advisor) if line["status"] == "registered"]
    assert len(mine) == 1 and mine[0]["shared"] is True and mine[0]["matched"] == 0


def _hash_of(email: str) -> str:
    from chalicelib.services.advisors import email_hash

    return email_hash(email)


def test_daily_digest_of_changes_once_a_day_with_an_opt_out(client, moto_endpoint, advisor):
    from chalicelib.services.advisors import send_digests

    colleague_email = unique_email("collegue")
    added = call(
        client,
        "POST",
        "/api/structures/me/members",
        {"name": "Louise Marchal", "email": colleague_email},
        cookie=advisor.cookie,
    )
    assert added.status == 201, added.body
    prefs = call(client, "PATCH", "/api/advisor/preferences", {"digest_opt_out": True}, cookie=advisor.cookie)
    assert prefs.status == 200 and prefs.body == {"digest_opt_out": True}
    assert call(client, "GET", "/api/advisor/preferences", cookie=advisor.cookie).body == {
        "digest_opt_out": True
    }
    assert (
        call(
            client, "PATCH", "/api/advisor/preferences", {"digest_opt_out": "oui"}, cookie=advisor.cookie
        ).status
        == 400
    )

    _, body = register(client, advisor, first_name="Bérénice", last_name="Ott")
    cookie = accept(client, moto_endpoint, body["email"])
    me = call(client, "GET", "/api/candidates/me", cookie=cookie).body
    offer = seed_offer()
    seed_match(offer.id, me["id"], offer.employer_id, 77)

    def digests_to(email: str) -> list[dict]:
        return [m for m in messages_to(moto_endpoint, email) if "accompagnez" in m.get("subject", "")]

    # Other tests' structures share the table: only this structure's members are looked at.
    day = paris_today()
    assert send_digests(day)["advisor_digests"] >= 1
    deliver_outbox()
    digest = digests_to(colleague_email)
    assert len(digest) == 1
    text = digest[0]["body"]
    assert "Bérénice Ott" in text and "a accepté son inscription" in text
    assert "1 nouvelle(s) correspondance(s)" in text
    assert digests_to(advisor.body["email"]) == []  # the advisor opted out
    send_digests(day)  # nothing new, and once a day anyway
    deliver_outbox()
    assert len(digests_to(colleague_email)) == 1

    # The next day: the person withdrew sharing; that is the only change told.
    call(
        client,
        "POST",
        f"/api/candidates/me/sharing/{advisor.body['structure_id']}",
        {"shared": False},
        cookie=cookie,
    )
    from datetime import timedelta

    send_digests(day + timedelta(days=1))
    deliver_outbox()
    digest = digests_to(colleague_email)
    assert len(digest) == 2
    assert "ne partage plus son suivi" in digest[-1]["body"] and "correspondance" not in digest[-1]["body"]
    assert digests_to(advisor.body["email"]) == []


def test_the_advisor_journey_logs_no_personal_data(client, moto_endpoint, advisor):
    stream = io.StringIO()
    handler = logger.registered_handler
    previous = handler.setStream(stream)
    level = logger.log_level
    logger.setLevel("INFO")
    try:
        person_id, body = register(
            client, advisor, first_name="Ermessinde", last_name="Quillebeuf", phone="06 98 76 54 31"
        )
        caseload(client, advisor)
        cookie = accept(client, moto_endpoint, body["email"], first_name="Ermessinde", last_name="Quillebeuf")
        call(client, "GET", f"/api/advisor/candidates/{person_id}/matches", cookie=advisor.cookie)
        call(
            client,
            "POST",
            f"/api/candidates/me/sharing/{advisor.body['structure_id']}",
            {"shared": False},
            cookie=cookie,
        )
    finally:
        handler.setStream(previous)
        logger.setLevel(level)
    logs = stream.getvalue()
    assert person_id in logs
    for secret in (body["email"], "Ermessinde", "Quillebeuf"):
        assert secret.lower() not in logs.lower()
    assert re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", logs) == []
    assert "698765431" not in re.sub(r"\D", "", logs)


def test_staff_figures_by_structure_count_those_who_share(client, moto_endpoint, advisor):
    from chalicelib.domain.calendar import paris_today
    from chalicelib.services.staff_stats import refresh_stats
    from tests.factories import METZ_BASSIN
    from tests.integration.helpers import staff_session

    for share in (True, True, False):
        _, body = register(client, advisor)
        accept(client, moto_endpoint, body["email"], share_with_structure=share)
    register(client, advisor)  # not answered yet: not a candidate, not counted
    refresh_stats(METZ_BASSIN, paris_today())
    answer = call(
        client, "GET", f"/api/staff/stats?by=structure&bassin={METZ_BASSIN}", cookie=staff_session(client)
    )
    assert answer.status == 200, answer.body
    rows = {row["code"]: row for row in answer.body["rows"]}
    mine = rows[advisor.body["structure_id"]]
    assert mine["label"] == advisor.body["name"]
    assert mine["candidates"] == 2 and mine["candidates_matchable"] == 2
    assert mine["followup"]["1m"]["in_job_rate"]["of"] == mine["followup"]["1m"]["due"]
    assert mine["open_offers"] is None  # offer-side counts exist by bassin only
