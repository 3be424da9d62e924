"""Structures and members through the API (docs/structures.md): the request, the staff review,
sign-in only once validated, colleagues added and removed, one structure never seeing another's."""

from __future__ import annotations

import html

from scripts.moto_mail import latest_token, messages_to
from tests.factories import structure_payload, unique_email
from tests.integration.helpers import (
    call,
    new_member,
    open_session,
    request_structure,
    staff_session,
)


def _magic_link(client, email: str) -> None:
    assert call(client, "POST", "/api/auth/magic-link", {"email": email}).status == 202


def test_a_request_stays_pending_and_gets_no_sign_in_link(client, moto_endpoint):
    body = structure_payload(email="  Direction@Formation-Graoully.example ")
    answer = call(client, "POST", "/api/structures", body)
    assert answer.status == 201, answer.body
    assert answer.body["status"] == "pending" and set(answer.body) == {"id", "status"}
    address = "direction@formation-graoully.example"
    acknowledgement = messages_to(moto_endpoint, address)
    assert len(acknowledgement) == 1 and "en attente de validation" in acknowledgement[0]["body"]
    assert latest_token(moto_endpoint, address) is None  # no link in the acknowledgement

    _magic_link(client, address)
    assert len(messages_to(moto_endpoint, address)) == 1  # 202, but nothing sent while pending

    queue = call(
        client, "GET", "/api/staff/structures?status=pending&limit=100", cookie=staff_session(client)
    )
    assert queue.status == 200
    mine = [s for s in queue.body["items"] if s["id"] == answer.body["id"]]
    assert mine and mine[0]["siret"] == body["siret"] and mine[0]["bassin"]["code"] == "4410"
    created = [s["created_at"] for s in queue.body["items"]]
    assert created == sorted(created)  # oldest first


def test_validation_e_mails_a_link_and_the_member_reads_their_structure(client, moto_endpoint):
    member = new_member(client, moto_endpoint)
    me = call(client, "GET", "/api/structures/me", cookie=member.cookie)
    assert me.status == 200, me.body
    assert me.body["status"] == "active" and me.body["kind"] == "organisme_formation"
    assert me.body["network"] is None and me.body["siret"] == member.body["siret"]
    assert me.body["members"] == [{"id": member.id, "name": "Camille Laurent", "email": member.email}]
    whoami = call(client, "GET", "/api/auth/me", cookie=member.cookie)
    assert whoami.body == {"role": "trainer", "id": member.id}

    # Signing in again later works too.
    _magic_link(client, member.email)
    assert open_session(client, latest_token(moto_endpoint, member.email))


def test_an_accompagnement_structure_has_a_network_and_advisor_members(client, moto_endpoint):
    member = new_member(client, moto_endpoint, "accompagnement", network="france_travail")
    me = call(client, "GET", "/api/structures/me", cookie=member.cookie)
    assert me.body["kind"] == "accompagnement" and me.body["network"] == "france_travail"
    assert call(client, "GET", "/api/auth/me", cookie=member.cookie).body["role"] == "advisor"


def test_network_rules_and_bad_fields_are_named_in_french(client):
    for body, field in (
        (structure_payload(network="mission_locale"), "network"),
        (structure_payload("accompagnement", network=None), "network"),
        (structure_payload("accompagnement", network="pole_emploi"), "network"),
        (structure_payload(siret="732 829 320 00075"), "siret"),
        (structure_payload(kind="entreprise"), "kind"),
        (structure_payload(email="pas-une-adresse"), "email"),
        (structure_payload(code_insee="75056"), "code_insee"),
    ):
        answer = call(client, "POST", "/api/structures", body)
        assert answer.status == 400, (field, answer.body)
        assert field in answer.body["error"]["fields"], answer.body


def test_same_siret_and_kind_is_a_conflict_but_the_other_kind_is_not(client):
    _, body = request_structure(client)
    again = call(client, "POST", "/api/structures", structure_payload(siret=body["siret"]))
    assert again.status == 409 and "siret" in again.body["error"]["fields"]
    other_kind = structure_payload("accompagnement", siret=body["siret"])
    assert call(client, "POST", "/api/structures", other_kind).status == 201
    taken = call(client, "POST", "/api/structures", structure_payload(email=body["email"]))
    assert taken.status == 409 and "email" in taken.body["error"]["fields"]


def test_rejection_e_mails_the_reason_frees_the_siret_and_never_lets_anyone_sign_in(client, moto_endpoint):
    structure_id, body = request_structure(client)
    staff = staff_session(client)
    missing_reason = call(
        client, "POST", f"/api/staff/structures/{structure_id}/decision", {"decision": "reject"}, cookie=staff
    )
    assert missing_reason.status == 400 and "reason" in missing_reason.body["error"]["fields"]

    reason = "Le SIRET indiqué n'est pas celui d'un organisme de formation déclaré."
    answer = call(
        client,
        "POST",
        f"/api/staff/structures/{structure_id}/decision",
        {"decision": "reject", "reason": reason},
        cookie=staff,
    )
    assert answer.status == 200 and answer.body == {"status": "rejected"}
    last = messages_to(moto_endpoint, body["email"])[-1]
    assert reason in html.unescape(last["body"]) and latest_token(moto_endpoint, body["email"]) is None

    count = len(messages_to(moto_endpoint, body["email"]))
    _magic_link(client, body["email"])
    assert len(messages_to(moto_endpoint, body["email"])) == count

    twice = call(
        client,
        "POST",
        f"/api/staff/structures/{structure_id}/decision",
        {"decision": "validate"},
        cookie=staff,
    )
    assert twice.status == 409
    rejected = call(client, "GET", "/api/staff/structures?status=rejected&limit=100", cookie=staff)
    assert any(s["id"] == structure_id and s["reason"] == reason for s in rejected.body["items"])
    # A corrected request may be made again with the same SIRET and address.
    assert (
        call(
            client, "POST", "/api/structures", structure_payload(siret=body["siret"], email=body["email"])
        ).status
        == 201
    )


def test_unknown_structure_and_bad_status_filter(client):
    staff = staff_session(client)
    unknown = call(
        client, "POST", "/api/staff/structures/inconnu/decision", {"decision": "validate"}, cookie=staff
    )
    assert unknown.status == 404
    assert call(client, "GET", "/api/staff/structures?status=archived", cookie=staff).status == 400
    assert call(client, "GET", "/api/staff/structures?next=!!", cookie=staff).status == 400


def test_members_add_a_colleague_who_can_sign_in_then_removal_ends_their_session(client, moto_endpoint):
    member = new_member(client, moto_endpoint)
    colleague_email = unique_email("collegue")
    added = call(
        client,
        "POST",
        "/api/structures/me/members",
        {"name": "Dominique Petit", "email": colleague_email.upper()},
        cookie=member.cookie,
    )
    assert added.status == 201, added.body
    colleague_id = added.body["id"]
    colleague_cookie = open_session(client, latest_token(moto_endpoint, colleague_email))
    seen = call(client, "GET", "/api/structures/me", cookie=colleague_cookie)
    assert seen.status == 200 and {m["id"] for m in seen.body["members"]} == {member.id, colleague_id}

    duplicate = call(
        client,
        "POST",
        "/api/structures/me/members",
        {"name": "Dominique Petit", "email": colleague_email},
        cookie=member.cookie,
    )
    assert duplicate.status == 409 and "email" in duplicate.body["error"]["fields"]

    # A pending sign-in link of the colleague dies with them, as does the open session.
    _magic_link(client, colleague_email)
    pending_token = latest_token(moto_endpoint, colleague_email)
    removed = call(client, "DELETE", f"/api/structures/me/members/{colleague_id}", cookie=member.cookie)
    assert removed.status == 204
    assert call(client, "GET", "/api/structures/me", cookie=colleague_cookie).status == 401
    assert call(client, "POST", "/api/auth/session", {"token": pending_token}).status == 401
    count = len(messages_to(moto_endpoint, colleague_email))
    _magic_link(client, colleague_email)
    assert len(messages_to(moto_endpoint, colleague_email)) == count
    after = call(client, "GET", "/api/structures/me", cookie=member.cookie)
    assert [m["id"] for m in after.body["members"]] == [member.id]

    last = call(client, "DELETE", f"/api/structures/me/members/{member.id}", cookie=member.cookie)
    assert last.status == 409


def test_another_structures_member_is_not_found(client, moto_endpoint):
    first = new_member(client, moto_endpoint)
    second = new_member(client, moto_endpoint)
    assert (
        call(client, "DELETE", f"/api/structures/me/members/{first.id}", cookie=second.cookie).status == 404
    )
    assert [
        m["id"] for m in call(client, "GET", "/api/structures/me", cookie=first.cookie).body["members"]
    ] == [first.id]


def test_a_pending_structures_member_cannot_add_colleagues(client, moto_endpoint):
    from chalicelib.services import sessions

    structure_id, _ = request_structure(client)
    from chalicelib.repositories import structures

    _, members = structures.with_members(structure_id)
    # A session obtained somehow (a token issued before a status change): the structure check still holds.
    cookie = open_session(client, sessions.issue_token(members[0].id, "trainer"))
    answer = call(
        client,
        "POST",
        "/api/structures/me/members",
        {"name": "Alex Roy", "email": unique_email()},
        cookie=cookie,
    )
    assert answer.status == 403
    assert call(client, "GET", "/api/structures/me", cookie=cookie).status == 403
