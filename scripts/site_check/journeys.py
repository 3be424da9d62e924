"""What people do on the site, played against the fake API: sign-in links, sign-up errors and success,
the candidate space; the employer's sign-up, space, offer form and candidates; the staff figures,
exports and matching runs. Each step is checked (checks.py) and photographed."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from scripts.site_check.checks import Report, run_axe, shot, watch
from scripts.site_check.fake_data import (
    EMPLOYER_TOKEN,
    HOSTILE,
    OWN_OFFERS,
    SIRET_REFUSED,
    STAFF_TOKEN,
    TODAY,
)


def pick(page, field: str, typed: str) -> None:
    """Types into an autocomplete field (`#<field>-input`) and chooses the first suggestion."""
    page.locator(f"#{field}-input").press_sequentially(typed, delay=20)
    page.locator(f"#{field}-input__listbox li:not([aria-disabled])").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")


def look(page, where: str, report: Report, out: Path, name: str) -> None:
    """The checks of a step (checks.run_axe), and its screenshot."""
    run_axe(page, where, report)
    shot(page, out, name)


def fill(page, values: dict[str, str]) -> None:
    for selector, value in values.items():
        page.fill(selector, value)


def pick_metz(page, typed: str) -> None:
    """Metz in the commune field, and its bassin announced."""
    pick(page, "commune", typed)
    page.get_by_text("Bassin d’emploi : Metz").wait_for()


def submit_empty_form(page, url: str, where: str, report: Report) -> None:
    """A form sent empty: the error summary lists the fields and takes the focus."""
    page.goto(url)
    page.click("#submit")
    page.locator("#error-summary li").first.wait_for()
    if page.evaluate("document.activeElement.id") != "error-summary":
        report.fail(where, "le focus ne va pas au récapitulatif d’erreurs")
    run_axe(page, f"{where} inscription erreurs", report)


def journeys(context, base: str, out: Path, width: int, report: Report) -> None:
    page = context.new_page()
    where = f"parcours@{width}"
    watch(page, where, report)

    # Expired link → message and e-mail form; then a link request.
    page.goto(f"{base}/connexion.html#token=jeton-perime-0123456789abcdefghijklmnop")
    page.get_by_text("Ce lien n’est plus valable").wait_for()
    if "#token" in page.url:
        report.fail(where, "le jeton reste dans l’adresse")
    page.fill("#email", "lea@example.org")
    page.click("button[type=submit]")
    page.get_by_text("Si un compte existe pour cette adresse").wait_for()
    look(page, f"{where} connexion", report, out, f"connexion-lien-demande-{width}")

    # Sign-up: empty form → summary with links; then API field errors; then success.
    submit_empty_form(page, f"{base}/candidat/inscription.html", where, report)
    shot(page, out, f"inscription-erreurs-{width}")

    fill(page, {"#first_name": "Léa", "#last_name": "Martin", "#email": "lea@example.org", "#phone": "abc"})
    pick_metz(page, "570")
    page.fill("#mobility_km", "30")
    page.fill("#training_title", "CAP Boulanger")
    page.fill("#training_end_date", "2031-06-30")
    pick(page, "training-metiers", "boul")
    page.locator("#training-metiers-list li").first.wait_for()
    pick(page, "target-metiers", "choco")
    page.locator("#target-metiers-list li").first.wait_for()
    page.locator("#competence-groups input[type=checkbox]").first.wait_for()
    page.locator("#competence-groups input[type=checkbox]").first.check()
    page.check("#contract-cdi")
    page.fill("#available_from", "2025-09-01")
    page.check("#consent_terms")
    page.click("#submit")
    page.locator("#training_end_date-error").get_by_text("avant 2030").wait_for()
    if page.get_attribute("#training_end_date", "aria-invalid") != "true":
        report.fail(where, "aria-invalid absent après erreur de l’API")
    look(page, f"{where} inscription erreurs API", report, out, f"inscription-erreurs-api-{width}")
    page.fill("#training_end_date", "2025-06-30")
    page.fill("#phone", "")
    page.click("#submit")
    page.get_by_text("Inscription enregistrée. Un lien de connexion").wait_for()
    look(page, f"{where} inscription confirmée", report, out, f"inscription-confirmee-{width}")

    # Valid link → candidate space, with hostile names shown as text.
    page.goto(f"{base}/connexion.html#token=bon-jeton-0123456789abcdefghijklmnopqrstuv")
    page.wait_for_url("**/candidat/espace.html")
    page.locator("#matches li").first.wait_for()
    if "<script>alert(1)</script>Léa" not in page.inner_text("#welcome"):
        report.fail(where, "le prénom n’est pas affiché tel quel (échappement)")
    look(page, f"{where} espace", report, out, f"espace-candidat-{width}")
    page.fill("#mobility_km", "40")
    page.click("#preferences-form button[type=submit]")
    page.get_by_text("Vos préférences sont enregistrées").wait_for()
    page.click("#delete-start")
    run_axe(page, f"{where} espace suppression", report)
    page.click("#delete-yes")
    page.get_by_text("Votre compte a été supprimé").wait_for()
    page.close()


def expect_text(page, selector: str, text: str, where: str, report: Report, what: str) -> None:
    if text not in page.inner_text(selector):
        report.fail(where, what)


def employer_journeys(context, base: str, out: Path, width: int, report: Report) -> None:
    page = context.new_page()
    where = f"parcours employeur@{width}"
    watch(page, where, report)

    # Sign-up: empty form; a SIRET with a wrong key (browser); one the API refuses; success.
    submit_empty_form(page, f"{base}/employeur/inscription.html", where, report)
    shot(page, out, f"employeur-inscription-erreurs-{width}")
    fill(
        page,
        {
            "#siret": "732 829 320 00075",
            "#company_name": "Boulangerie Martin",
            "#contact_name": "Paul Durand",
            "#email": "paul@example.org",
            "#phone": "abc",
        },
    )
    pick_metz(page, "metz")
    page.click("#submit")
    page.locator("#siret-error").get_by_text("clé", exact=False).or_(
        page.locator("#siret-error").get_by_text("vérifiez")
    ).first.wait_for()
    page.fill("#siret", SIRET_REFUSED)
    page.click("#submit")
    page.locator("#phone-error").get_by_text("Numéro de téléphone invalide").wait_for()
    if page.get_attribute("#siret", "aria-invalid") != "true":
        report.fail(where, "aria-invalid absent sur le SIRET refusé par l’API")
    run_axe(page, f"{where} inscription erreurs API", report)
    page.fill("#siret", "443 061 841 00005")
    page.fill("#phone", "")
    page.click("#submit")
    page.get_by_text(
        "Inscription enregistrée. Un lien de connexion vient de vous être envoyé par e-mail."
    ).wait_for()
    look(page, f"{where} inscription confirmée", report, out, f"employeur-inscription-confirmee-{width}")

    # Sign-in link → employer space; hostile company name and offer title stay text.
    page.goto(f"{base}/connexion.html#token={EMPLOYER_TOKEN}")
    page.wait_for_url("**/employeur/espace.html")
    page.locator("#offers > li").nth(1).wait_for()
    expect_text(page, "#welcome", HOSTILE, where, report, "nom d’entreprise non affiché tel quel")
    expect_text(page, "#offers", f"Boulanger {HOSTILE}", where, report, "titre d’offre non affiché tel quel")
    expect_text(page, "#answer-rate", "50\u00a0%", where, report, "taux de réponse absent")
    first = page.locator("#offers > li").first
    first.get_by_role("button", name=re.compile("^Voir les candidats")).click()
    first.locator(".candidates-list > li").nth(1).wait_for()
    expect_text(page, "#offers", "<script>alert(1)</script>Léa", where, report, "prénom non affiché tel quel")
    if first.locator("a[href^='mailto:']").count() != 1:
        report.fail(where, "coordonnées : une seule adresse attendue (le candidat intéressé)")
    look(page, f"{where} espace candidats", report, out, f"employeur-espace-connecte-{width}")
    card = first.locator(".candidates-list > li").first
    card.locator("select[name=status]").select_option("interview")
    card.get_by_role("button", name=re.compile("^Enregistrer")).click()
    card.get_by_text("Suite enregistrée : Entretien.").wait_for()
    if card.locator("button[type=submit] .visually-hidden").count() != 1:
        report.fail(where, "le complément du nom du bouton n’est plus masqué visuellement")
    first.get_by_role("button", name=re.compile("^Clôturer")).click()
    run_axe(page, f"{where} espace clôture", report)
    first.get_by_role("button", name="Oui, clôturer l’offre").click()
    page.get_by_text("est clôturée.").wait_for()
    if page.evaluate("document.activeElement.tagName") != "H3":
        report.fail(where, "après la clôture, le focus ne va pas au titre de l’offre")

    # New offer: empty form, an API error, then success back to the space.
    page.goto(f"{base}/employeur/offre.html")
    page.locator("#offer-form").wait_for()
    if page.input_value("#code_insee") != "57463":
        report.fail(where, "la commune de l’établissement n’est pas proposée")
    page.fill("#positions", "")
    page.click("#submit")
    page.locator("#error-summary li").first.wait_for()
    look(page, f"{where} offre erreurs", report, out, f"employeur-offre-erreurs-{width}")
    page.fill("#title", "Vendeur refus")
    pick(page, "metier", "boul")
    page.get_by_text("Métier choisi : Boulanger").wait_for()
    page.locator("#competence-groups input[type=checkbox]").first.check()
    page.fill("#description", "Vente en boutique et mise en place.")
    page.check("#contract-cdd")
    page.fill("#positions", "2")
    page.fill("#start_date", (TODAY + timedelta(days=10)).isoformat())
    page.click("#submit")
    page.locator("#start_date-error").get_by_text("entre aujourd").wait_for()
    run_axe(page, f"{where} offre erreurs API", report)
    page.fill("#title", "Vendeur en boulangerie")
    page.click("#submit")
    page.wait_for_url("**/employeur/espace.html")
    page.get_by_text("Votre offre est publiée.").wait_for()
    if "offre=" in page.url:
        report.fail(where, "le message de confirmation reste dans l’adresse")

    # Edit: prefilled, a stale version (409), then saved with only what changed.
    page.goto(f"{base}/employeur/offre.html?id=own-1")
    page.get_by_text("Métier actuel : Boulanger").wait_for()
    if page.input_value("#title") != OWN_OFFERS[0]["title"]:
        report.fail(where, "modification : le titre n’est pas prérempli")
    if not page.is_checked("#competence-100300"):
        report.fail(where, "modification : la compétence de l’offre n’est pas cochée")
    look(page, f"{where} offre modification", report, out, f"employeur-offre-modification-{width}")
    page.fill("#title", "Boulanger conflit")
    page.click("#submit")
    page.get_by_text("Cette offre a été modifiée entre-temps, rechargez la page.").wait_for()
    page.fill("#title", "Boulanger de nuit")
    page.click("#submit")
    page.wait_for_url("**/employeur/espace.html")
    page.get_by_text("Les modifications de votre offre sont enregistrées.").wait_for()
    page.goto(f"{base}/employeur/offre.html?id=off-1")
    page.get_by_text("Cette offre appartient à un autre employeur").wait_for()

    # Account deletion, with its confirmation step.
    page.goto(f"{base}/employeur/espace.html")
    page.locator("#offers > li").first.wait_for()
    page.click("#delete-start")
    page.click("#delete-yes")
    page.get_by_text("Votre compte a été supprimé").wait_for()
    page.close()


def staff_journeys(context, base: str, out: Path, width: int, report: Report) -> None:
    page = context.new_page()
    where = f"parcours agent@{width}"
    watch(page, where, report)

    # An employer session on a staff page → "reserved" message.
    page.goto(f"{base}/connexion.html#token={EMPLOYER_TOKEN}")
    page.wait_for_url("**/employeur/espace.html")
    page.goto(f"{base}/agent/exports.html")
    page.locator("#forbidden").wait_for()
    run_axe(page, f"{where} accès refusé", report)

    page.goto(f"{base}/connexion.html#token={STAFF_TOKEN}")
    page.wait_for_url("**/agent/index.html")
    page.locator("#stats-rows tr").nth(3).wait_for()
    expect_text(page, "#stats-total", "35\u00a0%", where, report, "part en emploi de la région absente")
    expect_text(
        page, "#stats-rows", "—", where, report, "une part sans personne concernée doit s’afficher « — »"
    )
    width_set = page.evaluate("document.querySelector('#chart .bar-fill').style.width")
    if not width_set or width_set == "0%":
        report.fail(where, "graphique : barre sans largeur")
    look(page, f"{where} chiffres", report, out, f"agent-chiffres-{width}")
    page.select_option("#chart-metric", "hires")
    page.get_by_text("Recrutements par bassin d’emploi").wait_for()
    page.select_option("#bassin", "4410")
    page.fill("#from", "2025-06-01")
    page.fill("#to", "2025-01-31")
    page.click("#submit")
    page.locator("#to-error").get_by_text("La date de fin doit suivre").wait_for()
    page.fill("#to", "2025-08-31")
    page.click("#submit")
    page.get_by_text("Chiffres affichés : bassin de Metz").wait_for()
    if page.locator("#stats-rows tr").count() != 1:
        report.fail(where, "le filtre par bassin n’est pas appliqué")

    # Export: progress, then a download link, then a fresh link on demand.
    page.goto(f"{base}/agent/exports.html")
    page.locator("#log-rows tr").first.wait_for()
    page.check("#kind-offers")
    page.click("#submit")
    page.get_by_text("Export terminé").wait_for(timeout=10000)
    link = page.get_by_role("link", name=re.compile("^Télécharger l’export"))
    if "lecture-3" not in (link.get_attribute("href") or ""):
        report.fail(where, "export : lien de téléchargement inattendu")
    if page.evaluate("document.getElementById('job-progress').value") != 100:
        report.fail(where, "export : la barre de progression n’est pas à 100")
    look(page, f"{where} exports", report, out, f"agent-exports-suivi-{width}")
    page.get_by_role("button", name="Recharger l’état de l’export").click()
    page.locator("a[href*='lecture-4']").wait_for()

    # Matching run.
    page.goto(f"{base}/agent/appariements.html")
    page.locator("#history-rows tr").first.wait_for()
    page.click("#start")
    page.get_by_text("Appariement terminé").wait_for(timeout=10000)
    look(page, f"{where} appariements", report, out, f"agent-appariements-suivi-{width}")

    # Insertion: map, table and trend; then by département.
    page.goto(f"{base}/agent/suivi.html")
    page.locator("#insertion-rows tr").first.wait_for()
    if page.locator("#map path").count() == 0 or page.locator("#trend rect").count() == 0:
        report.fail(where, "insertion : carte ou tendance vide")
    look(page, f"{where} insertion", report, out, f"agent-insertion-connecte-{width}")
    page.select_option("#by", "departement")
    page.click("#submit")
    page.get_by_text("par département").first.wait_for()
    expect_text(
        page, "#insertion-rows", "Moselle", where, report, "insertion : ventilation par département absente"
    )

    # Employers who never answer: the paused one is resumed.
    page.goto(f"{base}/agent/employeurs.html")
    page.locator("#list-rows tr").first.wait_for()
    look(page, f"{where} employeurs", report, out, f"agent-employeurs-connecte-{width}")
    page.get_by_role("button", name=re.compile("^Reprendre")).click()
    page.get_by_text("de nouveau proposées").wait_for()
    page.close()
