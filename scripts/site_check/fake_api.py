"""A small fake of the API (scripts/check_site.py): answers every call the pages make from the
canned data of fake_data.py, with sessions per role and the refusals the journeys provoke."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from scripts.site_check.fake_data import (
    BASSINS,
    CANDIDATE_MATCHES,
    COMMUNES,
    EMPLOYER,
    EMPLOYER_TOKEN,
    EXPORT_LOG,
    FOLLOWUP,
    FOLLOWUP_TOKEN,
    INVITATION,
    INVITATION_TOKEN,
    KINDS,
    METIERS,
    OFFER_MATCHES,
    OFFERS,
    OWN_OFFERS,
    PROFILE,
    RESPONSIVENESS,
    RUNS,
    SESSIONS,
    SIRET_REFUSED,
    STAFF_TOKEN,
    STATS,
    TODAY,
    _figures,
    trend,
)

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

    def _refuse_sign_up(self, body: dict) -> bool:
        """What both sign-ups refuse first: no Idempotency-Key (400). A taken address is not refused:
        the API answers as for a new one (docs/decisions.md)."""
        if not self.headers.get("Idempotency-Key"):
            self._json(400, {"error": {"code": "validation_error", "message": "Idempotency-Key manquant."}})
        else:
            return False
        return True

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
                    400,
                    {"error": {"code": "validation_error", "message": message, "fields": {"to": message}}},
                )
                return True
            bassin = query.get("bassin", [""])[0]
            by = query.get("by", ["bassin"])[0]
            region = _figures(
                "region-44", "Grand Est", 10
            )  # the default région's (chalicelib/regions/44.json)
            rows = (
                STATS
                if by == "bassin"
                else [_figures("57", "Moselle", 3), _figures("54", "Meurthe-et-Moselle", 2)]
            )
            self._json(
                200,
                {
                    "period": {"from": start[:8] + "01" if start else None, "to": end or None},
                    "by": by,
                    "bassins": [b for b in STATS if not bassin or b["code"] == bassin],
                    "rows": [{k: v for k, v in row.items() if k != "refreshed_at"} for row in rows],
                    "region": region,
                    "trend": trend(),
                },
            )
        elif path == "/staff/employers":
            days = int(query.get("unanswered_days", ["30"])[0] or 0)
            self._json(200, [r for r in RESPONSIVENESS if r["paused_at"] or r["unanswered_days"] >= days])
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
            if self._refuse_sign_up(body):
                return True
            if body.get("siret") == SIRET_REFUSED:
                fields = {"siret": "Numéro SIRET invalide.", "phone": "Numéro de téléphone invalide."}
                self._json(
                    400, {"error": {"code": "validation_error", "message": "À corriger.", "fields": fields}}
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
                    400, {"error": {"code": "validation_error", "message": "À corriger.", "fields": fields}}
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
                    self._json(400, {"error": {"code": "validation_error", "message": "Suite inconnue."}})
        elif path == f"/followup/{FOLLOWUP_TOKEN}":
            situation = body.get("situation")
            answer = {"situation": situation, "answered_at": f"{TODAY.isoformat()}T10:00:00+00:00"}
            if body.get("found_via_passerelle") is not None:
                answer["found_via_passerelle"] = body["found_via_passerelle"]
            self._json(200, {**FOLLOWUP, "answer": answer})
        elif match := re.fullmatch(r"/staff/employers/([\w-]+)/resume", path):
            if not self._deny("staff"):
                row = next((r for r in RESPONSIVENESS if r["employer_id"] == match.group(1)), None)
                if row:
                    self._json(200, {**row, "paused_at": None})
                else:
                    self._json(404, {"error": {"code": "not_found", "message": "Employeur introuvable."}})
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
        elif path.startswith(("/structures/me", "/trainings")):
            self._deny("trainer")  # the fake has no structure account: signed out (401) or refused (403)
        elif path == f"/invitations/{INVITATION_TOKEN}":
            self._json(200, INVITATION)
        elif path == f"/followup/{FOLLOWUP_TOKEN}":
            self._json(200, FOLLOWUP)
        elif path.startswith(("/invitations/", "/followup/")):
            self._json(404, {"error": {"code": "not_found", "message": "Ce lien est inconnu ou a expiré."}})
        elif path == "/referentials/bassins":
            self._json(200, [{"code": code, "label": label} for code, label in BASSINS.items()])
        elif path == "/auth/state":  # the header of every page
            role = self._role()
            self._json(200, {"signed_in": role is not None, "role": role})
        elif path == "/offers":
            self._json(200, {"items": OFFERS, "next": None})
        elif path.startswith("/candidates/me") and not self._signed_in():
            self._json(401, {"error": {"code": "unauthorized", "message": "Connectez-vous pour continuer."}})
        elif path == "/candidates/me":
            self._json(200, PROFILE)
        elif path == "/candidates/me/matches":
            self._json(200, CANDIDATE_MATCHES)
        elif path.startswith("/candidates/me/matches/"):
            found = [m for m in CANDIDATE_MATCHES if m["offer"]["id"] == path.rsplit("/", 1)[1]]
            if found:
                self._json(200, found[0])
            else:
                self._json(
                    404,
                    {
                        "error": {
                            "code": "not_found",
                            "message": "Cette offre ne fait pas partie de vos correspondances.",
                        }
                    },
                )
        elif path == "/candidates/me/export":
            retention = "Vos données sont conservées tant que vous utilisez Passerelle."
            self._json(
                200,
                {"exported_at": TODAY.isoformat(), "profile": PROFILE, "matches": [], "retention": retention},
            )
        else:
            self._json(404, {"error": {"code": "not_found", "message": "Introuvable."}})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.removeprefix("/api")
        body = self._body()
        if self._post_employer_or_staff(path, body):
            return
        if path == "/auth/magic-link":
            self._json(202, {"status": "accepted", "message": "Si un compte existe, un lien est envoyé."})
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
            if self._refuse_sign_up(body):
                return
            if body.get("training", {}).get("end_date", "") > "2030-01-01":
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
            if not self._signed_in():
                self._json(
                    401, {"error": {"code": "unauthorized", "message": "Connectez-vous pour continuer."}}
                )
            else:
                interest = "interested" if body.get("interested") else "not_interested"
                self._json(200, {**CANDIDATE_MATCHES[0], "interest": interest})
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
                self._json(400, {"error": {"code": "validation_error", "message": "Date passée."}})
            else:
                self._json(200, {**own, **body, "version": own["version"] + 1})
            return
        if self.headers.get("If-Match") != str(PROFILE["version"]):
            self._json(409, {"error": {"code": "conflict", "message": "Version périmée."}})
        else:
            self._json(200, {**PROFILE, **body, "version": PROFILE["version"] + 1})

    def do_DELETE(self) -> None:
        self._json(204)
