"""A follow-up question sent (FOLLOWUP#<hmac of the token>/FOLLOWUP): repositories/followup.py."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from chalicelib.domain.followup import Due, Situation


class FollowupAnswerRecord(BaseModel):
    situation: Situation
    found_via_passerelle: bool | None = None
    code_rome: str | None = None
    code_insee: str | None = None
    answered_at: str


class FollowupRecord(BaseModel):
    """No name, no contact: `candidate_id` is the only link to the person, removed on erasure."""

    token_hash: str
    candidate_id: str | None = None
    due: Due
    due_date: date
    training_end: date
    bassin: str
    departement: str
    certification: str | None = None
    created_at: str
    sent_at: str | None = None
    expires_on: date
    answer: FollowupAnswerRecord | None = None
