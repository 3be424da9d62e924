"""Demo structures for `make run` (docs/structures.md): two validated organismes de formation with
trainings and cohorts in different bassins, one pending organisme, one validated mission locale
with three people its advisor registered (two accepted, one of whom shares; one not answered yet).

Written through the repositories (no e-mails). One invitation of the demo cohort has a known link,
printed by the local stack, so that a newcomer can open the invited trainee's page.
"""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.calendar import paris_today

DEMO_TRAINER = "formation.demo@example.org"
DEMO_ADVISOR = "conseil.demo@example.org"
DEMO_PENDING = "demande.demo@example.org"
# Fixed so that the printed link works on every start of a fresh stack (fictitious, local only).
DEMO_INVITATION_TOKEN = "demo-invitation-token-0000000000000000000000"  # noqa: S105 - public demo link

ORGANISMES = [
    # id, name, commune, siret (None: invented), requester address, status
    (
        "demo-of-1",
        "Centre de formation du Graoully (démo)",
        "57463",
        None,
        DEMO_TRAINER,
        "active",
    ),
    (
        "demo-of-2",
        "Institut des métiers de Reims (démo)",
        "51454",
        None,
        "formation2.demo@example.org",
        "active",
    ),
    ("demo-of-3", "Formations Vosgiennes (démo)", "88160", None, DEMO_PENDING, "pending"),
]
TRAININGS = [
    ("demo-training-1", "demo-of-1", "CAP Cuisine — promotion de printemps", ["G1609", "G1602"], "57463"),
    ("demo-training-2", "demo-of-1", "Titre professionnel maçon", ["F1703"], "57672"),
    ("demo-training-3", "demo-of-2", "Titre professionnel développeur web", ["M1805"], "51454"),
]
TRAINEES = [
    ("Lina", "Haddad"),
    ("Jules", "Perrin"),
    ("Maëlle", "Girard"),
    ("Rayan", "Colin"),
    ("Anaïs", "Marchal"),
]


def _advised_people(candidate_ids: list[str], now: str) -> int:
    """The mission locale's caseload: two people registered by the advisor who accepted (one shares
    their progress, one does not) and one who has not answered the invitation yet."""
    import time

    from chalicelib.domain.identity import keyed_hash, new_token
    from chalicelib.gateways import secrets
    from chalicelib.repositories import advisors, candidates
    from chalicelib.schemas.trainings_store import AdvisedRecord, InvitationRecord
    from chalicelib.services.advisors import email_hash

    count = 0
    for k, candidate_id in enumerate(candidate_ids[20:22]):
        person = candidates.get(candidate_id)
        if person is None:
            continue
        line = AdvisedRecord(
            structure_id="demo-ml-1",
            email_hash=email_hash(person.email),
            first_name=person.first_name,
            last_name=person.last_name,
            status="registered",
            candidate_id=person.id,
            shared=k == 0,
            registered_by="demo-ml-1-m1",
            registered_at=now,
            answered_at=now,
            changed_at=now,
        )
        advisors.save(line)
        count += 1
    waiting = "personne.accompagnee.demo@example.org"
    line = AdvisedRecord(
        structure_id="demo-ml-1",
        email_hash=email_hash(waiting),
        email=waiting,
        first_name="Sami",
        last_name="Benali",
        profile={
            "code_insee": "57463",
            "mobility_km": 20,
            "training": {
                "title": "CAP Cuisine",
                "code_rome": ["G1609"],
                "end_date": paris_today().isoformat(),
            },
            "target_code_rome": [],
            "competences": [],
            "contract_types": ["cdi", "cdd"],
            "available_from": paris_today().isoformat(),
        },
        registered_by="demo-ml-1-m1",
        registered_at=now,
        changed_at=now,
    )
    link = InvitationRecord(
        token_hash=keyed_hash(secrets.signing_key(), new_token()),
        structure_id="demo-ml-1",
        email_hash=line.email_hash,
        expires_at=int(time.time()) + 30 * 24 * 3600,
    )
    return count + advisors.register(line, link)


def load_structures(candidate_ids: list[str]) -> str:
    import time

    from chalicelib.config import get_settings
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.domain.identity import keyed_hash, new_token
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.gateways import secrets
    from chalicelib.repositories import structures, trainings
    from chalicelib.schemas.structures_store import MemberRecord, StructureRecord
    from chalicelib.schemas.trainings_store import InvitationRecord, TraineeRecord, TrainingSessionRecord
    from chalicelib.services.cohort_import import email_hash

    site_url = get_settings().site_url
    refs = get_referentials()
    now = utc_timestamp()
    today = paris_today()
    key = secrets.signing_key()

    import random

    from scripts.demo_data import _siret, demo_place

    rng = random.Random(2027)

    def structure(sid, name, commune, siret, email, status, kind="organisme_formation", network=None):
        siret = siret or _siret(rng)  # invented, with valid keys
        place = demo_place(refs, commune)
        record = StructureRecord(
            id=sid,
            kind=kind,
            network=network,
            siret=siret,
            name=name,
            code_insee=place.code_insee,
            bassin=place.bassin_code,
            contact_name="Claire Demo",
            email=email,
            status="pending",
            created_at=now,
            updated_at=now,
        )
        member = MemberRecord(
            id=f"{sid}-m1",
            structure_id=sid,
            name="Claire Demo",
            email=email,
            role="trainer" if kind == "organisme_formation" else "advisor",
            created_at=now,
        )
        structures.create(record, member)
        if status == "active":
            structures.save_decision(
                record.model_copy(update={"status": "active", "version": 2, "decided_at": now}), 1
            )

    for row in ORGANISMES:
        structure(*row)
    structure(
        "demo-ml-1",
        "Mission locale du Pays messin (démo)",
        "57463",
        None,
        DEMO_ADVISOR,
        "active",
        "accompagnement",
        "mission_locale",
    )

    lines = 0
    for index, (tid, sid, title, codes, commune) in enumerate(TRAININGS):
        place = demo_place(refs, commune)
        trainings.create(
            TrainingSessionRecord(
                id=tid,
                structure_id=sid,
                title=title,
                code_rome=codes,
                code_insee=place.code_insee,
                bassin=place.bassin_code,
                start_date=today - timedelta(days=90 - 20 * index),
                end_date=today + timedelta(days=20 + 15 * index),
                places=12,
                created_at=now,
                updated_at=now,
            )
        )
        for k, (first, last) in enumerate(TRAINEES):
            email = f"stagiaire{index}{k}.demo@example.org"
            status = ("registered", "registered", "invited", "invited", "declined")[k]
            candidate = (
                candidate_ids[(index * 5 + k) % len(candidate_ids)] if status == "registered" else None
            )
            line = TraineeRecord(
                training_id=tid,
                structure_id=sid,
                email_hash=email_hash(email),
                email=email if status == "invited" else None,
                first_name=first,
                last_name=last,
                status=status,
                candidate_id=candidate,
                shared=status == "registered" and k == 0,
                invited_at=now,
                answered_at=None if status == "invited" else now,
            )
            token = DEMO_INVITATION_TOKEN if (index, k) == (0, 2) else new_token()
            trainings.invite(
                line,
                InvitationRecord(
                    token_hash=keyed_hash(key, token),
                    training_id=tid,
                    email_hash=line.email_hash,
                    expires_at=int(time.time()) + 30 * 24 * 3600,
                ),
            )
            lines += 1
    advised = _advised_people(candidate_ids, now)
    return (
        f"4 structures (1 en attente), {len(TRAININGS)} formations, {lines} stagiaires, {advised} personnes "
        f"accompagnées — comptes : {DEMO_TRAINER} (organisme), {DEMO_ADVISOR} (mission locale) ; invitation de "
        "démonstration : "
        f"{site_url}/invitation.html#token={DEMO_INVITATION_TOKEN}"
    )
