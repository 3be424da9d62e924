"""Use cases of a signed-in candidate on their own account: read, update, erase, export (RGPD)."""

from __future__ import annotations

from datetime import datetime

from chalicelib.domain.calendar import utc_timestamp
from chalicelib.domain.phones import french_mobile
from chalicelib.domain.referentials import get_referentials
from chalicelib.errors import Conflict, NotFound, ValidationFailed
from chalicelib.observability import logger, metrics
from chalicelib.repositories import auth, candidates, idempotency, match_index, matches, offers
from chalicelib.repositories.errors import StaleVersion
from chalicelib.schemas.candidates import (
    CandidateExport,
    CandidateUpdate,
    CandidateView,
    ExportedMatch,
    check_competences,
)
from chalicelib.schemas.candidates_store import CandidateRecord, TrainingRecord
from chalicelib.services import labels, matching_triggers
from chalicelib.services.candidate_matches import company_names, offer_summary

GONE = "Ce compte n'existe plus."
STALE = (
    "Votre profil a été modifié entre-temps (dans un autre onglet ?) : rechargez la page puis recommencez."
)
# A change of any of these may change the matches; the other fields (names, phone, digest) do not.
MATCHING_FIELDS = frozenset(
    {
        "code_insee",
        "mobility_km",
        "training",
        "target_code_rome",
        "competences",
        "contract_types",
        "available_from",
        "consent_contact",
        "visible",
    }
)
RETENTION = (
    "Vos données sont conservées tant que vous utilisez Passerelle, puis effacées automatiquement "
    "après 24 mois sans activité (un e-mail vous prévient 30 jours avant). Vous pouvez effacer votre "
    "compte à tout moment depuis votre espace."
)


def profile_view(record: CandidateRecord) -> CandidateView:
    return CandidateView(
        **record.model_dump(exclude={"signup_request", "bassin"}),
        **labels.place(record.code_insee, record.bassin),
        data_kept_until=candidates.expiry_of(record.last_active_at).date(),
        metiers=labels.metier_labels(record.metier_codes),
        competence_labels=labels.competence_labels(record.competences),
        contract_type_labels=[labels.contract_label(c) for c in record.contract_types],
    )


def _load(candidate_id: str) -> CandidateRecord:
    record = candidates.get(candidate_id)
    if record is None:
        raise NotFound(GONE)
    return record


def get_profile(candidate_id: str, now: datetime | None = None) -> CandidateView:
    """The profile; the first read of a day counts as activity and pushes back the expiry."""
    record = _load(candidate_id)
    stamp = utc_timestamp(now)
    if record.last_active_at[:10] < stamp[:10] and candidates.touch(candidate_id, stamp):
        record.last_active_at = stamp
    return profile_view(record)


NO_MOBILE = "Pour recevoir des SMS, indiquez un numéro de mobile français (06 ou 07)."


def update_profile(
    candidate_id: str, update: CandidateUpdate, version: int, now: datetime | None = None
) -> CandidateView:
    """Partial update guarded by the version the person read (409 when someone changed it since)."""
    current = _load(candidate_id)
    changes = update.changes()
    data = current.model_dump()
    data.update(changes)
    if "training" in changes:
        data["training"] = TrainingRecord(**changes["training"].model_dump())
    if "code_insee" in changes:
        data["bassin"] = get_referentials().commune(changes["code_insee"]).bassin_code
    stamp = utc_timestamp(now)
    data.update(version=version + 1, updated_at=stamp, last_active_at=stamp)
    updated = CandidateRecord.model_validate(data)
    if updated.sms_opt_in and french_mobile(updated.phone) is None:
        if "sms_opt_in" in changes:
            raise ValidationFailed(NO_MOBILE, {"phone": NO_MOBILE})
        updated = updated.model_copy(update={"sms_opt_in": False})  # the mobile went: so do the SMS
    try:
        check_competences(updated.competences, updated.metier_codes)
    except ValueError as exc:
        raise ValidationFailed(
            f"Certains champs sont invalides : competences. {exc}", {"competences": str(exc)}
        ) from exc
    try:
        candidates.save(updated, version)  # conditional on the stored version
    except StaleVersion as exc:
        raise Conflict(STALE, {"If-Match": "Version périmée : rechargez le profil."}) from exc
    logger.info("candidate updated", extra={"candidate_id": candidate_id, "fields": sorted(changes)})
    if MATCHING_FIELDS & changes.keys():
        matching_triggers.candidate_changed(candidate_id, updated.bassin)
        if current.bassin != updated.bassin:
            matching_triggers.candidate_changed(candidate_id, current.bassin)
    return profile_view(updated)


def _unlink_followup(candidate_id: str) -> None:
    from chalicelib.services.followup_survey import unlink

    unlink(candidate_id)  # the answers stay for the figures, without the link to the person


def erase(candidate_id: str) -> None:
    """RGPD erasure of the account and everything derived from it.

    The profile goes first (the matching worker stops seeing the candidate), the sessions last
    (until then a failed erasure can be retried by the person with the same session).
    """
    record = candidates.get(candidate_id)
    if record is not None:
        if record.signup_request:
            idempotency.forget(record.signup_request)
        candidates.delete(record)
    # The per-event matching indexes: the person's entries, and their id in the offers' lists.
    match_index.remove_from_lists(candidate_id, matches.candidate_match_records(candidate_id))
    match_index.forget("candidate", candidate_id)
    removed = matches.delete_everything_of_candidate(candidate_id)
    candidates.delete_digests(candidate_id)
    from chalicelib.services.invitations import forget_candidate

    forget_candidate(candidate_id)  # cohort lines keep "registered", without the account
    _unlink_followup(candidate_id)
    auth.delete_owner_items(candidate_id)
    metrics.add_metric(name="CandidateErased", unit="Count", value=1)
    logger.info("candidate erased", extra={"candidate_id": candidate_id, "match_items": removed})


def export(candidate_id: str, now: datetime | None = None) -> CandidateExport:
    """Everything held about the candidate: profile, matches with reasons, what was said about them."""
    record = _load(candidate_id)
    pairs = matches.for_candidate(candidate_id)
    found = offers.get_many(p.offer_id for p in pairs)
    names = company_names(list(found.values()))
    exported = []
    for pair in pairs:
        offer, match, act = found.get(pair.offer_id), pair.match, pair.interaction
        exported.append(
            ExportedMatch(
                offer_id=pair.offer_id,
                offer=offer_summary(offer, names.get(offer.employer_id)) if offer else None,
                offer_status=offer.status if offer else None,
                offer_status_label=labels.offer_status_label(offer.status) if offer else None,
                score=match.score if match else None,
                distance_km=match.distance_km if match else None,
                reasons=match.reasons if match else [],
                computed_at=match.computed_at if match else None,
                interest=act.interest if act else None,
                interest_label=labels.interest_label(act.interest) if act else None,
                interest_at=act.interest_at if act else None,
                status=act.status if act else None,
                status_label=labels.outcome_label(act.status) if act else None,
                status_at=act.status_at if act else None,
                history=act.history if act else [],
            )
        )
    logger.info("candidate data exported", extra={"candidate_id": candidate_id})
    from chalicelib.services.followup_survey import exported_answers
    from chalicelib.services.invitations import sharing_of

    return CandidateExport(
        exported_at=utc_timestamp(now),
        profile=profile_view(record),
        matches=exported,
        followup=exported_answers(candidate_id),
        retention=RETENTION,
        structures=sharing_of(candidate_id).items,
    )


def replace_training(current: CandidateRecord, training: TrainingRecord) -> None:
    """The training an organisme declared replaces the one the candidate typed (invitation linked)."""
    updated = current.model_copy(
        update={"training": training, "version": current.version + 1, "updated_at": utc_timestamp()}
    )
    try:
        candidates.save(updated, current.version)
    except StaleVersion as exc:
        raise Conflict(STALE) from exc
    matching_triggers.candidate_changed(current.id, current.bassin)
