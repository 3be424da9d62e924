"""Who may call a route: every route declares one rule (docs/layers.md, "Adding a role").

A rule is `Access.PUBLIC` (anyone), `Access.SIGNED_IN` (any session), one `Role`, or a tuple of
roles. The access tests (tests/integration/test_access_rules.py) try every route with a session
of every `Role` and with none, and expect: public → never 401/403; signed in → 401 without a
session; a role rule → 401 without a session, 403 for the other roles.
"""

from __future__ import annotations

from enum import StrEnum

from chalicelib.context import Principal, Role
from chalicelib.errors import Forbidden, Unauthorized


class Access(StrEnum):
    PUBLIC = "public"
    SIGNED_IN = "signed_in"


Rule = Access | Role | tuple[Role, ...]
# What a route keeps: a rule that is not a role, or the set of roles it admits.
Admits = Access | frozenset[Role]


def admits(rule: Rule) -> Admits:
    if isinstance(rule, Access):
        return rule
    roles = frozenset((rule,) if isinstance(rule, Role) else rule)
    if not roles or not all(isinstance(role, Role) for role in roles):
        raise TypeError(f"an access rule is Access.PUBLIC, Access.SIGNED_IN or roles, not {rule!r}")
    return roles


def role_restricted(admitted: Admits) -> bool:
    return isinstance(admitted, frozenset)


def check(admitted: Admits, principal: Principal | None) -> None:
    """Raises 401 without a session where one is needed, 403 for a role the route does not admit."""
    if admitted is Access.PUBLIC:
        return
    if principal is None:
        raise Unauthorized()
    if isinstance(admitted, frozenset) and principal.role not in admitted:
        raise Forbidden()
