"""Helpers shared by the e2e journeys: keyboard-only driving, polling, console errors, mail links.

Keyboard helpers prove reachability: they press Tab (or Shift+Tab) until the wanted element
has the focus, then type or press keys, never click.
"""

from __future__ import annotations

import functools
import json
import re
import time
import uuid
from datetime import date
from pathlib import Path

from scripts.moto_mail import messages_to, sign_in_tokens

TIMEOUT_MS = 10_000
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Chromium reports every 4xx answer of fetch() as a console error; only these, expected in a
# given step, are tolerated.
RESOURCE_ERROR = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})")
SIGN_IN_LINK = re.compile(r"https?://\S+/connexion\.html#token=[A-Za-z0-9_-]+")


def plain(text: str) -> str:
    """French typography puts no-break spaces before « : », « ? », « % » and in numbers: compare
    texts with ordinary spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# --- keyboard helpers -------------------------------------------------------------------------
def tab_to(page, css: str, *, backwards: bool = False, max_presses: int = 60) -> None:
    """Press Tab (Shift+Tab) until the focused element matches `css`: proves it is reachable.

    A date input keeps the focus while Tab moves through its day/month/year segments, hence the
    generous default.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(max_presses):
        page.keyboard.press(key)
        if page.evaluate("(css) => !!document.activeElement && document.activeElement.matches(css)", css):
            return
    where = page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    raise AssertionError(f"{css} not reached with {max_presses} × {key}; focus on: {where}")


def focused(page, prop: str = "id"):
    return page.evaluate("(prop) => document.activeElement && document.activeElement[prop]", prop)


def type_into(page, css: str, text: str, *, backwards: bool = False) -> None:
    tab_to(page, css, backwards=backwards)
    page.keyboard.type(text)


def retype(page, css: str, text: str, *, backwards: bool = False, max_presses: int = 60) -> None:
    """Reach a filled field, select its content with Ctrl+A and type over it."""
    tab_to(page, css, backwards=backwards, max_presses=max_presses)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def type_date(page, css: str, day: date, *, backwards: bool = False) -> None:
    tab_to(page, css, backwards=backwards)
    type_date_here(page, css, day)


def type_date_here(page, css: str, day: date) -> None:
    """Type a date into the focused date input, its first segment focused.

    The order of the segments follows the browser's language (jj/mm/aaaa in French, mm/dd/yyyy
    in a browser left in English): type in one order, and if the value is not the date, go back
    to the first segment with Shift+Tab and type in the other.
    """
    for order in ("%d%m%Y", "%m%d%Y"):
        page.keyboard.type(day.strftime(order))
        if page.input_value(css) == day.isoformat():
            return
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        assert focused(page) == css.lstrip("#")
    raise AssertionError(f"{css}: typing {day} gave {page.input_value(css)!r}")


def choose_option(
    page, input_css: str, text: str, wanted: str, max_arrows: int = 12, *, clear: bool = False
) -> str:
    """Type in an accessible-autocomplete, then ArrowDown until the option containing `wanted`
    has the focus, and Enter. Returns the chosen option's text. `clear`: the field holds a value
    already, select it (Ctrl+A) and type over it."""
    tab_to(page, input_css)
    if clear:
        page.keyboard.press("Control+A")
    page.keyboard.type(text, delay=30)
    listbox = f"{input_css}__listbox"
    page.locator(f"{listbox} li[role=option]:not([aria-disabled])").first.wait_for(timeout=TIMEOUT_MS)
    for _ in range(max_arrows):
        page.keyboard.press("ArrowDown")
        option = page.evaluate(
            "() => { const a = document.activeElement; return a && a.getAttribute('role') === 'option'"
            " ? a.textContent : null; }"
        )
        assert option is not None, "ArrowDown does not move the focus into the suggestions"
        if wanted in option:
            page.keyboard.press("Enter")
            assert focused(page) == input_css.lstrip("#"), "focus not back in the field after the choice"
            return option
    raise AssertionError(f"no suggestion containing {wanted!r} for {text!r}")


def space(page, css: str, *, backwards: bool = False, max_presses: int = 60) -> None:
    """Tick a checkbox with Space."""
    tab_to(page, css, backwards=backwards, max_presses=max_presses)
    before = page.evaluate("document.activeElement.checked")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is (not before)


def press_enter_on(page, css: str, *, backwards: bool = False, max_presses: int = 60) -> None:
    tab_to(page, css, backwards=backwards, max_presses=max_presses)
    page.keyboard.press("Enter")


# --- other helpers ----------------------------------------------------------------------------
def wait_until(page, expression: str, timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Poll a JS expression through the DevTools protocol (page.wait_for_function evaluates its
    predicate with eval() inside the page, which the site's CSP rightly refuses)."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(50)


def wait_text(page, css: str, start: str, timeout_s: float = TIMEOUT_MS / 1000) -> None:
    """Wait until the element's text, spaces normalized (see `plain`), starts with `start`."""
    css_js, start_js = json.dumps(css), json.dumps(start)
    expression = (
        f"(() => {{ const e = document.querySelector({css_js});"
        f" return !!e && e.textContent.replace(/\\s+/g, ' ').trim().startsWith({start_js}); }})()"
    )
    wait_until(page, expression, timeout_s)


def unique_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.net"


def unexpected_console_errors(page, allowed_statuses: set[int] = frozenset()) -> list[str]:
    errors = []
    for text in page.console_errors:
        match = RESOURCE_ERROR.match(text)
        if match and int(match.group(1)) in allowed_statuses:
            continue
        errors.append(text)
    return errors


def page_fetch(page, path: str, method: str = "GET") -> dict:
    """fetch() from the page: the session cookie (HttpOnly) goes along, as for the site's own calls."""
    return page.evaluate(
        """async ([path, method]) => {
            const r = await fetch(path, {method, credentials: 'same-origin', headers: {Accept: 'application/json'}});
            const text = await r.text();
            let body = null;
            try { body = JSON.parse(text); } catch { body = text; }
            return {status: r.status, body};
        }""",
        [path, method],
    )


def field_message_next_to_field(page, field_css: str, error_css: str) -> None:
    """The field's message is visible, right above the control, and announced with it."""
    error = page.locator(error_css)
    assert error.is_visible()
    assert error.inner_text().startswith("Erreur :")
    error_box, field_box = error.bounding_box(), page.locator(field_css).bounding_box()
    assert 0 <= field_box["y"] - (error_box["y"] + error_box["height"]) < 40, (error_box, field_box)
    assert abs(field_box["x"] - error_box["x"]) < 40
    described = (page.get_attribute(field_css, "aria-describedby") or "").split()
    assert error_css.lstrip("#") in described
    assert page.get_attribute(field_css, "aria-invalid") == "true"


def wait_focus_on_summary(page) -> None:
    page.locator("#error-summary li").first.wait_for(timeout=TIMEOUT_MS)
    wait_until(page, "document.activeElement && document.activeElement.id === 'error-summary'")


# --- e-mailed sign-in links (moto SES) --------------------------------------------------------
def sign_in_link(stack, message: dict) -> str:
    """The sign-in link of an e-mail, checked against the API contract (site origin, token)."""
    link = SIGN_IN_LINK.search(message["body"])
    assert link, message["body"][:500]
    assert link.group(0).startswith(stack.site_url + "/connexion.html#token=")
    assert link.group(0).endswith(sign_in_tokens(message)[-1])
    return link.group(0)


def request_sign_in_link(stack, page, email: str) -> str:
    """On connexion.html, ask for a link with the keyboard; returns the link of the new e-mail."""
    before = len(messages_to(stack.moto_url, email))
    page.goto(stack.site_url + "/connexion.html")
    type_into(page, "#email", email)
    page.keyboard.press("Enter")
    page.get_by_text("Si un compte existe pour cette adresse, un lien de connexion vient").wait_for(
        timeout=TIMEOUT_MS
    )
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while len(messages := messages_to(stack.moto_url, email)) <= before:
        assert time.monotonic() < deadline, f"no sign-in e-mail to {email}"
        time.sleep(0.1)
    assert len(messages) == before + 1
    return sign_in_link(stack, messages[-1])


# --- accessibility (axe-core) ----------------------------------------------------------------
@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's CSP (rightly) refuses injected <script> tags.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core WCAG 2.1 AA violations on {page.url}: {violations}"
