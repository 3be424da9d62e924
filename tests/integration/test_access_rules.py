"""Every route's access rule, tried with a session of every role and with none.

Generated from the route table (chalicelib/api/routing.ROUTES) and the roles (chalicelib.context.Role):
a route cannot exist without a rule (route() requires one), a Chalice route registered around
route() fails `test_every_http_route_is_declared`, and a new role is tried on every route as soon
as it is added to `Role`. Expected answers: a public route never says 401/403; a signed-in route
says 401 without a session; a role route says 401 without a session and 403 to the other roles.

A route is tried with an empty JSON body and `inconnu-0000` for its path parameters. Where that
is not enough to get past validation to an answer that proves the rule (or where a call must not
be made on a shared session), give it a sample in SAMPLES.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

import app as _registers_every_route  # noqa: F401 - ROUTES is filled as the blueprints are imported
from chalicelib.api.access import Access
from chalicelib.api.routing import ROUTES
from chalicelib.context import Role
from tests.integration.helpers import call, new_candidate, new_member, session_for


@dataclass(frozen=True)
class Sample:
    path: dict[str, str] = field(default_factory=dict)  # path parameter → value
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    # Calls with a lasting effect on the caller's own account are made on throwaway sessions only.
    destructive: bool = False


SAMPLES: dict[tuple[str, str], Sample] = {
    ("DELETE", "/candidates/me"): Sample(destructive=True),
    ("DELETE", "/employers/me"): Sample(destructive=True),
    ("POST", "/auth/logout"): Sample(destructive=True),
    ("PATCH", "/candidates/me"): Sample(headers={"If_Match": "1"}),
    ("PATCH", "/employers/me"): Sample(headers={"If_Match": "1"}),
    ("PATCH", "/offers/{offer_id}"): Sample(headers={"If_Match": "1"}),
}


def expected(access, role: Role | None) -> int | str:
    if access is Access.PUBLIC:
        return "open"
    if role is None:
        return 401
    if access is Access.SIGNED_IN or role in access:
        return "open"
    return 403


def request_of(spec) -> tuple[str, Sample]:
    sample = SAMPLES.get((spec.method, spec.path), Sample())
    path = re.sub(r"{([^}]+)}", lambda m: sample.path.get(m.group(1), "inconnu-0000"), spec.path)
    return "/api" + path, sample


@pytest.fixture(scope="module")
def sessions(app, moto_endpoint) -> dict[Role | None, str | None]:
    from chalice.test import Client

    with Client(app, stage_name="local") as client:
        found: dict[Role | None, str | None] = {None: None}
        for role in Role:
            found[role] = session_for(client, f"access-rules-{role}", role)
        # A candidate with a real profile, so that its own routes answer 200, not 404.
        found[Role.CANDIDATE] = new_candidate(client, moto_endpoint).cookie
        # Members of validated structures: their routes look the member up.
        found[Role.TRAINER] = new_member(client, moto_endpoint, "organisme_formation").cookie
        found[Role.ADVISOR] = new_member(client, moto_endpoint, "accompagnement").cookie
        return found


def test_every_http_route_is_declared(app):
    declared = {(spec.method, "/api" + spec.path) for spec in ROUTES}
    registered = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert registered == declared


def test_every_sample_names_a_route():
    assert set(SAMPLES) <= {(spec.method, spec.path) for spec in ROUTES}


@pytest.mark.parametrize("spec", ROUTES, ids=lambda s: f"{s.method} {s.path}")
@pytest.mark.parametrize("role", (None, *Role), ids=lambda r: str(r or "anonymous"))
def test_access_rule(client, sessions, spec, role):
    path, sample = request_of(spec)
    want = expected(spec.access, role)
    if sample.destructive and want == "open" and role is not None:
        pytest.skip("answered on throwaway sessions in test_destructive_routes")
    answer = call(client, spec.method, path, sample.body, cookie=sessions[role], **sample.headers)
    if want == "open":
        assert answer.status not in (401, 403), (answer.status, answer.body)
        assert answer.status < 500, (answer.status, answer.body)
    else:
        assert answer.status == want, (answer.status, answer.body)
        assert answer.body["error"]["code"] == ("unauthorized" if want == 401 else "forbidden")


@pytest.mark.parametrize(
    "spec", [s for s in ROUTES if SAMPLES.get((s.method, s.path), Sample()).destructive], ids=lambda s: s.path
)
def test_destructive_routes(client, spec):
    path, sample = request_of(spec)
    for role in Role:
        if expected(spec.access, role) == "open":
            cookie = session_for(client, f"access-throwaway-{role}", role)
            answer = call(client, spec.method, path, sample.body, cookie=cookie, **sample.headers)
            assert answer.status < 400, (role, answer.status, answer.body)


def test_session_cookie_is_secure_outside_local(monkeypatch):
    from chalicelib.config import Settings
    from chalicelib.services import sessions as sessions_service

    monkeypatch.setattr(sessions_service, "get_settings", lambda: Settings(stage="prod"))
    cookie = sessions_service.session_cookie("x" * 43, 3600)
    assert {"HttpOnly", "Secure", "SameSite=Lax", "Path=/"} <= set(part.strip() for part in cookie.split(";"))
    monkeypatch.setattr(sessions_service, "get_settings", lambda: Settings(stage="local"))
    assert "Secure" not in sessions_service.session_cookie("x" * 43, 3600)
