"""The follow-up survey and the insertion figures in headless Chromium against the real local stack.

A person whose training ended 35 days ago is registered; the agent opens « Insertion » (map of the
27 bassins, legend, table), starts the daily run and follows it to the end; the person receives
« Où en êtes-vous ? », opens the link, answers in one click, adds that Passerelle helped; the
agent runs the daily job again and sees the bassin's figure change, in the table and on the map.
Every state passes axe-core (WCAG 2.1 AA); no unexpected console errors.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
import requests

from chalicelib.domain.calendar import paris_today
from scripts.moto_mail import messages_to
from scripts.site_check.contract import unknown_reads
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    page_fetch,
    plain,
    request_sign_in_link,
    unexpected_console_errors,
    unique_email,
    wait_text,
)

pytestmark = pytest.mark.e2e

STAFF = "agent.suivi@example.org"  # one of tests/stack.py STAFF_MEMBERS
CHARLEVILLE = "08105"
BASSIN, BASSIN_LABEL = "4403", "Charleville-Mézières"
LINK = re.compile(r"https?://\S+/suivi\.html#token=[A-Za-z0-9_-]+")
JOB_TIMEOUT_S = 240  # 27 bassins after the stack's first matching run, on a busy machine


def sign_up(stack, email: str) -> None:
    body = {
        "email": email,
        "first_name": "Yanis",
        "last_name": "Durand",
        "code_insee": CHARLEVILLE,
        "mobility_km": 20,
        "training": {
            "title": "Titre professionnel cuisinier",
            "code_rome": ["G1602"],
            "end_date": (paris_today() - timedelta(days=35)).isoformat(),
        },
        "contract_types": ["cdi"],
        "available_from": paris_today().isoformat(),
        "consent_contact": True,
        "consent_terms": True,
    }
    answer = requests.post(f"{stack.site_url}/api/candidates", json=body, timeout=15)
    assert answer.status_code == 201, answer.text


def in_job_count(page) -> tuple[int, int]:
    """(in a job, arrived at the due) of the bassin's row, as the table shows them: « x % (n sur m) »."""
    row = page.locator("#insertion-rows tr", has=page.locator("th", has_text=BASSIN_LABEL))
    text = plain(row.locator("td").nth(3).inner_text())
    if text.strip() == "—":
        return 0, 0
    found = re.search(r"\((\d+) sur (\d+)\)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def run_daily_job(page) -> None:
    page.locator("#daily-run").click()
    wait_text(page, "#daily-status", "Traitement quotidien terminé", JOB_TIMEOUT_S)
    assert page.evaluate("Number(document.getElementById('daily-progress').value)") == 100
    wait_text(page, "#insertion-status", "Chiffres affichés")


def test_a_person_answers_the_survey_and_the_agent_sees_the_figure_change(stack, page, browser, api_document):
    email = unique_email("suivi")
    sign_up(stack, email)

    link = request_sign_in_link(stack, page, STAFF)
    page.goto(link)
    page.wait_for_url("**/agent/index.html", timeout=TIMEOUT_MS)
    page.goto(stack.site_url + "/agent/suivi.html")
    page.locator("#results").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert page.locator("#map svg path").count() == 27
    assert page.locator("#map-legend li").count() == 6
    legend_total = sum(
        int(re.search(r": (\d+) bassin", t).group(1))
        for t in page.locator("#map-legend li").all_inner_texts()
    )
    assert legend_total == 27  # every bassin is in one class of the legend
    assert page.locator("#insertion-rows tr").count() == 27
    assert_accessible(page)  # insertion, before

    run_daily_job(page)
    in_job_before, due_before = in_job_count(page)
    assert due_before >= 1
    assert_accessible(page)  # daily run done

    deadline = time.monotonic() + 20
    while not (mails := [m for m in messages_to(stack.moto_url, email) if LINK.search(m["body"])]):
        assert time.monotonic() < deadline, "no follow-up e-mail"
        time.sleep(0.2)
    assert len(mails) == 1 and mails[0]["subject"] == "Passerelle : où en êtes-vous ?"
    survey_link = LINK.search(mails[0]["body"]).group(0)
    assert survey_link.startswith(stack.site_url + "/suivi.html#token=")

    # --- the person, in another browser context (no session) ------------------------------------
    reads: set[str] = set()
    person = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    person.expose_function("__recordApiRead", lambda read: reads.add(read))
    them = person.new_page()
    them.console_errors = []
    them.on("console", lambda msg: msg.type == "error" and them.console_errors.append(msg.text))
    them.on("pageerror", lambda exc: them.console_errors.append(str(exc)))
    them.goto(survey_link)
    them.locator("#question").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "#token" not in them.url  # the token left the address bar
    assert "Bonjour Yanis" in them.inner_text("#intro") and "un mois" in them.inner_text("#intro")
    assert them.locator("#situation-buttons button").count() == 9
    assert_accessible(them)  # the question
    them.get_by_role("button", name="Je suis en emploi en CDI").click()
    them.locator("#details").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "Je suis en emploi en CDI" in them.inner_text("#recorded")
    assert_accessible(them)  # answered, details offered
    them.get_by_label("Oui").check()
    them.locator("#details-submit").click()
    wait_text(them, "#status", "Précisions enregistrées")
    them.reload()  # the tab keeps the link: the answer is shown again
    them.locator("#details").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert them.locator("#helped-yes").is_checked()
    assert unexpected_console_errors(them) == []
    person.close()
    assert reads and unknown_reads(api_document, reads) == []  # the page reads only documented fields

    # --- the agent sees the figure change -----------------------------------------------------------
    run_daily_job(page)
    in_job_after, due_after = in_job_count(page)
    assert (in_job_after, due_after) == (in_job_before + 1, due_before)
    stats = page_fetch(page, f"/api/staff/stats?bassin={BASSIN}")["body"]["bassins"][0]["followup"]["1m"]
    assert (stats["in_job"], stats["due"]) == (in_job_after, due_after)
    title = page.locator(f"#map path[data-bassin='{BASSIN}'] title").text_content()
    assert (
        title.startswith(BASSIN_LABEL) and f"({in_job_after} sur {due_after})" in title
    )  # the map says the same
    page.select_option("#by", "departement")
    page.locator("#submit").click()
    page.locator("#insertion-rows tr", has_text="Ardennes").wait_for(timeout=TIMEOUT_MS)
    assert page.inner_text("#col-name") == "Département"
    assert_accessible(page)  # by département
    assert len([m for m in messages_to(stack.moto_url, email) if LINK.search(m["body"])]) == 1  # never twice
    assert unexpected_console_errors(page) == []


def test_a_forged_link_says_so_in_french(stack, page):
    page.goto(stack.site_url + "/suivi.html#token=" + "x" * 43)
    wait_text(page, "#alert", "Ce lien de suivi est inconnu")
    assert page.locator("#question").is_hidden()
    assert_accessible(page)
    assert unexpected_console_errors(page, allowed_statuses={404}) == []
