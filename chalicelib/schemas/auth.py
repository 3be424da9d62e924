"""Sign-in models."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chalicelib.context import Role
from chalicelib.schemas.bases import Body


class MagicLinkRequest(Body):
    email: str = Field(min_length=3, max_length=254, description="Adresse e-mail du compte")


class SessionRequest(Body):
    token: str = Field(min_length=32, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


class SessionView(BaseModel):
    role: Role
    id: str


class SessionState(BaseModel):
    """Whether the caller is signed in, and as what (the site's header asks on every page)."""

    signed_in: bool
    role: Role | None = None
