"""Acknowledgements shared by several routes."""

from __future__ import annotations

from pydantic import BaseModel


class Created(BaseModel):
    """201 answer of a creation: the new resource's id."""

    id: str


class Queued(BaseModel):
    """202 answer of a request handled in the background (a matching run, an export)."""

    id: str


class Accepted(BaseModel):
    """202 answer of a request whose outcome is not told (no account enumeration)."""

    status: str = "accepted"
    message: str
