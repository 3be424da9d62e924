"""The logs of a full journey carry ids, never an e-mail address, a phone number or a name."""

from __future__ import annotations

import io
import re

from chalicelib.observability import logger
from scripts.moto_mail import latest_token
from tests.factories import candidate_payload, employer_payload, offer_payload
from tests.integration.helpers import call, drain_matching_queue, open_session

EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_full_journey_logs_no_personal_data(client, moto_endpoint):
    stream = io.StringIO()
    handler = logger.registered_handler
    previous = handler.setStream(stream)
    level = logger.log_level
    logger.setLevel("INFO")  # the test suite runs at WARNING; production logs INFO
    try:
        person = candidate_payload(first_name="Ermengarde", last_name="Zwingelstein", phone="06 98 76 54 32")
        status, created, _ = call(client, "POST", "/api/candidates", person)
        assert status == 201
        cookie = open_session(client, latest_token(moto_endpoint, person["email"]))
        me = call(client, "GET", "/api/candidates/me", cookie=cookie).body
        call(
            client,
            "PATCH",
            "/api/candidates/me",
            {"mobility_km": 45},
            cookie=cookie,
            If_Match=str(me["version"]),
        )
        call(client, "GET", "/api/candidates/me/matches", cookie=cookie)
        call(client, "GET", "/api/candidates/me/export", cookie=cookie)
        call(client, "POST", "/api/auth/magic-link", {"email": person["email"]})

        firm = employer_payload(contact_name="Hildegarde Quistrebert")
        status, employer, _ = call(client, "POST", "/api/employers", firm)
        assert status == 201
        employer_cookie = open_session(client, latest_token(moto_endpoint, firm["email"]))
        status, offer, _ = call(client, "POST", "/api/offers", offer_payload(), cookie=employer_cookie)
        assert status == 201
        call(client, "GET", f"/api/offers/{offer['id']}/matches", cookie=employer_cookie)
        call(client, "DELETE", "/api/employers/me", cookie=employer_cookie)
        assert call(client, "DELETE", "/api/candidates/me", cookie=cookie).status == 204
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
