"""Issue 10 item 5: a candidate who signs up alone picks their training from the certification
catalogue (keyboard only); the title and the métiers are filled from it, free text stays possible."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.domain.calendar import paris_today
from tests.e2e.helpers import TIMEOUT_MS, assert_accessible, focused, press_enter_on, tab_to, unique_email
from tests.e2e.test_candidate_journey import fill_sign_up_form, open_sign_up_form

pytestmark = pytest.mark.e2e

FIELD = "#training_certification_code-input"


def choose_certification(page, text: str, wanted: str) -> None:
    """From further down the form, back to the catalogue field with Shift+Tab, then the arrows."""
    tab_to(page, FIELD, backwards=True, max_presses=120)
    page.keyboard.type(text, delay=30)
    page.locator(f"{FIELD}__listbox li[role=option]:not([aria-disabled])").first.wait_for(timeout=TIMEOUT_MS)
    for _ in range(10):
        page.keyboard.press("ArrowDown")
        option = page.evaluate("() => document.activeElement && document.activeElement.textContent")
        if option and wanted in option:
            page.keyboard.press("Enter")
            assert focused(page) == FIELD.lstrip("#")
            return
    raise AssertionError(f"no certification {wanted!r} for {text!r}")


def test_sign_up_with_a_certification_from_the_catalogue(stack, page):
    open_sign_up_form(stack, page)
    person = {"first_name": "Inès", "last_name": "Catalogue", "email": unique_email("certif")}
    fill_sign_up_form(page, person, paris_today() - timedelta(days=20))  # free text: « CAP Cuisine », G1609

    choose_certification(page, "cap cuisine", "CAP cuisine (niveau 3)")
    assert (
        page.input_value("#training_title") == "CAP cuisine"
    )  # the catalogue's title replaces the typed one
    chips = page.locator("#training-metiers-list li > span:first-child").all_inner_texts()
    assert sorted(chips) == [  # the certification's métiers with their labels, G1609 not twice
        "Commis / Commise de cuisine (G1602)",
        "Cuisinier / Cuisinière (G1609)",
        "Cuisinier / Cuisinière de collectivité (G1606)",
    ]
    assert "Métiers ajoutés" in page.inner_text("#training-metiers-status")
    assert_accessible(page)

    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/api/candidates")) as sent:
        press_enter_on(page, "#submit", max_presses=200)
    body = sent.value.post_data_json
    assert body["training"]["certification_code"] == "115708"
    assert sorted(body["training"]["code_rome"]) == ["G1602", "G1606", "G1609"]
    page.locator("#confirmation h2").wait_for(timeout=TIMEOUT_MS)  # the API took it
    assert page.inner_text("#confirmation h2") == "Bienvenue sur Passerelle"


def test_typing_again_after_a_choice_forgets_the_certification(stack, page):
    open_sign_up_form(stack, page)
    choose_certification(page, "cap cuisine", "CAP cuisine (niveau 3)")
    assert page.input_value("#training_certification_code") == "115708"
    page.keyboard.type(" et autre chose")
    assert page.input_value("#training_certification_code") == ""
