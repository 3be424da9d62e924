"""Matching runs as the staff follow them (services/matching_runs.py)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from chalicelib.schemas.runs_store import COUNTERS

# What a run counts, summed over its bassins (names in runs_store.COUNTERS).
RunCounts = create_model("RunCounts", **{name: (int, 0) for name in COUNTERS})


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
