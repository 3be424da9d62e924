"""Property-based fuzzing of the whole API against its own OpenAPI document (schemathesis 4).

One local stack (`scripts/local_stack.py`: moto + `chalice local` + dev server, demo data) for the
module; every operation of `/api/openapi.json` is fuzzed through the dev server, as the site calls
it, once anonymously and once with a session of each role (the demo accounts, signed in through
the e-mailed link). Checks on every answer: never a 5xx (`not_a_server_error`), and documented:
status code, content type, headers and body schema (`*_conformance`).

Seeded and bounded: schemathesis' examples, coverage and fuzzing phases (positive and negative
data, 25 fuzzed cases per operation), derandomized, no shrinking, no example database: the same
cases on every run, about 3,000 requests, 2 minutes on the 2-core machine. Each role gets the
whole budget where its own rights are at stake (public operations anonymously, the others with a
session they admit); elsewhere 8 cases show the refusal (401/403) or that a session changes
nothing. Dictionaries of real values (communes, ROME codes and OGR competences, demo ids, dates)
and one valid example body per creating or updating operation let cases get past the
reference-data rules, to the 201/200/409/422 answers; the operations that end the session run
last (erasure, then logout).

The schema is loaded with `from_dict` at collection, from the routes themselves, and the first
test proves it is the document the stack serves: schemathesis' lazy loader
(`schemathesis.pytest.from_fixture`, the way to load from a URL known only once a fixture has
run) reads `Node._nodeid`, which pytest 9.2 no longer has.

    .venv/bin/pytest tests/fuzz -q
    PASSERELLE_FUZZ_REPORT=/tmp/answers.json .venv/bin/pytest tests/fuzz -q   # statuses reached
"""

from __future__ import annotations

import copy
import json
import os
import urllib.request
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from chalicelib.api.routing import ROUTES, Access
from chalicelib.domain.calendar import paris_today
from scripts.dev_server import SiteHandler
from tests.fuzz.conftest import COOKIE, FuzzTarget

SEED = 2026
MAX_EXAMPLES = 25
# The methods the dev server (the CloudFront stand-in) implements; to any other one (TRACE, QUERY…,
# which schemathesis' coverage phase sends to every path) it answers 501 before the API is reached,
# as RFC 9110 §15.6.2 asks for a method a server does not recognise.
FRONT_METHODS = frozenset(name[3:] for name in dir(SiteHandler) if name.startswith("do_"))


def not_a_server_error_but_unknown_methods(ctx, response, case):
    """`not_a_server_error`, where the dev server's 501 to a method it does not know is expected."""
    if case.method.upper() not in FRONT_METHODS and response.status_code == 501:
        return True
    return not_a_server_error(ctx, response, case)


CHECKS = [
    not_a_server_error_but_unknown_methods,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
ROLES = ["anonymous", "candidate", "employer", "staff", "trainer", "advisor"]
# Operations that end the session they are called with: fuzzed last, erasure before logout.
ERASURE = r"^DELETE /api/(candidates|employers)/me$"
LOGOUT = r"^POST /api/auth/logout$"


def _dictionaries() -> dict[str, list[str]]:
    """Real values the generated cases draw from, so that some get past the reference-data rules
    (a real Grand Est commune, ROME code, OGR competence of that fiche, demo ids) and reach the
    creating and updating paths (201, 409, ETag…) instead of stopping at a 400."""
    from chalicelib.domain.referentials import get_referentials

    refs = get_referentials()
    today = paris_today()
    shared = set(refs.metiers["G1609"].competences) & set(refs.metiers["G1602"].competences)
    return {
        "communes": ["57463", "54395", "67482", "51454", "57672"],
        "bassins": [refs.commune(code).bassin_code for code in ("57463", "54395")],
        "metiers": ["G1609", "G1602"],
        "competences": sorted(shared)[:6],
        "dates": [(today + timedelta(days=d)).isoformat() for d in (-30, 0, 14, 60)],
        "emails": ["fuzz-1@example.net", "fuzz-2@example.net", "candidat.demo@example.org"],
        "sirets": ["73282932000074"],
        "offers": ["demo-offer-0-0", "demo-offer-0-1", "demo-offer-1-0"],
        "candidates": ["demo-cand-00", "demo-cand-12", "demo-cand-01"],
        "trainings": ["demo-training-1", "demo-training-3"],
        "versions": ["1", '"1"', "2"],
        "names": ["Camille", "Dupont-Lefèvre", "N'Diaye", "Brasserie du Graoully"],
        "titles": ["CAP Cuisine", "Commis de cuisine H/F", "AFPA Metz"],
        "descriptions": ["Brasserie de centre-ville, service du midi et du soir, équipe de six personnes."],
        "phones": ["06 12 34 56 78", "+33387000000"],
    }


BINDINGS = {
    "body.email": "emails",
    "body.first_name": "names",
    "body.last_name": "names",
    "body.contact_name": "names",
    "body.company_name": "names",
    "body.title": "titles",
    "body.training.title": "titles",
    "body.training.organisation": "titles",
    "body.description": "descriptions",
    "body.phone": "phones",
    "body.siret": "sirets",
    "body.code_insee": "communes",
    "body.code_rome": "metiers",
    "body.target_code_rome[*]": "metiers",
    "body.training.code_rome[*]": "metiers",
    "body.competences[*]": "competences",
    "body.available_from": "dates",
    "body.start_date": "dates",
    "body.expires_at": "dates",
    "body.training.end_date": "dates",
    "body.bassin": "bassins",
    "path.offer_id": "offers",
    "path.candidate_id": "candidates",
    "path.training_id": "trainings",
    "path.code_rome": "metiers",
    "query.code_rome": "metiers",
    "query.commune": "communes",
    "query.bassin": "bassins",
    "header.If-Match": "versions",
}
CONFIG = {
    "seed": SEED,
    "generation": {
        "max-examples": MAX_EXAMPLES,
        "deterministic": True,
        "database": "none",
        "no-shrink": True,  # bounded time; the failing case is reported as generated
        "with-security-parameters": False,  # the session cookie is the real one, or none
    },
    "dictionaries": {name: {"values": values} for name, values in _dictionaries().items()},
    "parameters": {key: {"dictionary": name, "probability": 0.9} for key, name in BINDINGS.items()},
}


def _served_document() -> dict:
    """The document `GET /api/openapi.json` serves, built in-process from the same declared routes.

    The schema has to be known when pytest collects (one test per operation, role and check
    failure), before the stack is up; `test_the_fuzzed_document_is_the_served_one` then proves
    it is the document the running stack serves.
    """
    import app  # noqa: F401  (registers every route)
    from chalicelib.api.openapi import build_openapi

    return json.loads(json.dumps(build_openapi()))


def _with_examples(document: dict) -> dict:
    """The served document plus one valid body for each creating or updating operation (the
    builders of the integration tests): schemathesis' examples phase sends them first, so the
    success answers (201, 200 with an ETag, then 409 for a duplicate or a stale version) are
    checked against their schema on every run, not only when a generated body happens to pass
    every reference-data rule."""
    from tests.factories import candidate_payload, employer_payload, offer_payload

    fuzzed = copy.deepcopy(document)
    bodies = {
        ("/api/candidates", "post"): candidate_payload(email="fuzz-exemple@example.net"),
        ("/api/employers", "post"): employer_payload(email="fuzz-exemple@example.net"),
        ("/api/offers", "post"): offer_payload(),
        ("/api/candidates/me", "patch"): {"mobility_km": 40},
        ("/api/employers/me", "patch"): {"contact_name": "Dominique Martin"},
        ("/api/offers/{offer_id}", "patch"): {"positions": 3},
    }
    for (path, method), body in bodies.items():
        operation = fuzzed["paths"][path][method]
        operation["requestBody"]["content"]["application/json"]["example"] = body
        for parameter in operation["parameters"]:
            if parameter["name"] == "If-Match":
                parameter["example"] = "1"
            elif parameter["name"] == "offer_id":
                parameter["example"] = "demo-offer-0-0"
    return fuzzed


DOCUMENT = _served_document()
schema = schemathesis.openapi.from_dict(
    _with_examples(DOCUMENT), config=schemathesis.Config.from_dict(CONFIG)
)
HYPOTHESIS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_the_fuzzed_document_is_the_served_one(fuzz_target):
    with urllib.request.urlopen(f"{fuzz_target.site_url}/api/openapi.json", timeout=30) as response:
        assert response.status == 200
        assert json.load(response) == DOCUMENT


# (role, operation, status) → number of answers; written to $PASSERELLE_FUZZ_REPORT when set, to
# see how deep the generated cases went (a run that only ever gets 400s proves little).
ANSWERS: Counter[tuple[str, str, int]] = Counter()


@pytest.fixture(scope="module", autouse=True)
def answers_report() -> Iterator[None]:
    yield
    path = os.environ.get("PASSERELLE_FUZZ_REPORT")
    if path:
        rows = [
            {"role": r, "operation": o, "status": s, "count": n} for (r, o, s), n in sorted(ANSWERS.items())
        ]
        Path(path).write_text(json.dumps(rows, indent=1), encoding="utf-8")


def _full_budget(access: Access, role: str) -> bool:
    """Whether this role gets the whole budget on an operation: public ones anonymously, the
    others with a session they admit (any signed-in user, or the role the operation is for)."""
    if access is Access.PUBLIC or role == "anonymous":
        return access is Access.PUBLIC and role == "anonymous"
    return access is Access.SIGNED_IN or role in access  # a set of roles


ACCESS = {f"{spec.method} /api{spec.path}": spec.access for spec in ROUTES}
# Elsewhere a sample of the cases is sent: an operation the role may not call is refused before
# its input is read (401/403), and a public one is fuzzed in full by the anonymous run already
# (the sample still shows that a session changes nothing, or changes it as documented, like the
# owner's view of an offer).
SAMPLE = 8
SENT: Counter[tuple[str, str]] = Counter()


def _call(case, fuzz_target: FuzzTarget, role: str) -> None:
    label = case.operation.label
    if not _full_budget(ACCESS[label], role):
        SENT[role, label] += 1
        if SENT[role, label] > SAMPLE:
            return
    session = fuzz_target.sessions.get(role)
    response = case.call(
        base_url=fuzz_target.site_url, cookies={COOKIE: session} if session else None, timeout=30
    )
    ANSWERS[role, label, response.status_code] += 1
    case.validate_response(response, checks=CHECKS)


@HYPOTHESIS
@pytest.mark.parametrize("role", ROLES)
@schema.exclude(name_regex=ERASURE).exclude(name_regex=LOGOUT).parametrize()
def test_every_operation_answers_as_documented(case, fuzz_target, role):
    _call(case, fuzz_target, role)


@HYPOTHESIS
@pytest.mark.parametrize("role", ROLES)
@schema.include(name_regex=ERASURE).parametrize()
def test_account_erasure_answers_as_documented(case, fuzz_target, role):
    _call(case, fuzz_target, role)


@HYPOTHESIS
@pytest.mark.parametrize("role", ROLES)
@schema.include(name_regex=LOGOUT).parametrize()
def test_logout_answers_as_documented(case, fuzz_target, role):
    _call(case, fuzz_target, role)
