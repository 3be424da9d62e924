"""SMS (issue 12 point 4): opt-in with a French mobile only, published to moto's SNS over HTTP,
at most one a day, never without the opt-in, the number never in a log."""

from __future__ import annotations

import io

import pytest

from chalicelib.domain.phones import french_mobile
from chalicelib.observability import logger
from scripts.moto_mail import sent_sms, sms_to
from tests.integration.helpers import call, new_candidate

pytestmark = pytest.mark.usefixtures("empty_queues")


def profile(client, cookie):
    return call(client, "GET", "/api/candidates/me", cookie=cookie)


def patch(client, cookie, body):
    version = profile(client, cookie).body["version"]
    return call(client, "PATCH", "/api/candidates/me", body, cookie=cookie, If_Match=str(version))


def test_opt_in_needs_a_french_mobile_number(client, moto_endpoint):
    landline = new_candidate(client, moto_endpoint, phone="03 87 00 00 00")
    refused = patch(client, landline.cookie, {"sms_opt_in": True})
    assert refused.status == 400 and "mobile" in refused.body["error"]["fields"]["phone"]
    assert profile(client, landline.cookie).body["sms_opt_in"] is False
    both = patch(client, landline.cookie, {"sms_opt_in": True, "phone": "07 51 23 45 67"})
    assert both.status == 200 and both.body["sms_opt_in"] is True and both.body["phone"] == "+33751234567"
    # removing the mobile stops the SMS too
    gone = patch(client, landline.cookie, {"phone": None})
    assert gone.status == 200 and gone.body["sms_opt_in"] is False
    not_bool = patch(client, landline.cookie, {"sms_opt_in": "oui"})
    assert not_bool.status == 400 and "sms_opt_in" in not_bool.body["error"]["fields"]


def test_new_matches_sms_only_with_opt_in_once_a_day(client, moto_endpoint):
    from chalicelib.services.notify_matches import send_digests

    keen = new_candidate(client, moto_endpoint, phone="06 12 34 56 01")
    quiet = new_candidate(client, moto_endpoint, phone="06 12 34 56 02")
    assert patch(client, keen.cookie, {"sms_opt_in": True}).status == 200
    before = len(sent_sms(moto_endpoint))
    day = "2031-05-04"
    stream = io.StringIO()
    handler = logger.registered_handler
    previous = handler.setStream(stream)
    level = logger.log_level
    logger.setLevel("DEBUG")
    try:
        send_digests([("offer-a", keen.id), ("offer-b", keen.id), ("offer-a", quiet.id)], day)
        send_digests([("offer-c", keen.id)], day)  # same day: no second SMS
    finally:
        handler.setStream(previous)
        logger.setLevel(level)
    assert "sms sent" in stream.getvalue()
    to_keen = sms_to(moto_endpoint, "+33612345601")
    assert len(to_keen) == 1 and len(sent_sms(moto_endpoint)) == before + 1
    text = to_keen[0]["message"]
    assert text.startswith("Passerelle : 2 nouvelles offres correspondent à votre profil.")
    assert "/candidat/espace.html" in text and "Pour ne plus recevoir de SMS" in text and len(text) <= 306
    assert sms_to(moto_endpoint, "+33612345602") == []  # no opt-in, no SMS
    for secret in ("+33612345601", "0612345601", "06 12 34 56 01"):
        assert secret not in stream.getvalue()
    send_digests([("offer-d", keen.id)], "2031-05-05")  # the next day: one more
    assert len(sms_to(moto_endpoint, "+33612345601")) == 2


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("+33 7 51 23 45 67", "+33751234567"),
        ("0033612345678", "+33612345678"),
        ("03 87 00 00 00", None),  # a landline
        ("09 70 00 00 00", None),
        ("07 00 12 34 56", None),  # 07 00… is not a mobile range
        ("+32 470 12 34 56", None),  # Belgian mobile
        ("pas un numéro", None),
        (None, None),
    ],
)
def test_french_mobiles(typed, expected):
    assert french_mobile(typed) == expected
