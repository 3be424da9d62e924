"""Sign-in models."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MagicLinkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(min_length=3, max_length=254, description="Adresse e-mail du compte")


class SessionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str = Field(min_length=32, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")


class Accepted(BaseModel):
    status: str = "accepted"
    message: str


class SessionOut(BaseModel):
    role: str
    id: str
