"""A living region for the demo (`make run`): six months of history across the 27 bassins.

Seeded random (reproducible): a few thousand fictitious candidates living on real communes
(weighted by population), a few hundred offers from fictitious firms, six months of interests and
outcomes on those offers, and the follow-up answers of everyone whose 1- or 6-month due date has
come, at plausible rates; then the staff figures of every bassin. Written with BatchWriteItem from
the repositories' own item builders, in parallel, so that the whole load stays well under 20 s.

These people never receive e-mails: their digests are off, and every question already due is
stored as sent (only the small named demo accounts of scripts/demo_data.py get messages).
Nobody signs in as them: they have no e-mail claim item, and their questions no "sent once" marker
(the daily run skips a due whose survey is stored; the marker only settles concurrent claims).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any

from chalicelib.domain.calendar import paris_today

METIERS = [
    "G1602", "G1609", "J1501", "F1703", "N4101", "D1505", "H2913", "I1304", "K2204", "M1607",
    "N1103", "H2502", "K1302", "D1106", "F1602",
]  # fmt: skip
# Share in a job among the answers, by due (the answers of the others are spread below).
IN_JOB_SHARE = {"1m": 0.42, "6m": 0.58}
ANSWER_RATE = {"1m": 0.58, "6m": 0.47}
SITUATIONS_IN_JOB = [
    "emploi_cdi",
    "emploi_cdd_6m_plus",
    "emploi_cdd_moins_6m",
    "interim",
    "alternance",
    "creation",
]
JOB_WEIGHTS = [22, 18, 20, 22, 12, 6]
SITUATIONS_OTHER = ["formation", "recherche", "autre"]
OTHER_WEIGHTS = [15, 75, 10]


def _stamp(day: date, rng: random.Random) -> str:
    return f"{day.isoformat()}T{rng.randint(7, 18):02d}:{rng.randint(0, 59):02d}:00.000+00:00"


def _write(items: list[dict[str, Any]], workers: int = 6) -> None:
    from chalicelib.repositories.db import data_table

    def chunk(part: list[dict[str, Any]]) -> None:
        with data_table().batch_writer() as batch:
            for item in part:
                batch.put_item(Item=item)

    size = max(1, -(-len(items) // (workers * 4)))
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(chunk, [items[i : i + size] for i in range(0, len(items), size)]))


def load_history(
    seed: int = 2026,
    candidates: int = 2500,
    offers: int = 300,
    today: date | None = None,
    refresh: bool = False,
) -> str:
    """Writes the history; the staff figures follow at the first matching run (a few seconds after
    `make run` starts, every bassin refreshed), or here with `refresh=True`."""
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.domain.certifications import get_catalogue
    from chalicelib.domain.followup import departement_of, due_date, link_expiry, reached_dues
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.repositories import keys
    from chalicelib.repositories.candidates import candidate_item
    from chalicelib.repositories.employers import employer_item
    from chalicelib.repositories.followup import followup_item
    from chalicelib.repositories.offers import offer_item
    from chalicelib.schemas.candidates_store import CandidateRecord, TrainingRecord
    from chalicelib.schemas.employers_store import EmployerRecord
    from chalicelib.schemas.followup_store import FollowupAnswerRecord, FollowupRecord
    from chalicelib.schemas.offers_store import OfferRecord
    from chalicelib.services.staff_stats import refresh_stats
    from scripts.demo_data import FIRST_NAMES, LAST_NAMES, _siret

    started = time.monotonic()
    rng = random.Random(seed)
    refs = get_referentials()
    catalogue = get_catalogue()
    today = today or paris_today()
    now = utc_timestamp()
    communes = sorted(refs.communes.values(), key=lambda c: c.code_insee)
    weights = [c.population for c in communes]
    by_bassin: dict[str, list] = defaultdict(list)
    for commune in communes:
        by_bassin[commune.bassin_code].append(commune)
    certifications = {
        code: [
            c for c in catalogue.search(refs.metiers[code].label.split(" / ")[0], 8) if code in c.code_rome
        ][:3]
        for code in METIERS
    }
    items: list[dict[str, Any]] = []

    # Firms and offers, at least one per bassin, the rest where people live.
    firms: list[EmployerRecord] = []
    offer_records: list[OfferRecord] = []
    bassin_codes = sorted(refs.bassins)
    for n in range(offers):
        commune = (
            rng.choice(by_bassin[bassin_codes[n]])
            if n < len(bassin_codes)
            else rng.choices(communes, weights)[0]
        )
        if n % 3 == 0:
            firms.append(
                EmployerRecord(
                    id=f"hist-emp-{n // 3:04d}",
                    siret=_siret(rng),
                    company_name=f"Entreprise fictive {n // 3 + 1}",
                    contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    email=f"employeur.historique{n // 3}@example.org",
                    code_insee=commune.code_insee,
                    bassin=commune.bassin_code,
                    digest_opt_out=True,
                    created_at=now,
                    updated_at=now,
                )
            )
        code = rng.choice(METIERS)
        created = today - timedelta(days=rng.randint(0, 180))
        open_ = created > today - timedelta(days=60)
        offer_records.append(
            OfferRecord(
                id=f"hist-offer-{n:04d}",
                employer_id=firms[-1].id,
                title=refs.metiers[code].label.split(" / ")[0],
                code_rome=code,
                description="Offre de démonstration : poste à pourvoir dans une entreprise fictive.",
                competences=[c.code for c in refs.competences_of(code) if c.kind == "savoir_faire"][:4],
                code_insee=commune.code_insee,
                bassin=commune.bassin_code,
                contract_type=rng.choice(["cdi", "cdd", "interim", "alternance"]),
                positions=rng.randint(1, 3),
                start_date=created + timedelta(days=rng.randint(7, 30)),
                expires_at=created + timedelta(days=75),
                status="open" if open_ else "closed",
                closed_reason=None if open_ else "expired",
                closed_at=None if open_ else now,
                created_at=_stamp(created, rng),
                updated_at=now,
            )
        )
    for firm in firms:
        items.append(employer_item(firm))
    for offer in offer_records:
        items.append(offer_item(offer))
    offers_by_bassin: dict[str, list[OfferRecord]] = defaultdict(list)
    for offer in offer_records:
        offers_by_bassin[offer.bassin].append(offer)

    interactions = hires = surveys = answers = 0
    for n in range(candidates):
        commune = rng.choices(communes, weights)[0]
        code = rng.choice(METIERS)
        end = today - timedelta(days=rng.randint(-30, 240))
        certification = (
            rng.choice(certifications[code]).code if certifications[code] and rng.random() < 0.7 else None
        )
        person = CandidateRecord(
            id=f"hist-cand-{n:05d}",
            email=f"candidat.historique{n}@example.org",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            code_insee=commune.code_insee,
            bassin=commune.bassin_code,
            mobility_km=rng.choice([10, 20, 30, 50]),
            training=TrainingRecord(
                title=f"Formation {refs.metiers[code].label.split(' / ')[0].lower()}",
                code_rome=[code],
                end_date=end,
                organisation="Organisme de formation (démo)",
                certification_obtained=rng.random() < 0.75,
                certification_code=certification,
            ),
            competences=[c.code for c in refs.competences_of(code) if c.kind == "savoir_faire"][
                : rng.randint(2, 5)
            ],
            contract_types=sorted({rng.choice(["cdi", "cdd", "interim", "alternance"]), "cdi"}),
            available_from=end,
            consent_contact=rng.random() < 0.85,
            consent_terms_at=now,
            digest_opt_out=True,
            created_at=_stamp(min(today, end - timedelta(days=20)), rng),
            updated_at=now,
            last_active_at=now,
        )
        items.append(candidate_item(person))

        hired_on = None
        nearby = offers_by_bassin.get(person.bassin) or []
        if nearby and rng.random() < 0.35:
            offer = rng.choice(nearby)
            asked = min(
                today,
                max(end - timedelta(days=20), today - timedelta(days=180))
                + timedelta(days=rng.randint(0, 40)),
            )
            act: dict[str, Any] = {
                **keys.interaction(offer.id, person.id),
                "kind": "interaction",
                "offer_id": offer.id,
                "candidate_id": person.id,
                "employer_id": offer.employer_id,
                "bassin": offer.bassin,
                "interest": "interested",
                "interest_at": _stamp(asked, rng),
                "history": [],
                "GSI1PK": keys.candidate_matches_gsi1(person.id),
                "GSI1SK": keys.candidate_interaction_sort(offer.id),
                "GSI2PK": keys.bassin_interactions_gsi2(offer.bassin),
                "GSI2SK": keys.bassin_interaction_sort(offer.id, person.id),
            }
            roll = rng.random()
            status = (
                "hired"
                if roll < 0.3
                else "interview"
                if roll < 0.5
                else "not_retained"
                if roll < 0.75
                else None
            )
            if status:
                on = min(today, asked + timedelta(days=rng.randint(3, 25)))
                act.update(
                    status=status,
                    status_at=_stamp(on, rng),
                    history=[{"status": status, "at": _stamp(on, rng)}],
                )
                if status == "hired":
                    hired_on, hires = on, hires + 1
            items.append(act)
            interactions += 1

        for due in reached_dues(end, today):
            day = due_date(end, due)
            if (today - day).days > 400:
                continue
            sent_on = min(today, day + timedelta(days=rng.randint(0, 1)))
            answer = None
            if rng.random() < ANSWER_RATE[due]:
                # Those hired through Passerelle say so; the others find work elsewhere at plausible rates.
                in_job = (hired_on is not None and hired_on <= day) or rng.random() < IN_JOB_SHARE[due]
                situation = (
                    rng.choices(SITUATIONS_IN_JOB, JOB_WEIGHTS)[0]
                    if in_job
                    else rng.choices(SITUATIONS_OTHER, OTHER_WEIGHTS)[0]
                )
                answer = FollowupAnswerRecord(
                    situation=situation,
                    found_via_passerelle=hired_on is not None or (in_job and rng.random() < 0.15),
                    code_rome=code if in_job else None,
                    answered_at=_stamp(min(today, sent_on + timedelta(days=rng.randint(0, 6))), rng),
                )
                answers += 1
            record = FollowupRecord(
                token_hash=f"demo{n:05d}{due}{rng.getrandbits(64):016x}",  # no link: nobody holds the token
                candidate_id=person.id,
                due=due,
                due_date=day,
                training_end=end,
                bassin=person.bassin,
                departement=departement_of(person.code_insee),
                certification=certification,
                created_at=_stamp(sent_on, rng),
                sent_at=_stamp(sent_on, rng),
                expires_on=link_expiry(sent_on),
                answer=answer,
            )
            items.append(followup_item(record))
            items.append(
                {
                    **keys.marker(person.id, keys.followup_claim_name(due)),
                    "ttl": int(time.time()) + 400 * 86400,
                }
            )
            surveys += 1

    _write(items)

    def refresh_all() -> None:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda b: refresh_stats(b, today), bassin_codes))

    if refresh == "background":  # make run: the stack is ready at once, the figures follow
        import threading

        threading.Thread(target=refresh_all, name="demo-figures", daemon=True).start()
    elif refresh:
        refresh_all()
    return (
        f"historique : {candidates} candidats, {len(firms)} employeurs, {offers} offres, {interactions} intérêts "
        f"({hires} embauches), {surveys} questions de suivi ({answers} réponses), {len(items)} éléments écrits en "
        f"{time.monotonic() - started:.1f} s"
    )
