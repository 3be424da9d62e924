"""Messages on the matching queue (validated: anything else is a poison message)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter

from chalicelib.schemas.fields import known_bassin

# A bassin of the région served (zone d'emploi 2020: "4410", or "0058" for a zone crossing a border).
BassinCode = Annotated[str, Field(pattern=r"^[0-9]{4}$"), AfterValidator(known_bassin)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class BassinMessage(BaseModel):
    """Recompute the open offers of a bassin (all of them, or just `offer_ids`)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["bassin"]
    bassin: BassinCode
    run_id: Id | None = None
    offer_ids: list[Id] | None = None


class OfferMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["offer"]
    offer_id: Id
    bassin: BassinCode


class CandidateMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["candidate"]
    candidate_id: Id
    bassin: BassinCode


class DailyMessage(BaseModel):
    """Do the steps of a daily run a staff member started (services/daily_runs.py)."""

    model_config = ConfigDict(extra="forbid")
    type: Literal["daily"]
    run_id: Id


MatchingMessage = Annotated[
    BassinMessage | OfferMessage | CandidateMessage | DailyMessage, Field(discriminator="type")
]
matching_message = TypeAdapter(MatchingMessage)


class ExportMessage(BaseModel):
    """Message on the exports queue."""

    model_config = ConfigDict(extra="forbid")
    export_id: Id


class OutboxMessage(BaseModel):
    """One e-mail or SMS to send (chalicelib/gateways/outbox.py)."""

    model_config = ConfigDict(extra="forbid")
    channel: Literal["email", "sms"]
    to: Annotated[str, Field(min_length=3, max_length=254)]
    template: Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")]
    data: dict = Field(default_factory=dict)
