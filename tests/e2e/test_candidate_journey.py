"""A candidate's journey in headless Chromium against the real local stack, keyboard only.

1. Sign-up (only Tab / Shift+Tab, typing, arrows, Space, Enter) → welcome e-mail (moto SES) →
   sign-in link → candidate space → edit the mobility radius → sign-out.
2. Errors the browser lets through but the API refuses: error summary focused, message next to
   the field, nothing typed is lost, and the person can recover with the keyboard.
3. Stored XSS: hostile text accepted by the API is shown literally and never runs.

Every page and state visited passes axe-core (WCAG 2.1 AA); no unexpected console errors.
"""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
import requests

from chalicelib.domain.calendar import paris_today
from scripts.moto_mail import messages_to, sign_in_tokens
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    choose_option,
    field_message_next_to_field,
    focused,
    page_fetch,
    press_enter_on,
    retype,
    space,
    type_date,
    type_date_here,
    type_into,
    unexpected_console_errors,
    unique_email,
    wait_focus_on_summary,
    wait_until,
)

pytestmark = pytest.mark.e2e

TODAY = paris_today()
TRAINING_END = TODAY - timedelta(days=40)
AVAILABLE_FROM = TODAY + timedelta(days=10)
NEW_MATCHES = "Passerelle : de nouvelles correspondances pour vous"  # the digest a matching run e-mails


def sent_besides_digest(moto_url: str, address: str, count: int, timeout: float = 15.0) -> list[dict]:
    """The e-mails to `address` other than the new-matches digest (the new profile's matching may
    send it at any moment), once there are at least `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        messages = [m for m in messages_to(moto_url, address) if m["subject"] != NEW_MATCHES]
        if len(messages) >= count or time.monotonic() > deadline:
            return messages
        time.sleep(0.1)


def fill_sign_up_form(page, person: dict, training_end: date) -> dict:
    """Fill candidat/inscription.html with the keyboard only, from the top of the page (or from
    the error summary), in the order of the page. Returns what the form should then hold."""
    type_into(page, "#first_name", person["first_name"])
    type_into(page, "#last_name", person["last_name"])
    type_into(page, "#email", person["email"])
    type_into(page, "#phone", "06 12 34 56 78")
    choose_option(page, "#commune-input", "metz", "Metz (57")
    page.get_by_text("Bassin d’emploi : Metz").wait_for(timeout=TIMEOUT_MS)
    commune = page.input_value("#commune-input")
    assert commune.startswith("Metz")
    type_into(page, "#mobility_km", "25")
    type_into(page, "#training_title", "CAP Cuisine")
    type_date(page, "#training_end_date", training_end)
    type_into(page, "#training_organisation", "Lycée hôtelier de Metz")
    space(page, "#training_certification")
    metier = choose_option(page, "#training-metiers-input", "cuisin", "G1609")
    page.locator("#training-metiers-list li").first.wait_for(timeout=TIMEOUT_MS)
    assert "G1609" in page.inner_text("#training-metiers-list")
    assert page.input_value("#training-metiers-input") == ""
    # The competences of the chosen métier appear below; wait before tabbing past them.
    page.locator("#competence-groups input[type=checkbox]").first.wait_for(timeout=TIMEOUT_MS)
    space(page, "#contract-cdi")
    space(page, "#contract-cdd")
    type_date(page, "#available_from", AVAILABLE_FROM)
    competences = []
    for _ in range(2):  # the first two boxes: Tab goes from one to the next
        space(page, "#competence-groups input[type=checkbox]", max_presses=4)
        competences.append(focused(page, "value"))
    space(page, "#consent_terms")
    space(page, "#consent_contact", max_presses=3)  # past the link in the terms' label
    return {
        "#first_name": person["first_name"],
        "#last_name": person["last_name"],
        "#email": person["email"],
        "#phone": "06 12 34 56 78",
        "#commune-input": commune,
        "#code_insee": "57463",
        "#mobility_km": "25",
        "#training_title": "CAP Cuisine",
        "#training_end_date": training_end.isoformat(),
        "#training_organisation": "Lycée hôtelier de Metz",
        "#available_from": AVAILABLE_FROM.isoformat(),
        "metier": metier,
        "competences": competences,
    }


def assert_form_holds(page, expected: dict) -> None:
    for css, value in expected.items():
        if css.startswith("#"):
            assert page.input_value(css) == value, css
    assert "G1609" in page.inner_text("#training-metiers-list")
    checked = page.eval_on_selector_all(
        "#candidate-form input[type=checkbox]:checked",
        "boxes => boxes.map(b => b.value === 'on' ? b.id : b.value)",
    )
    assert set(checked) == {
        "training_certification",
        "cdi",
        "cdd",
        *expected["competences"],
        "consent_terms",
        "consent_contact",
    }


def api_sign_up(stack, email: str, **overrides) -> requests.Response:
    body = {
        "email": email,
        "first_name": "Camille",
        "last_name": "Durand",
        "code_insee": "57463",
        "mobility_km": 30,
        "training": {"title": "CAP Cuisine", "code_rome": ["G1609"], "end_date": TRAINING_END.isoformat()},
        "contract_types": ["cdi"],
        "available_from": AVAILABLE_FROM.isoformat(),
        "consent_contact": True,
        "consent_terms": True,
    }
    for key, value in overrides.items():
        if key.startswith("training."):
            body["training"][key.split(".", 1)[1]] = value
        else:
            body[key] = value
    return requests.post(f"{stack.site_url}/api/candidates", json=body, timeout=15)


def open_sign_up_form(stack, page) -> None:
    page.goto(stack.site_url + "/candidat/inscription.html")
    for widget in ("#commune-input", "#training-metiers-input", "#target-metiers-input"):
        page.locator(widget).wait_for(timeout=TIMEOUT_MS)  # the autocompletes are mounted


def wait_space_loaded(page) -> None:
    """The candidate space shows the profile and has finished loading the matched offers."""
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_until(page, "!document.getElementById('matches-status').textContent.includes('Chargement')")


def sign_in_from_email(stack, page, email: str) -> None:
    """Open the link of the welcome e-mail, as the person would from their mailbox."""
    # The matching of the new profile may already have e-mailed its digest: the welcome is the one.
    messages = sent_besides_digest(stack.moto_url, email, 1)
    assert len(messages) == 1, f"{len(messages)} e-mails other than the digest sent to {email}"
    assert messages[0]["subject"] == "Bienvenue sur Passerelle"
    link = re.search(r"https?://\S+/connexion\.html#token=[A-Za-z0-9_-]+", messages[0]["body"])
    assert link, messages[0]["body"][:500]
    assert link.group(0).startswith(stack.site_url + "/connexion.html#token=")
    assert link.group(0).endswith(sign_in_tokens(messages[0])[-1])
    page.goto(link.group(0))
    page.wait_for_url("**/candidat/espace.html", timeout=TIMEOUT_MS)
    wait_space_loaded(page)
    assert "#token" not in page.url


# --- 1. the whole journey, keyboard only ------------------------------------------------------
def test_keyboard_only_sign_up_sign_in_edit_and_sign_out(stack, page):
    email = unique_email("clavier")
    person = {"first_name": "Léa", "last_name": "N’Guyen-Martin", "email": email}
    open_sign_up_form(stack, page)
    assert_accessible(page)  # empty form

    # Sending the empty form: the summary takes the focus and lists the missing fields.
    press_enter_on(page, "#submit")
    wait_focus_on_summary(page)
    assert page.locator("#error-summary li").count() >= 8
    assert page.get_attribute("#first_name", "aria-invalid") == "true"
    assert_accessible(page)  # form with errors

    # From the summary, on through the form with Tab.
    expected = fill_sign_up_form(page, person, TRAINING_END)
    press_enter_on(page, "#submit")
    heading = page.locator("#confirmation h2")
    heading.wait_for(timeout=TIMEOUT_MS)
    assert heading.inner_text() == "Bienvenue sur Passerelle"
    assert focused(page, "tagName") == "H2"
    assert (
        "Inscription enregistrée. Un lien de connexion vient de vous être envoyé par e-mail."
        in page.inner_text("#confirmation")
    )
    assert page.locator("#inscription").is_hidden()
    assert_accessible(page)  # confirmation

    # The welcome e-mail's link opens the candidate space.
    sign_in_from_email(stack, page, email)
    assert page.inner_text("#welcome") == "Bonjour Léa."
    summary = page.inner_text("#profile-summary")
    for text in ("Léa N’Guyen-Martin", email, "Metz", "CAP Cuisine", "Lycée hôtelier de Metz", "Cuisinier"):
        assert text in summary
    assert "G1609" not in summary  # the métier by its label, not its code
    assert page.input_value("#mobility_km") == "25"
    assert_accessible(page)  # espace

    me = page_fetch(page, "/api/candidates/me")
    assert me["status"] == 200
    profile = me["body"]
    assert (profile["first_name"], profile["last_name"], profile["email"]) == ("Léa", "N’Guyen-Martin", email)
    assert (profile["code_insee"], profile["commune_name"]) == ("57463", "Metz")
    assert profile["phone"] == "+33612345678"
    assert profile["training"]["code_rome"] == ["G1609"]
    assert profile["training"]["end_date"] == TRAINING_END.isoformat()
    assert profile["training"]["certification_obtained"] is True
    assert sorted(profile["contract_types"]) == ["cdd", "cdi"]
    assert sorted(profile["competences"]) == sorted(expected["competences"])
    assert profile["available_from"] == AVAILABLE_FROM.isoformat()
    assert profile["consent_contact"] is True
    version = profile["version"]

    # Edit the mobility radius with the keyboard, save with Enter.
    retype(page, "#mobility_km", "40")
    press_enter_on(page, "#preferences-form button[type=submit]")
    page.get_by_text("Vos préférences sont enregistrées.").wait_for(timeout=TIMEOUT_MS)
    assert_accessible(page)  # espace, saved

    page.reload()
    wait_space_loaded(page)
    assert page.input_value("#mobility_km") == "40"
    me = page_fetch(page, "/api/candidates/me")
    assert me["status"] == 200
    assert me["body"]["mobility_km"] == 40
    assert me["body"]["version"] > version
    assert sorted(me["body"]["contract_types"]) == ["cdd", "cdi"]  # the rest is unchanged

    # Sign out: back on the sign-in page; the space now asks to sign in, the API says 401.
    press_enter_on(page, "#logout", max_presses=80)
    page.wait_for_url("**/connexion.html?deconnexion=1", timeout=TIMEOUT_MS)
    page.get_by_text("Vous êtes déconnecté.").wait_for(timeout=TIMEOUT_MS)
    assert_accessible(page)  # after sign-out
    assert unexpected_console_errors(page) == []

    page.goto(stack.site_url + "/candidat/espace.html")
    page.locator("#signed-out").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.locator("#space").is_hidden()
    assert page.locator("#signed-out a[href='/connexion.html']").is_visible()
    assert_accessible(page)  # espace, signed out
    assert page_fetch(page, "/api/candidates/me")["status"] == 401
    # The only console errors: Chromium's own lines for the expected 401 answers.
    assert unexpected_console_errors(page, {401}) == []


# --- 2. errors the server finds ---------------------------------------------------------------
def test_server_errors_are_shown_accessibly_and_nothing_typed_is_lost(stack, page):
    taken = unique_email("deja")
    assert api_sign_up(stack, taken).status_code == 201

    open_sign_up_form(stack, page)
    person = {"first_name": "Hugo", "last_name": "Lambert", "email": taken}
    # A training that ended in 1990: a valid date for the browser, out of range for the API.
    old = date(1990, 6, 29)
    expected = fill_sign_up_form(page, person, old)
    press_enter_on(page, "#submit")

    wait_focus_on_summary(page)
    assert page.locator("#error-summary li").count() == 1
    link = page.locator("#error-summary li a")
    assert link.get_attribute("href") == "#training_end_date"
    assert "date de fin de formation doit être comprise entre" in link.inner_text()
    field_message_next_to_field(page, "#training_end_date", "#training_end_date-error")
    assert "doit être comprise entre" in page.inner_text("#training_end_date-error")
    assert_form_holds(page, expected)
    assert page.locator("#confirmation").is_hidden()
    assert_accessible(page)  # form with the API's error

    # Tab to the summary's link, Enter: the focus goes to the field; type a valid date.
    press_enter_on(page, "#error-summary a[href='#training_end_date']", max_presses=2)
    assert focused(page) == "training_end_date"
    type_date_here(page, "#training_end_date", TRAINING_END)
    expected["#training_end_date"] = TRAINING_END.isoformat()

    # Now the address is the one already used: the site answers as for a new sign-up (no one learns
    # which addresses have an account) and the owner is told by e-mail (docs/decisions.md).
    press_enter_on(page, "#submit")
    page.locator("#confirmation h2").wait_for(timeout=TIMEOUT_MS)
    assert page.locator("#error-summary li").count() == 0 or page.locator("#error-summary").is_hidden()
    assert_accessible(page)  # confirmation, as for a new address
    subjects = [m["subject"] for m in sent_besides_digest(stack.moto_url, taken, 2)]
    assert subjects == ["Bienvenue sur Passerelle", "Vous avez déjà un compte Passerelle"]

    assert unexpected_console_errors(page, {400}) == []


# --- 3. stored XSS --------------------------------------------------------------------------------
ANGLE_PAYLOADS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=1</script>"]
# No < or >: accepted by the API. Each would run, or show differently, if the page built HTML
# from it (innerHTML would turn the entities into "<img …>", an attribute would be closed by the quote).
TITLE_PAYLOAD = '&lt;img src=x onerror=window.__xss=1&gt; " onmouseover="window.__xss=1" \'-window.__xss=1-\''
ORGANISATION_PAYLOAD = (
    "${window.__xss=1} {{constructor.constructor('window.__xss=1')()}} javascript:window.__xss=1"
)


@pytest.mark.parametrize("field", ["first_name", "last_name", "training.title", "training.organisation"])
def test_api_refuses_markup_in_text_fields(stack, field):
    for payload in ANGLE_PAYLOADS:
        response = api_sign_up(stack, unique_email("balise"), **{field: payload})
        assert response.status_code == 400, (field, payload, response.text)
        error = response.json()["error"]
        assert error["code"] == "validation_error"
        assert error["fields"] == {field: "Les caractères < et > ne sont pas autorisés."} or (
            field.endswith("name") and list(error["fields"]) == [field]
        ), error


def test_stored_hostile_text_is_shown_literally_and_never_runs(stack, page):
    email = unique_email("xss")
    response = api_sign_up(
        stack,
        email,
        first_name="Zoé",
        last_name="O'Brien-d’Arc.",  # the quotes and dot that names allow
        **{"training.title": TITLE_PAYLOAD, "training.organisation": ORGANISATION_PAYLOAD},
    )
    assert response.status_code == 201, response.text

    sign_in_from_email(stack, page, email)
    summary = page.locator("#profile-summary")
    terms = summary.locator("dt").all_inner_texts()
    values = summary.locator("dd").all_inner_texts()
    shown = dict(zip(terms, values, strict=True))
    assert shown["Formation"] == TITLE_PAYLOAD
    assert shown["Organisme de formation"] == ORGANISATION_PAYLOAD
    assert shown["Nom"] == "Zoé O'Brien-d’Arc."
    assert page.inner_text("#welcome") == "Bonjour Zoé."
    # Hover the texts too, in case a handler was created from them.
    summary.locator("dd", has_text="onmouseover").hover()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert summary.locator("img, script, [onmouseover], [onerror]").count() == 0
    assert page.evaluate("document.querySelectorAll('main img, main script').length") == 0
    assert_accessible(page)
    assert unexpected_console_errors(page) == []
