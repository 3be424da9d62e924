"""The staff back office in headless Chromium against the real local stack.

The demo agent signs in from an e-mailed link; reads the figures of the Metz bassin; starts a
matching run and watches it reach 100 %; requests an XLSX export of the Metz matches, watches
the progress bar reach 100 % (the local stack's exports worker builds it), downloads the file
through the page's link and opens it with openpyxl (French header, as many data rows as the API
says); finds the export in the audit log. A candidate (or nobody) gets the « réservé aux
agents » message on the staff pages, and the API answers 403 (401).

Every page and state visited passes axe-core (WCAG 2.1 AA); no unexpected console errors.
"""

from __future__ import annotations

import re
import time

import pytest
from openpyxl import load_workbook

from chalicelib.domain.export_columns import MATCH_HEADER
from tests.e2e.helpers import (
    TIMEOUT_MS,
    assert_accessible,
    page_fetch,
    plain,
    press_enter_on,
    request_sign_in_link,
    tab_to,
    unexpected_console_errors,
    wait_text,
    wait_until,
)

pytestmark = pytest.mark.e2e

STAFF = "agent@example.org"
DEMO_CANDIDATE = "candidat.demo@example.org"
METZ = "4410"
JOB_TIMEOUT_S = 60  # a matching run goes through the 27 bassins (slower on a busy machine)
STAFF_PAGES = ("/agent/index.html", "/agent/exports.html", "/agent/appariements.html")


def whole_number(text: str) -> int:
    """« 1 234 » (French grouping, no-break spaces) → 1234; anything else fails."""
    digits = re.sub(r"\s", "", plain(text))
    assert re.fullmatch(r"\d+", digits), f"not a whole number: {text!r}"
    return int(digits)


def share_cell(text: str) -> float | None:
    """« 33,3 % » (maybe followed by « 1 sur 3 ») → 33.3; « — » (nobody concerned) → None."""
    first_line = plain(text).strip().splitlines()[0].strip()
    if first_line == "—":
        return None
    match = re.fullmatch(r"(\d{1,3}(?:,\d)?) %", first_line)
    assert match, f"not a percentage: {text!r}"
    value = float(match.group(1).replace(",", "."))
    assert 0 <= value <= 100
    return value


def sign_in_as_staff(stack, page) -> None:
    link = request_sign_in_link(stack, page, STAFF)
    assert_accessible(page)  # connexion, link sent
    page.goto(link)
    page.wait_for_url("**/agent/index.html", timeout=TIMEOUT_MS)
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "#token" not in page.url


def matching_runs(page) -> list[dict]:
    answer = page_fetch(page, "/api/staff/matching-runs")
    assert answer["status"] == 200, answer
    return answer["body"]


def wait_for_runs(page, ready, timeout_s: float = JOB_TIMEOUT_S) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while not ready(runs := matching_runs(page)):
        assert time.monotonic() < deadline, f"matching runs still not as expected: {runs}"
        page.wait_for_timeout(250)
    return runs


def progress_value(page) -> int:
    return page.evaluate("Number(document.getElementById('job-progress').value)")


def test_staff_figures_matching_run_export_and_audit_log(stack, page, tmp_path):
    sign_in_as_staff(stack, page)
    assert page.locator("#logout").is_visible()
    page.locator("#results").wait_for(state="visible", timeout=TIMEOUT_MS)  # the region, at first
    assert_accessible(page)  # figures, whole region

    # --- 1. a matching run, followed to 100 % -----------------------------------------------
    # The stack starts a scheduled run 5 s after it is up: let it start first, so that once the
    # agent's run is over no other run can still change the figures read below.
    wait_for_runs(page, lambda runs: any(run["trigger"] == "schedule" for run in runs), 15)
    page.goto(stack.site_url + "/agent/appariements.html")
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_until(
        page,
        "!!document.getElementById('history-status').textContent "
        "|| !document.getElementById('history-region').hidden",
    )
    assert_accessible(page)  # matching runs, before
    press_enter_on(page, "#start", max_presses=40)
    wait_until(page, "document.activeElement && document.activeElement.id === 'titre-suivi'")
    wait_text(page, "#job-status", "Appariement terminé", JOB_TIMEOUT_S)
    assert progress_value(page) == 100
    assert "27 bassins traités sur 27" in plain(page.inner_text("#job-counts"))
    runs = wait_for_runs(page, lambda runs: all(run["status"] == "done" for run in runs))
    latest = next(run for run in runs if run["trigger"] == "staff")
    assert (latest["status"], latest["progress"]) == ("done", 100)
    assert latest["bassins_done"] == latest["bassins_total"] == 27
    assert_accessible(page)  # matching run done

    # --- 2. the figures of the Metz bassin (computed by each run) ---------------------------
    page.goto(stack.site_url + "/agent/index.html")
    page.locator("#results").wait_for(state="visible", timeout=TIMEOUT_MS)
    tab_to(page, "#bassin", max_presses=30)
    page.select_option("#bassin", label="Metz")
    press_enter_on(page, "#submit", max_presses=20)  # past the two date fields' segments
    wait_text(page, "#stats-status", "Chiffres affichés : bassin de Metz")
    assert "bassin=4410" in page.url  # the choice is kept in the address, to share or reload
    rows = page.locator("#stats-rows tr")
    assert rows.count() == 1
    assert rows.first.locator("th").inner_text() == "Metz"
    cells = rows.first.locator("td").all_inner_texts()
    assert len(cells) == 7
    counts = [whole_number(text) for text in cells[:5]]
    shares = [share_cell(text) for text in cells[5:]]
    stats = page_fetch(page, f"/api/staff/stats?bassin={METZ}")
    assert stats["status"] == 200
    (metz,) = stats["body"]["bassins"]
    assert metz["code"] == METZ
    assert counts == [metz[k] for k in ("candidates", "open_offers", "matches", "interested", "hires")]
    for shown, placement in zip(shares, (metz["placed_1_month"], metz["placed_6_months"]), strict=True):
        if placement["eligible"]:
            assert shown == pytest.approx(100 * placement["placed"] / placement["eligible"], abs=0.05)
        else:
            assert shown is None
    assert counts[0] > 0 and counts[1] > 0 and counts[2] > 0  # the demo data has people, offers, matches
    assert page.locator("#stats-total th").inner_text() == "Grand Est"
    assert_accessible(page)  # figures, Metz

    # --- 3. an XLSX export of the Metz matches ----------------------------------------------
    page.goto(stack.site_url + "/agent/exports.html")
    page.locator("#space").wait_for(state="visible", timeout=TIMEOUT_MS)
    wait_until(page, "document.querySelectorAll('#bassin option').length > 1")
    assert_accessible(page)  # exports, before
    tab_to(page, "#kind-candidates", max_presses=40)  # the group's checked radio
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#kind-matches")
    tab_to(page, "#format-xlsx", max_presses=3)  # XLSX is the default: codes keep their leading 0
    assert page.is_checked("#format-xlsx") and not page.is_checked("#format-csv")
    assert "08105 devient 8105" in plain(page.inner_text("#format-csv-hint"))
    tab_to(page, "#bassin", max_presses=3)
    page.select_option("#bassin", METZ)
    press_enter_on(page, "#submit", max_presses=20)

    wait_text(page, "#job-status", "Export terminé", JOB_TIMEOUT_S)
    assert progress_value(page) == 100
    link = page.locator("#job-result a")
    wait_until(page, "document.activeElement && document.activeElement.id === 'titre-suivi'")
    exports = page_fetch(page, "/api/staff/exports?mine=true")
    assert exports["status"] == 200
    export_id = exports["body"]["items"][0]["id"]
    export = page_fetch(page, f"/api/staff/exports/{export_id}")["body"]
    assert (export["kind"], export["format"], export["status"], export["progress"]) == (
        "matches",
        "xlsx",
        "done",
        100,
    )
    assert export["filters"]["bassin"] == METZ
    rows_said = export["rows"]
    assert rows_said > 0, "no match in Metz after a full matching run"
    assert (
        plain(page.inner_text("#job-status"))
        == f"Export terminé (Correspondances, XLSX) : {rows_said} lignes."
    )
    assert_accessible(page)  # exports, done

    # Download through the page's link (a presigned S3 link: moto here), with the keyboard.
    with page.expect_download(timeout=TIMEOUT_MS) as download_info:
        press_enter_on(page, "#job-result a", max_presses=5)
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == export["filename"]
    assert re.fullmatch(r"passerelle-\w+-4410-\d{4}-\d{2}-\d{2}\.xlsx", export["filename"])
    assert link.get_attribute("href").startswith(stack.moto_url)

    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    sheet = load_workbook(saved, read_only=True).active
    table = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert table[0] == list(MATCH_HEADER)
    data = table[1:]
    assert len(data) == rows_said
    assert len(data) == stats_matches_now(page)  # the Metz figures' « Correspondances », after the run
    for row in data:
        line = dict(zip(MATCH_HEADER, row, strict=True))
        assert (line["Code bassin"], line["Bassin d'emploi"]) == (METZ, "Metz")
        assert isinstance(line["Score"], int | float) and 0 <= line["Score"] <= 100
        assert line["Identifiant de l'offre"] and line["Identifiant du candidat"]
    offer_column, candidate_column = (
        MATCH_HEADER.index("Identifiant de l'offre"),
        MATCH_HEADER.index("Identifiant du candidat"),
    )
    assert len({(r[offer_column], r[candidate_column]) for r in data}) == len(
        data
    )  # one line per candidate and offer

    # --- 4. the audit log -------------------------------------------------------------------
    log_row = page.locator("#log-rows tr").first
    wait_until(page, "document.querySelector('#log-rows tr td:nth-child(7)')?.textContent === 'Terminé'")
    cells = [plain(text) for text in log_row.locator("td").all_inner_texts()]
    assert cells[2:7] == ["Correspondances", "XLSX", "Bassin de Metz", str(rows_said), "Terminé"]
    assert cells[1] not in ("", "—")  # who
    assert re.match(r"\d{2}/\d{2}/\d{4}, \d{1,2} h \d{2}$", cells[0]), cells[0]  # when
    assert_accessible(page)  # exports, log updated

    assert unexpected_console_errors(page) == []


def stats_matches_now(page) -> int:
    """The Metz figures' « Correspondances » as the API says now (a run may have ended since)."""
    return page_fetch(page, f"/api/staff/stats?bassin={METZ}")["body"]["bassins"][0]["matches"]


def test_staff_pages_are_refused_to_others(stack, page):
    # Nobody signed in: « réservé aux agents », asked to sign in; the API says 401.
    page.goto(stack.site_url + "/agent/index.html")
    page.locator("#signed-out").wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "réservé aux agents de la Région Grand Est" in page.inner_text("#signed-out")
    assert page.locator("#space").is_hidden()
    assert page_fetch(page, "/api/staff/stats")["status"] == 401
    assert_accessible(page)  # signed out

    # A candidate's session (the demo candidate, from an e-mailed link).
    link = request_sign_in_link(stack, page, DEMO_CANDIDATE)
    page.goto(link)
    page.wait_for_url("**/candidat/espace.html", timeout=TIMEOUT_MS)
    for path in STAFF_PAGES:
        page.goto(stack.site_url + path)
        forbidden = page.locator("#forbidden")
        forbidden.wait_for(state="visible", timeout=TIMEOUT_MS)
        text = forbidden.inner_text()
        assert "Cet espace est réservé aux agents de la Région Grand Est." in text
        assert "connecté avec un compte de candidat ou d’employeur" in text
        assert page.locator("#space").is_hidden() and page.locator("#loading").is_hidden()
        assert page.locator("#logout").is_hidden()
        if path == STAFF_PAGES[0]:
            assert_accessible(page)  # forbidden

    for method, api_path in (
        ("GET", "/api/staff/stats"),
        ("GET", "/api/staff/exports"),
        ("GET", "/api/staff/matching-runs"),
        ("POST", "/api/staff/matching-runs"),
    ):
        answer = page_fetch(page, api_path, method)
        assert answer["status"] == 403, (method, api_path, answer)
        assert answer["body"]["error"]["code"] == "forbidden"
    # The candidate's own space still works: the session is a candidate's, not a broken one.
    assert page_fetch(page, "/api/candidates/me")["status"] == 200
    assert unexpected_console_errors(page, {401, 403}) == []
