"""Daily runs (reminders, closures, expiry, follow-up questions) as the staff follow them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DailyRunRecord(BaseModel):
    """DAILY#<id>/RUN: repositories/daily_runs.py."""

    id: str
    trigger: str
    today: str
    status: Literal["running", "done"] = "running"
    steps_total: int
    steps_done: int = 0
    counts: dict[str, int] = Field(default_factory=dict)
    created_at: str
    updated_at: str | None = None
    finished_at: str | None = None


class DailyRunView(BaseModel):
    id: str
    status: Literal["running", "done"]
    trigger: str
    today: str = Field(description="Jour traité (Paris)")
    progress: int = Field(ge=0, le=100, description="Étapes faites / étapes à faire, en %")
    steps_total: int
    steps_done: int
    counts: dict[str, int] = Field(description="Messages envoyés, rappels, clôtures… par nature")
    created_at: str
    finished_at: str | None = None


class DailyRunListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=10, ge=1, le=50)
