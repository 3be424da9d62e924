"""Employers' answers in Chromium against the real local stack (issue 12; issue 17 point 6).

An employer turns down a candidate who said interested, with a reason and a private comment,
keyboard only; a candidate who never said interested can only be set aside (no contact, interview
or hire offered); the candidate reads the kind reason and the date, never the comment; the staff
page of employers who do not answer loads and checks its filter. axe-core 0 violations on every
state, no unexpected console error.
"""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from chalicelib.domain.calendar import paris_today
from scripts.moto_mail import messages_to
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    focused,
    plain,
    request_sign_in_link,
    retype,
    sign_in_link,
    space,
    tab_to,
    unexpected_console_errors,
    unique_email,
    wait_text,
    wait_until,
)
from tests.factories import candidate_payload, employer_payload, offer_payload

pytestmark = pytest.mark.e2e

STAFF = "agent.employeurs@example.org"  # one of tests/stack.py STAFF_MEMBERS
SECRET = "Retard au premier appel, ne pas rappeler"


def page_call(page, method: str, path: str, body=None) -> dict:
    """fetch() from the page with a JSON body: the session cookie goes along."""
    return page.evaluate(
        """async ([method, path, body]) => {
            const headers = {Accept: 'application/json', 'Content-Type': 'application/json',
                             'Idempotency-Key': crypto.randomUUID()};
            const r = await fetch(path, {method, credentials: 'same-origin', headers,
                                         body: body === null ? undefined : JSON.stringify(body)});
            const text = await r.text();
            let parsed = null;
            try { parsed = JSON.parse(text); } catch { parsed = text; }
            return {status: r.status, body: parsed};
        }""",
        [method, path, body],
    )


def welcome_link(stack, email: str) -> str:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not (
        found := [m for m in messages_to(stack.moto_url, email) if m["subject"] == "Bienvenue sur Passerelle"]
    ):
        assert time.monotonic() < deadline, f"no welcome e-mail to {email}"
        time.sleep(0.1)
    return sign_in_link(stack, found[0])


def sign_up(stack, path: str, body: dict) -> str:
    answer = requests.post(f"{stack.site_url}{path}", json=body, timeout=15)
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def wait_for_matches(page, offer_id: str, names: set[str], timeout_s: float = 240) -> None:
    """A new offer is matched at once (the offer's message on the matching queue, consumed by the
    local stack's worker): wait until the people who signed up before it are proposed."""
    deadline = time.monotonic() + timeout_s
    while not names <= {
        m["first_name"] for m in page_call(page, "GET", f"/api/offers/{offer_id}/matches")["body"]
    }:
        assert time.monotonic() < deadline, f"{names} still not proposed for {offer_id}"
        page.wait_for_timeout(500)


def mark(locator, name: str) -> str:
    """Give a located element a data attribute, so that the keyboard helpers (plain CSS) can
    reach it by Tab: the element is found by its visible text, then reached as a person would."""
    locator.evaluate("(element, name) => element.setAttribute('data-e2e', name)", name)
    return f"[data-e2e={name}]"


def candidate_card(page, name: str):
    return page.locator("article.candidate").filter(has=page.locator("h5", has_text=name))


def match_card(page, title: str):
    return page.locator("#matches article").filter(has=page.locator("h3", has_text=title))


def test_turned_down_with_a_reason_the_candidate_reads_it_kindly(stack, page):
    title = f"Commis de cuisine {uuid.uuid4().hex[:6]}"
    employer_email = unique_email("employeur-reponse")
    sign_up(stack, "/api/employers", employer_payload(email=employer_email, company_name="Brasserie Réponse"))
    keen_email = unique_email("candidat-keen")
    sign_up(stack, "/api/candidates", candidate_payload(email=keen_email, first_name="Maëlys"))
    sign_up(
        stack,
        "/api/candidates",
        candidate_payload(email=unique_email("candidat-quiet"), first_name="Quentin"),
    )

    page.goto(welcome_link(stack, employer_email))
    page.wait_for_url("**/employeur/espace.html", timeout=TIMEOUT_MS)
    posted = page_call(page, "POST", "/api/offers", offer_payload(title=title))
    assert posted["status"] == 201, posted
    offer_id = posted["body"]["id"]
    wait_for_matches(page, offer_id, {"Maëlys", "Quentin"})

    # --- the candidate says interested (keyboard) --------------------------------------------
    page.goto(welcome_link(stack, keen_email))
    page.wait_for_url("**/candidat/espace.html", timeout=TIMEOUT_MS)
    card = match_card(page, title)
    card.wait_for(timeout=TIMEOUT_MS)
    tab_to(page, mark(card.locator("button", has_text="Ça m’intéresse"), "yes"))
    page.keyboard.press("Enter")
    wait_text(page, mark(card.locator("p[role=status]").first, "decision"), "Vous avez indiqué")
    assert "L’employeur n’a pas encore donné de suite." in plain(card.inner_text())
    reminder_from = page_call(page, "GET", "/api/candidates/me/matches")["body"]
    assert any(m["offer"]["id"] == offer_id and m["reminder_from"] for m in reminder_from)
    assert_accessible(page)

    # --- the employer's page: set aside only, for the one who never said interested -----------
    page.goto(request_sign_in_link(stack, page, employer_email))
    page.wait_for_url("**/employeur/espace.html", timeout=TIMEOUT_MS)
    wait_until(page, "!document.getElementById('offers-status').textContent.includes('Chargement')")
    offer = page.locator("#offers article.offer").filter(has=page.locator("h3", has_text=title))
    tab_to(page, mark(offer.locator("button[aria-controls^=candidates]"), "toggle"))
    page.keyboard.press("Enter")
    candidate_card(page, "Maëlys").wait_for(timeout=TIMEOUT_MS)
    candidate_card(page, "Quentin").wait_for(timeout=TIMEOUT_MS)
    quiet_options = candidate_card(page, "Quentin").locator("select[name=status] option").all_inner_texts()
    assert quiet_options == ["— Choisir —", "Non retenu(e)"]
    assert "s’est déclarée intéressée" in candidate_card(page, "Quentin").inner_text()
    keen_options = candidate_card(page, "Maëlys").locator("select[name=status] option").all_inner_texts()
    assert keen_options == ["— Choisir —", "Contacté(e)", "Entretien", "Embauché(e)", "Non retenu(e)"]
    assert_accessible(page)

    # the API refuses it too (issue 17 point 6), with a French message
    listed = page_call(page, "GET", f"/api/offers/{offer_id}/matches")["body"]
    quiet_id = next(m["candidate_id"] for m in listed if m["first_name"] == "Quentin")
    keen_id = next(m["candidate_id"] for m in listed if m["first_name"] == "Maëlys")
    refused = page_call(page, "POST", f"/api/offers/{offer_id}/matches/{quiet_id}", {"status": "interview"})
    assert refused["status"] == 409 and "intéressée" in refused["body"]["error"]["message"]

    # --- « Non retenu(e) » without a reason, then with one, keyboard only -----------------------
    keen = candidate_card(page, "Maëlys")
    tab_to(page, mark(keen.locator("select[name=status]"), "status"))
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    assert keen.locator("select[name=status]").input_value() == "not_retained"
    assert keen.locator("select[name=reason]").is_visible()
    reason_select = mark(keen.locator("select[name=reason]"), "reason")
    submit = mark(keen.locator("button[type=submit]"), "submit")
    outcome_status = mark(keen.locator(".outcome-status"), "outcome")
    tab_to(page, submit)
    page.keyboard.press("Enter")
    wait_text(page, outcome_status, "Erreur : choisissez la raison")
    assert focused(page, "name") == "reason"
    assert keen.locator("select[name=reason]").get_attribute("aria-invalid") == "true"
    assert_accessible(page)

    tab_to(page, reason_select)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert keen.locator("select[name=reason]").input_value() == "poste_pourvu"
    retype(page, mark(keen.locator("textarea[name=comment]"), "comment"), SECRET)
    tab_to(page, submit)
    page.keyboard.press("Enter")
    wait_text(page, outcome_status, "Suite enregistrée : Non retenu(e) (Poste déjà pourvu).")
    assert_accessible(page)
    stored = page_call(page, "GET", f"/api/offers/{offer_id}/matches")["body"]
    mine = next(m for m in stored if m["candidate_id"] == keen_id)
    assert (mine["status"], mine["reason"], mine["comment"]) == ("not_retained", "poste_pourvu", SECRET)

    # --- the candidate reads the answer: kind words and the date, never the comment -------------
    page.goto(request_sign_in_link(stack, page, keen_email))
    page.wait_for_url("**/candidat/espace.html", timeout=TIMEOUT_MS)
    card = match_card(page, title)
    card.wait_for(timeout=TIMEOUT_MS)
    text = plain(card.inner_text())
    today = paris_today()
    assert "L'employeur n'a pas retenu votre candidature" in text
    assert "Le poste a déjà été pourvu." in text
    assert f"{today.year}" in text and SECRET not in text
    assert SECRET not in plain(page.content())
    assert card.locator("button", has_text="Relancer").count() == 0  # answered: no reminder
    assert_accessible(page)

    # --- SMS: the switch in the preferences (the profile has a mobile number) --------------------
    space(page, "#sms_opt_in", max_presses=120)
    tab_to(page, "#preferences-form button[type=submit]")
    page.keyboard.press("Enter")
    wait_text(page, "#status", "Vos préférences sont enregistrées.")
    assert page_call(page, "GET", "/api/candidates/me")["body"]["sms_opt_in"] is True
    assert_accessible(page)
    assert unexpected_console_errors(page, {409}) == []


def test_staff_page_of_employers_who_do_not_answer(stack, page):
    page.goto(request_sign_in_link(stack, page, STAFF))
    page.wait_for_url("**/agent/index.html", timeout=TIMEOUT_MS)
    page.goto(stack.site_url + "/agent/employeurs.html")
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_until(page, "!document.getElementById('list-status').textContent.includes('Chargement')")
    assert page.locator("nav.subnav a[href='/agent/employeurs.html']").get_attribute("aria-current") == "page"
    assert_accessible(page)
    retype(page, "#unanswered_days", "-3")
    page.keyboard.press("Enter")
    wait_text(page, "#unanswered_days-error", "Erreur : indiquez un nombre entier de jours")
    assert (
        focused(page) == "unanswered_days"
        and page.get_attribute("#unanswered_days", "aria-invalid") == "true"
    )
    assert_accessible(page)
    retype(page, "#unanswered_days", "0")
    page.keyboard.press("Enter")
    wait_until(page, "!document.getElementById('list-status').textContent.includes('Chargement')")
    assert page.locator("#unanswered_days-error").is_hidden()
    assert_accessible(page)
    assert unexpected_console_errors(page) == []
