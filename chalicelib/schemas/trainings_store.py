"""Stored trainings, cohort lines and invitations (docs/structures.md)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

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


class AdvisedRecord(BaseModel):
    """A person an advisor registered (PK CASELOAD#<sid>, SK PERSON#<hmac(address)>).

    `profile` holds what the advisor entered (the candidate sign-up without the consents) while
    the person has not answered; it becomes their candidate record when they accept, and is
    removed then (or when they decline), like the address."""

    structure_id: str
    email_hash: str
    email: str | None = None
    first_name: str
    last_name: str
    profile: dict[str, Any] | None = None
    status: Literal["awaiting_consent", "registered", "declined"] = "awaiting_consent"
    account_exists: bool = False
    candidate_id: str | None = None
    shared: bool = False
    registered_by: str  # the member who registered the person
    registered_at: str
    answered_at: str | None = None
    changed_at: str  # last answer or change of sharing
    notified: dict[str, Any] | None = None  # the state the last daily digest told of

    @property
    def id(self) -> str:
        return self.email_hash[:24]


class InvitationRecord(BaseModel):
    """An invitation link (PK INVITE#<hmac(token)>, SK INVITE), valid 30 days, used once.

    Either a cohort line (`training_id`) or a person an advisor registered (`structure_id`)."""

    token_hash: str
    training_id: str | None = None
    structure_id: str | None = None
    email_hash: str
    expires_at: int = Field(description="Unix time")
