"""Use cases: an employer posts, edits and closes its offers.

Every write is conditional (creation on attribute_not_exists, edits on the version read by the
employer), and each change asks for a quick matching of the offer's bassin.
"""

from __future__ import annotations

import re
from datetime import date

from chalicelib.domain.calendar import days_after, paris_today, utc_timestamp
from chalicelib.domain.identity import new_id
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from chalicelib.observability import logger, metrics
from chalicelib.repositories import employers, matches, offers
from chalicelib.repositories.errors import StaleVersion
from chalicelib.schemas.offers import (
    DEFAULT_LIFETIME_DAYS,
    OfferCreate,
    OfferUpdate,
    check_competences_of_metier,
)
from chalicelib.schemas.offers_store import OfferRecord
from chalicelib.services.idempotency import run_idempotent
from chalicelib.services.matching_triggers import offer_changed

_OFFER_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NOT_FOUND = "Offre introuvable."
CLOSED = "Cette offre est clôturée : elle ne peut plus être modifiée."
STALE = "Cette offre a été modifiée entre-temps : rechargez-la avant de l'enregistrer."
STALE_FIELD = "Version périmée : rechargez l'offre."
CLOSE_ATTEMPTS = 5


def find_offer(offer_id: str) -> OfferRecord | None:
    return offers.get(offer_id) if _OFFER_ID.match(offer_id) else None


def owned_offer(employer_id: str, offer_id: str) -> OfferRecord:
    """The offer if it belongs to this employer. Someone else's offer answers like a missing one:
    the private routes do not reveal which ids exist."""
    offer = find_offer(offer_id)
    if offer is None or offer.employer_id != employer_id:
        raise NotFound(NOT_FOUND)
    return offer


def submit(
    employer_id: str, body: OfferCreate, idempotency_key: str | None, today: date | None = None
) -> dict:
    """Posts an open offer → {"id": ...}; the same Idempotency-Key and body never create two."""
    today = today or paris_today()

    def create() -> dict:
        if employers.get(employer_id) is None:
            raise Forbidden("Votre compte employeur n'existe plus.")
        commune = get_referentials().commune(body.code_insee)
        assert commune is not None  # checked by the request model
        now = utc_timestamp()
        record = OfferRecord(
            **body.model_dump(exclude={"code_insee", "expires_at"}),
            id=new_id(),
            employer_id=employer_id,
            code_insee=commune.code_insee,
            bassin=commune.bassin_code,
            expires_at=body.expires_at or days_after(today, DEFAULT_LIFETIME_DAYS),
            created_at=now,
            updated_at=now,
        )
        offers.create(record)
        offer_changed(record.id, record.bassin)
        metrics.add_metric(name="OfferSubmitted", unit="Count", value=1)
        logger.info("offer submitted", extra={"offer_id": record.id, "employer_id": employer_id})
        return {"id": record.id}

    scope = f"POST /offers:{employer_id}"
    return run_idempotent(scope, idempotency_key, body.model_dump(mode="json"), create)


def edit(employer_id: str, offer_id: str, changes: OfferUpdate, expected_version: int) -> OfferRecord:
    """Applies the fields sent; 409 if the offer changed since `expected_version` was read."""
    offer = owned_offer(employer_id, offer_id)
    if offer.version != expected_version:
        raise Conflict(STALE, {"If-Match": STALE_FIELD})
    if not offer.is_open:
        raise Conflict(CLOSED)
    updates = changes.changes()
    if "code_insee" in updates:
        commune = get_referentials().commune(updates["code_insee"])
        assert commune is not None  # checked by the request model
        updates["bassin"] = commune.bassin_code
    merged = offer.model_copy(update=updates)
    try:
        # A new métier needs competences of its own fiche.
        check_competences_of_metier(merged.competences, merged.code_rome)
    except ValueError as exc:
        raise ValidationFailed(
            f"Certains champs sont invalides : competences. {exc}", {"competences": str(exc)}
        ) from exc
    record = OfferRecord.model_validate(
        {**merged.model_dump(), "version": offer.version + 1, "updated_at": utc_timestamp()}
    )
    try:
        offers.save(record, expected_version)
    except StaleVersion as exc:
        raise Conflict(STALE, {"If-Match": STALE_FIELD}) from exc
    offer_changed(record.id, record.bassin)
    if record.bassin != offer.bassin:
        offer_changed(record.id, offer.bassin)
    logger.info("offer edited", extra={"offer_id": offer_id, "employer_id": employer_id})
    return record


def close_offer(offer: OfferRecord, reason: str) -> OfferRecord:
    """Closes whatever version is current (a close wins over concurrent edits): the sparse index
    keys go, the engine's proposals are deleted, what people said (interactions) stays."""
    for _ in range(CLOSE_ATTEMPTS):
        if offer.is_open:
            now = utc_timestamp()
            closed = offer.model_copy(
                update={
                    "status": "closed",
                    "closed_reason": reason,
                    "closed_at": now,
                    "updated_at": now,
                    "version": offer.version + 1,
                }
            )
            try:
                offers.save(closed, offer.version)
            except StaleVersion:
                fresh = offers.get(offer.id)
                if fresh is None:
                    raise NotFound(NOT_FOUND) from None
                offer = fresh
                continue
            offer = closed
            offer_changed(offer.id, offer.bassin)
            logger.info("offer closed", extra={"offer_id": offer.id, "reason": reason})
        # Also on a repeated close: proposals written by a run that raced the first close go too.
        matches.delete_matches_of_offer(offer.id)
        return offer
    raise Conflict("Cette offre est modifiée en ce moment : réessayez dans un instant.")


def close(employer_id: str, offer_id: str) -> OfferRecord:
    return close_offer(owned_offer(employer_id, offer_id), reason="closed_by_employer")
