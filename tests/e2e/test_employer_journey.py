"""An employer's journey in headless Chromium against the real local stack.

Sign-up (an invalid SIRET is refused first, with a French message next to the field) →
welcome e-mail (moto SES) → sign-in link → employer space → an offer posted with the keyboard
only → shown in the public list → edited (title, positions), the change shows there too →
closed after a confirmation step → gone from the public list.

Every page and state visited passes axe-core (WCAG 2.1 AA); no unexpected console errors.
"""

from __future__ import annotations

import random
import re
import uuid
from datetime import timedelta

import pytest
import requests
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

from chalicelib.domain.calendar import paris_today
from scripts.moto_mail import messages_to, wait_for_messages
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    choose_option,
    field_message_next_to_field,
    focused,
    page_fetch,
    plain,
    press_enter_on,
    retype,
    sign_in_link,
    space,
    tab_to,
    type_date,
    type_into,
    unexpected_console_errors,
    unique_email,
    wait_focus_on_summary,
    wait_until,
)

pytestmark = pytest.mark.e2e

METZ = "4410"
WOIPPY = "57751"  # in the Metz bassin; the establishment itself is in Metz (57463)
START = paris_today() + timedelta(days=14)


def new_siret() -> str:
    """A SIREN with its Luhn key, a NIC, and the SIRET's own Luhn key: what INSEE allots (and
    python-stdnum checks). Never La Poste's SIREN 356000000, which has its own rule."""
    siren = "1" + "".join(random.choice("0123456789") for _ in range(7))
    siren += luhn.calc_check_digit(siren)
    body = siren + "".join(random.choice("0123456789") for _ in range(4))
    siret = body + luhn.calc_check_digit(body)
    assert stdnum_siret.is_valid(siret)
    return siret


def with_wrong_key(siret: str) -> str:
    wrong = str((int(siret[-1]) + 1) % 10)
    assert not luhn.is_valid(siret[:-1] + wrong)
    return siret[:-1] + wrong


def grouped(siret: str) -> str:
    """As printed on invoices: 123 456 789 00012."""
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


def wait_offers_loaded(page) -> None:
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_until(page, "!document.getElementById('offers-status').textContent.includes('Chargement')")


def open_editor(page) -> None:
    page.locator("#editor").wait_for(state="visible", timeout=TIMEOUT_MS)


def offer_card(page, title: str):
    return page.locator("#offers article.offer").filter(
        has=page.locator("h3", has_text=re.compile(f"^{re.escape(title)}$"))
    )


def card_details(card) -> dict[str, str]:
    terms = card.locator("dl > dt").all_inner_texts()
    values = card.locator("dl > dd").all_inner_texts()
    return {plain(term): plain(value) for term, value in zip(terms, values, strict=True)}


def public_list(stack, page) -> dict[str, dict[str, str]]:
    """offres.html filtered on the Metz bassin: {title: {term: description}} of the cards shown."""
    page.goto(stack.site_url + "/offres.html")
    wait_until(page, "document.querySelectorAll('#bassin option').length > 1")  # bassins loaded
    wait_until(page, "!document.getElementById('results').hasAttribute('aria-busy')")  # first search done
    page.select_option("#bassin", METZ)
    press_enter_on(page, "#filters button[type=submit]")
    page.get_by_text(re.compile(r"^(\d+ offres? affichées?|Aucune offre)")).wait_for(timeout=TIMEOUT_MS)
    wait_until(page, "!document.getElementById('results').hasAttribute('aria-busy')")
    shown = {}
    for card in page.locator("#results article").all():
        shown[card.locator("h3").inner_text()] = card_details(card)
    assert shown, "no open offer at all in the Metz bassin"
    return shown


def test_employer_signs_up_posts_edits_and_closes_an_offer(stack, page):
    email = unique_email("employeur")
    company = f"Boulangerie Test {uuid.uuid4().hex[:6]}"
    siret = new_siret()

    # --- 1. sign-up: the wrong SIRET key first ------------------------------------------------
    page.goto(stack.site_url + "/employeur/inscription.html")
    page.locator("#commune-input").wait_for(timeout=TIMEOUT_MS)
    assert_accessible(page)  # empty form

    type_into(page, "#siret", grouped(with_wrong_key(siret)))
    type_into(page, "#company_name", company)
    choose_option(page, "#commune-input", "metz", "Metz (57")
    page.get_by_text("Bassin d’emploi : Metz.").wait_for(timeout=TIMEOUT_MS)
    type_into(page, "#contact_name", "Élise Kœnig")
    type_into(page, "#email", email)
    type_into(page, "#phone", "03 87 12 34 56")
    press_enter_on(page, "#submit")

    wait_focus_on_summary(page)
    assert page.locator("#error-summary li").count() == 1
    link = page.locator("#error-summary li a")
    assert link.get_attribute("href") == "#siret"
    assert plain(link.inner_text()) == "Numéro SIRET invalide : vérifiez les chiffres saisis."
    field_message_next_to_field(page, "#siret", "#siret-error")
    assert "Numéro SIRET invalide : vérifiez" in plain(page.inner_text("#siret-error"))
    assert page.input_value("#company_name") == company  # nothing typed is lost
    assert page.input_value("#code_insee") == "57463"
    assert messages_to(stack.moto_url, email) == []
    assert_accessible(page)  # form with the SIRET error

    # The API, which has the last word, refuses it too, in French.
    refused = requests.post(
        f"{stack.site_url}/api/employers",
        json={
            "siret": with_wrong_key(siret),
            "company_name": company,
            "contact_name": "Élise Kœnig",
            "email": email,
            "code_insee": "57463",
        },
        timeout=15,
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["fields"]["siret"].startswith("Numéro SIRET invalide")

    # From the summary's link back to the field, the right number, sent.
    press_enter_on(page, "#error-summary a[href='#siret']", max_presses=2)
    assert focused(page) == "siret"
    page.keyboard.press("Control+A")
    page.keyboard.type(grouped(siret))
    press_enter_on(page, "#submit")
    heading = page.locator("#confirmation h2")
    heading.wait_for(timeout=TIMEOUT_MS)
    assert heading.inner_text() == "Votre établissement est inscrit"
    assert "Un lien de connexion vient de vous être envoyé par e-mail." in page.inner_text("#confirmation")
    assert_accessible(page)  # confirmation

    # --- 2. the welcome e-mail's link opens the employer space --------------------------------
    messages = wait_for_messages(stack.moto_url, email)
    assert len(messages) == 1, f"{len(messages)} e-mails sent to {email}"
    assert messages[0]["subject"] == "Bienvenue sur Passerelle"
    page.goto(sign_in_link(stack, messages[0]))
    page.wait_for_url("**/employeur/espace.html", timeout=TIMEOUT_MS)
    wait_offers_loaded(page)
    assert "#token" not in page.url
    assert page.inner_text("#welcome") == f"Bonjour Élise Kœnig. Espace de {company}."
    company_summary = plain(page.inner_text("#company-summary"))
    for text in (siret, email, "Metz — bassin de Metz"):
        assert text in company_summary
    assert "Vous n’avez pas encore publié d’offre" in page.inner_text("#offers-status")
    assert_accessible(page)  # empty space

    # --- 3. an offer, keyboard only -----------------------------------------------------------
    title = f"Commis de cuisine {uuid.uuid4().hex[:6]}"
    press_enter_on(page, "#offres a[href='/employeur/offre.html']")
    page.wait_for_url("**/employeur/offre.html", timeout=TIMEOUT_MS)
    open_editor(page)
    assert page.input_value("#commune-input") == "Metz"  # the establishment's commune, offered
    assert_accessible(page)  # empty offer form

    type_into(page, "#title", title)
    choose_option(page, "#metier-input", "commis de cuis", "(G1602)")
    page.get_by_text("Métier choisi : Commis / Commise de cuisine (G1602).").wait_for(timeout=TIMEOUT_MS)
    description = "Préparation des entrées et des desserts, mise en place, plonge.\nHoraires de journée."
    type_into(page, "#description", description)
    # The métier's competences appear below the description: wait before tabbing into them.
    page.locator("#competence-groups input[type=checkbox]").first.wait_for(timeout=TIMEOUT_MS)
    competences = []
    for _ in range(2):  # past the filter box, then from one box to the next
        space(page, "#competence-groups input[type=checkbox]", max_presses=3)
        competences.append(focused(page, "value"))
    choose_option(page, "#commune-input", "woippy", "Woippy", clear=True)
    page.get_by_text("Bassin d’emploi : Metz.").wait_for(timeout=TIMEOUT_MS)
    assert page.input_value("#code_insee") == WOIPPY
    tab_to(page, "input[name=contract_type]")  # none chosen: Tab lands on the group's first radio
    assert focused(page) == "contract-cdi"
    page.keyboard.press("ArrowDown")  # arrows move through the group and choose
    assert focused(page) == "contract-cdd"
    assert page.is_checked("#contract-cdd")
    retype(page, "#positions", "3")
    type_date(page, "#start_date", START)
    press_enter_on(page, "#submit")

    page.wait_for_url("**/employeur/espace.html", timeout=TIMEOUT_MS)  # ?offre=publiee, read then removed
    page.get_by_text("Votre offre est publiée.").wait_for(timeout=TIMEOUT_MS)
    wait_offers_loaded(page)
    card = offer_card(page, title)
    assert card.count() == 1
    assert "Publiée" in card.inner_text()
    details = card_details(card)
    assert details["Métier"] == "Commis / Commise de cuisine (G1602)"
    assert details["Lieu"] == "Woippy — bassin de Metz"
    assert details["Contrat"] == "CDD"
    assert details["Postes"] == "3 postes"
    assert_accessible(page)  # space with the new offer

    mine = page_fetch(page, "/api/employers/me/offers")
    assert mine["status"] == 200
    items = mine["body"]["items"] if isinstance(mine["body"], dict) else mine["body"]
    (offer,) = [item for item in items if item["title"] == title]
    assert (offer["code_rome"], offer["code_insee"], offer["contract_type"]) == ("G1602", WOIPPY, "cdd")
    assert offer["positions"] == 3
    assert offer["description"] == description
    assert offer["start_date"] == START.isoformat()
    assert sorted(str(c if not isinstance(c, dict) else c["code"]) for c in offer["competences"]) == sorted(
        competences
    )
    offer_id = offer["id"]

    # --- 4. in the public list ----------------------------------------------------------------
    shown = public_list(stack, page)
    assert title in shown, sorted(shown)
    assert shown[title]["Lieu"] == "Woippy — bassin de Metz"
    assert shown[title]["Postes"] == "3 postes"
    assert shown[title]["Contrat"] == "CDD"
    assert email not in page.inner_text("main")  # the public view has no employer contact
    assert_accessible(page)  # public list, filtered

    # --- 5. edit it: title and positions ------------------------------------------------------
    new_title = f"Commis de cuisine H/F {uuid.uuid4().hex[:6]}"
    page.goto(stack.site_url + "/employeur/espace.html")
    wait_offers_loaded(page)
    press_enter_on(page, f"a[href='/employeur/offre.html?id={offer_id}']")
    page.wait_for_url(f"**/employeur/offre.html?id={offer_id}", timeout=TIMEOUT_MS)
    open_editor(page)
    assert page.inner_text("#page-title") == "Modifier l’offre"
    assert page.input_value("#title") == title
    assert page.input_value("#positions") == "3"
    assert page.input_value("#commune-input") == "Woippy"
    assert page.is_checked("#contract-cdd")
    assert "Métier actuel : Commis / Commise de cuisine (G1602)." in plain(page.inner_text("#metier-chosen"))
    assert page.input_value("#metier-input").startswith("Commis / Commise de cuisine")  # in the field itself
    wait_until(page, "document.querySelectorAll('#competence-groups input:checked').length === 2")
    assert_accessible(page)  # edit form

    retype(page, "#title", new_title)
    retype(page, "#positions", "5")
    press_enter_on(page, "#submit")
    page.wait_for_url("**/employeur/espace.html", timeout=TIMEOUT_MS)
    page.get_by_text("Les modifications de votre offre sont enregistrées.").wait_for(timeout=TIMEOUT_MS)
    wait_offers_loaded(page)
    assert offer_card(page, title).count() == 0
    card = offer_card(page, new_title)
    assert card_details(card)["Postes"] == "5 postes"
    assert_accessible(page)  # space after the edit

    shown = public_list(stack, page)
    assert title not in shown
    assert shown[new_title]["Postes"] == "5 postes"
    assert shown[new_title]["Lieu"] == "Woippy — bassin de Metz"

    # --- 6. close it, after confirming --------------------------------------------------------
    page.goto(stack.site_url + "/employeur/espace.html")
    wait_offers_loaded(page)
    card = offer_card(page, new_title)
    start = card.locator("button[aria-controls^='close-confirm']")
    confirm_id = start.get_attribute("aria-controls")
    assert start.inner_text().startswith("Clôturer")
    press_enter_on(page, f"button[aria-controls='{confirm_id}']", max_presses=80)
    page.locator(f"#{confirm_id}").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert start.get_attribute("aria-expanded") == "true"
    question = page.locator(f"#{confirm_id} p")
    assert plain(question.inner_text()).startswith(f"Confirmez-vous la clôture de l’offre « {new_title} » ?")
    wait_until(page, f"document.activeElement === document.querySelector('#{confirm_id} p')")
    assert_accessible(page)  # confirmation step

    press_enter_on(page, f"#{confirm_id} button.danger", max_presses=3)
    page.get_by_text(f"L’offre « {new_title} » est clôturée.").wait_for(timeout=TIMEOUT_MS)
    card = offer_card(page, new_title)
    assert "Clôturée" in card.inner_text()
    assert card.locator("a", has_text="Modifier").count() == 0
    assert card.locator("button[aria-controls^='close-confirm']").count() == 0
    assert focused(page, "tagName") == "H3"
    assert_accessible(page)  # space with the closed offer

    mine = page_fetch(page, "/api/employers/me/offers")
    items = mine["body"]["items"] if isinstance(mine["body"], dict) else mine["body"]
    assert [item["status"] for item in items if item["id"] == offer_id] == ["closed"]

    shown = public_list(stack, page)
    assert new_title not in shown and title not in shown
    public = requests.get(f"{stack.site_url}/api/offers", params={"bassin": METZ, "limit": 50}, timeout=15)
    assert public.status_code == 200, public.text
    assert public.json()["next"] is None  # one page holds them all: the title is truly absent
    assert new_title not in public.text

    assert unexpected_console_errors(page) == []
