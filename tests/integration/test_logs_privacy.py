"""The logs of a full journey carry ids, never an e-mail address, a phone number or a name."""

from __future__ import annotations

import io
import re

from chalicelib.observability import logger
from scripts.moto_mail import latest_token
from tests.factories import candidate_payload
from tests.factories_employers import employer_payload, offer_payload
from tests.integration.test_candidates import call, drain_matching_queue, session_from_token

EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_full_journey_logs_no_personal_data(client, moto_endpoint):
    stream = io.StringIO()
    handler = logger.registered_handler
    previous = handler.setStream(stream)
    level = logger.log_level
    logger.setLevel("INFO")  # the test suite runs at WARNING; production logs INFO
    try:
        person = candidate_payload(first_name="Ermengarde", last_name="Zwingelstein", phone="06 98 76 54 32")
        status, created, _ = call(client, "POST", "/api/candidates", body=person)
        assert status == 201
        _, cookie = session_from_token(client, latest_token(moto_endpoint, person["email"]))
        me = call(client, "GET", "/api/candidates/me", cookie)[1]
        call(
            client,
            "PATCH",
            "/api/candidates/me",
            cookie,
            {"mobility_km": 45},
            {"If-Match": str(me["version"])},
        )
        call(client, "GET", "/api/candidates/me/matches", cookie)
        call(client, "GET", "/api/candidates/me/export", cookie)
        call(client, "POST", "/api/auth/magic-link", body={"email": person["email"]})

        firm = employer_payload(contact_name="Hildegarde Quistrebert")
        status, employer, _ = call(client, "POST", "/api/employers", body=firm)
        assert status == 201
        _, employer_cookie = session_from_token(client, latest_token(moto_endpoint, firm["email"]))
        status, offer, _ = call(client, "POST", "/api/offers", employer_cookie, offer_payload())
        assert status == 201
        call(client, "GET", f"/api/offers/{offer['id']}/matches", employer_cookie)
        call(client, "DELETE", "/api/employers/me", employer_cookie)
        assert call(client, "DELETE", "/api/candidates/me", cookie)[0] == 204
    finally:
        handler.setStream(previous)
        logger.setLevel(level)
        drain_matching_queue()

    logs = stream.getvalue()
    assert created["id"] in logs and employer["id"] in logs  # the journey was logged, by id
    for secret in (person["email"], firm["email"], "Ermengarde", "Zwingelstein", "Hildegarde", "Quistrebert"):
        assert secret.lower() not in logs.lower()
    assert EMAIL_PATTERN.findall(logs) == []
    digits = re.sub(r"\D", "", logs)
    assert "698765432" not in digits
