"""Offers through the API: submission, ownership, privacy of matches, public listing."""

from __future__ import annotations

import base64
import json
import threading
from datetime import timedelta
from urllib.parse import urlencode

import pytest

from chalicelib.domain.calendar import paris_today
from tests.factories import (
    AMNEVILLE,
    METZ,
    NANCY,
    OFFER_ROME,
    OTHER_ROME,
    REIMS,
    THIONVILLE,
    competences_of,
    malformed_offer_bodies,
    offer_payload,
)
from tests.integration.helpers import (
    call,
    drain_matching_queue,
    post_offer,
    say_interest,
    seed_candidate,
    seed_match,
    session_for,
    sign_up_employer,
)

pytestmark = pytest.mark.usefixtures("empty_queues")


PUBLIC_FIELDS = {
    "id",
    "title",
    "code_rome",
    "metier_label",
    "description",
    "competences",
    "code_insee",
    "commune_name",
    "bassin",
    "contract_type",
    "positions",
    "start_date",
    "expires_at",
    "company_name",
}


@pytest.fixture
def employer(client, moto_endpoint):
    return sign_up_employer(client, moto_endpoint)


@pytest.fixture
def rival(client, moto_endpoint):
    return sign_up_employer(client, moto_endpoint, company_name="Concurrent SAS")


def count_items() -> int:
    from chalicelib.repositories.db import data_table

    total, kwargs = 0, {"Select": "COUNT"}
    while True:
        page = data_table().scan(**kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def list_all(client, **params) -> tuple[list[str], int]:
    """Every id of a listing, following the cursor; also the number of pages read."""
    ids: list[str] = []
    pages = 0
    cursor = None
    while True:
        query = {**params, **({"next": cursor} if cursor else {})}
        answer = call(client, "GET", "/api/offers?" + urlencode(query))
        assert answer.status == 200, answer.body
        assert len(answer.body["items"]) <= int(params.get("limit", 20))
        ids += [item["id"] for item in answer.body["items"]]
        pages += 1
        cursor = answer.body["next"]
        if cursor is None:
            return ids, pages


# --- submission and views -------------------------------------------------------------------
def test_submit_then_public_and_owner_views(client, employer, rival):
    today = paris_today()
    drain_matching_queue()
    offer_id = post_offer(client, employer)
    assert drain_matching_queue() == [
        {"type": "offer", "offer_id": offer_id, "bassin": "4410"}
    ]  # quick matching

    public = call(client, "GET", f"/api/offers/{offer_id}")
    assert public.status == 200 and set(public.body) == PUBLIC_FIELDS
    assert public.body["company_name"] == "Brasserie du Graoully"
    assert public.body["metier_label"] == "Commis / Commise de cuisine"
    assert (
        public.body["bassin"] == {"code": "4410", "label": "Metz"} and public.body["commune_name"] == "Metz"
    )
    assert [c["code"] for c in public.body["competences"]] == competences_of(OFFER_ROME)
    assert all(c["label"] for c in public.body["competences"])
    assert public.body["expires_at"] == (today + timedelta(days=60)).isoformat()  # the default
    assert "@" not in json.dumps(public.body) and "03 87" not in json.dumps(
        public.body
    )  # no employer contact

    assert call(client, "GET", f"/api/offers/{offer_id}", cookie=rival.cookie).body == public.body

    owner = call(client, "GET", f"/api/offers/{offer_id}", cookie=employer.cookie)
    assert owner.status == 200 and set(owner.body) > PUBLIC_FIELDS
    assert owner.body["status"] == "open" and owner.body["version"] == 1 and owner.body["expired"] is False
    assert owner.body["counts"] == {"matches": 0, "interested": 0, "answered": 0, "hired": 0}
    assert owner.headers["ETag"] == '"1"'

    assert call(client, "GET", "/api/offers/does-not-exist").status == 404
    assert call(client, "GET", "/api/offers/%3Cscript%3E").status == 404


def test_idempotency_key_never_creates_two_offers(client, employer, rival):
    from chalicelib.repositories import offers

    body = offer_payload()
    first = call(
        client, "POST", "/api/offers", body, cookie=employer.cookie, Idempotency_Key="offer-key-000001"
    )
    again = call(
        client, "POST", "/api/offers", body, cookie=employer.cookie, Idempotency_Key="offer-key-000001"
    )
    assert first.status == again.status == 201 and first.body == again.body
    assert len(offers.list_by_employer(employer.id)) == 1
    # the key is scoped to the employer: another employer's identical request is its own offer
    theirs = call(
        client, "POST", "/api/offers", body, cookie=rival.cookie, Idempotency_Key="offer-key-000001"
    )
    assert theirs.status == 201 and theirs.body != first.body


def test_malformed_offers_are_refused_naming_the_field_and_store_nothing(client, employer):
    cases = malformed_offer_bodies(paris_today())
    assert len(cases) >= 30
    before = count_items()
    for what, body, field in cases:
        answer = call(client, "POST", "/api/offers", body, cookie=employer.cookie)
        assert answer.status == 400, (what, answer.body)
        assert field in answer.body["error"]["fields"], (what, answer.body)
    for raw in (b"", b"[]", b"{", "\u00e9".encode("latin-1"), b'"texte"'):
        answer = call(client, "POST", "/api/offers", raw, cookie=employer.cookie)
        assert answer.status == 400 and "body" in answer.body["error"]["fields"]
    assert call(client, "POST", "/api/offers", b"x" * 70_000, cookie=employer.cookie).status == 413
    assert count_items() == before


# --- ownership ------------------------------------------------------------------------------
def test_nobody_but_the_owner_can_touch_an_offer_or_its_matches(client, employer, rival):
    from chalicelib.repositories import matches, offers

    offer_id = post_offer(client, employer)
    candidate = seed_candidate()
    seed_match(offer_id, candidate.id, employer.id, 80)
    say_interest(offer_id, candidate.id)
    candidate_cookie = session_for(client, candidate.id, "candidate")
    staff_cookie = session_for(client, "staff-" + "1" * 20, "staff")
    private = [
        ("PATCH", f"/api/offers/{offer_id}", {"title": "Offre détournée"}),
        ("POST", f"/api/offers/{offer_id}/close", None),
        ("GET", f"/api/offers/{offer_id}/matches", None),
        ("POST", f"/api/offers/{offer_id}/matches/{candidate.id}", {"status": "hired"}),
    ]
    for method, path, body in private:
        assert call(client, method, path, body, If_Match="1").status == 401, path
        assert call(client, method, path, body, cookie=candidate_cookie, If_Match="1").status == 403, path
        assert call(client, method, path, body, cookie=staff_cookie, If_Match="1").status == 403, path
        answer = call(client, method, path, body, cookie=rival.cookie, If_Match="1")
        assert answer.status in (403, 404), path
        assert "Camille" not in json.dumps(answer.body) and candidate.email not in json.dumps(answer.body)
    assert call(client, "POST", "/api/offers", offer_payload()).status == 401
    assert call(client, "POST", "/api/offers", offer_payload(), cookie=candidate_cookie).status == 403
    assert call(client, "POST", "/api/offers", offer_payload(), cookie=staff_cookie).status == 403
    # the rival's private view of the offer is the public one
    rival_view = call(client, "GET", f"/api/offers/{offer_id}", cookie=rival.cookie)
    assert set(rival_view.body) == PUBLIC_FIELDS

    stored = offers.get(offer_id)
    assert stored.version == 1 and stored.status == "open" and stored.title == "Commis de cuisine H/F"
    view = matches.get(offer_id, candidate.id)
    assert view.match is not None and view.status is None


# --- edits ----------------------------------------------------------------------------------
def test_patch_with_version_and_the_rules_of_a_new_metier(client, employer):
    from chalicelib.repositories import offers

    offer_id = post_offer(client, employer)
    path = f"/api/offers/{offer_id}"
    assert (
        call(client, "PATCH", path, {"positions": 3}, cookie=employer.cookie).status == 400
    )  # If-Match needed
    assert call(client, "PATCH", path, {"positions": 3}, cookie=employer.cookie, If_Match="abc").status == 400

    updated = call(
        client, "PATCH", path, {"positions": 3, "code_insee": NANCY}, cookie=employer.cookie, If_Match='"1"'
    )
    assert updated.status == 200, updated.body
    assert updated.body["positions"] == 3 and updated.body["version"] == 2
    assert updated.body["bassin"]["code"] == "4412"
    assert offer_id in {o.id for o in offers.list_open_in_bassin("4412")}
    # both bassins are matched again: the new one gains the offer, the old one loses it
    assert {m["bassin"] for m in drain_matching_queue() if m["offer_id"] == offer_id} == {"4410", "4412"}
    assert offer_id not in {o.id for o in offers.list_open_in_bassin("4410")}

    stale = call(client, "PATCH", path, {"positions": 4}, cookie=employer.cookie, If_Match="1")
    assert stale.status == 409 and stale.body["error"]["code"] == "conflict"

    # a new métier without competences of its own fiche is refused, naming competences
    wrong = call(client, "PATCH", path, {"code_rome": OTHER_ROME}, cookie=employer.cookie, If_Match="2")
    assert wrong.status == 400 and "competences" in wrong.body["error"]["fields"]
    right = call(
        client,
        "PATCH",
        path,
        {"code_rome": OTHER_ROME, "competences": competences_of(OTHER_ROME, 2)},
        cookie=employer.cookie,
        If_Match="2",
    )
    assert right.status == 200 and right.body["metier_label"] == "Maçon / Maçonne"
    nulls = call(client, "PATCH", path, {"title": None}, cookie=employer.cookie, If_Match="3")
    assert nulls.status == 400 and "title" in nulls.body["error"]["fields"]


def test_concurrent_edits_with_the_same_version_exactly_one_wins(client, employer, monkeypatch):
    from chalicelib.errors import Conflict
    from chalicelib.repositories import offers
    from chalicelib.schemas.offers import OfferUpdate
    from chalicelib.services import submit_offer

    offer_id = post_offer(client, employer)
    writers = 4
    barrier = threading.Barrier(writers, timeout=30)
    read_offer = submit_offer.owned_offer

    def read_then_wait(employer_id: str, wanted: str):
        # Every writer has read the same version before any of them writes: only the conditional
        # write can tell them apart.
        offer = read_offer(employer_id, wanted)
        barrier.wait()
        return offer

    monkeypatch.setattr(submit_offer, "owned_offer", read_then_wait)
    for round_number in range(3):
        version = offers.get(offer_id).version
        outcomes: list[str] = []

        def edit(n: int, version: int = version, outcomes: list[str] = outcomes) -> None:
            try:
                submit_offer.edit(employer.id, offer_id, OfferUpdate(positions=n + 1), version)
                outcomes.append(f"won:{n + 1}")
            except Conflict:
                outcomes.append("conflict")

        threads = [threading.Thread(target=edit, args=(n,)) for n in range(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        winners = [o for o in outcomes if o.startswith("won")]
        assert len(winners) == 1 and outcomes.count("conflict") == writers - 1, (round_number, outcomes)
        stored = offers.get(offer_id)
        assert stored.version == version + 1 and f"won:{stored.positions}" == winners[0]


# --- closing --------------------------------------------------------------------------------
def test_close_unlists_deletes_proposals_and_keeps_interactions(client, employer):
    from chalicelib.repositories import matches
    from chalicelib.repositories.db import data_table

    offer_id = post_offer(client, employer, code_insee=REIMS)
    interested, other = seed_candidate(), seed_candidate()
    seed_match(offer_id, interested.id, employer.id, 90, bassin="4413")
    seed_match(offer_id, other.id, employer.id, 60, bassin="4413")
    say_interest(offer_id, interested.id)

    closed = call(client, "POST", f"/api/offers/{offer_id}/close", cookie=employer.cookie)
    assert closed.status == 200 and closed.body["status"] == "closed" and closed.body["closed_at"]
    item = data_table().get_item(Key={"PK": f"OFFER#{offer_id}", "SK": "OFFER"})["Item"]
    assert not {"GSI3PK", "GSI3SK"} & item.keys()  # sparse keys removed
    assert item["GSI2PK"] == "BASSIN#4413#OFFERX"  # out of the public/matching partition, kept for staff
    views = matches.for_offer(offer_id)
    assert all(v.match is None for v in views)
    assert [(v.candidate_id, v.interest) for v in views] == [(interested.id, "interested")]

    assert call(client, "GET", f"/api/offers/{offer_id}").status == 404
    assert offer_id not in list_all(client, bassin="4413", limit=50)[0]
    assert call(client, "GET", f"/api/offers/{offer_id}", cookie=employer.cookie).body["status"] == "closed"
    # the interested candidate stays in reach to record what came of it
    shown = call(client, "GET", f"/api/offers/{offer_id}/matches", cookie=employer.cookie).body
    assert [m["candidate_id"] for m in shown] == [interested.id]
    hired = call(
        client,
        "POST",
        f"/api/offers/{offer_id}/matches/{interested.id}",
        {"status": "hired"},
        cookie=employer.cookie,
    )
    assert hired.status == 200 and hired.body["status"] == "hired"

    again = call(client, "POST", f"/api/offers/{offer_id}/close", cookie=employer.cookie)
    assert again.status == 200 and again.body["version"] == closed.body["version"]
    edit = call(
        client,
        "PATCH",
        f"/api/offers/{offer_id}",
        {"positions": 1},
        cookie=employer.cookie,
        If_Match=str(again.body["version"]),
    )
    assert edit.status == 409


# --- matches seen by the owner ----------------------------------------------------------------
def test_matches_show_only_consenting_visible_candidates_and_contacts_after_interest(client, employer):
    from chalicelib.repositories import candidates

    offer_id = post_offer(client, employer)
    not_yet = seed_candidate(first_name="Alex")
    keen = seed_candidate(first_name="Bérénice", phone=None)
    refused = seed_candidate(first_name="Claude", consent_contact=False)
    paused = seed_candidate(first_name="Dominique", visible=False)
    declined = seed_candidate(first_name="Eden")
    unmatched = seed_candidate(first_name="Fanny")
    for candidate, score in ((not_yet, 90), (keen, 80), (refused, 99), (paused, 95), (declined, 50)):
        seed_match(offer_id, candidate.id, employer.id, score)
    for candidate in (keen, refused, paused):
        say_interest(offer_id, candidate.id)
    say_interest(offer_id, declined.id, interested=False)

    answer = call(client, "GET", f"/api/offers/{offer_id}/matches", cookie=employer.cookie)
    assert answer.status == 200
    shown = {m["candidate_id"]: m for m in answer.body}
    assert [m["candidate_id"] for m in answer.body] == [not_yet.id, keen.id, declined.id]  # best first
    assert refused.id not in shown and paused.id not in shown
    assert "Claude" not in json.dumps(answer.body) and "Dominique" not in json.dumps(answer.body)

    assert "email" not in shown[not_yet.id] and "phone" not in shown[not_yet.id]
    assert shown[not_yet.id]["interested"] is None
    assert "email" not in shown[declined.id] and shown[declined.id]["interested"] is False
    assert shown[keen.id]["interested"] is True and shown[keen.id]["email"] == keen.email
    assert shown[keen.id]["phone"] is None  # interested, but left no phone number
    for leaked in (not_yet.email, declined.email, not_yet.phone, not_yet.last_name):
        assert leaked not in json.dumps(answer.body)
    first = shown[not_yet.id]
    assert first["first_name"] == "Alex" and first["score"] == 90 and first["distance_km"] == 4.2
    assert first["training"] == {
        "title": "CAP Cuisine",
        "code_rome": ["G1609"],
        "end_date": first["training"]["end_date"],
        "certification_obtained": True,
    }
    assert [c["code"] for c in first["competences"]] == competences_of(OFFER_ROME, 2)
    assert first["reasons"][0].startswith("Même métier")

    # outcomes: only for candidates the employer can see
    base = f"/api/offers/{offer_id}/matches"
    for hidden in (refused, paused, unmatched):
        assert (
            call(
                client, "POST", f"{base}/{hidden.id}", {"status": "contacted"}, cookie=employer.cookie
            ).status
            == 404
        )
    assert (
        call(client, "POST", f"{base}/unknown", {"status": "contacted"}, cookie=employer.cookie).status == 404
    )
    bad = call(client, "POST", f"{base}/{keen.id}", {"status": "embauché"}, cookie=employer.cookie)
    assert bad.status == 400 and "status" in bad.body["error"]["fields"]
    for status in ("contacted", "interview", "hired"):
        done = call(client, "POST", f"{base}/{keen.id}", {"status": status}, cookie=employer.cookie)
        assert done.status == 200 and done.body["status"] == status and done.body["email"] == keen.email
    from chalicelib.repositories import matches

    history = matches.get(offer_id, keen.id).interaction.history
    assert [e.status for e in history] == ["contacted", "interview", "hired"] and all(e.at for e in history)

    # a candidate who pauses their profile disappears from the list at once
    record = candidates.get(not_yet.id)
    candidates.save(
        record.model_copy(update={"visible": False, "version": record.version + 1}), record.version
    )
    again = call(client, "GET", f"/api/offers/{offer_id}/matches", cookie=employer.cookie).body
    assert not_yet.id not in {m["candidate_id"] for m in again}


# --- public listing ---------------------------------------------------------------------------
def test_public_list_filters_by_bassin_metier_and_distance(client, employer):
    from chalicelib.repositories import offers

    metz = post_offer(client, employer, code_insee=METZ)
    amneville = post_offer(
        client, employer, code_insee=AMNEVILLE, code_rome=OTHER_ROME, competences=competences_of(OTHER_ROME)
    )
    thionville = post_offer(client, employer, code_insee=THIONVILLE)
    nancy = post_offer(client, employer, code_insee=NANCY)
    closed = post_offer(client, employer, code_insee=METZ)
    assert call(client, "POST", f"/api/offers/{closed}/close", cookie=employer.cookie).status == 200
    expired = post_offer(client, employer, code_insee=METZ)
    record = offers.get(expired)
    yesterday = paris_today() - timedelta(days=1)
    offers.save(record.model_copy(update={"expires_at": yesterday, "version": 2}), 1)  # as time would do
    mine = {metz, amneville, thionville, nancy, closed, expired}

    def listed(**params) -> set[str]:
        return set(list_all(client, **params)[0]) & mine

    assert listed(bassin="4410") == {metz, amneville}
    assert listed(bassin="4424") == {thionville}
    assert listed() == {metz, amneville, thionville, nancy}
    assert listed(code_rome=OTHER_ROME) == {amneville}
    assert listed(bassin="4410", code_rome=OFFER_ROME) == {metz}
    assert listed(commune=METZ, radius_km=20) == {metz, amneville}
    assert listed(commune=METZ, radius_km=35) == {metz, amneville, thionville}
    assert listed(commune=METZ, radius_km=0) == {metz}
    assert listed(commune=METZ, radius_km=200) == {metz, amneville, thionville, nancy}
    assert listed(commune=METZ) == {metz, amneville, thionville}  # 30 km by default
    assert listed(commune=NANCY, radius_km=10, bassin="4410") == set()

    assert call(client, "GET", f"/api/offers/{expired}").status == 404
    owner_view = call(client, "GET", f"/api/offers/{expired}", cookie=employer.cookie).body
    assert owner_view["expired"] is True and owner_view["status"] == "open"

    page = call(client, "GET", "/api/offers?bassin=4410&limit=50").body
    assert all(set(item) == PUBLIC_FIELDS for item in page["items"])


def test_public_list_pagination_is_complete_and_without_duplicates(client, employer, monkeypatch):
    from chalicelib.repositories import offers

    created = {post_offer(client, employer, code_insee=REIMS, title=f"Commis n°{n}") for n in range(7)}
    ids, pages = list_all(client, bassin="4413", limit=2)
    assert len(ids) == len(set(ids)) and created <= set(ids) and pages >= 4
    ids, _ = list_all(client, limit=3)
    assert len(ids) == len(set(ids)) and created <= set(ids)
    newest_first = [i for i in ids if i in created]
    assert len(newest_first) == 7

    # a search that reads little per request still loses nothing: the cursor is the last item examined
    monkeypatch.setattr(offers, "PAGE_SIZE", 2)
    monkeypatch.setattr(offers, "MAX_PAGES", 1)
    ids, pages = list_all(client, limit=1, commune=REIMS, radius_km=1)
    assert created <= set(ids) and len(ids) == len(set(ids)) and pages > len(created)


def test_garbage_cursors_and_queries_are_400_naming_the_parameter(client):
    def fields(query: str) -> dict:
        answer = call(client, "GET", "/api/offers?" + query)
        assert answer.status == 400, (query, answer.body)
        return answer.body["error"]["fields"]

    def encode(value) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    assert "next" in fields("next=" + "%21" * 5)
    assert "next" in fields("next=" + base64.urlsafe_b64encode(b"\xff\xfe").decode())
    assert "next" in fields("next=" + encode(["not", "a", "key"]))
    assert "next" in fields(
        "next=" + encode({"PK": "CAND#x", "SK": "PROFILE", "GSI3PK": "OFFERS#OPEN", "GSI3SK": "x"})
    )
    # a key of the global list is no key of a bassin's list
    global_key = {"PK": "OFFER#x", "SK": "OFFER", "GSI3PK": "OFFERS#OPEN", "GSI3SK": "2024#x"}
    assert call(client, "GET", "/api/offers?next=" + encode(global_key)).status == 200
    assert "next" in fields("bassin=4410&next=" + encode(global_key))
    assert "commune" in fields("radius_km=10")
    assert "commune" in fields("commune=75056")
    assert "radius_km" in fields("commune=57463&radius_km=500")
    assert "bassin" in fields("bassin=0000")
    assert "limit" in fields("limit=1000")
