"""Candidate journey through the API: sign-up, own profile, matches, RGPD erasure and export."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.api.routing import ROUTES, Role
from chalicelib.domain.calendar import paris_today
from chalicelib.repositories import keys, markers, matches, offers
from chalicelib.repositories.db import data_table
from chalicelib.services import sessions
from scripts.moto_mail import latest_token, messages_to
from tests.factories import (
    METZ_BASSIN,
    MISSING,
    TRAINING_ROME,
    candidate_payload,
    competences_of,
    foreign_competence,
)
from tests.integration.helpers import (
    Answer,
    all_items,
    call,
    data_item,
    drain_matching_queue,
    idempotency_table,
    new_candidate,
    open_session,
    scan,
    session_for,
)
from tests.integration.helpers import seed_match as _seed_match
from tests.integration.helpers import seed_offer as _seed_offer

pytestmark = pytest.mark.usefixtures("empty_queues")
EMPLOYER = "emp-seed"


# --- helpers -----------------------------------------------------------------------------------
def sign_up(client, body: dict, key: str | None = None) -> Answer:
    headers = {"Idempotency_Key": key} if key else {}
    return call(client, "POST", "/api/candidates", body, **headers)


def get_me(client, cookie: str) -> dict:
    status, body, headers = call(client, "GET", "/api/candidates/me", cookie=cookie)
    assert status == 200, body
    assert headers["ETag"] == f'"{body["version"]}"'
    return body


def stored_profile(candidate_id: str) -> dict | None:
    return data_item(keys.candidate(candidate_id))


def seed_offer(offer_id: str, *, status: str = "open", expires_in_days: int = 60, start_in_days: int = 10):
    today = paris_today()
    _seed_offer(
        id=offer_id,
        employer_id=EMPLOYER,
        title=f"Cuisinier(ère) {offer_id}",
        code_rome=TRAINING_ROME,
        description="Cuisine traditionnelle.",
        competences=competences_of(TRAINING_ROME, 4),
        start_date=today + timedelta(days=start_in_days),
        expires_at=today + timedelta(days=expires_in_days),
        status=status,
    )


def seed_match(offer_id: str, candidate_id: str, score: int) -> None:
    _seed_match(
        offer_id,
        candidate_id,
        EMPLOYER,
        score,
        competences_held=3,
        competences_required=4,
        reasons=["Même métier", "4 km", "3 compétences sur 4"],
    )


# --- sign-up ------------------------------------------------------------------------------------
def test_sign_up_emails_a_link_that_signs_the_candidate_in(client, moto_endpoint):
    body = candidate_payload(phone="06.12.34.56.78")
    drain_matching_queue()
    status, created, _ = sign_up(client, body)
    assert status == 201 and set(created) == {"id"}
    # a quick matching run is asked for the new candidate
    assert drain_matching_queue() == [
        {"type": "candidate", "candidate_id": created["id"], "bassin": METZ_BASSIN}
    ]

    mails = messages_to(moto_endpoint, body["email"])
    assert len(mails) == 1 and mails[0]["subject"] == "Bienvenue sur Passerelle"
    session = call(client, "POST", "/api/auth/session", {"token": latest_token(moto_endpoint, body["email"])})
    assert session.body == {"role": "candidate", "id": created["id"]}
    cookie = session.headers["Set-Cookie"].split(";", 1)[0]

    me = get_me(client, cookie)
    assert me["id"] == created["id"] and me["email"] == body["email"]
    assert me["commune_name"] == "Metz" and me["bassin"] == {"code": METZ_BASSIN, "label": "Metz"}
    assert me["phone"] == "+33612345678" and me["version"] == 1
    assert me["visible"] is True and me["digest_opt_out"] is False
    assert me["training"]["code_rome"] == [TRAINING_ROME] and me["competences"] == body["competences"]

    item = stored_profile(created["id"])
    assert item["kind"] == "candidate" and item["bassin"] == METZ_BASSIN
    assert item["GSI2PK"] == f"BASSIN#{METZ_BASSIN}#CAND" and item["GSI2SK"] == f"CAND#{created['id']}"
    ttl = datetime.fromtimestamp(int(item["ttl"]), UTC)
    assert 759 <= (ttl - datetime.now(UTC)).days <= 761  # 24 months, then 30 days (TTL after the job)
    assert item["GSI3PK"] == f"WARN#{(ttl - timedelta(days=60)).date().isoformat()}"


def test_candidate_without_contact_consent_is_not_matchable(client):
    status, created, _ = sign_up(client, candidate_payload(consent_contact=False))
    assert status == 201
    # out of the matching's partition; staff exports find it in its own one
    assert stored_profile(created["id"])["GSI2PK"] == f"BASSIN#{METZ_BASSIN}#CANDX"


def test_sign_up_with_a_taken_address_answers_as_a_new_one_and_tells_the_owner(client, moto_endpoint):
    first = candidate_payload()
    status, created, _ = sign_up(client, first)
    assert status == 201
    before = stored_profile(created["id"])

    again = candidate_payload(email=f"  {first['email'].upper()} ", first_name="Usurpateur", mobility_km=0)
    status, body, _ = sign_up(client, again)
    # the same answer as a new sign-up (no enumeration of addresses), with an id that leads nowhere
    assert status == 201 and set(body) == set(created) and body["id"] != created["id"]
    assert stored_profile(body["id"]) is None
    assert stored_profile(created["id"]) == before
    mails = messages_to(moto_endpoint, first["email"])
    assert [m["subject"] for m in mails] == [
        "Bienvenue sur Passerelle",
        "Vous avez déjà un compte Passerelle",
    ]
    assert "#token=" not in mails[1]["body"]  # no sign-in link for whoever typed the address


def test_same_idempotency_key_creates_one_account(client, moto_endpoint):
    body = candidate_payload()
    first = sign_up(client, body, key="inscription-0001-abcdef")
    second = sign_up(client, body, key="inscription-0001-abcdef")
    assert first.status == second.status == 201 and first.body == second.body
    owners = [i for i in scan(data_table()) if i.get("kind") == "candidate" and i["email"] == body["email"]]
    assert [o["id"] for o in owners] == [first.body["id"]]
    assert len(messages_to(moto_endpoint, body["email"])) == 1

    other = candidate_payload()
    status, error, _ = sign_up(client, other, key="inscription-0001-abcdef")
    assert status == 422 and "Idempotency-Key" in error["error"]["fields"]
    assert messages_to(moto_endpoint, other["email"]) == []


# --- malformed sign-ups -------------------------------------------------------------------------
MALFORMED = [
    ({"email": MISSING}, "email"),
    ({"email": "pas-une-adresse"}, "email"),
    ({"email": 12}, "email"),
    ({"first_name": MISSING}, "first_name"),
    ({"first_name": "<script>alert('x')</script>"}, "first_name"),
    ({"first_name": "x" * 10_000}, "first_name"),
    ({"last_name": "Dupont3"}, "last_name"),
    ({"last_name": "<img src=x onerror=alert(1)>"}, "last_name"),
    ({"phone": "12 34"}, "phone"),
    ({"phone": "+1 202 555 0143"}, "phone"),
    ({"code_insee": "99999"}, "code_insee"),
    ({"code_insee": 57463}, "code_insee"),
    ({"mobility_km": 201}, "mobility_km"),
    ({"mobility_km": -1}, "mobility_km"),
    ({"mobility_km": "loin"}, "mobility_km"),
    ({"training": MISSING}, "training"),
    ({"training": []}, "training"),
    ({"training__title": "<script>document.cookie</script>"}, "training.title"),
    ({"training__title": "a" * 10_000}, "training.title"),
    ({"training__code_rome": ["X0000"]}, "training.code_rome"),
    ({"training__end_date": "1900-01-01"}, "training.end_date"),
    ({"training__end_date": "2200-01-01"}, "training.end_date"),
    ({"training__end_date": "hier"}, "training.end_date"),
    ({"target_code_rome": ["G1609"] * 3 + ["A1101", "A1203", "B1101"]}, "target_code_rome"),
    ({"competences": ["000000"]}, "competences"),
    ({"competences": [competences_of(TRAINING_ROME, 1)[0], foreign_competence()]}, "competences"),
    ({"contract_types": ["freelance"]}, "contract_types"),
    ({"contract_types": []}, "contract_types"),
    ({"available_from": "1900-01-01"}, "available_from"),
    ({"available_from": "2200-12-31"}, "available_from"),
    ({"consent_contact": "oui"}, "consent_contact"),
    ({"consent_terms": False}, "consent_terms"),
    ({"consent_terms": MISSING}, "consent_terms"),
    ({"role": "staff"}, "role"),
]


def test_malformed_sign_ups_are_refused_naming_the_field_and_store_nothing(client, moto_endpoint):
    before = len(all_items())
    for overrides, field in MALFORMED:
        body = candidate_payload(**overrides)
        status, answer, _ = sign_up(client, body, key=f"malforme-{field}-{len(json.dumps(body))}")
        assert status == 400, (overrides, answer)
        assert answer["error"]["code"] == "validation_error"
        assert field in answer["error"]["fields"], (overrides, answer)
        assert all(isinstance(m, str) and m for m in answer["error"]["fields"].values())
        if isinstance(body.get("email"), str) and "@" in body["email"]:
            assert messages_to(moto_endpoint, body["email"]) == []

    for raw, field in [(b"{pas du json", "body"), (b"[]", "body"), (b"", "body"), (b'"texte"', "body")]:
        response = client.http.post("/api/candidates", body=raw, headers={"Content-Type": "application/json"})
        answer = json.loads(response.body)
        assert response.status_code == 400 and field in answer["error"]["fields"]
    assert len(all_items()) == before


def test_an_oversized_body_is_refused(client):
    body = candidate_payload(training__title="a" * 70_000)
    status, answer, _ = sign_up(client, body)
    assert status == 413 and answer["error"]["code"] == "payload_too_large"


# --- own profile -------------------------------------------------------------------------------
def test_patch_needs_the_current_version_and_a_stale_one_changes_nothing(client, moto_endpoint):
    candidate_id, cookie, _ = new_candidate(client, moto_endpoint)
    me = get_me(client, cookie)

    status, body, _ = call(client, "PATCH", "/api/candidates/me", {"mobility_km": 50}, cookie=cookie)
    assert status == 400 and "If-Match" in body["error"]["fields"]
    status, body, _ = call(
        client, "PATCH", "/api/candidates/me", {"mobility_km": 50}, cookie=cookie, If_Match="v1"
    )
    assert status == 400 and "If-Match" in body["error"]["fields"]

    status, updated, headers = call(
        client,
        "PATCH",
        "/api/candidates/me",
        {"mobility_km": 50, "phone": None},
        cookie=cookie,
        If_Match='"1"',
    )
    assert status == 200, updated
    assert updated["mobility_km"] == 50 and updated["phone"] is None and updated["version"] == 2
    assert updated["first_name"] == me["first_name"] and headers["ETag"] == '"2"'

    stored = stored_profile(candidate_id)
    status, body, _ = call(
        client, "PATCH", "/api/candidates/me", {"mobility_km": 5}, cookie=cookie, If_Match="1"
    )
    assert status == 409 and body["error"]["code"] == "conflict"
    assert stored_profile(candidate_id) == stored


def test_patch_every_editable_field(client, moto_endpoint):
    candidate_id, cookie, body = new_candidate(client, moto_endpoint)
    change = {
        "first_name": "Léa",
        "last_name": "Martin",
        "phone": "+33 7 00 00 00 01",
        "code_insee": "67482",  # Strasbourg: another bassin
        "mobility_km": 0,
        "training": {"title": "BP Cuisinier", "code_rome": ["G1602"], "end_date": paris_today().isoformat()},
        "target_code_rome": [],
        "competences": competences_of("G1602", 2),
        "contract_types": ["alternance"],
        "available_from": (paris_today() + timedelta(days=40)).isoformat(),
        "consent_contact": True,
        "visible": False,
        "digest_opt_out": True,
    }
    drain_matching_queue()
    status, me, _ = call(client, "PATCH", "/api/candidates/me", change, cookie=cookie, If_Match="1")
    assert status == 200, me
    # both the new and the former bassin are matched again
    bassins = {m["bassin"] for m in drain_matching_queue() if m["candidate_id"] == candidate_id}
    assert bassins == {METZ_BASSIN, me["bassin"]["code"]}
    for name, value in change.items():
        if name == "training":
            assert me["training"]["code_rome"] == ["G1602"] and me["training"]["organisation"] is None
        elif name == "phone":
            assert me["phone"] == "+33700000001"
        else:
            assert me[name] == value, name
    assert me["commune_name"] == "Strasbourg" and me["bassin"]["code"] != METZ_BASSIN
    assert me["email"] == body["email"]
    item = stored_profile(candidate_id)
    assert item["bassin"] == me["bassin"]["code"]
    # paused: the matching worker no longer sees the candidate (staff exports still do)
    assert item["GSI2PK"] == f"BASSIN#{me['bassin']['code']}#CANDX"

    status, me, _ = call(
        client, "PATCH", "/api/candidates/me", {"visible": True}, cookie=cookie, If_Match="2"
    )
    assert status == 200 and stored_profile(candidate_id)["GSI2PK"] == f"BASSIN#{me['bassin']['code']}#CAND"


def test_patch_refusals_name_the_field(client, moto_endpoint):
    candidate_id, cookie, _ = new_candidate(client, moto_endpoint)
    stored = stored_profile(candidate_id)
    secretary = {"title": "Secrétariat", "code_rome": ["M1607"], "end_date": paris_today().isoformat()}
    cases = [
        ({"email": "autre@example.net"}, "email"),
        ({"mobility_km": 201}, "mobility_km"),
        ({"first_name": None}, "first_name"),
        ({"last_name": "<b>Dupont</b>"}, "last_name"),
        ({"available_from": "2200-01-01"}, "available_from"),
        ({"target_code_rome": [], "competences": [foreign_competence()]}, "competences"),
        # The competences chosen at sign-up are a cook's: another métier alone would leave them orphans.
        ({"training": secretary, "target_code_rome": []}, "competences"),
    ]
    for change, field in cases:
        status, body, _ = call(client, "PATCH", "/api/candidates/me", change, cookie=cookie, If_Match="1")
        assert status == 400 and field in body["error"]["fields"], (change, body)
    assert stored_profile(candidate_id) == stored


def test_reading_the_profile_counts_as_activity_once_a_day(client, moto_endpoint):
    candidate_id, cookie, _ = new_candidate(client, moto_endpoint)
    old = "2024-01-10T08:00:00+00:00"
    data_table().update_item(
        Key=keys.candidate(candidate_id),
        UpdateExpression="SET last_active_at = :old, #ttl = :ttl",
        ExpressionAttributeNames={"#ttl": "ttl"},
        ExpressionAttributeValues={":old": old, ":ttl": 1_767_000_000},
    )
    me = get_me(client, cookie)
    assert me["last_active_at"][:10] == datetime.now(UTC).date().isoformat() and me["version"] == 1
    item = stored_profile(candidate_id)
    assert item["last_active_at"] == me["last_active_at"] and int(item["ttl"]) > time.time() + 700 * 86400
    assert get_me(client, cookie)["last_active_at"] == me["last_active_at"]


# --- roles and isolation ----------------------------------------------------------------------------
def _concrete(path: str) -> str:
    return "/api" + path.replace("{offer_id}", "offre-inconnue")


def test_every_own_route_is_for_candidates_only(client):
    own_routes = [spec for spec in ROUTES if spec.path.startswith("/candidates/me")]  # app loaded by `client`
    assert {spec.access for spec in own_routes} == {frozenset({Role.CANDIDATE})} and len(own_routes) >= 7
    employer = session_for(client, "emp-roles", "employer")
    staff = session_for(client, "staff-roles", "staff")
    for spec in own_routes:
        body = {"interested": True} if spec.method == "POST" else {}
        assert call(client, spec.method, _concrete(spec.path), body).status == 401, spec.path
        for cookie in (employer, staff):
            status, answer, _ = call(client, spec.method, _concrete(spec.path), body, cookie=cookie)
            assert status == 403 and answer["error"]["code"] == "forbidden", (spec.path, status)


def test_a_candidate_only_ever_reaches_their_own_data(client, moto_endpoint):
    alice, alice_cookie, _ = new_candidate(client, moto_endpoint)
    bob, bob_cookie, bob_body = new_candidate(client, moto_endpoint)
    seed_offer("iso-offer-alice")
    seed_offer("iso-offer-bob")
    seed_match("iso-offer-alice", alice, 90)
    seed_match("iso-offer-bob", bob, 70)
    alice_profile = stored_profile(alice)

    assert get_me(client, bob_cookie)["id"] == bob
    status, listed, _ = call(client, "GET", "/api/candidates/me/matches", cookie=bob_cookie)
    assert status == 200 and [m["offer"]["id"] for m in listed] == ["iso-offer-bob"]
    status, exported, _ = call(client, "GET", "/api/candidates/me/export", cookie=bob_cookie)
    assert exported["profile"]["id"] == bob and [m["offer_id"] for m in exported["matches"]] == [
        "iso-offer-bob"
    ]
    assert alice not in json.dumps(exported)

    status, body, _ = call(
        client, "POST", "/api/candidates/me/matches/iso-offer-alice", {"interested": True}, cookie=bob_cookie
    )
    assert status == 404 and body["error"]["code"] == "not_found"
    assert matches.get("iso-offer-alice", alice).interest is None
    assert matches.get("iso-offer-alice", bob) is None
    status, body, _ = call(client, "GET", "/api/candidates/me/matches/iso-offer-alice", cookie=bob_cookie)
    assert status == 404 and alice not in json.dumps(body)
    status, own, _ = call(client, "GET", "/api/candidates/me/matches/iso-offer-bob", cookie=bob_cookie)
    assert status == 200 and own["offer"]["id"] == "iso-offer-bob" and own["score"] == 70

    # Bob's update and erasure touch Bob only.
    status, _, _ = call(
        client, "PATCH", "/api/candidates/me", {"mobility_km": 1}, cookie=bob_cookie, If_Match="1"
    )
    assert status == 200
    assert call(client, "DELETE", "/api/candidates/me", cookie=bob_cookie).status == 204
    assert stored_profile(alice) == alice_profile and stored_profile(bob) is None
    assert [v.offer_id for v in matches.for_candidate(alice)] == ["iso-offer-alice"]
    assert get_me(client, alice_cookie)["id"] == alice
    # Bob's address is free again.
    assert sign_up(client, candidate_payload(email=bob_body["email"])).status == 201


# --- matches --------------------------------------------------------------------------------------------
def test_matches_show_the_best_30_open_offers_with_reasons_and_record_interest(client, moto_endpoint):
    candidate_id, cookie, _ = new_candidate(client, moto_endpoint)
    for n in range(35):
        seed_offer(f"list-open-{n:02d}")
        seed_match(f"list-open-{n:02d}", candidate_id, 40 + n)
    seed_offer("list-closed", status="closed")
    seed_match("list-closed", candidate_id, 99)
    seed_offer("list-expired", expires_in_days=-1)
    seed_match("list-expired", candidate_id, 98)

    status, listed, _ = call(client, "GET", "/api/candidates/me/matches", cookie=cookie)
    assert status == 200 and len(listed) == 30
    ids = [m["offer"]["id"] for m in listed]
    assert ids == [f"list-open-{n:02d}" for n in range(34, 4, -1)]
    scores = [m["score"] for m in listed]
    assert scores == sorted(scores, reverse=True)
    first = listed[0]
    assert first["reasons"] == ["Même métier", "4 km", "3 compétences sur 4"]
    assert first["interest"] is None and first["status"] is None
    assert first["offer"]["metier_label"] == "Cuisinier / Cuisinière"
    assert first["offer"]["commune_name"] == "Metz" and first["offer"]["bassin"] == {
        "code": "4410",
        "label": "Metz",
    }
    assert set(first["offer"]) == {  # of the employer, only the company's name: no contact
        "id",
        "title",
        "company_name",
        "code_rome",
        "metier_label",
        "code_insee",
        "commune_name",
        "bassin",
        "contract_type",
        "contract_type_label",
        "positions",
        "start_date",
        "expires_at",
    }
    labels = {"cdi": "CDI", "cdd": "CDD", "interim": "Intérim", "alternance": "Alternance"}
    assert first["offer"]["contract_type_label"] == labels[first["offer"]["contract_type"]]

    path = "/api/candidates/me/matches/list-open-34"
    status, answer, _ = call(client, "POST", path, {"interested": True}, cookie=cookie)
    assert status == 200 and answer["interest"] == "interested" and answer["offer"]["id"] == "list-open-34"
    status, answer, _ = call(
        client, "POST", "/api/candidates/me/matches/list-open-33", {"interested": False}, cookie=cookie
    )
    assert status == 200 and answer["interest"] == "not_interested"
    listed = call(client, "GET", "/api/candidates/me/matches", cookie=cookie).body
    assert [m["interest"] for m in listed[:3]] == ["interested", "not_interested", None]
    assert matches.get("list-open-34", candidate_id).interaction.interest_at

    for offer_id in ("list-closed", "list-expired", "aucune-offre", "x" * 100):
        status, _, _ = call(
            client, "POST", f"/api/candidates/me/matches/{offer_id}", {"interested": True}, cookie=cookie
        )
        assert status == 404, offer_id
    status, answer, _ = call(client, "POST", path, {"interested": "oui"}, cookie=cookie)
    assert status == 400 and "interested" in answer["error"]["fields"]


def test_export_is_a_download_of_everything_held(client, moto_endpoint):
    candidate_id, cookie, body = new_candidate(client, moto_endpoint)
    seed_offer("export-open")
    seed_match("export-open", candidate_id, 80)
    call(client, "POST", "/api/candidates/me/matches/export-open", {"interested": True}, cookie=cookie)

    status, exported, headers = call(client, "GET", "/api/candidates/me/export", cookie=cookie)
    assert status == 200
    assert headers["Content-Disposition"] == 'attachment; filename="passerelle-mes-donnees.json"'
    assert exported["profile"]["email"] == body["email"] and exported["profile"]["id"] == candidate_id
    assert exported["profile"]["consent_terms_at"] and "24 mois" in exported["retention"]
    [match] = exported["matches"]
    assert match["offer"]["id"] == "export-open" and match["score"] == 80
    assert match["reasons"] and match["interest"] == "interested" and match["interest_at"]


# --- erasure -----------------------------------------------------------------------------------------------
def test_erasure_leaves_nothing_behind(client, moto_endpoint):
    body = candidate_payload()
    status, created, _ = sign_up(client, body, key="efface-moi-0001")
    candidate_id = created["id"]
    cookie = open_session(client, latest_token(moto_endpoint, body["email"]))
    sessions.issue_token(candidate_id, "candidate")  # a pending sign-in link
    seed_offer("erase-offer")
    seed_match("erase-offer", candidate_id, 75)
    call(client, "POST", "/api/candidates/me/matches/erase-offer", {"interested": True}, cookie=cookie)
    assert markers.claim(candidate_id, paris_today().isoformat(), 3600)  # the day's digest marker

    def mentions(items: list[dict]) -> list[dict]:
        return [i for i in items if candidate_id in json.dumps(i, default=str) or body["email"] in str(i)]

    # profile, e-mail claim, session, pending token, match, interaction, digest marker
    assert len(mentions(scan(data_table()))) == 7
    # Powertools keeps the sign-up's response, hence the id: erased too
    assert len(mentions(scan(idempotency_table()))) == 1

    status, _, headers = call(client, "DELETE", "/api/candidates/me", cookie=cookie)
    assert status == 204 and "Max-Age=0" in headers["Set-Cookie"]
    assert mentions(all_items()) == []
    assert call(client, "GET", "/api/candidates/me", cookie=cookie).status == 401
    assert stored_profile(candidate_id) is None
    # Other people's data is untouched: the offer is still there.
    assert offers.get("erase-offer") is not None


@pytest.mark.parametrize("header", ["", "abc", '"1"x'])
def test_if_match_must_be_a_version(client, moto_endpoint, header):
    _, cookie, _ = new_candidate(client, moto_endpoint)
    status, body, _ = call(
        client, "PATCH", "/api/candidates/me", {"visible": False}, cookie=cookie, If_Match=header
    )
    assert status == 400 and "If-Match" in body["error"]["fields"]


def test_repository_reads_for_the_matching_worker(client):
    from chalicelib.repositories import candidates

    visible = sign_up(client, candidate_payload()).body["id"]
    unconsenting = sign_up(client, candidate_payload(consent_contact=False)).body["id"]
    matchable = {c.id for c in candidates.list_matchable_in_bassin(METZ_BASSIN)}
    assert visible in matchable and unconsenting not in matchable
    found = candidates.get_many([visible, unconsenting, "inconnu"])
    assert set(found) == {visible, unconsenting}
    assert found[visible].training.code_rome == [TRAINING_ROME] and found[visible].mobility_km == 30
