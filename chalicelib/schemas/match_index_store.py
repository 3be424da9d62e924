"""Stored items of the per-event matching indexes (docs/matching.md, "Service: per-event path").

Index entries carry what the engine needs of an item (no name, no e-mail, no phone), so that one
Query per key gives the inputs without reading the profiles.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from chalicelib.schemas.offers_store import ContractType


class ReachCandidateRecord(BaseModel):
    """A candidate under MCAND#<bassin they can work in>#<one of their codes>."""

    id: str
    code_insee: str
    mobility_km: int
    metiers: list[str]
    competences: list[str] = Field(default_factory=list)
    contract_types: list[ContractType]
    available_from: date
    training_end: date
    version: int


class ReachOfferRecord(BaseModel):
    """An open offer under MOFFER#<its bassin>#<a code whose holders fit it>."""

    id: str
    employer_id: str
    bassin: str
    code_insee: str
    code_rome: str
    competences: list[str] = Field(default_factory=list)
    contract_type: ContractType
    start_date: date
    expires_at: date
    version: int


class MatchedRecord(BaseModel):
    """What the per-event worker last did for an item: the version matched (0: out of the
    matching, withdrawn, closed or erased) and the index keys ("<bassin>#<code>") it is under."""

    version: int
    keys: list[str] = Field(default_factory=list)
    matched_at: str


class OfferListRecord(BaseModel):
    """An offer's stored list as candidate ids and scores, best first (the rank a new candidate
    needs to know whether they enter a full list)."""

    offer_id: str
    ids: list[str] = Field(default_factory=list)
    scores: list[int] = Field(default_factory=list)
    # Written by the scheduled run only: StoredMatches.digests of the list it stored (every stored
    # field of every match, in order), so that the next run reads the matches of an offer only
    # when its new list differs. A per-event write leaves it out: the next run reads that offer.
    digest: str | None = None

    def entries(self) -> list[tuple[str, int]]:
        return list(zip(self.ids, self.scores, strict=True))
