"""Look at every page of the site in headless Chromium, the way a person would, and check it.

    python scripts/check_site.py [--out build/site-check] [--chromium /usr/bin/chromium]

Serves site/ through scripts/dev_server.py (so with the production CSP), with a small fake API
that answers the calls the pages make (canned French data, including names that contain HTML
to prove it is never interpreted). For each page, at 375 px and 1280 px wide:
- no console error, no uncaught exception, no CSP violation, no dialog opened by injected markup;
- axe-core (node_modules/axe-core), WCAG 2.0/2.1 A and AA rules: no violation;
- a full-page screenshot in --out, to look at.
Then a few journeys (sign-in link, sign-up errors and success, candidate space; employer sign-up,
space, offer form and candidates; staff figures, exports and matching runs) are played and checked
the same way. Header and footer markup must be identical on every page.
Exit code 1 if anything fails. Needs `npm ci` and `python scripts/build_site.py` first.

axe is injected with page.evaluate() (DevTools protocol, outside the page's CSP): Playwright's
add_script_tag() inserts an inline <script>, which the CSP rightly blocks.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))

import dev_server  # noqa: E402 - sibling script, not a package

SITE = REPO_ROOT / "site"
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = (375, 1280)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = [
    "/",
    "/connexion.html",
    "/candidat/inscription.html",
    "/candidat/espace.html",
    "/offres.html",
    "/employeur/inscription.html",
    "/employeur/espace.html",
    "/employeur/offre.html",
    "/agent/index.html",
    "/agent/exports.html",
    "/agent/appariements.html",
    "/mentions-legales.html",
    "/donnees-personnelles.html",
    "/accessibilite.html",
    "/404.html",
]

# --- fake API ----------------------------------------------------------------------------------
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
        "expires_at": None,
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
}


# Employer and staff data. Dates follow today so that the offers are open.
TODAY = date.today()
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
    "phone": "03 87 00 00 00",
    "code_insee": "57463",
    "commune_name": "Metz",
    "bassin": {"code": "4410", "label": "Metz"},
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
        "version": 2,
        "counts": {"matches": 3, "interested": 2, "answered": 2, "hired": 1},
        "answer_rate": 1.0,
    },
]
OFFER_MATCHES = [
    {
        "candidate_id": "cand-1",
        "first_name": "<script>alert(1)</script>Léa",
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
        "status": "interested",
        "email": "lea.martin@example.org",
        "phone": "06 12 34 56 78",
    },
    {
        "candidate_id": "cand-3",
        "first_name": f"Karim {HOSTILE}",
        "training": {"title": "Titre pro Boulanger", "code_rome": ["D1102"], "end_date": None},
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
    }


STATS = [
    _figures(code, label, index + 1, (0.25, 0.4, 0.35, 0.5)[index])
    for index, (code, label) in enumerate(BASSINS.items())
]
EXPORT_LOG = [
    {
        "id": "exp-old",
        "staff_id": "agent@example.org",
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
JOB_POLLS: dict[str, int] = {}  # export or run id → number of reads (each read moves it on)
JOB_LOCK = threading.Lock()


def _next_poll(job_id: str) -> int:
    with JOB_LOCK:
        JOB_POLLS[job_id] = JOB_POLLS.get(job_id, 0) + 1
        return JOB_POLLS[job_id]


def _commune(item: dict) -> dict:
    return {**item, "bassin": {"code": item["bassin"], "label": BASSINS[item["bassin"]]}}


def _fold(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")


class FakeApi(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _json(self, status: int, body: object = None, cookie: str | None = None) -> None:
        payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        if status != 204:
            self.send_header("Content-Length", str(len(payload)))
        if cookie:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}") if length else {}

    def _signed_in(self) -> bool:
        return "session=ok" in (self.headers.get("Cookie") or "")

    def _role(self) -> str | None:
        found = re.search(r"(?:^|;\s*)session=([a-z]+)", self.headers.get("Cookie") or "")
        return SESSIONS.get(found.group(1)) if found else None

    def _deny(self, role: str) -> bool:
        """401 without a session, 403 with another role; True when it answered."""
        if self._role() is None:
            self._json(401, {"error": {"code": "unauthorized", "message": "Connectez-vous pour continuer."}})
            return True
        if self._role() != role:
            self._json(403, {"error": {"code": "forbidden", "message": "Accès réservé."}})
            return True
        return False

    def _get_employer_or_staff(self, path: str, query: dict) -> bool:
        """Routes of the employer and staff pages; False when the path is not one of them."""
        if path.startswith("/employers/me"):
            if self._deny("employer"):
                return True
            if path == "/employers/me":
                self._json(200, EMPLOYER)
            elif path == "/employers/me/offers":
                self._json(200, {"items": OWN_OFFERS, "answer_rate": 0.5, "next": None})
            else:
                return False
            return True
        if match := re.fullmatch(r"/offers/([\w-]+)(/matches)?", path):
            own = next((o for o in OWN_OFFERS if o["id"] == match.group(1)), None)
            if match.group(2):
                if not self._deny("employer"):
                    self._json(200, OFFER_MATCHES if own else [])
            elif own and self._role() == "employer":
                self._json(200, own)
            elif public := next((o for o in OFFERS if o["id"] == match.group(1)), None):
                self._json(200, public)
            else:
                self._json(404, {"error": {"code": "not_found", "message": "Offre introuvable."}})
            return True
        if not path.startswith("/staff/"):
            return False
        if self._deny("staff"):
            return True
        if path == "/staff/stats":
            start, end = query.get("from", [""])[0], query.get("to", [""])[0]
            if start and end and start > end:
                message = "La date de début doit précéder la date de fin."
                self._json(
                    422,
                    {"error": {"code": "validation_error", "message": message, "fields": {"to": message}}},
                )
                return True
            bassin = query.get("bassin", [""])[0]
            region = _figures("", "Grand Est", 10)
            region.pop("code")
            self._json(
                200,
                {
                    "period": {"from": start[:8] + "01" if start else None, "to": end or None},
                    "bassins": [b for b in STATS if not bassin or b["code"] == bassin],
                    "region": region,
                },
            )
        elif path == "/staff/exports":
            self._json(200, {"items": EXPORT_LOG, "next": None})
        elif match := re.fullmatch(r"/staff/exports/([\w-]+)", path):
            reads = _next_poll(match.group(1))
            done = reads >= 3
            self._json(
                200,
                {
                    "id": match.group(1),
                    "kind": "offers",
                    "format": "csv",
                    "filters": {"bassin": None, "from": None, "to": None},
                    "status": "done" if done else ("running" if reads == 2 else "pending"),
                    "progress": 100 if done else (50 if reads == 2 else 0),
                    "rows": 421 if done else (200 if reads == 2 else 0),
                    "created_at": f"{TODAY.isoformat()}T09:00:00+00:00",
                    "finished_at": f"{TODAY.isoformat()}T09:00:03+00:00" if done else None,
                    "filename": "passerelle-offres.csv" if done else None,
                    "download_url": f"https://exports.example.org/passerelle-offres.csv?signature=lecture-{reads}"
                    if done
                    else None,
                    "expires_at": f"{TODAY.isoformat()}T09:15:03+00:00" if done else None,
                    "error": None,
                },
            )
        elif path == "/staff/matching-runs":
            self._json(200, RUNS)
        elif match := re.fullmatch(r"/staff/matching-runs/([\w-]+)", path):
            reads = min(_next_poll(match.group(1)), 3)
            self._json(
                200,
                {
                    **RUNS[0],
                    "id": match.group(1),
                    "trigger": "staff",
                    "status": "done" if reads == 3 else "running",
                    "progress": [0, 0, 52, 100][reads],
                    "bassins_done": [0, 0, 14, 27][reads],
                    "finished_at": RUNS[0]["finished_at"] if reads == 3 else None,
                },
            )
        else:
            return False
        return True

    def _post_employer_or_staff(self, path: str, body: dict) -> bool:
        if path == "/auth/session" and body.get("token") in (EMPLOYER_TOKEN, STAFF_TOKEN):
            role = "employer" if body["token"] == EMPLOYER_TOKEN else "staff"
            self._json(
                200,
                {"role": role, "id": f"{role}-1"},
                cookie=f"session={role}; HttpOnly; SameSite=Lax; Path=/",
            )
        elif path == "/employers":
            if "existe" in body.get("email", ""):
                self._json(
                    409,
                    {"error": {"code": "conflict", "message": "Un compte existe déjà avec cette adresse."}},
                )
            elif not self.headers.get("Idempotency-Key"):
                self._json(
                    400, {"error": {"code": "validation_error", "message": "Idempotency-Key manquant."}}
                )
            elif body.get("siret") == SIRET_REFUSED:
                fields = {"siret": "Numéro SIRET invalide.", "phone": "Numéro de téléphone invalide."}
                self._json(
                    422, {"error": {"code": "validation_error", "message": "À corriger.", "fields": fields}}
                )
            else:
                self._json(201, {"id": "emp-2"})
        elif path == "/offers":
            if self._deny("employer"):
                return True
            if not self.headers.get("Idempotency-Key"):
                self._json(
                    400, {"error": {"code": "validation_error", "message": "Idempotency-Key manquant."}}
                )
            elif "refus" in body.get("title", ""):
                fields = {
                    "start_date": "La date de début doit être comprise entre aujourd'hui et dans un an."
                }
                self._json(
                    422, {"error": {"code": "validation_error", "message": "À corriger.", "fields": fields}}
                )
            else:
                self._json(201, {"id": "own-3"})
        elif match := re.fullmatch(r"/offers/([\w-]+)/close", path):
            if not self._deny("employer"):
                own = next((o for o in OWN_OFFERS if o["id"] == match.group(1)), None)
                if own:
                    self._json(
                        200, {**own, "status": "closed", "closed_at": f"{TODAY.isoformat()}T12:00:00+00:00"}
                    )
                else:
                    self._json(404, {"error": {"code": "not_found", "message": "Offre introuvable."}})
        elif re.fullmatch(r"/offers/([\w-]+)/matches/([\w-]+)", path):
            if not self._deny("employer"):
                if body.get("status") in ("contacted", "interview", "hired", "not_retained"):
                    self._json(200, {**OFFER_MATCHES[0], "status": body["status"]})
                else:
                    self._json(422, {"error": {"code": "validation_error", "message": "Suite inconnue."}})
        elif path in ("/staff/exports", "/staff/matching-runs"):
            if self._deny("staff"):
                return True
            if not self.headers.get("Idempotency-Key"):
                self._json(
                    400, {"error": {"code": "validation_error", "message": "Idempotency-Key manquant."}}
                )
            else:
                prefix = "exp" if path.endswith("exports") else "run"
                with JOB_LOCK:
                    job_id = f"{prefix}-{len(JOB_POLLS) + 1}"
                    JOB_POLLS[job_id] = 0
                self._json(202, {"id": job_id})
        else:
            return False
        return True

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        q = _fold(parse_qs(url.query).get("q", [""])[0])
        path = url.path.removeprefix("/api")
        if self._get_employer_or_staff(path, parse_qs(url.query)):
            return
        if path == "/referentials/communes":
            found = [
                _commune(c)
                for c in COMMUNES
                if q in _fold(c["name"]) or any(p.startswith(q) for p in c["postal_codes"])
            ]
            self._json(200, found)
        elif path == "/referentials/metiers":
            self._json(200, [m for m in METIERS if q in _fold(m["label"] + " " + m.get("appellation", ""))])
        elif match := re.fullmatch(r"/referentials/metiers/([A-N]\d{4})/competences", path):
            base = 100000 + int(match.group(1)[1:]) % 7 * 100
            labels = ["Pétrir la pâte", "Façonner les pâtons", "Contrôler la fermentation", "Cuire au four"]
            self._json(
                200,
                [
                    {"code": str(base + i), "label": f"{labels[i % 4]} — variante {i}", "kind": KINDS[i % 3]}
                    for i in range(30)
                ],
            )
        elif path == "/referentials/bassins":
            self._json(200, [{"code": code, "label": label} for code, label in BASSINS.items()])
        elif path == "/offers":
            self._json(200, {"items": OFFERS, "next": None})
        elif path.startswith("/candidates/me") and not self._signed_in():
            self._json(401, {"error": {"code": "unauthorized", "message": "Connectez-vous pour continuer."}})
        elif path == "/candidates/me":
            self._json(200, PROFILE)
        elif path == "/candidates/me/matches":
            self._json(
                200,
                {
                    "items": [
                        {
                            "offer": OFFERS[1],
                            "score": 87,
                            "reasons": ["Même métier", "12 km", "3 compétences sur 4"],
                            "status": "proposed",
                        },
                        {
                            "offer": OFFERS[0],
                            "score": 54,
                            "reasons": ["Métier proche", "4 km"],
                            "status": "interested",
                        },
                    ],
                    "next": None,
                },
            )
        elif path == "/candidates/me/export":
            self._json(200, {"profile": PROFILE, "matches": []})
        else:
            self._json(404, {"error": {"code": "not_found", "message": "Introuvable."}})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.removeprefix("/api")
        body = self._body()
        if self._post_employer_or_staff(path, body):
            return
        if path == "/auth/magic-link":
            self._json(202, {})
        elif path == "/auth/session":
            if body.get("token") == "bon-jeton-0123456789abcdefghijklmnopqrstuv":
                self._json(
                    200,
                    {"role": "candidate", "id": "cand-1"},
                    cookie="session=ok; HttpOnly; SameSite=Lax; Path=/",
                )
            else:
                self._json(401, {"error": {"code": "unauthorized", "message": "Lien invalide."}})
        elif path == "/auth/logout":
            self._json(204, cookie="session=; Max-Age=0; Path=/")
        elif path == "/candidates":
            if "existe" in body.get("email", ""):
                self._json(
                    409,
                    {"error": {"code": "conflict", "message": "Un compte existe déjà avec cette adresse."}},
                )
            elif not self.headers.get("Idempotency-Key"):
                self._json(
                    400, {"error": {"code": "validation_error", "message": "Idempotency-Key manquant."}}
                )
            elif body.get("training", {}).get("end_date", "") > "2030-01-01":
                self._json(
                    422,
                    {
                        "error": {
                            "code": "validation_error",
                            "message": "Certaines informations sont à corriger.",
                            "fields": {
                                "training.end_date": "La date de fin doit être avant 2030.",
                                "phone": "Numéro de téléphone invalide.",
                            },
                        }
                    },
                )
            else:
                self._json(201, {"id": "cand-2"})
        elif path.startswith("/candidates/me/matches/"):
            self._json(200 if self._signed_in() else 401, {"status": "ok"})
        else:
            self._json(404, {"error": {"code": "not_found", "message": "Introuvable."}})

    def do_PATCH(self) -> None:
        body = self._body()
        path = urlsplit(self.path).path.removeprefix("/api")
        if match := re.fullmatch(r"/offers/([\w-]+)", path):
            own = next((o for o in OWN_OFFERS if o["id"] == match.group(1)), None)
            if self._deny("employer"):
                return
            if own is None:
                self._json(
                    403, {"error": {"code": "forbidden", "message": "Cette offre n'est pas la vôtre."}}
                )
            elif self.headers.get("If-Match") != str(own["version"]) or "conflit" in body.get("title", ""):
                self._json(409, {"error": {"code": "conflict", "message": "Version périmée."}})
            elif "start_date" in body and body["start_date"] < TODAY.isoformat():
                self._json(422, {"error": {"code": "validation_error", "message": "Date passée."}})
            else:
                self._json(200, {**own, **body, "version": own["version"] + 1})
            return
        if self.headers.get("If-Match") != str(PROFILE["version"]):
            self._json(409, {"error": {"code": "conflict", "message": "Version périmée."}})
        else:
            self._json(200, {**PROFILE, **body, "version": PROFILE["version"] + 1})

    def do_DELETE(self) -> None:
        self._json(204)


# --- checks ------------------------------------------------------------------------------------
class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checked = 0

    def fail(self, where: str, what: str) -> None:
        self.failures.append(f"{where}: {what}")
        print(f"  ÉCHEC {where}: {what}")


def watch(page, where: str, report: Report) -> None:
    def on_console(message) -> None:
        # The API answering 401/409/422 is part of the journeys; Chromium logs each as an error.
        expected = message.text.startswith("Failed to load resource") and "/api/" in message.location.get(
            "url", ""
        )
        if message.type in ("error", "warning") and not expected:
            report.fail(where, f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: report.fail(where, f"exception: {error}"))
    page.on(
        "dialog", lambda dialog: (report.fail(where, f"dialogue ouvert: {dialog.message}"), dialog.dismiss())
    )


def run_axe(page, where: str, report: Report) -> None:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        AXE_TAGS,
    )
    report.checked += 1
    for violation in result:
        report.fail(
            where,
            f"axe {violation['id']} ({violation['impact']}): {violation['help']} → {violation['nodes']}",
        )


def shot(page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)


def check_layout_consistency(report: Report) -> None:
    """Header and footer are copied in each page (no build step): they must not drift apart."""

    def parts(html: str) -> tuple[str, str]:
        header = re.search(r"<header.*?</header>", html, re.S).group(0)
        footer = re.search(r"<footer.*?</footer>", html, re.S).group(0)
        return header.replace(' aria-current="page"', ""), footer

    reference = parts((SITE / "index.html").read_text(encoding="utf-8"))
    for html_file in sorted(SITE.rglob("*.html")):
        if "vendor" in html_file.parts:
            continue
        text = html_file.read_text(encoding="utf-8")
        if parts(text) != reference:
            report.fail(
                str(html_file.relative_to(REPO_ROOT)), "en-tête ou pied de page différent de index.html"
            )
        if (
            re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
            or re.search(r"\sstyle=", text)
            or re.search(r"\son[a-z]+=", text)
        ):
            report.fail(
                str(html_file.relative_to(REPO_ROOT)), "script, style ou gestionnaire d’événement en ligne"
            )


def journeys(context, base: str, out: Path, width: int, report: Report) -> None:
    page = context.new_page()
    where = f"parcours@{width}"
    watch(page, where, report)

    # Expired link → message and e-mail form; then a link request.
    page.goto(f"{base}/connexion.html#token=jeton-perime-0123456789abcdefghijklmnop")
    page.get_by_text("Ce lien n’est plus valable").wait_for()
    if "#token" in page.url:
        report.fail(where, "le jeton reste dans l’adresse")
    page.fill("#email", "lea@example.org")
    page.click("button[type=submit]")
    page.get_by_text("Si un compte existe pour cette adresse").wait_for()
    run_axe(page, f"{where} connexion", report)
    shot(page, out, f"connexion-lien-demande-{width}")

    # Sign-up: empty form → summary with links; then API field errors; then success.
    page.goto(f"{base}/candidat/inscription.html")
    page.click("#submit")
    page.locator("#error-summary li").first.wait_for()
    if page.evaluate("document.activeElement.id") != "error-summary":
        report.fail(where, "le focus ne va pas au récapitulatif d’erreurs")
    run_axe(page, f"{where} inscription erreurs", report)
    shot(page, out, f"inscription-erreurs-{width}")

    page.fill("#first_name", "Léa")
    page.fill("#last_name", "Martin")
    page.fill("#email", "lea@example.org")
    page.fill("#phone", "abc")
    page.locator("#commune-input").press_sequentially("570", delay=20)
    page.locator("#commune-input__listbox li:not([aria-disabled])").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_text("Bassin d’emploi : Metz").wait_for()
    page.fill("#mobility_km", "30")
    page.fill("#training_title", "CAP Boulanger")
    page.fill("#training_end_date", "2031-06-30")
    picker = page.locator("#training-metiers-input")
    picker.press_sequentially("boul", delay=20)
    page.locator("#training-metiers-input__listbox li:not([aria-disabled])").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("#training-metiers-list li").first.wait_for()
    page.locator("#target-metiers-input").press_sequentially("choco", delay=20)
    page.locator("#target-metiers-input__listbox li:not([aria-disabled])").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("#target-metiers-list li").first.wait_for()
    page.locator("#competence-groups input[type=checkbox]").first.wait_for()
    page.locator("#competence-groups input[type=checkbox]").first.check()
    page.check("#contract-cdi")
    page.fill("#available_from", "2025-09-01")
    page.check("#consent_terms")
    page.click("#submit")
    page.locator("#training_end_date-error").get_by_text("avant 2030").wait_for()
    if page.get_attribute("#training_end_date", "aria-invalid") != "true":
        report.fail(where, "aria-invalid absent après erreur de l’API")
    run_axe(page, f"{where} inscription erreurs API", report)
    shot(page, out, f"inscription-erreurs-api-{width}")
    page.fill("#training_end_date", "2025-06-30")
    page.fill("#phone", "")
    page.click("#submit")
    page.get_by_text("Inscription enregistrée. Un lien de connexion").wait_for()
    run_axe(page, f"{where} inscription confirmée", report)
    shot(page, out, f"inscription-confirmee-{width}")

    # Valid link → candidate space, with hostile names shown as text.
    page.goto(f"{base}/connexion.html#token=bon-jeton-0123456789abcdefghijklmnopqrstuv")
    page.wait_for_url("**/candidat/espace.html")
    page.locator("#matches li").first.wait_for()
    if "<script>alert(1)</script>Léa" not in page.inner_text("#welcome"):
        report.fail(where, "le prénom n’est pas affiché tel quel (échappement)")
    run_axe(page, f"{where} espace", report)
    shot(page, out, f"espace-candidat-{width}")
    page.fill("#mobility_km", "40")
    page.click("#preferences-form button[type=submit]")
    page.get_by_text("Vos préférences sont enregistrées").wait_for()
    page.click("#delete-start")
    run_axe(page, f"{where} espace suppression", report)
    page.click("#delete-yes")
    page.get_by_text("Votre compte a été supprimé").wait_for()
    page.close()


def expect_text(page, selector: str, text: str, where: str, report: Report, what: str) -> None:
    if text not in page.inner_text(selector):
        report.fail(where, what)


def employer_journeys(context, base: str, out: Path, width: int, report: Report) -> None:
    page = context.new_page()
    where = f"parcours employeur@{width}"
    watch(page, where, report)

    # Sign-up: empty form; a SIRET with a wrong key (browser); one the API refuses; success.
    page.goto(f"{base}/employeur/inscription.html")
    page.click("#submit")
    page.locator("#error-summary li").first.wait_for()
    if page.evaluate("document.activeElement.id") != "error-summary":
        report.fail(where, "le focus ne va pas au récapitulatif d’erreurs")
    run_axe(page, f"{where} inscription erreurs", report)
    shot(page, out, f"employeur-inscription-erreurs-{width}")
    page.fill("#siret", "732 829 320 00075")
    page.fill("#company_name", "Boulangerie Martin")
    page.fill("#contact_name", "Paul Durand")
    page.fill("#email", "paul@example.org")
    page.fill("#phone", "abc")
    page.locator("#commune-input").press_sequentially("metz", delay=20)
    page.locator("#commune-input__listbox li:not([aria-disabled])").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_text("Bassin d’emploi : Metz").wait_for()
    page.click("#submit")
    page.locator("#siret-error").get_by_text("clé", exact=False).or_(
        page.locator("#siret-error").get_by_text("vérifiez")
    ).first.wait_for()
    page.fill("#siret", SIRET_REFUSED)
    page.click("#submit")
    page.locator("#phone-error").get_by_text("Numéro de téléphone invalide").wait_for()
    if page.get_attribute("#siret", "aria-invalid") != "true":
        report.fail(where, "aria-invalid absent sur le SIRET refusé par l’API")
    run_axe(page, f"{where} inscription erreurs API", report)
    page.fill("#siret", "443 061 841 00005")
    page.fill("#phone", "")
    page.click("#submit")
    page.get_by_text(
        "Inscription enregistrée. Un lien de connexion vient de vous être envoyé par e-mail."
    ).wait_for()
    run_axe(page, f"{where} inscription confirmée", report)
    shot(page, out, f"employeur-inscription-confirmee-{width}")

    # Sign-in link → employer space; hostile company name and offer title stay text.
    page.goto(f"{base}/connexion.html#token={EMPLOYER_TOKEN}")
    page.wait_for_url("**/employeur/espace.html")
    page.locator("#offers > li").nth(1).wait_for()
    expect_text(page, "#welcome", HOSTILE, where, report, "nom d’entreprise non affiché tel quel")
    expect_text(page, "#offers", f"Boulanger {HOSTILE}", where, report, "titre d’offre non affiché tel quel")
    expect_text(page, "#answer-rate", "50\u00a0%", where, report, "taux de réponse absent")
    first = page.locator("#offers > li").first
    first.get_by_role("button", name=re.compile("^Voir les candidats")).click()
    first.locator(".candidates-list > li").nth(1).wait_for()
    expect_text(page, "#offers", "<script>alert(1)</script>Léa", where, report, "prénom non affiché tel quel")
    if first.locator("a[href^='mailto:']").count() != 1:
        report.fail(where, "coordonnées : une seule adresse attendue (le candidat intéressé)")
    run_axe(page, f"{where} espace candidats", report)
    shot(page, out, f"employeur-espace-connecte-{width}")
    card = first.locator(".candidates-list > li").first
    card.locator("select").select_option("interview")
    card.get_by_role("button", name=re.compile("^Enregistrer")).click()
    card.get_by_text("Suite enregistrée : Entretien.").wait_for()
    if card.locator("button[type=submit] .visually-hidden").count() != 1:
        report.fail(where, "le complément du nom du bouton n’est plus masqué visuellement")
    first.get_by_role("button", name=re.compile("^Clôturer")).click()
    run_axe(page, f"{where} espace clôture", report)
    first.get_by_role("button", name="Oui, clôturer l’offre").click()
    page.get_by_text("est clôturée.").wait_for()
    if page.evaluate("document.activeElement.tagName") != "H3":
        report.fail(where, "après la clôture, le focus ne va pas au titre de l’offre")

    # New offer: empty form, an API error, then success back to the space.
    page.goto(f"{base}/employeur/offre.html")
    page.locator("#offer-form").wait_for()
    if page.input_value("#code_insee") != "57463":
        report.fail(where, "la commune de l’établissement n’est pas proposée")
    page.fill("#positions", "")
    page.click("#submit")
    page.locator("#error-summary li").first.wait_for()
    run_axe(page, f"{where} offre erreurs", report)
    shot(page, out, f"employeur-offre-erreurs-{width}")
    page.fill("#title", "Vendeur refus")
    page.locator("#metier-input").press_sequentially("boul", delay=20)
    page.locator("#metier-input__listbox li:not([aria-disabled])").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.get_by_text("Métier choisi : Boulanger").wait_for()
    page.locator("#competence-groups input[type=checkbox]").first.check()
    page.fill("#description", "Vente en boutique et mise en place.")
    page.check("#contract-cdd")
    page.fill("#positions", "2")
    page.fill("#start_date", (TODAY + timedelta(days=10)).isoformat())
    page.click("#submit")
    page.locator("#start_date-error").get_by_text("entre aujourd").wait_for()
    run_axe(page, f"{where} offre erreurs API", report)
    page.fill("#title", "Vendeur en boulangerie")
    page.click("#submit")
    page.wait_for_url("**/employeur/espace.html")
    page.get_by_text("Votre offre est publiée.").wait_for()
    if "offre=" in page.url:
        report.fail(where, "le message de confirmation reste dans l’adresse")

    # Edit: prefilled, a stale version (409), then saved with only what changed.
    page.goto(f"{base}/employeur/offre.html?id=own-1")
    page.get_by_text("Métier actuel : Boulanger").wait_for()
    if page.input_value("#title") != OWN_OFFERS[0]["title"]:
        report.fail(where, "modification : le titre n’est pas prérempli")
    if not page.is_checked("#competence-100300"):
        report.fail(where, "modification : la compétence de l’offre n’est pas cochée")
    run_axe(page, f"{where} offre modification", report)
    shot(page, out, f"employeur-offre-modification-{width}")
    page.fill("#title", "Boulanger conflit")
    page.click("#submit")
    page.get_by_text("Cette offre a été modifiée entre-temps, rechargez la page.").wait_for()
    page.fill("#title", "Boulanger de nuit")
    page.click("#submit")
    page.wait_for_url("**/employeur/espace.html")
    page.get_by_text("Les modifications de votre offre sont enregistrées.").wait_for()
    page.goto(f"{base}/employeur/offre.html?id=off-1")
    page.get_by_text("Cette offre appartient à un autre employeur").wait_for()

    # Account deletion, with its confirmation step.
    page.goto(f"{base}/employeur/espace.html")
    page.locator("#offers > li").first.wait_for()
    page.click("#delete-start")
    page.click("#delete-yes")
    page.get_by_text("Votre compte a été supprimé").wait_for()
    page.close()


def staff_journeys(context, base: str, out: Path, width: int, report: Report) -> None:
    page = context.new_page()
    where = f"parcours agent@{width}"
    watch(page, where, report)

    # An employer session on a staff page → "reserved" message.
    page.goto(f"{base}/connexion.html#token={EMPLOYER_TOKEN}")
    page.wait_for_url("**/employeur/espace.html")
    page.goto(f"{base}/agent/exports.html")
    page.locator("#forbidden").wait_for()
    run_axe(page, f"{where} accès refusé", report)

    page.goto(f"{base}/connexion.html#token={STAFF_TOKEN}")
    page.wait_for_url("**/agent/index.html")
    page.locator("#stats-rows tr").nth(3).wait_for()
    expect_text(page, "#stats-total", "35\u00a0%", where, report, "part en emploi de la région absente")
    expect_text(
        page, "#stats-rows", "—", where, report, "une part sans personne concernée doit s’afficher « — »"
    )
    width_set = page.evaluate("document.querySelector('#chart .bar-fill').style.width")
    if not width_set or width_set == "0%":
        report.fail(where, "graphique : barre sans largeur")
    run_axe(page, f"{where} chiffres", report)
    shot(page, out, f"agent-chiffres-{width}")
    page.select_option("#chart-metric", "hires")
    page.get_by_text("Embauches par bassin d’emploi").wait_for()
    page.select_option("#bassin", "4410")
    page.fill("#from", "2025-06-01")
    page.fill("#to", "2025-01-31")
    page.click("#submit")
    page.locator("#to-error").get_by_text("La date de fin doit suivre").wait_for()
    page.fill("#to", "2025-08-31")
    page.click("#submit")
    page.get_by_text("Chiffres affichés : bassin de Metz").wait_for()
    if page.locator("#stats-rows tr").count() != 1:
        report.fail(where, "le filtre par bassin n’est pas appliqué")

    # Export: progress, then a download link, then a fresh link on demand.
    page.goto(f"{base}/agent/exports.html")
    page.locator("#log-rows tr").first.wait_for()
    page.check("#kind-offers")
    page.click("#submit")
    page.get_by_text("Export terminé").wait_for(timeout=10000)
    link = page.get_by_role("link", name=re.compile("^Télécharger l’export"))
    if "lecture-3" not in (link.get_attribute("href") or ""):
        report.fail(where, "export : lien de téléchargement inattendu")
    if page.evaluate("document.getElementById('job-progress').value") != 100:
        report.fail(where, "export : la barre de progression n’est pas à 100")
    run_axe(page, f"{where} exports", report)
    shot(page, out, f"agent-exports-suivi-{width}")
    page.get_by_role("button", name="Recharger l’état de l’export").click()
    page.locator("a[href*='lecture-4']").wait_for()

    # Matching run.
    page.goto(f"{base}/agent/appariements.html")
    page.locator("#history-rows tr").first.wait_for()
    page.click("#start")
    page.get_by_text("Appariement terminé").wait_for(timeout=10000)
    run_axe(page, f"{where} appariements", report)
    shot(page, out, f"agent-appariements-suivi-{width}")
    page.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Vérifie les pages du site dans Chromium (CSP, axe, captures)."
    )
    parser.add_argument("--out", default=str(REPO_ROOT / "build" / "site-check"), help="dossier des captures")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="navigateur Chromium à utiliser")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    if not AXE.is_file() or not (SITE / "vendor").is_dir():
        print("check_site : lancez d’abord `npm ci && python scripts/build_site.py`.", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report = Report()
    check_layout_consistency(report)

    api = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    site = dev_server.make_server(0, f"http://127.0.0.1:{api.server_address[1]}", SITE)
    threads = [threading.Thread(target=server.serve_forever, daemon=True) for server in (api, site)]
    for thread in threads:
        thread.start()
    base = f"http://127.0.0.1:{site.server_address[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium, args=[*CHROMIUM_ARGS, "--lang=fr-FR"]
            )
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
                for path in PAGES:
                    name = (
                        path.strip("/").removesuffix(".html").replace("/", "-") or "accueil"
                    ) + f"-{width}"
                    print(f"{path} @ {width} px")
                    page = context.new_page()
                    watch(page, f"{path}@{width}", report)
                    page.goto(base + path, wait_until="networkidle")
                    run_axe(page, f"{path}@{width}", report)
                    shot(page, out, name)
                    page.close()
                print(f"parcours @ {width} px")
                journeys(context, base, out, width, report)
                print(f"parcours employeur @ {width} px")
                employer_journeys(context, base, out, width, report)
                print(f"parcours agent @ {width} px")
                staff_journeys(context, base, out, width, report)
                context.close()
            browser.close()
    finally:
        for server in (site, api):
            server.shutdown()
            server.server_close()

    print(f"\n{report.checked} analyses axe, {len(report.failures)} problème(s). Captures : {out}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
