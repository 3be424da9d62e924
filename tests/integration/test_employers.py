"""Employer accounts through the API (Chalice test client, moto over HTTP)."""

from __future__ import annotations

import pytest

from scripts.moto_mail import latest_token, messages_to
from tests.factories import (
    LA_POSTE_SIRET,
    THIONVILLE,
    employer_payload,
)
from tests.integration.helpers import (
    call,
    data_item,
    post_offer,
    say_interest,
    seed_candidate,
    seed_match,
    session_for,
    sign_up_employer,
)

pytestmark = pytest.mark.usefixtures("empty_queues")


def test_sign_up_sends_a_sign_in_link_and_opens_an_employer_session(client, moto_endpoint):
    body = employer_payload(siret="732 829 320 00074", email="  Recrutement@Graoully.example ")
    answer = call(client, "POST", "/api/employers", body)
    assert answer.status == 201 and set(answer.body) == {"id"}

    address = "recrutement@graoully.example"
    assert len(messages_to(moto_endpoint, address)) == 1
    token = latest_token(moto_endpoint, address)
    session = call(client, "POST", "/api/auth/session", {"token": token})
    assert session.status == 200 and session.body == {"role": "employer", "id": answer.body["id"]}

    cookie = session.headers["Set-Cookie"].split(";", 1)[0]
    me = call(client, "GET", "/api/employers/me", cookie=cookie)
    assert me.status == 200
    assert me.body["siret"] == "73282932000074"  # stored without spaces
    assert me.body["email"] == address
    assert me.body["bassin"] == {"code": "4410", "label": "Metz"} and me.body["commune_name"] == "Metz"
    assert me.body["version"] == 1 and me.headers["ETag"] == '"1"'


def test_la_poste_siret_is_accepted(client, moto_endpoint):
    employer = sign_up_employer(client, moto_endpoint, siret=LA_POSTE_SIRET)
    me = call(client, "GET", "/api/employers/me", cookie=employer.cookie)
    assert me.body["siret"] == "35600000049814"


def test_invalid_siret_is_refused_in_french_naming_siret(client):
    for siret in ("732 829 320 00075", "1234", "7328293200007A", ""):
        answer = call(client, "POST", "/api/employers", employer_payload(siret=siret))
        assert answer.status == 400, siret
        assert answer.body["error"]["code"] == "validation_error"
        assert answer.body["error"]["fields"]["siret"].startswith("Numéro SIRET invalide")


def test_other_invalid_sign_ups_name_their_fields(client):
    answer = call(
        client,
        "POST",
        "/api/employers",
        employer_payload(
            company_name="", contact_name="", email="pas-une-adresse", code_insee="75056", phone="12"
        ),
    )
    assert answer.status == 400
    assert set(answer.body["error"]["fields"]) == {
        "company_name",
        "contact_name",
        "email",
        "code_insee",
        "phone",
    }
    assert call(client, "POST", "/api/employers", b"{not json").status == 400


def test_a_taken_address_answers_as_a_new_sign_up_and_the_owner_is_told(client, moto_endpoint):
    employer = sign_up_employer(client, moto_endpoint)
    again = call(client, "POST", "/api/employers", employer_payload(email=employer.email.upper()))
    assert again.status == 201 and again.body["id"] != employer.id
    assert data_item({"PK": f"EMP#{again.body['id']}", "SK": "PROFILE"}) is None
    subjects = [m["subject"] for m in messages_to(moto_endpoint, employer.email)]
    assert subjects == ["Bienvenue sur Passerelle", "Vous avez déjà un compte Passerelle"]


def test_idempotency_key_returns_the_same_account(client, moto_endpoint):
    body = employer_payload()
    first = call(client, "POST", "/api/employers", body, Idempotency_Key="signup-employer-0001")
    second = call(client, "POST", "/api/employers", body, Idempotency_Key="signup-employer-0001")
    assert first.status == second.status == 201 and first.body == second.body
    assert len(messages_to(moto_endpoint, body["email"])) == 1
    other = call(
        client,
        "POST",
        "/api/employers",
        {**body, "company_name": "Autre"},
        Idempotency_Key="signup-employer-0001",
    )
    assert other.status == 422


def test_patch_needs_the_current_version(client, moto_endpoint):
    employer = sign_up_employer(client, moto_endpoint)
    change = {"company_name": "Brasserie du Graoully SARL", "code_insee": THIONVILLE, "phone": None}
    assert (
        call(client, "PATCH", "/api/employers/me", change, cookie=employer.cookie).status == 400
    )  # no If-Match
    updated = call(client, "PATCH", "/api/employers/me", change, cookie=employer.cookie, If_Match='"1"')
    assert updated.status == 200, updated.body
    assert updated.body["company_name"] == "Brasserie du Graoully SARL"
    assert updated.body["bassin"]["code"] == "4424" and updated.body["phone"] is None
    assert updated.body["version"] == 2

    stale = call(
        client, "PATCH", "/api/employers/me", {"contact_name": "Autre"}, cookie=employer.cookie, If_Match="1"
    )
    assert stale.status == 409 and stale.body["error"]["code"] == "conflict"
    bad = call(client, "PATCH", "/api/employers/me", {"siret": "123"}, cookie=employer.cookie, If_Match="2")
    assert bad.status == 400 and "siret" in bad.body["error"]["fields"]
    assert (
        call(
            client,
            "PATCH",
            "/api/employers/me",
            {"email": "x@example.net"},
            cookie=employer.cookie,
            If_Match="2",
        ).status
        == 400
    )


def test_employer_routes_refuse_other_roles(client, moto_endpoint):
    candidate = session_for(client, "cand-" + "0" * 20, "candidate")
    staff = session_for(client, "staff-" + "0" * 20, "staff")
    for method, path in (
        ("GET", "/api/employers/me"),
        ("PATCH", "/api/employers/me"),
        ("DELETE", "/api/employers/me"),
        ("GET", "/api/employers/me/offers"),
    ):
        assert call(client, method, path, {}).status == 401, path
        assert call(client, method, path, {}, cookie=candidate).status == 403, path
        assert call(client, method, path, {}, cookie=staff).status == 403, path


def test_own_offers_list_counts_and_answer_rate(client, moto_endpoint):
    employer = sign_up_employer(client, moto_endpoint)
    first = post_offer(client, employer)
    second = post_offer(client, employer, title="Second de cuisine")
    a, b, hidden = seed_candidate(), seed_candidate(), seed_candidate(consent_contact=False)
    for candidate, score in ((a, 80), (b, 70), (hidden, 90)):
        seed_match(first, candidate.id, employer.id, score)
    say_interest(first, a.id)
    say_interest(first, b.id)
    say_interest(first, hidden.id)
    assert (
        call(
            client,
            "POST",
            f"/api/offers/{first}/matches/{a.id}",
            {"status": "interview"},
            cookie=employer.cookie,
        ).status
        == 200
    )

    answer = call(client, "GET", "/api/employers/me/offers", cookie=employer.cookie)
    assert answer.status == 200
    by_id = {o["id"]: o for o in answer.body["items"]}
    assert [o["id"] for o in answer.body["items"]] == [second, first]  # newest first
    assert by_id[first]["counts"] == {"matches": 2, "interested": 2, "answered": 1, "hired": 0}
    assert by_id[first]["answer_rate"] == 0.5
    assert by_id[second]["counts"]["matches"] == 0 and by_id[second]["answer_rate"] is None
    assert answer.body["answer_rate"] == 0.5
    assert by_id[first]["status"] == "open" and by_id[first]["version"] == 1


def test_delete_closes_offers_erases_the_account_and_keeps_anonymous_interactions(client, moto_endpoint):
    from chalicelib.repositories import employers, matches, offers

    employer = sign_up_employer(client, moto_endpoint)
    offer_id = post_offer(client, employer)
    candidate = seed_candidate()
    seed_match(offer_id, candidate.id, employer.id, 75)
    say_interest(offer_id, candidate.id)

    answer = call(client, "DELETE", "/api/employers/me", cookie=employer.cookie)
    assert answer.status == 204 and "Max-Age=0" in answer.headers["Set-Cookie"]

    assert employers.get(employer.id) is None
    offer = offers.get(offer_id)
    assert offer is not None and offer.status == "closed" and offer.closed_reason == "account_deleted"
    views = matches.for_offer(offer_id)
    assert [v.match for v in views] == [None]  # the proposal is gone…
    assert views[0].interaction.interest == "interested"  # …what the candidate said stays, for the statistics
    assert call(client, "GET", f"/api/offers/{offer_id}").status == 404
    assert offer_id not in {
        o["id"] for o in call(client, "GET", "/api/offers?bassin=4410&limit=50").body["items"]
    }
    # the session is gone and the address can sign up again
    assert call(client, "GET", "/api/employers/me", cookie=employer.cookie).status == 401
    assert call(client, "POST", "/api/employers", employer_payload(email=employer.email)).status == 201
