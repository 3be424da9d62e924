"""Test data builders with real reference codes (Metz, ROME G1609 and its competences)."""

from __future__ import annotations

import copy
import uuid
from datetime import date, timedelta
from typing import Any

from chalicelib.domain.referentials import get_referentials

METZ = "57463"
TRAINING_ROME = "G1609"  # Cuisinier / Cuisinière
TARGET_ROME = "G1602"
FOREIGN_ROME = "M1607"  # Secrétaire: its competences are not a cook's

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


def candidate_payload(today: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid POST /api/candidates body; `training__end_date=...` overrides a nested field."""
    today = today or date.today()
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
