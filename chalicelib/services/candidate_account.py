"""Use cases of a signed-in candidate on their own account: read, update, erase, export (RGPD)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from chalicelib.errors import NotFound, ValidationFailed
from chalicelib.observability import logger, metrics
from chalicelib.repositories import auth, candidates, matches, offers
from chalicelib.schemas.candidates import (
    CandidateExport,
    CandidateOut,
    CandidatePatch,
    CandidateRecord,
    ExportedMatch,
    OutcomeOut,
    Training,
    check_competences,
)
from chalicelib.schemas.referentials import BassinOut
from chalicelib.services import matching_triggers
from chalicelib.services.candidate_matches import offer_view

GONE = "Ce compte n'existe plus."
IF_MATCH_REQUIRED = "En-tête If-Match obligatoire : la version du profil lue (champ « version »)."
IF_MATCH_INVALID = "En-tête If-Match invalide : un numéro de version est attendu."
_VERSION = re.compile(r'^(?:W/)?(?:"([0-9]{1,9})"|([0-9]{1,9}))$')
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


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")


def profile_out(record: CandidateRecord) -> CandidateOut:
    from chalicelib.domain.referentials import get_referentials

    refs = get_referentials()
    commune = refs.commune(record.code_insee)
    bassin = refs.bassins.get(record.bassin)
    return CandidateOut(
        **record.model_dump(exclude={"signup_request", "bassin"}),
        commune_name=commune.name if commune else record.code_insee,
        bassin=BassinOut(code=record.bassin, label=bassin.label if bassin else record.bassin),
        data_kept_until=candidates.expiry_of(record.last_active_at).date(),
    )


def _load(candidate_id: str) -> CandidateRecord:
    record = candidates.get(candidate_id)
    if record is None:
        raise NotFound(GONE)
    return record


def get_profile(candidate_id: str, now: datetime | None = None) -> CandidateOut:
    """The profile; the first read of a day counts as activity and pushes back the expiry."""
    record = _load(candidate_id)
    stamp = _stamp(now)
    if record.last_active_at[:10] < stamp[:10] and candidates.touch(candidate_id, stamp):
        record.last_active_at = stamp
    return profile_out(record)


def expected_version(if_match: str | None) -> int:
    if if_match is None or not if_match.strip():
        raise ValidationFailed(IF_MATCH_REQUIRED, {"If-Match": IF_MATCH_REQUIRED})
    found = _VERSION.match(if_match.strip())
    if not found:
        raise ValidationFailed(IF_MATCH_INVALID, {"If-Match": IF_MATCH_INVALID})
    return int(found.group(1) or found.group(2))


def update_profile(
    candidate_id: str, patch: CandidatePatch, if_match: str | None, now: datetime | None = None
) -> CandidateOut:
    """Partial update guarded by the version the person read (409 when someone changed it since)."""
    from chalicelib.domain.referentials import get_referentials

    version = expected_version(if_match)
    current = _load(candidate_id)
    changes = patch.changes()
    data = current.model_dump()
    data.update(changes)
    if "training" in changes:
        data["training"] = Training(**changes["training"].model_dump())
    if "code_insee" in changes:
        data["bassin"] = get_referentials().commune(changes["code_insee"]).bassin_code
    stamp = _stamp(now)
    data.update(version=version + 1, updated_at=stamp, last_active_at=stamp)
    updated = CandidateRecord.model_validate(data)
    try:
        check_competences(updated.competences, updated.metier_codes)
    except ValueError as exc:
        raise ValidationFailed(
            f"Certains champs sont invalides : competences. {exc}", {"competences": str(exc)}
        ) from exc
    candidates.save(updated, version)  # conditional on the stored version: 409 when stale
    logger.info("candidate updated", extra={"candidate_id": candidate_id, "fields": sorted(changes)})
    if MATCHING_FIELDS & changes.keys():
        matching_triggers.candidate_changed(candidate_id, updated.bassin)
        if current.bassin != updated.bassin:
            matching_triggers.candidate_changed(candidate_id, current.bassin)
    return profile_out(updated)


def erase(candidate_id: str) -> None:
    """RGPD erasure of the account and everything derived from it.

    The profile goes first (the matching worker stops seeing the candidate), the sessions last
    (until then a failed erasure can be retried by the person with the same session).
    """
    record = candidates.get(candidate_id)
    if record is not None:
        if record.signup_request:
            candidates.forget_signup_request(record.signup_request)
        candidates.delete(record)
    removed = matches.delete_everything_of_candidate(candidate_id)
    candidates.delete_digests(candidate_id)
    auth.delete_owner_items(candidate_id)
    metrics.add_metric(name="CandidateErased", unit="Count", value=1)
    logger.info("candidate erased", extra={"candidate_id": candidate_id, "match_items": removed})


def export(candidate_id: str, now: datetime | None = None) -> CandidateExport:
    """Everything held about the candidate: profile, matches with reasons, what was said about them."""
    record = _load(candidate_id)
    views = matches.for_candidate(candidate_id)
    found = offers.get_many(v.offer_id for v in views)
    exported = []
    for view in views:
        offer, match, act = found.get(view.offer_id), view.match, view.interaction
        exported.append(
            ExportedMatch(
                offer_id=view.offer_id,
                offer=offer_view(offer) if offer else None,
                offer_status=offer.status if offer else None,
                score=match.score if match else None,
                distance_km=match.distance_km if match else None,
                reasons=match.reasons if match else [],
                computed_at=match.computed_at if match else None,
                interest=act.interest if act else None,
                interest_at=act.interest_at if act else None,
                status=act.status if act else None,
                status_at=act.status_at if act else None,
                history=[OutcomeOut(status=e.status, at=e.at) for e in act.history] if act else [],
            )
        )
    logger.info("candidate data exported", extra={"candidate_id": candidate_id})
    return CandidateExport(
        exported_at=_stamp(now), profile=profile_out(record), matches=exported, retention=RETENTION
    )
