"""The fake API's canned answers: French data with the mistakes and the hostile text real data has
(names holding HTML, to prove the pages never interpret it). Dates follow today, so offers are open.
tests/unit/test_site_check.py checks that every answer has the shape of the real API's."""

from __future__ import annotations

from datetime import timedelta

from chalicelib.domain.calendar import paris_today

HOSTILE = '<img src=x onerror="alert(1)">'
BASSINS = {"4410": "Metz", "4423": "Strasbourg", "4412": "Nancy", "4413": "Reims"}
COMMUNES = [
    {"code_insee": "57463", "name": "Metz", "postal_codes": ["57000", "57050", "57070"], "bassin": "4410"},
    {"code_insee": "57480", "name": "Montigny-lès-Metz", "postal_codes": ["57950"], "bassin": "4410"},
    {
        "code_insee": "67482",
        "name": "Strasbourg",
        "postal_codes": ["67000", "67100", "67200"],
        "bassin": "4423",
    },
    {"code_insee": "54395", "name": "Nancy", "postal_codes": ["54000", "54100"], "bassin": "4412"},
    {"code_insee": "51454", "name": "Reims", "postal_codes": ["51100"], "bassin": "4413"},
]
METIERS = [
    {"code_rome": "D1102", "label": "Boulanger / Boulangère"},
    {"code_rome": "D1104", "label": "Pâtissier / Pâtissière", "appellation": "Chocolatier / Chocolatière"},
    {"code_rome": "G1602", "label": "Personnel de cuisine"},
    {"code_rome": "G1603", "label": "Personnel polyvalent en restauration"},
]
KINDS = ["savoir", "savoir_faire", "savoir_etre_professionnel"]
OFFERS = [
    {
        "id": "off-1",
        "title": "Commis de cuisine",
        "code_rome": "G1602",
        "metier_label": "Personnel de cuisine",
        "code_insee": "57463",
        "commune_name": "Metz",
        "bassin": {"code": "4410", "label": "Metz"},
        "contract_type": "cdi",
        "positions": 2,
        "start_date": "2025-09-01",
        "expires_at": "2025-10-15",
        "description": "Brigade de six personnes, service du midi et du soir.",
        "competences": [{"code": "100016", "label": "Préparer les légumes"}],
        "company_name": "Brasserie du Graoully",
    },
    {
        "id": "off-2",
        "title": f"Boulanger {HOSTILE}",
        "code_rome": "D1102",
        "metier_label": "Boulanger / Boulangère",
        "code_insee": "57480",
        "commune_name": "Montigny-lès-Metz",
        "bassin": {"code": "4410", "label": "Metz"},
        "contract_type": "alternance",
        "positions": 1,
        "start_date": "2025-10-01",
        "expires_at": "2025-11-30",
        "description": "Fournil artisanal, apprentissage du pain au levain.",
        "competences": [],
        "company_name": None,
    },
]
PROFILE = {
    "id": "cand-1",
    "version": 3,
    "email": "lea.martin@example.org",
    "first_name": "<script>alert(1)</script>Léa",
    "last_name": "Martin",
    "phone": None,
    "code_insee": "57463",
    "mobility_km": 25,
    "training": {
        "title": "CAP Boulanger",
        "code_rome": ["D1102"],
        "end_date": "2025-06-30",
        "organisation": "CFA de Metz",
        "certification_obtained": True,
    },
    "target_code_rome": ["D1104"],
    "competences": ["100001", "100002"],
    "contract_types": ["cdi", "alternance"],
    "available_from": "2025-09-01",
    "consent_contact": True,
    "commune_name": "Metz",
    "bassin": {"code": "4410", "label": "Metz"},
    "consent_terms_at": "2025-06-01T09:00:00.000+00:00",
    "visible": True,
    "digest_opt_out": False,
    "created_at": "2025-06-01T09:00:00.000+00:00",
    "updated_at": "2025-06-10T09:00:00.000+00:00",
    "last_active_at": "2025-06-10T09:00:00.000+00:00",
    "data_kept_until": "2027-06-10",
    "metiers": [
        {"code_rome": "D1102", "label": "Boulanger / Boulangère"},
        {"code_rome": "D1104", "label": "Pâtissier / Pâtissière"},
    ],
    "competence_labels": [
        {"code": "100001", "label": "Pétrir la pâte"},
        {"code": "100002", "label": "Façonner les pâtons"},
    ],
    "contract_type_labels": ["CDI", "Alternance"],
}
SUMMARY_FIELDS = ("id", "title", "code_rome", "metier_label", "code_insee", "commune_name", "bassin")
SUMMARY_FIELDS += ("contract_type", "positions", "start_date", "expires_at", "company_name")


def offer_summary(offer: dict) -> dict:
    """The offer as a candidate's match carries it (no description)."""
    return {name: offer[name] for name in SUMMARY_FIELDS}


CANDIDATE_MATCHES = [
    {
        "offer": offer_summary(OFFERS[1]),
        "score": 87,
        "distance_km": 12.4,
        "reasons": ["Même métier", "12 km", "3 compétences sur 4"],
        "interest": None,
        "status": None,
    },
    {
        "offer": offer_summary(OFFERS[0]),
        "score": 54,
        "distance_km": 4.0,
        "reasons": ["Métier proche", "4 km"],
        "interest": "interested",
        "status": None,
    },
]


# Employer and staff data. Dates follow today so that the offers are open.
TODAY = paris_today()
# Fake sign-in link tokens (the fake API opens an employer or a staff session for them).
EMPLOYER_TOKEN = "bon-jeton-employeur-0123456789abcdefghijklmnop"  # noqa: S105
STAFF_TOKEN = "bon-jeton-agent-0123456789abcdefghijklmnopqrstu"  # noqa: S105
SESSIONS = {"ok": "candidate", "employer": "employer", "staff": "staff"}
SIRET_REFUSED = "73282932000074"  # checksum valid: only the (fake) API refuses it
EMPLOYER = {
    "id": "emp-1",
    "version": 1,
    "siret": "44306184100005",
    "company_name": f"Boulangerie {HOSTILE}",
    "contact_name": "Paul Durand",
    "email": "paul.durand@example.org",
    "phone": "+33387000000",
    "code_insee": "57463",
    "commune_name": "Metz",
    "bassin": {"code": "4410", "label": "Metz"},
    "digest_opt_out": False,
    "created_at": "2025-05-02T08:00:00.000+00:00",
    "updated_at": "2025-05-02T08:00:00.000+00:00",
}
OWN_OFFERS = [
    {
        **OFFERS[1],
        "id": "own-1",
        "description": "Fabrication du pain et des viennoiseries, du mardi au samedi.",
        "competences": [{"code": "100300", "label": "Pétrir la pâte — variante 0"}],
        "start_date": (TODAY - timedelta(days=3)).isoformat(),  # started: edits must not resend it
        "expires_at": (TODAY + timedelta(days=50)).isoformat(),
        "status": "open",
        "expired": False,
        "closed_at": None,
        "created_at": "2025-05-03T08:00:00.000+00:00",
        "updated_at": "2025-05-03T08:00:00.000+00:00",
        "version": 4,
        "counts": {"matches": 2, "interested": 1, "answered": 0, "hired": 0},
        "answer_rate": 0.0,
    },
    {
        **OFFERS[0],
        "id": "own-2",
        "description": "Commis en cuisine traditionnelle.",
        "competences": [],
        "start_date": (TODAY - timedelta(days=60)).isoformat(),
        "expires_at": (TODAY - timedelta(days=2)).isoformat(),
        "status": "closed",
        "closed_at": (TODAY - timedelta(days=5)).isoformat() + "T10:00:00+00:00",
        "expired": True,
        "created_at": "2025-04-03T08:00:00.000+00:00",
        "updated_at": "2025-04-03T08:00:00.000+00:00",
        "version": 2,
        "counts": {"matches": 3, "interested": 2, "answered": 2, "hired": 1},
        "answer_rate": 1.0,
    },
]
OFFER_MATCHES = [
    {
        "candidate_id": "cand-1",
        "first_name": "<script>alert(1)</script>Léa",
        "commune_name": "Metz",
        "training": {
            "title": "CAP Boulanger",
            "code_rome": ["D1102"],
            "end_date": "2025-06-30",
            "certification_obtained": True,
        },
        "competences": [{"code": "100300", "label": "Pétrir la pâte — variante 0"}],
        "distance_km": 12.4,
        "score": 87,
        "reasons": ["Même métier", "12 km", "1 compétence sur 1"],
        "interested": True,
        "status": None,
        "email": "lea.martin@example.org",
        "phone": "+33612345678",
    },
    {
        "candidate_id": "cand-3",
        "first_name": f"Karim {HOSTILE}",
        "training": {
            "title": "Titre pro Boulanger",
            "code_rome": ["D1102"],
            "end_date": None,
            "certification_obtained": None,
        },
        "competences": [],
        "distance_km": 3,
        "score": 61,
        "reasons": ["Même métier", "3 km"],
        "interested": None,
        "status": None,
    },
]


def _figures(code: str, label: str, scale: int, placed_share: float = 0.35) -> dict:
    return {
        "code": code,
        "label": label,
        "refreshed_at": f"{TODAY.isoformat()}T08:30:00+00:00",
        "candidates": 40 * scale,
        "candidates_matchable": 30 * scale,
        "open_offers": 7 * scale,
        "matches": 55 * scale,
        "interested": 12 * scale,
        "hires": 3 * scale,
        "placed_1_month": {
            "eligible": 20 * scale,
            "placed": round(20 * scale * placed_share),
            "rate": round(placed_share * 100, 1),
        },
        "placed_6_months": {"eligible": 0, "placed": 0, "rate": None},
        "followup": {"1m": _followup(12 * scale, placed_share), "6m": _followup(0, 0)},
    }


def _share(count: int, of: int) -> dict:
    return {"count": count, "of": of, "rate": round(100 * count / of, 1) if of else None}


def _followup(due: int, share: float) -> dict:
    answered, in_job_answered = due // 2, round(due * share / 2)
    in_job = in_job_answered + due // 10
    return {
        "due": due,
        "sent": due,
        "answered": answered,
        "in_job": in_job,
        "in_job_answered": in_job_answered,
        "in_job_recorded": in_job - in_job_answered,
        "response_rate": _share(answered, due),
        "in_job_rate": _share(in_job, due),
        "in_job_among_answers": _share(in_job_answered, answered),
    }


STATS = [
    _figures(code, label, index + 1, (0.25, 0.4, 0.35, 0.5)[index])
    for index, (code, label) in enumerate(BASSINS.items())
]
EXPORT_LOG = [
    {
        "id": "exp-old",
        "staff_id": "staff-0123456789abcdef0123",
        "staff_email": "agent@example.org",
        "kind": "outcomes",
        "format": "xlsx",
        "filters": {"bassin": "4410", "from": "2025-01-01", "to": "2025-03-31"},
        "status": "done",
        "rows": 1234,
        "created_at": "2025-04-02T09:05:00+00:00",
        "finished_at": "2025-04-02T09:05:07+00:00",
    }
]
RUNS = [
    {
        "id": "run-old",
        "status": "done",
        "trigger": "schedule",
        "progress": 100,
        "bassins_total": 27,
        "bassins_done": 27,
        "counts": {
            "offers": 120,
            "candidates": 800,
            "eligible_pairs": 2400,
            "kept": 900,
            "written": 900,
            "digests": 310,
        },
        "created_at": f"{TODAY.isoformat()}T06:00:00+00:00",
        "finished_at": f"{TODAY.isoformat()}T06:01:10+00:00",
    }
]


# --- v2 pages: invitation, follow-up survey, staff's insertion and employers pages -------------------
INVITATION_TOKEN = "invitation-0123456789abcdefghijklmnop"  # noqa: S105 - a fake's token
FOLLOWUP_TOKEN = "suivi-0123456789abcdefghijklmnopqrstu"  # noqa: S105 - a fake's token
INVITATION = {
    "first_name": "Inès",
    "last_name": f"Durand {HOSTILE}",
    "email": "ines.durand@example.org",
    "structure": {"name": "AFPA Metz", "kind": "organisme_formation"},
    "training": {
        "title": "Titre professionnel cuisinier",
        "code_rome": ["G1602", "G1603"],
        "end_date": (TODAY + timedelta(days=40)).isoformat(),
        "metiers": [
            {"code_rome": "G1602", "label": "Personnel de cuisine"},
            {"code_rome": "G1603", "label": "Personnel polyvalent en restauration"},
        ],
    },
    "account_exists": False,
}
FOLLOWUP = {
    "first_name": "Inès",
    "training_title": "Titre professionnel cuisinier",
    "due": "1m",
    "expires_on": (TODAY + timedelta(days=50)).isoformat(),
    "answer": None,
}
RESPONSIVENESS = [
    {
        "employer_id": "emp-9",
        "company_name": f"Garage {HOSTILE}",
        "contact_name": "Paul Martin",
        "email": "paul.martin@example.org",
        "phone": "+33387000000",
        "interests": 6,
        "answered": 0,
        "answer_rate": 0.0,
        "unanswered_days": 34,
        "last_answer_at": None,
        "paused_at": f"{(TODAY - timedelta(days=2)).isoformat()}T05:30:00+00:00",
        "computed_at": f"{TODAY.isoformat()}T05:30:00+00:00",
    },
    {
        "employer_id": "emp-8",
        "company_name": "Boulangerie Marie",
        "contact_name": "Marie Klein",
        "email": "marie.klein@example.org",
        "phone": None,
        "interests": 4,
        "answered": 3,
        "answer_rate": 0.75,
        "unanswered_days": 31,
        "last_answer_at": f"{(TODAY - timedelta(days=5)).isoformat()}T10:00:00+00:00",
        "paused_at": None,
        "computed_at": f"{TODAY.isoformat()}T05:30:00+00:00",
    },
]


def trend() -> list[dict]:
    """Six months of the region's trend, the last one without anybody at its due yet."""
    months = []
    for back in range(6, 0, -1):
        first = (TODAY.replace(day=1) - timedelta(days=28 * back)).replace(day=1)
        due = 0 if back == 1 else 20 + back * 3
        answered, in_job = due // 2, due // 3
        months.append(
            {
                "month": first.strftime("%Y-%m"),
                "interested": 10 + back,
                "hires": back,
                "followup_1m_due": due,
                "followup_1m_answered": answered,
                "followup_1m_in_job": in_job,
                "in_job_rate_1m": _share(in_job, due),
            }
        )
    return months
