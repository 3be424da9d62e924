"""Use cases of a signed-in employer on its own account: read, update, erase, list its offers."""

from __future__ import annotations

from datetime import date

from chalicelib.domain.calendar import paris_today, utc_timestamp
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import Conflict, NotFound
from chalicelib.observability import logger, metrics
from chalicelib.repositories import auth, employers, offers, responsiveness
from chalicelib.repositories.errors import StaleVersion
from chalicelib.schemas.employers import EmployerUpdate, EmployerView
from chalicelib.schemas.employers_store import EmployerRecord
from chalicelib.schemas.offers import OwnOfferPage
from chalicelib.services import labels, offer_matches
from chalicelib.services.browse_offers import owner_views
from chalicelib.services.submit_offer import close_offer

GONE = "Ce compte employeur n'existe plus."
STALE = "Votre profil a été modifié entre-temps : rechargez-le avant de l'enregistrer."


def profile_view(record: EmployerRecord) -> EmployerView:
    return EmployerView(
        **record.model_dump(exclude={"bassin"}), **labels.place(record.code_insee, record.bassin)
    )


def _load(employer_id: str) -> EmployerRecord:
    record = employers.get(employer_id)
    if record is None:
        raise NotFound(GONE)
    return record


def get_profile(employer_id: str) -> EmployerView:
    return profile_view(_load(employer_id))


def update_profile(employer_id: str, changes: EmployerUpdate, expected_version: int) -> EmployerView:
    """Partial update guarded by the version the employer read (409 when stale)."""
    current = _load(employer_id)
    updates = changes.changes()
    if "code_insee" in updates:
        commune = get_referentials().commune(updates["code_insee"])
        assert commune is not None  # checked by the request model
        updates["bassin"] = commune.bassin_code
    updated = EmployerRecord.model_validate(
        {**current.model_dump(), **updates, "version": expected_version + 1, "updated_at": utc_timestamp()}
    )
    try:
        employers.save(updated, expected_version)  # conditional on the stored version
    except StaleVersion as exc:
        raise Conflict(STALE, {"If-Match": "Version périmée : rechargez votre compte."}) from exc
    logger.info("employer updated", extra={"employer_id": employer_id, "fields": sorted(updates)})
    return profile_view(updated)


def own_offers(employer_id: str, today: date | None = None) -> OwnOfferPage:
    """Every offer of the employer, newest first, with match counts and the answer rate."""
    today = today or paris_today()
    records = sorted(offers.list_by_employer(employer_id), key=lambda r: r.created_at, reverse=True)
    items = owner_views(employer_id, records, today)
    figures = responsiveness.get(employer_id)
    return OwnOfferPage(
        items=items,
        answer_rate=offer_matches.answer_rate(i.counts for i in items),
        paused_at=figures.paused_at if figures else None,
    )


def erase(employer_id: str) -> None:
    """Erasure of the account (RGPD).

    Offers are closed (they leave the public lists and the matching) and their proposals deleted;
    the offers and the interactions stay for the Région's statistics, tied to an employer id that
    no longer leads to any name, address or SIRET. Then the profile and its e-mail claim go, and
    the sessions last, so that a failed erasure can be retried with the same session.
    """
    record = employers.get(employer_id)  # None when a previous attempt stopped after deleting it
    closed = 0
    for offer in offers.list_by_employer(employer_id):
        close_offer(offer, reason="account_deleted")
        closed += 1
    if record is not None:
        employers.delete(record)
    auth.delete_owner_items(employer_id)
    metrics.add_metric(name="EmployerErased", unit="Count", value=1)
    logger.info("employer erased", extra={"employer_id": employer_id, "offers_closed": closed})
