"""A stored matching run (RUN#<id>/RUN): repositories/runs.py."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

COUNTERS = ("offers", "candidates", "pairs_examined", "eligible_pairs", "kept", "written", "digests")


class RunRecord(BaseModel):
    id: str
    trigger: str | None = None
    status: Literal["running", "done"] = "running"
    bassins_total: int
    bassins_done: int = 0
    counts: dict[str, int]
    created_at: str
    updated_at: str | None = None
    finished_at: str | None = None
