"""pa11y (HTML_CodeSniffer, WCAG2AA) on every page of the site, signed out and in each space,
with the states people reach (offer page with its choice, profile and company editors open):
0 errors. Runs scripts/pa11y_pages.mjs (pa11y from npm, Debian's chromium)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from scripts.demo_structures import DEMO_ADVISOR
from tests.e2e.conftest import CHROMIUM
from tests.e2e.people import api_session, employer_with_offer, sign_up_candidate, wait_matched

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
STAFF = "agent@example.org"


def public_pages() -> list[str]:
    pages = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html") if "vendor" not in p.parts)
    assert "offre.html" in pages and "candidat/espace.html" in pages
    return pages


def cookies(session) -> list[dict]:
    return [{"name": c.name, "value": c.value} for c in session.cookies]


def test_every_page_and_state_has_no_pa11y_error(stack, tmp_path):
    employer = employer_with_offer(stack)
    candidate = sign_up_candidate(stack)
    candidate_session = api_session(stack, candidate.email)
    wait_matched(candidate_session, stack, employer.offer_id)
    staff = api_session(stack, STAFF)
    offer = f"{stack.site_url}/offre.html?id={employer.offer_id}"
    space = ["wait for element #space to be visible"]
    pages = [{"name": f"/{path} (visiteur)", "url": f"{stack.site_url}/{path}"} for path in public_pages()]
    pages += [
        {
            "name": "offre (visiteur)",
            "url": offer,
            "actions": ["wait for element #not-matched to be visible"],
        },
        {
            "name": "offre inconnue",
            "url": f"{stack.site_url}/offre.html?id=inconnue-0000",
            "actions": ["wait for element #loading to be hidden"],
        },
        {
            "name": "offre (candidat)",
            "url": offer,
            "cookies": cookies(candidate_session),
            "actions": ["wait for element #my-match to be visible"],
        },
        {
            "name": "espace candidat",
            "url": f"{stack.site_url}/candidat/espace.html",
            "cookies": cookies(candidate_session),
            "actions": space,
        },
        {
            "name": "espace candidat, profil en modification",
            "url": f"{stack.site_url}/candidat/espace.html",
            "cookies": cookies(candidate_session),
            "actions": [
                *space,
                "click element #profile-edit",
                "wait for element #profile-editor to be visible",
                "wait for element #competence-groups input to be added",
            ],
        },
        {
            "name": "espace employeur",
            "url": f"{stack.site_url}/employeur/espace.html",
            "cookies": cookies(employer.session),
            "actions": space,
        },
        {
            "name": "espace employeur, entreprise en modification",
            "url": f"{stack.site_url}/employeur/espace.html",
            "cookies": cookies(employer.session),
            "actions": [
                *space,
                "click element #company-edit",
                "wait for element #company-editor to be visible",
            ],
        },
        {
            "name": "offre de l'employeur",
            "url": f"{stack.site_url}/employeur/offre.html?id={employer.offer_id}",
            "cookies": cookies(employer.session),
            "actions": ["wait for element #loading to be hidden"],
        },
    ]
    for path in ("agent/index.html", "agent/exports.html", "agent/appariements.html"):
        pages.append(
            {
                "name": f"/{path} (agent)",
                "url": f"{stack.site_url}/{path}",
                "cookies": cookies(staff),
                "actions": space,
            }
        )
    advisor = api_session(stack, DEMO_ADVISOR)  # the demo mission locale's caseload and its form
    pages.append(
        {
            "name": "/organisme/accompagnement.html (conseiller)",
            "url": f"{stack.site_url}/organisme/accompagnement.html",
            "cookies": cookies(advisor),
            "actions": [*space, "wait for element #caseload tbody tr to be added"],
        }
    )
    config = tmp_path / "pa11y.json"
    config.write_text(json.dumps({"chromium": CHROMIUM, "pages": pages}), encoding="utf-8")
    done = subprocess.run(
        ["node", str(ROOT / "scripts" / "pa11y_pages.mjs"), str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(results) == len(pages), done.stderr[-3000:]
    errors = {r["name"]: r["errors"] for r in results if r["errors"]}
    print(f"pa11y WCAG2AA: {len(results)} pages or states, {sum(map(len, errors.values()))} errors")
    assert errors == {}, json.dumps(errors, ensure_ascii=False, indent=1)[:5000]
    assert done.returncode == 0
