"""Matching runs as the staff follow them (services/matching_runs.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class RunCounts(BaseModel):
    offers: int = 0
    candidates: int = 0
    pairs_examined: int = 0
    eligible_pairs: int = 0
    kept: int = 0
    written: int = 0
    digests: int = 0


class RunView(BaseModel):
    id: str
    status: Literal["running", "done"]
    trigger: str | None = None
    progress: int = Field(ge=0, le=100, description="Bassins traités / bassins à traiter, en %")
    bassins_total: int
    bassins_done: int
    counts: RunCounts
    created_at: str
    finished_at: str | None = None


class RunListQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=20, ge=1, le=100)
