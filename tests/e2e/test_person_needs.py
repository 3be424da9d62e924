"""Issue 17: what a person needs from the site, tried as a new user would (keyboard only in forms).

1. A candidate reads the whole offer (company, description, skills, commune, bassin) from a match
   card and answers « Ça m'intéresse » on the offer page; visitors see the offer too.
2. A candidate edits commune, training, target métiers and skills; a change made meanwhile
   elsewhere gives a clear 409 message and a way to reload.
3. The answer is still there after a reload; the candidate sees the interview the employer recorded.
5. The digest's links lead to the offers and to the preferences of the space.

Every state passes axe-core (WCAG 2.1 AA); no unexpected console errors.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from scripts.moto_mail import messages_to
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    choose_option,
    focused,
    plain,
    press_enter_on,
    space,
    tab_to,
    unexpected_console_errors,
    wait_text,
    wait_until,
)
from tests.e2e.people import api_session, employer_with_offer, fresh_token, sign_up_candidate, wait_matched

pytestmark = pytest.mark.e2e
RAW_METIER = re.compile(r"\b[A-N]\d{4}\b")
RAW_COMPETENCE = re.compile(r"\b\d{5,6}\b")


@pytest.fixture(scope="module")
def matched(stack):
    """An employer's offer in Metz and a candidate it matches, both fresh."""
    employer = employer_with_offer(stack)
    candidate = sign_up_candidate(stack)
    poller = api_session(stack, candidate.email)
    wait_matched(poller, stack, employer.offer_id)
    return employer, candidate, poller


def open_space(stack, page, candidate) -> None:
    """Sign in from a new e-mailed link (each link serves once), as the person would."""
    page.goto(f"{stack.site_url}/connexion.html#token={fresh_token(stack, candidate.email)}")
    page.wait_for_url("**/candidat/espace.html", timeout=TIMEOUT_MS)
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_until(page, "!document.getElementById('matches-status').textContent.includes('Chargement')")


def card_of(page, title_link_href: str):
    return page.locator(f"#matches li:has(a[href='{title_link_href}'])")


def test_offer_page_answer_persists_and_interview_is_shown(stack, page, browser, matched):
    employer, candidate, _ = matched
    open_space(stack, page, candidate)
    href = f"/offre.html?id={employer.offer_id}"
    card = card_of(page, href)
    card.wait_for(timeout=TIMEOUT_MS)
    assert employer.company in card.inner_text()  # who is hiring, on the card itself
    assert_accessible(page)

    # From the card to the offer page, keyboard only.
    press_enter_on(page, f"#matches a[href='{href}']", max_presses=80)
    page.wait_for_url(f"**{href}", timeout=TIMEOUT_MS)
    page.locator("#my-match").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.inner_text("h1") == employer.offer["title"]
    details = plain(page.inner_text("#offer-details"))
    for expected in (employer.company, "Metz", "CDI", "Bassin d’emploi"):
        assert expected in details, (expected, details)
    paragraphs = page.locator("#offer-description p")
    assert paragraphs.count() == 2 and "35 heures" in paragraphs.first.inner_text()
    skills = page.inner_text("#offer-competences")
    assert skills.strip() and not RAW_COMPETENCE.search(skills), skills
    assert page.get_attribute("#my-match .choice-yes", "aria-pressed") == "false"
    assert_accessible(page)
    page.screenshot(path=str(stack.log_path.parent / "offre-candidat.png"), full_page=True)

    press_enter_on(page, "#my-match .choice-yes")
    wait_text(page, "#my-match .decision", "Vous avez indiqué que cette offre vous intéresse")
    assert focused(page, "className") == "choice-yes"
    assert_accessible(page)

    # 3. The answer survives a reload, here and in the space.
    page.reload()
    page.locator("#my-match").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.get_attribute("#my-match .choice-yes", "aria-pressed") == "true"
    assert "vous intéresse" in page.inner_text("#my-match .decision")
    page.goto(f"{stack.site_url}/candidat/espace.html")
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    card.wait_for(timeout=TIMEOUT_MS)
    assert card.locator(".choice-yes").get_attribute("aria-pressed") == "true"

    # The employer records an interview: the candidate sees it.
    answer = employer.session.post(
        f"{stack.site_url}/api/offers/{employer.offer_id}/matches/{_candidate_id(stack, page)}",
        json={"status": "interview"},
        timeout=15,
    )
    assert answer.status_code == 200, answer.text
    page.reload()
    card.wait_for(timeout=TIMEOUT_MS)
    assert "L’employeur a noté un entretien avec vous." in card.inner_text()
    assert_accessible(page)
    assert unexpected_console_errors(page) == []

    # A visitor reads the offer and is told how to answer; an unknown offer says so.
    visitor = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    try:
        other = visitor.new_page()
        other.goto(stack.site_url + "/offres.html")  # the public list links each card to its page too
        wait_until(other, "document.querySelectorAll('#bassin option').length > 1")
        other.select_option("#bassin", "4410")
        other.click("#filters button[type=submit]")
        for _ in range(10):
            wait_until(other, "!document.getElementById('results').hasAttribute('aria-busy')")
            if other.locator(f"#results a[href='{href}']").count() or other.locator("#more").is_hidden():
                break
            other.click("#more")
        assert other.locator(f"#results a[href='{href}']").count() == 1
        other.goto(stack.site_url + href)
        other.locator("#not-matched").wait_for(state="visible", timeout=TIMEOUT_MS)
        assert employer.company in other.inner_text("#offer-details")
        assert "Inscrivez-vous" in other.inner_text("#not-matched")
        assert_accessible(other)
        other.screenshot(path=str(stack.log_path.parent / "offre-visiteur.png"), full_page=True)
        other.goto(stack.site_url + "/offre.html?id=inconnue-0000")
        wait_text(other, "h1", "Offre introuvable")
        assert "n’est plus publiée" in other.inner_text("#alert")
        assert_accessible(other)
    finally:
        visitor.close()


def _candidate_id(stack, page) -> str:
    from tests.e2e.helpers import page_fetch

    me = page_fetch(page, "/api/candidates/me")
    assert me["status"] == 200
    return me["body"]["id"]


def test_candidate_edits_profile_with_the_keyboard_and_is_told_of_a_conflict(stack, page):
    # Their own candidate: moving to Nancy changes their matches.
    candidate = sign_up_candidate(stack, code_rome="G1609", training_title="CAP Cuisine")
    poller = api_session(stack, candidate.email, candidate.welcome_token)
    open_space(stack, page, candidate)
    summary = plain(page.inner_text("#profile-summary"))
    assert "Cuisinier / Cuisinière" in summary  # G1609, as a label
    assert not RAW_METIER.search(summary) and not RAW_COMPETENCE.search(summary), summary
    assert "06 12 34 56 78" in summary

    press_enter_on(page, "#profile-edit", max_presses=120)
    page.locator("#profile-editor").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert focused(page) == "titre-modifier-profil"
    assert page.input_value("#commune-input") == "Metz"
    assert "Cuisinier" in page.inner_text("#training-metiers-list")
    page.locator("#competence-groups input[type=checkbox]").first.wait_for(timeout=TIMEOUT_MS)
    assert page.locator("#competence-groups input:checked").count() == 2
    assert_accessible(page)

    choose_option(page, "#commune-input", "nancy", "Nancy (54", clear=True)
    tab_to(page, "#training_title")
    page.keyboard.press("Control+A")
    page.keyboard.type("CAP Cuisine, option traiteur")
    choose_option(page, "#target-metiers-input", "boulang", "D1102")
    wait_until(page, "document.querySelectorAll('#competence-groups .competence-group').length === 2")
    space(page, "#competences-D1102 input[type=checkbox]", max_presses=40)
    press_enter_on(page, "#profile-save", max_presses=80)
    wait_text(page, "#profile-status", "Votre profil est enregistré")
    assert focused(page) == "profile-edit"
    summary = plain(page.inner_text("#profile-summary"))
    assert "Nancy" in summary and "option traiteur" in summary and "Boulanger" in summary, summary
    assert not RAW_METIER.search(summary) and not RAW_COMPETENCE.search(summary), summary
    stored = poller.get(f"{stack.site_url}/api/candidates/me", timeout=15).json()
    assert stored["code_insee"] == "54395" and stored["target_code_rome"] == ["D1102"]
    assert len(stored["competences"]) == 3
    assert_accessible(page)
    page.screenshot(path=str(stack.log_path.parent / "profil-enregistre.png"), full_page=True)

    # Meanwhile, another device changes the profile: saving says so and offers to reload.
    page.keyboard.press("Enter")  # on « Modifier mon profil », where the focus went back
    page.locator("#profile-editor").wait_for(state="visible", timeout=TIMEOUT_MS)
    changed = poller.patch(
        f"{stack.site_url}/api/candidates/me",
        json={"mobility_km": 40},
        headers={"If-Match": str(stored["version"])},
        timeout=15,
    )
    assert changed.status_code == 200, changed.text
    press_enter_on(page, "#profile-save", max_presses=120)
    page.locator("#profile-error-summary").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "modifié entre-temps" in page.inner_text("#profile-error-summary")
    assert_accessible(page)
    press_enter_on(page, "#profile-error-summary button")
    wait_until(page, "document.activeElement && document.activeElement.id === 'titre-modifier-profil'")
    assert "40 km" in plain(page.inner_text("#profile-summary"))
    assert unexpected_console_errors(page, {409}) == []


def test_digest_links_lead_to_the_offers_and_the_preferences(stack, page, matched):
    _, candidate, _ = matched
    deadline = time.monotonic() + 30
    while not (
        digests := [
            m for m in messages_to(stack.moto_url, candidate.email) if "correspondances" in m["subject"]
        ]
    ):
        assert time.monotonic() < deadline, "no digest e-mail"
        time.sleep(0.5)
    body = digests[-1]["body"]
    offers = re.search(r"https?://\S+/candidat/espace\.html#offres", body)
    stop = re.search(r"https?://\S+/candidat/espace\.html#preferences", body)
    assert offers and stop, body[:800]
    assert '/connexion.html"' not in body

    page.goto(stop.group(0))  # signed out: the page says why and how to sign in
    page.locator("#signed-out").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "lien de connexion" in page.inner_text("#signed-out")
    assert_accessible(page)
    open_space(stack, page, candidate)
    page.goto(stop.group(0))
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_until(page, "document.activeElement && document.activeElement.id === 'preferences'")
    assert unexpected_console_errors(page, {401}) == []


def test_employer_edits_company_details_with_the_keyboard(stack, page, matched):
    employer, _, _ = matched
    page.goto(f"{stack.site_url}/connexion.html#token={fresh_token(stack, employer.email)}")
    page.wait_for_url("**/employeur/espace.html", timeout=TIMEOUT_MS)
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    # 8. The header knows who is signed in; phones are shown as people write them.
    wait_until(page, "!!document.querySelector('.site-header a[data-role=employer]')")
    menu = page.inner_text(".site-header nav")
    assert "Se connecter" not in menu and "Candidats" not in menu and "Mon espace employeur" in menu
    assert "03 87 00 00 00" in plain(page.inner_text("#company-summary"))
    # Two people of one first name are told apart by their commune.
    press_enter_on(page, "button[aria-controls^='candidates']", max_presses=40)
    page.locator(".card.candidate").first.wait_for(timeout=TIMEOUT_MS)
    assert "Habite à" in page.inner_text(".card.candidate") and "Metz" in page.inner_text(".card.candidate")

    press_enter_on(page, "#company-edit", max_presses=80)
    page.locator("#company-editor").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert focused(page) == "titre-modifier-entreprise"
    assert page.input_value("#company_name") == employer.company
    assert page.input_value("#company_phone") == "03 87 00 00 00"
    assert page.input_value("#company-commune-input") == "Metz"
    assert_accessible(page)
    tab_to(page, "#contact_name")
    page.keyboard.press("Control+A")
    page.keyboard.type("Claire Fontaine-Muller")
    tab_to(page, "#company_phone")
    page.keyboard.press("Control+A")
    page.keyboard.type("pas un numéro")
    press_enter_on(page, "#company-save", max_presses=20)
    page.locator("#company-error-summary li").first.wait_for(timeout=TIMEOUT_MS)
    assert "téléphone français" in page.inner_text("#company-error-summary")
    assert_accessible(page)
    press_enter_on(page, "#company-error-summary a", max_presses=5)  # the summary's link to the field
    assert focused(page) == "company_phone"
    page.keyboard.press("Control+A")
    page.keyboard.type("03 83 11 22 33")
    choose_option(page, "#company-commune-input", "woippy", "Woippy", clear=True)
    press_enter_on(page, "#company-save", max_presses=20)
    wait_text(page, "#company-status", "Les informations de l’entreprise sont enregistrées")
    summary = plain(page.inner_text("#company-summary"))
    assert "Claire Fontaine-Muller" in summary and "03 83 11 22 33" in summary and "Woippy" in summary, (
        summary
    )
    stored = employer.session.get(f"{stack.site_url}/api/employers/me", timeout=15).json()
    assert stored["phone"] == "+33383112233" and stored["contact_name"] == "Claire Fontaine-Muller"

    # A colleague changed the details meanwhile: saving says so and offers to reload.
    assert focused(page) == "company-edit"
    page.keyboard.press("Enter")
    page.locator("#company-editor").wait_for(state="visible", timeout=TIMEOUT_MS)
    changed = employer.session.patch(
        f"{stack.site_url}/api/employers/me",
        json={"contact_name": "Paul Collègue"},
        headers={"If-Match": str(stored["version"])},
        timeout=15,
    )
    assert changed.status_code == 200, changed.text
    press_enter_on(page, "#company-save", max_presses=40)
    page.locator("#company-error-summary").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "modifiées entre-temps" in page.inner_text("#company-error-summary")
    assert_accessible(page)
    press_enter_on(page, "#company-error-summary button")
    wait_until(page, "document.activeElement && document.activeElement.id === 'titre-modifier-entreprise'")
    assert page.input_value("#contact_name") == "Paul Collègue"
    assert unexpected_console_errors(page, {400, 409}) == []


def test_header_is_compact_on_a_phone_and_checkboxes_are_24_px(stack, browser):
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 390, "height": 844}
    )
    try:
        phone = context.new_page()
        phone.goto(stack.site_url + "/candidat/inscription.html")
        height = phone.evaluate("document.querySelector('header.site-header').getBoundingClientRect().height")
        assert height <= 120, f"header {height} px high on a 390 px screen"
        sizes = phone.eval_on_selector_all(
            "input[type=checkbox]", "boxes => boxes.map(b => [b.offsetWidth, b.offsetHeight])"
        )
        assert sizes and all(w >= 24 and h >= 24 for w, h in sizes), sizes
        phone.screenshot(path=str(stack.log_path.parent / "inscription-390.png"))
        assert_accessible(phone)
    finally:
        context.close()


def test_a_truncated_sign_in_link_is_explained(stack, page):
    page.goto(f"{stack.site_url}/connexion.html#token=abcdefghij")
    wait_text(page, "#alert", "Ce lien de connexion est incomplet")
    assert "token" not in page.inner_text("#alert")
    assert_accessible(page)
    assert unexpected_console_errors(page, {400}) == []


def test_staff_figures_say_how_fresh_they_are_and_are_recomputed_on_demand(stack, page, matched):
    employer, _, poller = matched
    staff = api_session(stack, "agent@example.org")
    page.context.add_cookies(
        [{"name": c.name, "value": c.value, "url": stack.site_url} for c in staff.cookies]
    )
    say = f"{stack.site_url}/api/candidates/me/matches/{employer.offer_id}"
    assert poller.post(say, json={"interested": True}, timeout=15).status_code == 200
    assert staff.post(f"{stack.site_url}/api/staff/stats/refresh", json={"bassin": "4410"}, timeout=30).ok

    page.goto(f"{stack.site_url}/agent/index.html?bassin=4410")
    page.locator("#results").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert plain(page.inner_text("#period")).startswith("Chiffres calculés le ")
    headers = page.eval_on_selector_all(
        "#stats-table thead th", "cells => cells.map(c => c.textContent.trim())"
    )
    column = headers.index("Candidats intéressés")

    def shown() -> int:
        cells = page.eval_on_selector_all(
            "#stats-rows tr:first-child > *", "cells => cells.map(c => c.textContent)"
        )
        return int(re.sub(r"\s", "", cells[column]))

    before = shown()
    assert poller.post(say, json={"interested": False}, timeout=15).status_code == 200
    page.reload()
    page.locator("#results").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert shown() == before  # the aggregate of the last computation, and the page says when
    assert "calcul suivant" in page.inner_text("#freshness-hint")
    assert_accessible(page)

    press_enter_on(page, "#refresh", max_presses=40)
    wait_text(page, "#refresh-status", "Chiffres recalculés le ")
    assert shown() == before - 1
    assert focused(page) == "refresh"
    assert_accessible(page)
    assert unexpected_console_errors(page) == []


def test_make_run_console_is_readable(stack):
    console = stack.log_path.read_text(encoding="utf-8")
    assert "[passerelle] prêt : Passerelle, Région Grand Est" in console and ".local/app.log" in console
    json_lines = [line for line in console.splitlines() if line.lstrip().startswith("{")]
    assert json_lines == [], json_lines[:3]


def test_rgpd_export_from_the_space_has_codes_and_labels(stack, page, matched):
    employer, candidate, poller = matched
    say = f"{stack.site_url}/api/candidates/me/matches/{employer.offer_id}"
    assert poller.post(say, json={"interested": True}, timeout=15).status_code == 200
    open_space(stack, page, candidate)
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        press_enter_on(page, "#export", max_presses=200)
    document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    profile = document["profile"]
    assert {m["code_rome"]: m["label"] for m in profile["metiers"]}["A1203"].startswith("Agent / Agente d")
    assert [c["code"] for c in profile["competence_labels"]] == profile["competences"]
    match = next(m for m in document["matches"] if m["offer_id"] == employer.offer_id)
    assert (match["interest"], match["interest_label"]) == ("interested", "intéressé(e)")
    assert (match["offer"]["contract_type"], match["offer"]["contract_type_label"]) == ("cdi", "CDI")
    assert match["offer"]["company_name"] == employer.company
    wait_text(page, "#status", "Vos données ont été téléchargées")
    assert_accessible(page)
