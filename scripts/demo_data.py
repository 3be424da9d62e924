"""Demo data for `make run`: fictitious people and firms on real communes and ROME métiers.

Written through the repositories (no welcome e-mails), reproducible (seeded). Every name,
address and SIRET here is invented; SIRETs are generated with a valid Luhn key.
"""

from __future__ import annotations

import os
import random
from datetime import timedelta

from chalicelib.domain.calendar import paris_today

DEMO_CANDIDATE = "candidat.demo@example.org"
DEMO_EMPLOYER = "employeur.demo@example.org"

# Grand Est's; another région (PASSERELLE_REGION) takes its most populous communes of distinct bassins.
COMMUNES = ["57463", "54395", "67482", "51454", "68224", "88160", "08105", "10387", "57672", "54547"]
METIERS = ["G1609", "J1501", "F1703", "N4101", "D1505", "H2913", "I1304"]
FIRST_NAMES = [
    "Camille",
    "Léa",
    "Yanis",
    "Inès",
    "Lucas",
    "Manon",
    "Théo",
    "Chloé",
    "Nathan",
    "Sarah",
    "Hugo",
    "Zoé",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Muller",
    "Schmitt",
    "Klein",
    "Weber",
    "Meyer",
    "Lambert",
    "Roux",
    "Fontaine",
]
COMPANIES = [
    "Brasserie du Graoully",
    "EHPAD Les Tilleuls",
    "Bâtiments de l'Est",
    "Transports Rhénans",
    "Supermarché des Vosges",
    "Métallerie Champenoise",
]


def _siret(rng: random.Random) -> str:
    from stdnum import luhn

    # Both keys INSEE defines: the SIREN (first 9 digits) and the whole SIRET pass Luhn.
    siren = "".join(rng.choice("0123456789") for _ in range(8))
    siren += luhn.calc_check_digit(siren)
    body = siren + "".join(rng.choice("0123456789") for _ in range(4))
    return body + luhn.calc_check_digit(body)


def _demo_answers(posted) -> str:
    """Interests and answers on the offers of two demo firms (never the demo employer's), as if
    they had happened weeks ago, then the daily figures: « EHPAD Les Tilleuls » answers nobody
    (paused), « Bâtiments de l'Est » answers some. Returns the rates, for the console."""
    from datetime import UTC, datetime

    from chalicelib.repositories import matches
    from chalicelib.repositories import responsiveness as figures
    from chalicelib.schemas.matches_store import MatchRecord
    from chalicelib.services.employer_responsiveness import refresh_all

    def ago(days: int) -> str:
        moment = datetime.now(UTC) - timedelta(days=days)
        return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    answers = {
        "demo-emp-1": [None] * 6,
        "demo-emp-2": ["interview", "not_retained", None, "contacted", None, None],
    }
    people = {emp: [] for emp in answers}
    for index in range(36):
        offer = posted[index % len(posted)]
        if offer.employer_id in people and index % 6 != 5:  # consenting people only
            people[offer.employer_id].append((offer, f"demo-cand-{index:02d}"))
    for employer_id, pairs in people.items():
        for (offer, candidate_id), status in zip(pairs, answers[employer_id], strict=False):
            record = MatchRecord(
                offer_id=offer.id,
                candidate_id=candidate_id,
                employer_id=employer_id,
                bassin=offer.bassin,
                score=70,
                exact=True,
                distance_km=0.0,
                competences_held=2,
                competences_required=4,
                reasons=["Même métier"],
                computed_at=ago(40),
            )
            matches.apply_changes([record], [])
            pair = matches.get(offer.id, candidate_id)
            matches.set_interest(pair, True, ago(35))
            if status == "not_retained":
                matches.set_outcome(
                    matches.get(offer.id, candidate_id), status, ago(20), {"reason": "poste_pourvu"}
                )
            elif status:
                matches.set_outcome(matches.get(offer.id, candidate_id), status, ago(20))
    refresh_all(paris_today())
    found = figures.get_many(people)
    return ", ".join(
        f"{employer_id} {found[employer_id].answered}/{found[employer_id].interests}"
        + (" (en pause)" if found[employer_id].paused_at else "")
        for employer_id in sorted(found)
    )


def demo_communes(refs) -> list[str]:
    if all(refs.commune(code) for code in COMMUNES):
        return COMMUNES
    chosen: dict[str, str] = {}
    for commune in sorted(refs.communes.values(), key=lambda c: (-c.population, c.code_insee)):
        chosen.setdefault(commune.bassin_code, commune.code_insee)
        if len(chosen) == len(COMMUNES):
            break
    return list(chosen.values())


def demo_place(refs, code: str):
    """The commune `code` (a Grand Est demo commune); in another région, the commune that stands for
    it (same rank in `demo_communes`)."""
    found = refs.commune(code)
    if found is not None:
        return found
    communes = demo_communes(refs)
    index = COMMUNES.index(code) if code in COMMUNES else 0
    return refs.commune(communes[index % len(communes)])


def load_demo_data(seed: int = 2026) -> str:
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.repositories import candidates, employers, offers
    from chalicelib.schemas.candidates_store import CandidateRecord, TrainingRecord
    from chalicelib.schemas.employers_store import EmployerRecord
    from chalicelib.schemas.offers_store import OfferRecord

    rng = random.Random(seed)
    refs = get_referentials()
    communes = demo_communes(refs)
    today = paris_today()
    now = utc_timestamp()

    def skills(code: str, count: int) -> list[str]:
        fiche = [c.code for c in refs.competences_of(code) if c.kind == "savoir_faire"][:12]
        return sorted(rng.sample(fiche, min(count, len(fiche))))

    firms = []
    for index, name in enumerate(COMPANIES):
        commune = refs.commune(communes[index])
        firm = EmployerRecord(
            id=f"demo-emp-{index}",
            siret=_siret(rng),
            company_name=name,
            contact_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            email=DEMO_EMPLOYER if index == 0 else f"employeur{index}@example.org",
            code_insee=commune.code_insee,
            bassin=commune.bassin_code,
            created_at=now,
            updated_at=now,
        )
        employers.create(firm)
        firms.append(firm)

    posted: list[OfferRecord] = []
    for index, firm in enumerate(firms):
        for k in range(2):
            code = METIERS[(index + k) % len(METIERS)]
            posted.append(
                OfferRecord(
                    id=f"demo-offer-{index}-{k}",
                    employer_id=firm.id,
                    title=refs.metiers[code].label.split(" / ")[0],
                    code_rome=code,
                    description="Offre de démonstration : poste à pourvoir dans une entreprise fictive.",
                    competences=skills(code, 4),
                    code_insee=firm.code_insee,
                    bassin=firm.bassin,
                    contract_type=rng.choice(["cdi", "cdd", "interim", "alternance"]),
                    positions=rng.randint(1, 3),
                    start_date=today + timedelta(days=rng.randint(7, 45)),
                    expires_at=today + timedelta(days=60),
                    created_at=now,
                    updated_at=now,
                )
            )
    for offer in posted:
        offers.create(offer)

    people = 36
    listed = []
    for index in range(people):
        # Three people near each offer, with its métier: the demo shows matches right away.
        offer = posted[index % len(posted)]
        commune = refs.commune(offer.code_insee if index % 3 else communes[index % len(communes)])
        code = offer.code_rome
        listed.append(
            CandidateRecord(
                id=f"demo-cand-{index:02d}",
                email=DEMO_CANDIDATE if index == 0 else f"candidat{index}@example.org",
                first_name=FIRST_NAMES[index % len(FIRST_NAMES)],
                last_name=rng.choice(LAST_NAMES),
                code_insee=commune.code_insee,
                bassin=commune.bassin_code,
                mobility_km=rng.choice([10, 20, 30, 50]),
                training=TrainingRecord(
                    title=f"Titre professionnel {refs.metiers[code].label.split(' / ')[0].lower()}",
                    code_rome=[code],
                    end_date=today - timedelta(days=rng.randint(-40, 90)),
                    organisation="Organisme de formation (démo)",
                    certification_obtained=rng.random() < 0.7,
                ),
                competences=skills(code, rng.randint(3, 6)),
                contract_types=sorted(
                    {offer.contract_type, rng.choice(["cdi", "cdd", "interim", "alternance"])}
                ),
                available_from=today,
                consent_contact=index % 6 != 5,
                consent_terms_at=now,
                created_at=now,
                updated_at=now,
                last_active_at=now,
            )
        )
        candidates.create(listed[-1])
    # In the per-event matching index, as their sign-up's event would have listed them: the first
    # scheduled run reads every candidate who can reach a bassin from there (docs/matching.md).
    from chalicelib.services.run_matching import list_pending

    list_pending(listed, now)
    from scripts.demo_structures import load_structures

    structures = load_structures([f"demo-cand-{index:02d}" for index in range(1, people)])
    history = ""
    if os.environ.get("PASSERELLE_DEMO_HISTORY", "1") != "0":  # the tests' stacks go without
        from scripts.demo_history import load_history

        history = load_history(seed, refresh="background") + " ; "
    rates = _demo_answers(posted)
    return (
        f"{history}{len(firms)} employeurs, {len(posted)} offres, {people} candidats nommés ; taux de réponse {rates} — comptes de démonstration : "
        f"{DEMO_CANDIDATE} (candidat), {DEMO_EMPLOYER} (employeur)\n{structures}"
    )
