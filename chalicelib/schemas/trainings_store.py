"""Stored trainings, cohort lines and invitations (docs/structures.md)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

TraineeStatus = Literal["invited", "registered", "declined"]


class TrainingSessionRecord(BaseModel):
    """A training an organisme declares (PK TRAINING#<id>, SK TRAINING). Named "training session" in code
    because `TrainingRecord` is the training a candidate describes (schemas/candidates_store.py)."""

    id: str
    structure_id: str
    title: str
    certification_code: str | None = None
    code_rome: list[str]
    code_insee: str
    bassin: str
    start_date: date
    end_date: date
    places: int | None = None
    version: int = 1
    created_at: str
    updated_at: str


class TraineeRecord(BaseModel):
    """One line of a training's cohort (PK TRAINING#<tid>, SK TRAINEE#<hmac(address)>)."""

    training_id: str
    structure_id: str
    email_hash: str
    email: str | None = None  # kept while the person is invited; removed once they decline
    first_name: str
    last_name: str
    phone: str | None = None
    status: TraineeStatus = "invited"
    account_exists: bool = False  # the address already had an account: a "link" invitation
    candidate_id: str | None = None
    shared: bool = False
    invited_at: str
    answered_at: str | None = None


class InvitationRecord(BaseModel):
    """An invitation link (PK INVITE#<hmac(token)>, SK INVITE), valid 30 days, used once."""

    token_hash: str
    training_id: str
    email_hash: str
    expires_at: int = Field(description="Unix time")
