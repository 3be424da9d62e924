"""E2E fixtures: the real local stack (tests/stack.py), Chromium, and the contract check of every page.

Each `page` reports the fields its scripts read from API answers (site/js/api.js); when the test
ends, they must all exist in the OpenAPI schemas of those answers (scripts/site_check/contract.py).
Helpers the journeys call are in tests/e2e/helpers.py.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator

import pytest

from scripts.site_check.contract import unknown_reads
from tests.stack import LocalStack, start_stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=fr-FR",  # date fields in French order (jj/mm/aaaa), as a French user sees them
]


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[LocalStack]:
    local = start_stack(tmp_path_factory.mktemp("stack"))
    yield local
    local.stop()


@pytest.fixture(scope="session")
def api_document(stack) -> dict:
    with urllib.request.urlopen(f"{stack.site_url}/api/openapi.json", timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def recording_context(browser, reads: set[str], **options):
    """A browser context whose pages report the API fields they read into `reads`."""
    context = browser.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 1280, "height": 900}, **options
    )
    context.expose_function("__recordApiRead", lambda read: reads.add(read))
    return context


@pytest.fixture
def page(browser, api_document):
    reads: set[str] = set()
    context = recording_context(browser, reads)
    new_page = context.new_page()
    new_page.console_errors = []
    new_page.on("console", lambda msg: msg.type == "error" and new_page.console_errors.append(msg.text))
    new_page.on("pageerror", lambda exc: new_page.console_errors.append(str(exc)))
    yield new_page
    context.close()
    unknown = unknown_reads(api_document, reads)
    assert unknown == [], f"the pages read fields that no OpenAPI schema defines: {unknown}"
