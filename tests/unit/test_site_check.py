"""The fake API of scripts/check_site.py answers what the real one would: each of its answers
validates against the response model of the route it stands for (chalicelib/api/routing.ROUTES).

The pages are checked against the fake; a fake that drifted from the contract would let a page
pass that the real API breaks, or fail on data the real API never sends.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from pydantic import TypeAdapter

from scripts.site_check.fake_api import FakeApi
from scripts.site_check.fake_data import EMPLOYER_TOKEN, FOLLOWUP_TOKEN, INVITATION_TOKEN

CANDIDATE, EMPLOYER, STAFF = "session=ok", "session=employer", "session=staff"
# (method, path, session cookie, body, headers): every answer a page reads.
REQUESTS = [
    ("GET", "/api/referentials/communes?q=metz", None, None, {}),
    ("GET", "/api/referentials/metiers?q=boul", None, None, {}),
    ("GET", "/api/referentials/metiers/D1102/competences", None, None, {}),
    ("GET", "/api/referentials/bassins", None, None, {}),
    ("GET", "/api/offers", None, None, {}),
    ("GET", "/api/offers/off-1", None, None, {}),
    ("POST", "/api/auth/session", None, {"token": EMPLOYER_TOKEN}, {}),
    ("GET", "/api/candidates/me", CANDIDATE, None, {}),
    ("PATCH", "/api/candidates/me", CANDIDATE, {"mobility_km": 40}, {"If-Match": "3"}),
    ("GET", "/api/candidates/me/matches", CANDIDATE, None, {}),
    ("GET", "/api/candidates/me/matches/off-1", CANDIDATE, None, {}),
    ("GET", "/api/auth/state", None, None, {}),
    ("GET", "/api/auth/state", CANDIDATE, None, {}),
    ("POST", "/api/candidates/me/matches/off-1", CANDIDATE, {"interested": True}, {}),
    ("GET", "/api/candidates/me/export", CANDIDATE, None, {}),
    ("GET", "/api/employers/me", EMPLOYER, None, {}),
    ("GET", "/api/employers/me/offers", EMPLOYER, None, {}),
    ("GET", "/api/offers/own-1", EMPLOYER, None, {}),
    ("PATCH", "/api/offers/own-1", EMPLOYER, {"positions": 3}, {"If-Match": "4"}),
    ("POST", "/api/offers/own-1/close", EMPLOYER, {}, {}),
    ("GET", "/api/offers/own-1/matches", EMPLOYER, None, {}),
    ("POST", "/api/offers/own-1/matches/cand-1", EMPLOYER, {"status": "hired"}, {}),
    ("GET", "/api/staff/stats", STAFF, None, {}),
    ("GET", "/api/staff/exports", STAFF, None, {}),
    *[("GET", "/api/staff/exports/exp-suivi", STAFF, None, {})] * 3,  # pending, running, done
    ("GET", "/api/staff/matching-runs", STAFF, None, {}),
    *[("GET", "/api/staff/matching-runs/run-suivi", STAFF, None, {})] * 3,
    ("GET", "/api/staff/stats?by=departement", STAFF, None, {}),
    ("GET", "/api/staff/employers?unanswered_days=30", STAFF, None, {}),
    ("POST", "/api/staff/employers/emp-9/resume", STAFF, {}, {}),
    ("GET", f"/api/invitations/{INVITATION_TOKEN}", None, None, {}),
    ("GET", f"/api/followup/{FOLLOWUP_TOKEN}", None, None, {}),
    (
        "POST",
        f"/api/followup/{FOLLOWUP_TOKEN}",
        None,
        {"situation": "emploi_cdi", "found_via_passerelle": True},
        {},
    ),
]


@pytest.fixture(scope="module")
def fake_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def spec_of(method: str, path: str):
    import app  # noqa: F401 - registers every route
    from chalicelib.api.routing import ROUTES

    path = path.split("?", 1)[0].removeprefix("/api")
    for spec in ROUTES:
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(spec.path)) + "$"
        if spec.method == method and re.match(pattern, path):
            return spec
    raise AssertionError(f"{method} {path} is no route of the API")


def answer(base: str, method: str, path: str, cookie, body, headers) -> tuple[int, object]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=dict(headers))
    request.add_header("Content-Type", "application/json")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.parametrize(
    ("method", "path", "cookie", "body", "headers"), REQUESTS, ids=lambda v: v if isinstance(v, str) else None
)
def test_the_fake_answers_like_the_api(fake_api, method, path, cookie, body, headers):
    spec = spec_of(method, path)
    status, payload = answer(fake_api, method, path, cookie, body, headers)
    assert status == spec.status, (status, payload)
    if spec.response is not None:
        TypeAdapter(spec.response).validate_python(payload, strict=False)
