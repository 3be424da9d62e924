"""The advisors' side in headless Chromium against the real local stack (docs/structures.md,
"Advisors"): the demo mission locale's advisor signs in from the e-mailed link, registers a person
they accompany with the same fields as the candidate sign-up; the person opens the invitation from
the e-mail (moto SES), finds what the advisor entered, consents and shares; the matching proposes
them a cook's offer in Metz and the advisor sees it. Every page and state passes axe-core (WCAG 2.1
AA); no unexpected console errors; the pages read only fields of the OpenAPI schemas."""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta

import pytest

from chalicelib.domain.calendar import paris_today
from scripts.demo_structures import DEMO_ADVISOR
from scripts.moto_mail import messages_to
from scripts.site_check.contract import unknown_reads
from tests.e2e.conftest import recording_context
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    choose_option,
    press_enter_on,
    request_sign_in_link,
    space,
    type_date,
    type_into,
    unexpected_console_errors,
    wait_text,
    wait_until,
)
from tests.e2e.people import MATCH_TIMEOUT_S, employer_with_offer

pytestmark = pytest.mark.e2e
INVITE = re.compile(r"https?://\S+/invitation\.html#token=[A-Za-z0-9_-]{32,}")


def wait_for_invitation(stack, email: str) -> str:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        found = [INVITE.search(m.get("body", "")) for m in messages_to(stack.moto_url, email)]
        found = [f.group(0) for f in found if f]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no invitation e-mailed to {email}"
        time.sleep(0.1)


def test_an_advisor_registers_a_person_who_accepts_then_sees_their_match(stack, page, browser, api_document):
    employer = employer_with_offer(stack, code_rome="G1609")  # a cook's job in Metz
    suffix = uuid.uuid4().hex[:6]
    email = f"personne-{suffix}@exemple.fr"
    last_name = "Lemaire-" + suffix.translate(str.maketrans("0123456789", "ghijklmnop")).capitalize()

    # 1. The advisor of the demo mission locale signs in; the structure's page leads to the caseload.
    page.goto(request_sign_in_link(stack, page, DEMO_ADVISOR))
    page.wait_for_url("**/organisme/index.html", timeout=TIMEOUT_MS)
    page.locator("#advisor-section a").wait_for(timeout=TIMEOUT_MS)
    assert_accessible(page)
    page.click("#advisor-section a")
    page.wait_for_url("**/organisme/accompagnement.html", timeout=TIMEOUT_MS)
    page.locator("#caseload tbody tr").first.wait_for(timeout=TIMEOUT_MS)
    assert_accessible(page)

    # 2. The registration form: the candidate sign-up's fields, the consents excepted.
    assert page.locator("#consent_terms").count() == 0
    press_enter_on(page, "#submit")  # empty: every missing field is named
    page.locator("#error-summary li").first.wait_for(timeout=TIMEOUT_MS)
    assert_accessible(page)
    type_into(page, "#first_name", "Nora")
    type_into(page, "#last_name", last_name)
    type_into(page, "#email", email)
    choose_option(page, "#commune-input", "metz", "Metz (57")
    type_into(page, "#mobility_km", "25")
    type_into(page, "#training_title", "CAP Cuisine")
    type_date(page, "#training_end_date", paris_today() - timedelta(days=10))
    choose_option(page, "#training-metiers-input", "cuisin", "G1609")
    boxes = page.locator("#competence-groups input[type=checkbox]")
    boxes.first.wait_for(timeout=TIMEOUT_MS)
    for index in range(6):  # the fiche's first savoir-faire, those the offer asks for among them
        boxes.nth(index).check()
    space(page, "#contract-cdi")
    try:
        with page.expect_navigation(timeout=TIMEOUT_MS):  # a fresh page empties every picker
            press_enter_on(page, "#submit")
    except Exception:
        pytest.fail(f"not registered: {page.inner_text('#error-summary')!r} {page.console_errors}")
    page.wait_for_load_state("networkidle")
    wait_text(page, "#done h2", "La personne est inscrite")
    row = page.locator("#caseload tbody tr", has_text=last_name)
    assert "Invitation envoyée" in row.inner_text() and email in row.inner_text()
    assert_accessible(page)

    # 3. The person accepts from the e-mail, in their own browser: what the advisor entered is there.
    invitation = wait_for_invitation(stack, email)
    assert invitation.startswith(stack.site_url + "/invitation.html#token=")
    reads: set[str] = set()
    context = recording_context(browser, reads)
    person = context.new_page()
    person.console_errors = []
    person.on("console", lambda msg: msg.type == "error" and person.console_errors.append(msg.text))
    person.on("pageerror", lambda exc: person.console_errors.append(str(exc)))
    person.goto(invitation, wait_until="networkidle")
    wait_text(person, "#training", "Formation")
    assert "CAP Cuisine" in person.inner_text("#training")
    assert person.input_value("#first_name") == "Nora"
    assert person.input_value("#mobility_km") == "25"
    assert person.input_value("#commune-input").startswith("Metz")
    assert person.is_checked("#contract-cdi")
    assert "Mission locale" in person.inner_text("#share-label")
    assert_accessible(person)
    space(person, "#consent_terms")
    space(person, "#consent_contact")
    space(person, "#share_with_structure")
    press_enter_on(person, "#accept")
    wait_text(person, "#done h2", "Votre inscription est enregistrée")
    assert_accessible(person)
    assert unexpected_console_errors(person) == []
    context.close()
    assert unknown_reads(api_document, reads) == []

    # 4. The matching proposes the cook's offer in Metz; the advisor sees it.
    deadline = time.monotonic() + 2 * MATCH_TIMEOUT_S  # the queue's quick run, then the page's reload
    while True:
        page.goto(stack.site_url + "/organisme/accompagnement.html", wait_until="networkidle")
        row = page.locator("#caseload tbody tr", has_text=last_name)
        row.wait_for(timeout=TIMEOUT_MS)
        cells = row.locator("td").all_inner_texts()
        if cells[1] == "Oui" and cells[2] not in ("—", "0"):
            break
        assert time.monotonic() < deadline, f"no match shown for the person: {cells}"
        time.sleep(2)
    assert cells[0] == "Inscrite"
    assert_accessible(page)
    row.locator("a").click()
    page.wait_for_url("**/organisme/personne.html?id=*", timeout=TIMEOUT_MS)
    page.locator("#matches li").first.wait_for(timeout=TIMEOUT_MS)
    wait_text(page, "#page-title", f"Offres proposées à Nora {last_name}")
    assert employer.company in page.inner_text("#matches")
    assert_accessible(page)

    # 5. The daily digest switch.
    page.goto(stack.site_url + "/organisme/accompagnement.html", wait_until="networkidle")
    page.locator("#caseload tbody tr").first.wait_for(timeout=TIMEOUT_MS)
    wait_until(page, "document.getElementById('digest').checked === true")
    space(page, "#digest")
    wait_text(page, "#digest-status", "Vous ne recevrez plus le récapitulatif quotidien.")
    space(page, "#digest")
    wait_text(page, "#digest-status", "Vous recevrez le récapitulatif quotidien.")
    assert_accessible(page)
    assert unexpected_console_errors(page) == []


@pytest.mark.parametrize("path", ["/organisme/accompagnement.html", "/organisme/personne.html?id=x"])
def test_advisor_pages_without_a_session_are_accessible(stack, page, path):
    page.goto(stack.site_url + path, wait_until="networkidle")
    wait_text(page, "#signed-out", "Cet espace est réservé")
    assert_accessible(page)
    assert unexpected_console_errors(page, {401}) == []
