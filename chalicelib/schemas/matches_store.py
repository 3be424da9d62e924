"""Stored match and interaction records (see docs/dynamodb.md).

A *match* is what the engine proposes (rewritten or deleted by every run, BatchWriteItem);
an *interaction* is what people said about it (candidate interest, employer outcome).
They are two items so that a matching run never overwrites what a person recorded.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Interest = Literal["interested", "not_interested"]
Outcome = Literal["contacted", "interview", "hired", "not_retained", "sans_reponse"]
OUTCOMES_EMPLOYER = ("contacted", "interview", "hired", "not_retained")


class MatchRecord(BaseModel):
    offer_id: str
    candidate_id: str
    employer_id: str
    bassin: str
    score: int = Field(ge=0, le=100)
    exact: bool
    distance_km: float
    competences_held: int
    competences_required: int
    reasons: list[str]
    computed_at: str


class OutcomeEvent(BaseModel):
    status: Outcome
    at: str
    reason: str | None = None


class InteractionRecord(BaseModel):
    offer_id: str
    candidate_id: str
    employer_id: str
    bassin: str = ""
    interest: Interest | None = None
    interest_at: str | None = None
    status: Outcome | None = None
    status_at: str | None = None
    history: list[OutcomeEvent] = Field(default_factory=list)
    reminded_at: str | None = None
    # The employer's answer details: `reason`/`comment` for not_retained (the comment is never
    # shown to the candidate), `hired_*` for hired. Rewritten with every status.
    reason: str | None = None
    comment: str | None = None
    hired_contract_type: str | None = None
    hired_start_date: str | None = None
    # The candidate's own reminder (once per interest, domain/responsiveness.py).
    candidate_reminded_at: str | None = None


class MatchPair(BaseModel):
    """A match joined with what people said about it (repositories/matches.py reads them together);
    `match` is None once the engine dropped it."""

    offer_id: str
    candidate_id: str
    match: MatchRecord | None = None
    interaction: InteractionRecord | None = None

    @property
    def score(self) -> int:
        return self.match.score if self.match else 0

    @property
    def interest(self) -> str | None:
        return self.interaction.interest if self.interaction else None

    @property
    def status(self) -> str | None:
        return self.interaction.status if self.interaction else None
