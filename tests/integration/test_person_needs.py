"""Issue 17: what people read carries labels next to codes (profile, matches, RGPD export), the
offer a candidate is matched with names its company, one match can be read on its own, and the
site can ask who is signed in without a 401.
"""

from __future__ import annotations

import pytest

from tests.factories import METZ_BASSIN, TRAINING_ROME
from tests.integration.helpers import (
    call,
    new_candidate,
    post_offer,
    seed_match,
    session_for,
    sign_up_employer,
)

pytestmark = pytest.mark.usefixtures("empty_queues")


def test_matches_profile_and_export_carry_labels_and_the_company(client, moto_endpoint):
    employer = sign_up_employer(client, moto_endpoint, company_name="Brasserie des Labels")
    offer_id = post_offer(client, employer)
    candidate = new_candidate(client, moto_endpoint)
    seed_match(offer_id, candidate.id, employer.id, 81)

    status, me, _ = call(client, "GET", "/api/candidates/me", cookie=candidate.cookie)
    assert status == 200
    assert {m["code_rome"]: m["label"] for m in me["metiers"]}[TRAINING_ROME] == "Cuisinier / Cuisinière"
    assert [c["code"] for c in me["competence_labels"]] == me["competences"]
    assert all(c["label"] and c["label"] != c["code"] for c in me["competence_labels"])
    assert len(me["contract_type_labels"]) == len(me["contract_types"])

    status, listed, _ = call(client, "GET", "/api/candidates/me/matches", cookie=candidate.cookie)
    assert status == 200 and listed[0]["offer"]["company_name"] == "Brasserie des Labels"
    assert listed[0]["status"] is None and listed[0]["status_label"] is None

    status, _, _ = call(
        client,
        "POST",
        f"/api/candidates/me/matches/{offer_id}",
        {"interested": True},
        cookie=candidate.cookie,
    )
    assert status == 200
    status, seen, _ = call(client, "GET", f"/api/offers/{offer_id}/matches", cookie=employer.cookie)
    assert status == 200 and seen[0]["commune_name"] == "Metz"  # two « Camille » are told apart
    path = f"/api/offers/{offer_id}/matches/{candidate.id}"
    assert call(client, "POST", path, {"status": "hired"}, cookie=employer.cookie).status == 200

    status, one, _ = call(client, "GET", f"/api/candidates/me/matches/{offer_id}", cookie=candidate.cookie)
    assert status == 200 and one["interest"] == "interested"
    assert one["status"] == "hired" and one["status_label"] == "recruté(e)"
    assert one["offer"]["company_name"] == "Brasserie des Labels"

    status, exported, _ = call(client, "GET", "/api/candidates/me/export", cookie=candidate.cookie)
    assert status == 200
    match = exported["matches"][0]
    # RGPD: the codes as stored and their French labels, side by side.
    assert (match["interest"], match["interest_label"]) == ("interested", "intéressé(e)")
    assert (match["status"], match["status_label"]) == ("hired", "recruté(e)")
    assert (match["offer_status"], match["offer_status_label"]) == ("open", "ouverte")
    assert (match["offer"]["contract_type"], match["offer"]["contract_type_label"]) == ("cdi", "CDI")
    labels = dict(
        zip(exported["profile"]["contract_types"], exported["profile"]["contract_type_labels"], strict=True)
    )
    assert labels and all(labels[code] in {"CDI", "CDD", "Intérim", "Alternance"} for code in labels)


def test_one_match_of_someone_else_or_unknown_is_not_found(client, moto_endpoint):
    candidate = new_candidate(client, moto_endpoint)
    for offer_id in ("inconnue-0000", "a" * 80):
        status, body, _ = call(
            client, "GET", f"/api/candidates/me/matches/{offer_id}", cookie=candidate.cookie
        )
        assert status == 404 and body["error"]["message"].startswith("Cette offre ne fait pas"), offer_id


def test_session_state_answers_200_with_or_without_a_session(client, moto_endpoint):
    status, body, _ = call(client, "GET", "/api/auth/state")
    assert (status, body) == (200, {"signed_in": False, "role": None})
    candidate = new_candidate(client, moto_endpoint)
    status, body, _ = call(client, "GET", "/api/auth/state", cookie=candidate.cookie)
    assert (status, body) == (200, {"signed_in": True, "role": "candidate"})
    status, body, _ = call(client, "GET", "/api/auth/state", cookie="passerelle_session=inconnue")
    assert (status, body) == (200, {"signed_in": False, "role": None})


def test_staff_figures_count_a_new_interest_once_refreshed_on_demand(client, moto_endpoint):
    staff = session_for(client, "staff-" + "0" * 20, "staff")
    employer = sign_up_employer(client, moto_endpoint)
    offer_id = post_offer(client, employer)
    candidate = new_candidate(client, moto_endpoint)
    seed_match(offer_id, candidate.id, employer.id, 77)

    def interested() -> int:
        status, body, _ = call(client, "GET", f"/api/staff/stats?bassin={METZ_BASSIN}", cookie=staff)
        assert status == 200
        return body["bassins"][0]["interested"]

    assert (
        call(client, "POST", "/api/staff/stats/refresh", {"bassin": METZ_BASSIN}, cookie=staff).status == 200
    )
    before = interested()
    path = f"/api/candidates/me/matches/{offer_id}"
    assert call(client, "POST", path, {"interested": True}, cookie=candidate.cookie).status == 200
    assert interested() == before  # the aggregate is the last computation's

    status, body, _ = call(client, "POST", "/api/staff/stats/refresh", {"bassin": METZ_BASSIN}, cookie=staff)
    assert status == 200 and body["bassins"] == 1 and body["refreshed_at"]
    assert interested() == before + 1
    status, body, _ = call(client, "POST", "/api/staff/stats/refresh", {"bassin": "9999"}, cookie=staff)
    assert status == 400 and "bassin" in body["error"]["fields"]
    assert call(client, "POST", "/api/staff/stats/refresh", {}, cookie=candidate.cookie).status == 403
