"""What a candidate shares with the organismes that invited them (docs/structures.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class SharingView(BaseModel):
    """A training an organisme invited me to (or a structure d'accompagnement that registered
    me: `kind`, and `training_id` is then the structure's id), and whether I share my progress."""

    training_id: str
    training_title: str
    structure_name: str
    shared: bool
    kind: Literal["training", "accompagnement"] = Field(
        default="training", description="Une formation d'un organisme, ou l'accompagnement d'une structure"
    )


class SharingPage(BaseModel):
    items: list[SharingView]
    next: str | None = None
