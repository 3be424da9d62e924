"""Every route's access rule, tried with every role and with none.

Generated from the route table (chalicelib/api/routing.ROUTES): a route added without a rule
cannot exist (route() requires one), and a Chalice route registered around route() fails
`test_every_http_route_is_declared`.
"""

from __future__ import annotations

import re

import pytest

import app as _registers_every_route  # noqa: F401 - ROUTES is filled as the blueprints are imported
from chalicelib.api.routing import ROUTES, Access
from tests.integration.test_candidates import call, cookie_for, new_candidate

ROLES = ("candidate", "employer", "staff")
EXPECTED = {
    Access.PUBLIC: {None: "open", "candidate": "open", "employer": "open", "staff": "open"},
    Access.SIGNED_IN: {None: 401, "candidate": "open", "employer": "open", "staff": "open"},
    Access.CANDIDATE: {None: 401, "candidate": "open", "employer": 403, "staff": 403},
    Access.EMPLOYER: {None: 401, "candidate": 403, "employer": "open", "staff": 403},
    Access.STAFF: {None: 401, "candidate": 403, "employer": 403, "staff": "open"},
}
# Routes whose call has a lasting effect on the caller's own account are tried last-free:
# they are called on throwaway accounts below, never on a shared session.
DESTRUCTIVE = {("DELETE", "/candidates/me"), ("DELETE", "/employers/me"), ("POST", "/auth/logout")}


def concrete(path: str) -> str:
    return "/api" + re.sub(r"{[^}]+}", "inconnu-0000", path)


@pytest.fixture(scope="module")
def sessions(app, moto_endpoint):
    from chalice.test import Client

    with Client(app, stage_name="local") as client:
        _, candidate_cookie, _ = new_candidate(client, moto_endpoint)
        return {
            None: None,
            "candidate": candidate_cookie,
            "employer": cookie_for(client, "emp-access-rules", "employer"),
            "staff": cookie_for(client, "staff-access-rules", "staff"),
        }


def test_every_http_route_is_declared(app):
    declared = {(spec.method, "/api" + spec.path) for spec in ROUTES}
    registered = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert registered == declared


@pytest.mark.parametrize("spec", ROUTES, ids=lambda s: f"{s.method} {s.path}")
@pytest.mark.parametrize("role", (None, *ROLES))
def test_access_rule(client, sessions, spec, role):
    if (spec.method, spec.path) in DESTRUCTIVE and role is not None:
        pytest.skip("checked on throwaway accounts in test_destructive_routes")
    cookie = sessions[role]
    if (spec.method, spec.path) in DESTRUCTIVE and role is None:
        status, _, _ = call(client, spec.method, concrete(spec.path), None)
        assert status in (204, 401)
        return
    status, body, _ = call(client, spec.method, concrete(spec.path), cookie, body={})
    expected = EXPECTED[spec.access][role]
    if expected == "open":
        assert status not in (401, 403), (status, body)
        assert status < 500, (status, body)
    else:
        assert status == expected, (status, body)
        assert body["error"]["code"] == ("unauthorized" if expected == 401 else "forbidden")


def test_destructive_routes_refuse_other_roles(client):
    employer = cookie_for(client, "emp-access-destructive", "employer")
    staff = cookie_for(client, "staff-access-destructive", "staff")
    for cookie in (employer, staff):
        assert call(client, "DELETE", "/api/candidates/me", cookie)[0] == 403
    candidate = cookie_for(client, "cand-access-destructive", "candidate")
    for cookie in (candidate, staff):
        assert call(client, "DELETE", "/api/employers/me", cookie)[0] == 403


def test_session_cookie_is_secure_outside_local(monkeypatch):
    from chalicelib.config import Settings
    from chalicelib.services import sessions as sessions_service

    monkeypatch.setattr(sessions_service, "get_settings", lambda: Settings(stage="prod"))
    cookie = sessions_service.session_cookie("x" * 43, 3600)
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} <= set(part.strip() for part in cookie.split(";"))
    monkeypatch.setattr(sessions_service, "get_settings", lambda: Settings(stage="local"))
    assert "Secure" not in sessions_service.session_cookie("x" * 43, 3600)
