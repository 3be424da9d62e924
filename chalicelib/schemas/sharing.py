"""What a candidate shares with the organismes that invited them (docs/structures.md)."""

from __future__ import annotations

from pydantic import BaseModel


class SharingView(BaseModel):
    """A training an organisme invited me to, and whether I share my progress with it."""

    training_id: str
    training_title: str
    structure_name: str
    shared: bool


class SharingPage(BaseModel):
    items: list[SharingView]
    next: str | None = None
