"""Test data builders (pure: nothing is stored here; tests/integration/helpers.py seeds them).

Real reference codes: Metz (57463, bassin 4410), ROME G1609 "Cuisinier" (a training) and G1602
"Commis de cuisine" (a target, and the offers' métier), and their competences.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from chalicelib.domain.calendar import add_years, paris_today, utc_timestamp
from chalicelib.domain.referentials import get_referentials

METZ = "57463"  # bassin 4410 Metz
METZ_BASSIN = "4410"
AMNEVILLE = "57019"  # bassin 4410, 16.9 km from Metz
THIONVILLE = "57672"  # bassin 4424, 29.9 km from Metz
NANCY = "54395"  # bassin 4412, 46.4 km from Metz
REIMS = "51454"  # bassin 4413, about 150 km from Metz
TRAINING_ROME = "G1609"  # Cuisinier / Cuisinière
TARGET_ROME = "G1602"  # Commis / Commise de cuisine
OFFER_ROME = TARGET_ROME
OTHER_ROME = "F1703"  # Maçon / Maçonne
FOREIGN_ROME = "M1607"  # Secrétaire: its competences are not a cook's
# A SIRET that passes the Luhn check (python-stdnum's documented example).
VALID_SIRET = "732 829 320 00074"
# A La Poste establishment: SIREN 356000000, digits adding up to a multiple of 5, not Luhn-valid.
LA_POSTE_SIRET = "356 000 000 49814"

MISSING = object()  # `candidate_payload(phone=MISSING)` leaves the field out


def competences_of(code_rome: str, count: int = 3) -> list[str]:
    return [c.code for c in get_referentials().competences_of(code_rome)[:count]]


def foreign_competence() -> str:
    """A real OGR code that belongs neither to the training's nor to the target's fiche."""
    refs = get_referentials()
    allowed = set(refs.metiers[TRAINING_ROME].competences) | set(refs.metiers[TARGET_ROME].competences)
    return next(c for c in refs.metiers[FOREIGN_ROME].competences if c not in allowed)


def unique_email(prefix: str = "candidat") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.net"


def new_id() -> str:
    return uuid.uuid4().hex


def _apply(body: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`name=value` sets a field, `parent__name=value` a nested one, `=MISSING` leaves it out."""
    for name, value in overrides.items():
        target, field = body, name
        if "__" in name:
            parent, field = name.split("__", 1)
            target = body[parent]
        if value is MISSING:
            target.pop(field, None)
        else:
            target[field] = copy.deepcopy(value)
    return body


# --- request bodies ----------------------------------------------------------------------------
def candidate_payload(today: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid POST /api/candidates body; `training__end_date=...` overrides a nested field."""
    today = today or paris_today()
    body: dict[str, Any] = {
        "email": unique_email(),
        "first_name": "Camille",
        "last_name": "Dupont-Lefèvre",
        "phone": "06 12 34 56 78",
        "code_insee": METZ,
        "mobility_km": 30,
        "training": {
            "title": "CAP Cuisine",
            "code_rome": [TRAINING_ROME],
            "end_date": (today - timedelta(days=30)).isoformat(),
            "organisation": "AFPA Metz",
            "certification_obtained": True,
        },
        "target_code_rome": [TARGET_ROME],
        "competences": competences_of(TRAINING_ROME),
        "contract_types": ["cdi", "cdd"],
        "available_from": today.isoformat(),
        "consent_contact": True,
        "consent_terms": True,
    }
    return _apply(body, overrides)


def employer_payload(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "siret": VALID_SIRET,
        "company_name": "Brasserie du Graoully",
        "contact_name": "Dominique Martin",
        "email": unique_email("employeur"),
        "phone": "03 87 00 00 00",
        "code_insee": METZ,
    }
    return _apply(body, overrides)


def offer_payload(today: date | None = None, **overrides: Any) -> dict[str, Any]:
    today = today or paris_today()
    body: dict[str, Any] = {
        "title": "Commis de cuisine H/F",
        "code_rome": OFFER_ROME,
        "description": "Brasserie de centre-ville, service du midi et du soir, équipe de six personnes.",
        "competences": competences_of(OFFER_ROME),
        "code_insee": METZ,
        "contract_type": "cdi",
        "positions": 2,
        "start_date": (today + timedelta(days=14)).isoformat(),
    }
    return _apply(body, overrides)


def malformed_offer_bodies(today: date) -> list[tuple[str, dict[str, Any], str]]:
    """(what is wrong, body, the field the error must name): shared by unit and integration tests."""
    year_later = add_years(today, 1)
    foreign = next(
        c
        for c in get_referentials().metiers[OTHER_ROME].competences
        if c not in get_referentials().metiers[OFFER_ROME].competences
    )
    base = offer_payload(today)
    missing = {k: v for k, v in base.items() if k != "title"}
    cases: list[tuple[str, dict[str, Any], str]] = [
        ("title missing", missing, "title"),
        ("title too short", {"title": "ab"}, "title"),
        ("title too long", {"title": "x" * 121}, "title"),
        ("title on two lines", {"title": "Commis\nde cuisine"}, "title"),
        ("title not a string", {"title": 42}, "title"),
        ("unknown ROME code", {"code_rome": "Z9999"}, "code_rome"),
        ("malformed ROME code", {"code_rome": "G160"}, "code_rome"),
        ("ROME code null", {"code_rome": None}, "code_rome"),
        ("description too short", {"description": "Court."}, "description"),
        ("description too long", {"description": "x" * 4001}, "description"),
        ("description with a NUL byte", {"description": "Une description\x00 piégée"}, "description"),
        ("no competence", {"competences": []}, "competences"),
        ("21 competences", {"competences": [str(100000 + i) for i in range(21)]}, "competences"),
        ("competence not an OGR code", {"competences": ["abc"]}, "competences"),
        ("competence of another métier", {"competences": [foreign]}, "competences"),
        ("competences not a list", {"competences": "100016"}, "competences"),
        ("competence null", {"competences": [None]}, "competences"),
        ("commune outside Grand Est", {"code_insee": "75056"}, "code_insee"),
        ("commune code garbage", {"code_insee": "ABCDE"}, "code_insee"),
        ("unknown contract type", {"contract_type": "stage"}, "contract_type"),
        ("no position", {"positions": 0}, "positions"),
        ("too many positions", {"positions": 51}, "positions"),
        ("positions as text", {"positions": "2"}, "positions"),
        ("positions as a boolean", {"positions": True}, "positions"),
        ("positions not whole", {"positions": 1.5}, "positions"),
        ("start yesterday", {"start_date": (today - timedelta(days=1)).isoformat()}, "start_date"),
        ("start after a year", {"start_date": (year_later + timedelta(days=1)).isoformat()}, "start_date"),
        ("start in French format", {"start_date": "14/03/2030"}, "start_date"),
        ("start as a timestamp", {"start_date": 1_900_000_000}, "start_date"),
        ("expires today", {"expires_at": today.isoformat()}, "expires_at"),
        ("expires after a year", {"expires_at": (year_later + timedelta(days=1)).isoformat()}, "expires_at"),
        ("unexpected field", {"salary": "2000 €"}, "salary"),
        ("owner injected", {"employer_id": "someone-else"}, "employer_id"),
    ]
    return [
        (what, body if what == "title missing" else {**base, **body}, field) for what, body, field in cases
    ]


# --- stored records ------------------------------------------------------------------------------
def candidate_record(**overrides: Any):
    """A CandidateRecord (consenting and visible by default); `training=` takes a dict or a record."""
    from chalicelib.schemas.candidates_store import CandidateRecord, TrainingRecord

    today = paris_today()
    stamp = utc_timestamp()
    training = overrides.pop("training", None)
    data: dict[str, Any] = {
        "id": new_id(),
        "email": unique_email("candidat"),
        "first_name": "Camille",
        "last_name": "Dupont",
        "phone": "+33612345678",
        "code_insee": METZ,
        "mobility_km": 30,
        "training": {
            "title": "CAP Cuisine",
            "code_rome": [TRAINING_ROME],
            "end_date": today - timedelta(days=20),
            "certification_obtained": True,
        },
        "target_code_rome": [OFFER_ROME],
        "competences": competences_of(OFFER_ROME, 2),
        "contract_types": ["cdi"],
        "available_from": today,
        "consent_contact": True,
        "consent_terms_at": stamp,
        "created_at": stamp,
        "updated_at": stamp,
        "last_active_at": stamp,
        **overrides,
    }
    if training is not None:
        data["training"] = training
    data["training"] = TrainingRecord.model_validate(data["training"], from_attributes=True)
    data.setdefault("bassin", get_referentials().commune(data["code_insee"]).bassin_code)
    return CandidateRecord(**data)


def offer_record(**overrides: Any):
    """An open OfferRecord of a cook's job in Metz, starting in 10 days, listed 60 days."""
    from chalicelib.schemas.offers_store import OfferRecord

    today = paris_today()
    stamp = overrides.pop("created_at", None) or utc_timestamp()
    status = overrides.get("status", "open")
    data: dict[str, Any] = {
        "id": new_id(),
        "employer_id": "emp-" + new_id()[:8],
        "title": "Commis de cuisine H/F",
        "code_rome": OFFER_ROME,
        "description": "Brasserie de centre-ville, service du midi et du soir.",
        "competences": competences_of(OFFER_ROME),
        "code_insee": METZ,
        "contract_type": "cdi",
        "positions": 1,
        "start_date": today + timedelta(days=10),
        "expires_at": today + timedelta(days=60),
        "closed_reason": "closed_by_employer" if status == "closed" else None,
        "closed_at": stamp if status == "closed" else None,
        "created_at": stamp,
        "updated_at": stamp,
        **overrides,
    }
    data.setdefault("bassin", get_referentials().commune(data["code_insee"]).bassin_code)
    return OfferRecord(**data)


def match_record(offer_id: str, candidate_id: str, employer_id: str, score: int, **overrides: Any):
    from chalicelib.schemas.matches_store import MatchRecord

    data: dict[str, Any] = {
        "offer_id": offer_id,
        "candidate_id": candidate_id,
        "employer_id": employer_id,
        "bassin": METZ_BASSIN,
        "score": score,
        "exact": True,
        "distance_km": 4.2,
        "competences_held": 2,
        "competences_required": 3,
        "reasons": ["Même métier : Commis / Commise de cuisine (G1602)", "4 km"],
        "computed_at": utc_timestamp(),
        **overrides,
    }
    return MatchRecord(**data)


def random_siret() -> str:
    """A fresh SIRET whose SIREN and whole number pass Luhn (INSEE's two keys)."""
    from stdnum import luhn

    siren = f"{uuid.uuid4().int % 10**8:08d}"
    siren = "1" + siren[1:] if siren.startswith("0") else siren
    siren += luhn.calc_check_digit(siren)
    body = siren + f"{uuid.uuid4().int % 10**4:04d}"
    return body + luhn.calc_check_digit(body)


def structure_payload(kind: str = "organisme_formation", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": kind,
        "siret": random_siret(),
        "name": "Centre de formation du Graoully"
        if kind == "organisme_formation"
        else "Mission locale de Metz",
        "code_insee": METZ,
        "contact_name": "Camille Laurent",
        "email": unique_email("formation" if kind == "organisme_formation" else "conseil"),
        "phone": "03 87 11 22 33",
    }
    if kind == "accompagnement":
        body["network"] = "mission_locale"
    return _apply(body, overrides)


# Copies of ../shared/samples (cohort files as Excel and LibreOffice save them, with real mistakes).
SAMPLES_DIR = Path(__file__).resolve().parent / "data" / "cohorts"


def sample_file(name: str) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


def training_payload(today: date | None = None, **overrides: Any) -> dict[str, Any]:
    today = today or paris_today()
    body: dict[str, Any] = {
        "title": "CAP Cuisine — session de printemps",
        "code_rome": [TRAINING_ROME],
        "code_insee": METZ,
        "start_date": (today - timedelta(days=60)).isoformat(),
        "end_date": (today + timedelta(days=30)).isoformat(),
        "places": 12,
    }
    return _apply(body, overrides)


def invitation_acceptance(today: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid POST /api/invitations/{token} body."""
    body = candidate_payload(today)
    for field in ("email", "training"):
        body.pop(field)
    body["share_with_structure"] = True
    return _apply(body, overrides)


def cohort_csv(rows: list[tuple[str, str, str]], separator: str = ";", encoding: str = "cp1252") -> bytes:
    lines = ["Prénom;Nom;E-mail".replace(";", separator)]
    lines += [separator.join(row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
