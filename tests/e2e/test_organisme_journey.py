"""The training side in headless Chromium against the real local stack, with the keyboard only
(docs/structures.md): an organisme asks for an account; an agent validates it from the queue; the
organisme signs in from the e-mailed link, declares a training from the certification catalogue,
uploads its Excel cohort file (the sample with its real mistakes), sees every wrong line, uploads the
corrected file and invites the cohort; a trainee opens the e-mailed invitation, finds the training
filled in, completes the sign-up and consents; the organisme sees them registered and sharing.

Every page and state visited passes axe-core (WCAG 2.1 AA); no unexpected console errors; the
pages read only fields of the OpenAPI schemas.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from chalicelib.domain.calendar import paris_today
from scripts.moto_mail import messages_to
from scripts.site_check.contract import unknown_reads
from tests.e2e.conftest import recording_context
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    choose_option,
    page_fetch,
    plain,
    press_enter_on,
    request_sign_in_link,
    sign_in_link,
    space,
    tab_to,
    type_date,
    type_into,
    unexpected_console_errors,
    wait_text,
    wait_until,
)
from tests.factories import SAMPLES_DIR, random_siret

pytestmark = pytest.mark.e2e

STAFF = "agent.structures@example.org"  # one of tests/stack.py STAFF_MEMBERS
INVITE = re.compile(r"https?://\S+/invitation\.html#token=[A-Za-z0-9_-]{32,}")


def wait_for_mail(stack, email: str, count: int = 1) -> list[dict]:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(found := messages_to(stack.moto_url, email)) < count:
        assert time.monotonic() < deadline, f"no e-mail to {email}"
        time.sleep(0.1)
    return found


def corrected_file(tmp_path: Path) -> Path:
    """The Excel sample with its mistakes fixed as an organisation would: the bad address, the
    missing name and the formula corrected, the duplicate line removed (Windows-1252, ;, CRLF)."""
    lines = (SAMPLES_DIR / "cohorte_excel_windows1252.csv").read_bytes().decode("cp1252").split("\r\n")
    lines[5] = "Zoé;Rousseau;zoe.rousseau.xl4@exemple.fr;+33 6 74 70 63 14"
    lines[10] = "Maëlys;Schmitt;maelys.schmitt.xl9@exemple.fr;+33 6 25 33 88 62"
    lines[18] = "Nadia;Vincent;nadia.vincent.xl17@exemple.fr;"
    del lines[14]
    path = tmp_path / "cohorte_corrigee.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


def upload_with_keyboard(page, path: Path) -> None:
    tab_to(page, "#file", backwards=True)
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(path))
    press_enter_on(page, "#check")


def test_organisme_journey_with_the_keyboard(stack, page, browser, api_document, tmp_path):
    suffix = uuid.uuid4().hex[:6]
    name = f"Centre de formation Jean Moulin {suffix}"
    email = f"direction-{suffix}@formation.example"

    # 1. The request, from the public page.
    page.goto(stack.site_url + "/organisme/demande.html", wait_until="networkidle")
    assert_accessible(page)
    type_into(page, "#name", name)
    type_into(page, "#siret", random_siret())
    choose_option(page, "#commune-input", "Metz", "Metz")
    type_into(page, "#contact_name", "Camille Laurent")
    type_into(page, "#email", email)
    press_enter_on(page, "#submit")
    wait_text(page, "#confirmation h2", "Demande envoyée")
    assert_accessible(page)
    assert "attente" in wait_for_mail(stack, email)[0]["body"]

    # 2. An agent validates it from the queue.
    page.goto(request_sign_in_link(stack, page, STAFF))
    page.wait_for_url("**/agent/index.html", timeout=TIMEOUT_MS)
    page.goto(stack.site_url + "/agent/structures.html", wait_until="networkidle")
    page.get_by_text(name).first.wait_for(timeout=TIMEOUT_MS)
    assert_accessible(page)
    validate = page.locator("button", has_text=f"Valider {name}").get_attribute("id")
    press_enter_on(page, f"#{validate}")
    wait_text(page, "#decision-status", name)
    assert_accessible(page)

    # 3. The organisme signs in from the validation e-mail.
    link = sign_in_link(stack, wait_for_mail(stack, email, 2)[-1])
    page.goto(link)
    page.wait_for_url("**/organisme/index.html", timeout=TIMEOUT_MS)
    wait_text(page, "#page-title", name)
    assert_accessible(page)

    # 4. A training from the certification catalogue.
    type_into(page, "#certification-q", "cap cuisine")
    press_enter_on(page, "#certification-search")
    wait_until(page, "document.querySelectorAll('#certification_code option').length > 1")
    tab_to(page, "#certification_code")
    page.keyboard.press("ArrowDown")
    # the certification's métiers, by their labels, in the picker (no ROME code to type)
    wait_until(page, "document.querySelectorAll('#training-metiers-list li').length > 0")
    assert "(G1" in page.inner_text("#training-metiers-list")
    assert page.input_value("#title")
    choose_option(page, "#commune-input", "Metz", "Metz")
    today = paris_today()
    type_date(page, "#start_date", today - timedelta(days=30))
    type_date(page, "#end_date", today + timedelta(days=60))
    type_into(page, "#places", "30")
    press_enter_on(page, "#training-submit")
    page.wait_for_url("**/organisme/formation.html?id=*", timeout=TIMEOUT_MS)
    wait_text(page, "#created", "La formation est déclarée")
    assert_accessible(page)

    # 5. The Excel file with its mistakes: every wrong line is named, nothing is sent.
    upload_with_keyboard(page, SAMPLES_DIR / "cohorte_excel_windows1252.csv")
    wait_text(page, "#report-summary", "28 lignes lues : 24 stagiaires valides, 3 erreurs, 1 doublon.")
    errors = plain(page.inner_text("#report-errors"))
    assert "Ligne 6 — E-mail" in errors and "Ligne 11 — Nom" in errors and "Ligne 19 — Prénom" in errors
    assert "Ligne 15" in plain(page.inner_text("#report-duplicates"))
    assert messages_to(stack.moto_url, "helene.dupre.xl0@exemple.fr") == []
    assert_accessible(page)

    # 6. The corrected file, then the invitations (progress shown).
    upload_with_keyboard(page, corrected_file(tmp_path))
    wait_text(page, "#report-summary", "27 lignes lues : 27 stagiaires valides, 0 erreur, 0 doublon.")
    press_enter_on(page, "#confirm")
    wait_text(page, "#import-status", "Terminé : 27 invitations envoyées", timeout_s=60)
    assert page.get_attribute("#progress", "value") == "100"
    wait_until(page, "document.querySelectorAll('#cohort tbody tr').length === 27")
    assert_accessible(page)

    # 7. A trainee accepts from the e-mail, in their own browser.
    trainee = "helene.dupre.xl0@exemple.fr"
    invitation = INVITE.search(wait_for_mail(stack, trainee)[-1]["body"]).group(0)
    assert invitation.startswith(stack.site_url + "/invitation.html#token=")
    reads: set[str] = set()
    context = recording_context(browser, reads)
    person = context.new_page()
    person.console_errors = []
    person.on("console", lambda msg: msg.type == "error" and person.console_errors.append(msg.text))
    person.on("pageerror", lambda exc: person.console_errors.append(str(exc)))
    person.goto(invitation, wait_until="networkidle")
    wait_text(person, "#training", "Formation")
    assert person.input_value("#first_name") == "Hélène"
    assert_accessible(person)
    choose_option(person, "#commune-input", "Metz", "Metz")
    type_into(person, "#mobility_km", "20")
    space(person, "#contract-cdi")
    space(person, "#consent_terms")
    space(person, "#consent_contact")
    space(person, "#share_with_structure")
    press_enter_on(person, "#accept")
    wait_text(person, "#done h2", "Votre inscription est enregistrée")
    assert_accessible(person)
    me = page_fetch(person, "/api/candidates/me")
    assert me["status"] == 200 and me["body"]["training"]["organisation"] == name
    # The consent to share can be withdrawn (and given back) from the candidate's side.
    person.goto(stack.site_url + "/candidat/partage.html", wait_until="networkidle")
    box = person.locator("#sharing input[type=checkbox]").get_attribute("id")
    assert person.is_checked(f"#{box}")
    assert_accessible(person)
    space(person, f"#{box}")
    wait_text(person, "#status", f"{name} ne voit plus votre suivi.")
    person.keyboard.press("Space")  # the box still has the focus
    wait_text(person, "#status", f"{name} voit désormais votre suivi.")
    assert_accessible(person)
    assert unexpected_console_errors(person) == []
    context.close()
    assert unknown_reads(api_document, reads) == []

    # 8. The organisme sees them registered, sharing their progress.
    page.reload(wait_until="networkidle")
    row = page.locator("#cohort tbody tr", has_text="Dupré")
    assert "Inscrit(e)" in row.inner_text() and "Oui" in row.inner_text()
    assert_accessible(page)
    assert unexpected_console_errors(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/organisme/demande.html",
        "/organisme/index.html",
        "/organisme/formation.html?id=x",
        "/invitation.html#token=inconnu",
    ],
)
def test_structure_pages_without_a_session_are_accessible(stack, page, path):
    page.goto(stack.site_url + path, wait_until="networkidle")
    if path.startswith("/organisme/index") or path.startswith("/organisme/formation"):
        wait_text(page, "#signed-out", "Cet espace est réservé")
    if path.startswith("/invitation"):
        wait_text(page, "#unknown", "Cette invitation n’est plus valable")
    assert_accessible(page)
    assert unexpected_console_errors(page, {401, 404}) == []
