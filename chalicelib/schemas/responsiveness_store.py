"""An employer's answer figures, written by the daily job (repositories/responsiveness.py)."""

from __future__ import annotations

from pydantic import BaseModel


class ResponsivenessRecord(BaseModel):
    """PK EMP#<id>, SK RESPONSIVENESS: numbers and dates only, no personal data."""

    employer_id: str
    interests: int
    answered: int
    rate: float | None = None  # stored without the attribute when nobody showed interest
    oldest_unanswered_at: str | None = None
    last_answer_at: str | None = None
    computed_at: str
    paused_at: str | None = None
    resumed_at: str | None = None
