"""Look at every page of the site in headless Chromium, the way a person would, and check it.

    python scripts/check_site.py [--out build/site-check] [--chromium /usr/bin/chromium]

Serves site/ through scripts/dev_server.py (so with the production CSP), with a small fake API
that answers the calls the pages make (canned French data, including names that contain HTML
to prove it is never interpreted). For each page, at 375 px and 1280 px wide:
- no console error, no uncaught exception, no CSP violation, no dialog opened by injected markup;
- axe-core (node_modules/axe-core), WCAG 2.0/2.1 A and AA rules: no violation;
- a full-page screenshot in --out, to look at.
Then a few journeys (sign-in link, sign-up errors and success, candidate space) are played and
checked the same way. Header and footer markup must be identical on every page.
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
    "/agent/index.html",
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

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        q = _fold(parse_qs(url.query).get("q", [""])[0])
        path = url.path.removeprefix("/api")
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
