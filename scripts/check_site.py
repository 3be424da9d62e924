"""Look at every page of the site in headless Chromium, the way a person would, and check it.

    python scripts/check_site.py [--out build/site-check] [--chromium /usr/bin/chromium]

Builds the site (scripts/build_site.py) and serves build/site through scripts/dev_server.py (so
with the production CSP), with a fake API that answers the calls the pages make (scripts/site_check/:
fake_data.py, fake_api.py). For each page, at 375 px and 1280 px wide, the checks of checks.py (no
console error, exception, CSP violation or dialog; no axe-core violation) and a screenshot in --out.
Then the journeys of journeys.py are played and checked the same way. Last, every field the pages
read from the answers must exist in the OpenAPI schemas (contract.py), as in the e2e tests.
Exit code 1 if anything fails. Needs `npm ci` first.
"""

from __future__ import annotations

import argparse
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script: `scripts` must be importable
    sys.path.insert(0, str(REPO_ROOT))

from scripts import build_site, dev_server  # noqa: E402
from scripts.site_check.checks import AXE, Report, run_axe, shot, watch  # noqa: E402
from scripts.site_check.contract import unknown_reads  # noqa: E402
from scripts.site_check.fake_api import FakeApi  # noqa: E402
from scripts.site_check.fake_data import FOLLOWUP_TOKEN, INVITATION_TOKEN  # noqa: E402
from scripts.site_check.journeys import employer_journeys, journeys, staff_journeys  # noqa: E402

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
    "/offre.html?id=off-1",
    "/employeur/inscription.html",
    "/employeur/espace.html",
    "/employeur/offre.html",
    "/agent/index.html",
    "/agent/exports.html",
    "/agent/appariements.html",
    "/agent/suivi.html",
    "/agent/structures.html",
    "/agent/employeurs.html",
    "/organisme/demande.html",
    "/organisme/index.html",
    "/organisme/formation.html?id=trn-1",
    f"/invitation.html#token={INVITATION_TOKEN}",
    f"/suivi.html#token={FOLLOWUP_TOKEN}",
    "/candidat/partage.html",
    "/mentions-legales.html",
    "/donnees-personnelles.html",
    "/accessibilite.html",
    "/404.html",
]


def _openapi_document() -> dict:
    import app  # noqa: F401 - registers every route
    from chalicelib.api.openapi import build_openapi

    return build_openapi()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Vérifie les pages du site dans Chromium (CSP, axe, captures)."
    )
    parser.add_argument("--out", default=str(REPO_ROOT / "build" / "site-check"), help="dossier des captures")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="navigateur Chromium à utiliser")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    if not AXE.is_file():
        print("check_site : lancez d’abord `npm ci`.", file=sys.stderr)
        return 1
    build_site.build()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    report = Report()
    reads: set[str] = set()

    api = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    site = dev_server.make_server(0, f"http://127.0.0.1:{api.server_address[1]}", build_site.OUTPUT_DIR)
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
                context = browser.new_context(
                    viewport={"width": width, "height": 900}, locale="fr-FR", timezone_id="Europe/Paris"
                )
                context.expose_function("__recordApiRead", lambda read: reads.add(read))
                for path in PAGES:
                    page_path = path.split("#", 1)[0].split("?", 1)[0]
                    name = (
                        page_path.strip("/").removesuffix(".html").replace("/", "-") or "accueil"
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
    for read in unknown_reads(_openapi_document(), reads):
        report.fail("contrat", f"champ lu absent des schémas OpenAPI : {read}")

    print(
        f"\n{report.checked} analyses axe, {len(reads)} champs lus, {len(report.failures)} problème(s). Captures : {out}"
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
