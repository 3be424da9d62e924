"""Who is calling, and which request is being served: shared by every layer (docs/layers.md).

- `Role`: the kinds of account; a session carries one. Adding a role is one line here (then its
  routes declare it, and the access tests pick it up from this enum).
- `Principal`: the signed-in caller, as the routes hand it to the services.
- The request being served lives in a context variable that the app's middleware sets (app.py).
  Chalice keeps it in one attribute of the app object (`app.current_request`, which
  `Blueprint.current_request` reads), shared by every thread of `chalice local` and of
  `chalice.test.Client`: a thread switch between Chalice setting it and a view reading it hands
  the view another request. A context variable belongs to its thread.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CANDIDATE = "candidate"
    EMPLOYER = "employer"
    STAFF = "staff"
    TRAINER = "trainer"  # a member of an organisme de formation (docs/structures.md)
    ADVISOR = "advisor"  # a member of a structure d'accompagnement


@dataclass(frozen=True)
class Principal:
    id: str
    role: Role
    session_key: str


_request: contextvars.ContextVar[Any] = contextvars.ContextVar("passerelle_request", default=None)


@contextmanager
def serving(request: Any) -> Iterator[None]:
    """Makes `request` (a chalice.app.Request) the one `current_request()` returns while the block runs."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def current_request() -> Any:
    request = _request.get()
    if request is None:
        raise RuntimeError("no request is being served: the app's http middleware (app.py) sets it")
    return request


def lambda_context() -> Any:
    """The Lambda context of the request being served (None outside a request, or locally)."""
    request = _request.get()
    return getattr(request, "lambda_context", None) if request is not None else None
