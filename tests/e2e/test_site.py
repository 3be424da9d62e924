"""The site served by the local stack, in headless Chromium: every page loads, is accessible, proxies /api."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from tests.e2e.helpers import assert_accessible
from tests.stack import start_stack

PAGES = [
    "/",
    "/connexion.html",
    "/offres.html",
    "/offre.html",
    "/candidat/inscription.html",
    "/candidat/espace.html",
    "/employeur/inscription.html",
    "/employeur/espace.html",
    "/agent/index.html",
    "/agent/employeurs.html",
    "/mentions-legales.html",
    "/donnees-personnelles.html",
    "/accessibilite.html",
    "/page-qui-n-existe-pas.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_is_french_accessible_and_error_free(stack, page, path):
    response = page.goto(stack.site_url + path, wait_until="networkidle")
    assert response.status == (404 if "n-existe-pas" in path else 200)
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("main").count() == 1
    assert_accessible(page)
    csp_errors = [e for e in page.console_errors if "Content Security Policy" in e]
    assert csp_errors == []


def test_home_explains_the_service_and_links_to_sign_up(stack, page):
    page.goto(stack.site_url + "/", wait_until="networkidle")
    assert page.locator("a[href$='candidat/inscription.html']").count() >= 1
    assert page.locator("a[href$='employeur/inscription.html']").count() >= 1
    assert "formation" in page.locator("main").inner_text().lower()


def test_api_is_proxied_same_origin(stack):
    with urllib.request.urlopen(stack.site_url + "/api/health") as response:
        assert json.load(response) == {"status": "ok"}
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    with urllib.request.urlopen(stack.site_url + "/api/referentials/communes?q=metz") as response:
        first = json.load(response)[0]
    assert (first["code_insee"], first["bassin"]) == ("57463", {"code": "4410", "label": "Metz"})


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _descendants(pid: int) -> list[int]:
    children = []
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            direct = [int(p) for p in handle.read().split()]
    except FileNotFoundError:
        return []
    for child in direct:
        children += [child, *_descendants(child)]
    return children


def test_ctrl_c_stops_everything(tmp_path):
    local = start_stack(tmp_path, demo=False)
    children = _descendants(local.process.pid)
    assert len(children) >= 2  # moto server and chalice local at least
    assert local.stop() == 0
    leftovers = [pid for pid in children if _alive(pid)]
    assert leftovers == []
    assert [p for p in local.ports if _port_in_use(p)] == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
