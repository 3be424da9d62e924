"""The certification catalogue (chalicelib/domain/certifications.py): lookup and search."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib.domain.certifications import (
    DATA_FILE,
    MAX_LIMIT,
    Catalogue,
    Certification,
    find_certification,
    get_catalogue,
    search_key,
)
from chalicelib.domain.referentials import get_referentials

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return get_catalogue()


def codes(found: list[Certification]) -> list[str]:
    return [c.code for c in found]


# --- the data ----------------------------------------------------------------------------------


def test_counts_and_fields(catalogue: Catalogue) -> None:
    assert len(catalogue) == 10_250  # docs/reference-data.md, "Certifications"
    cap = catalogue.get("115708")
    assert cap == Certification(
        "115708",
        "CAP cuisine",
        "Certificat d'aptitude professionnelle",
        3,
        "RNCP38430",
        ("G1602", "G1606", "G1609"),
    )


def test_every_rome_code_is_a_rome_4_fiche(catalogue: Catalogue) -> None:
    fiches = get_referentials().metiers
    document = json.loads(gzip.decompress(DATA_FILE.read_bytes()))
    with_codes = 0
    for row in document["certifications"]["rows"]:
        certification = catalogue.get(row[0])
        assert len(certification.code_rome) <= 5
        assert len(set(certification.code_rome)) == len(certification.code_rome)
        assert all(code in fiches for code in certification.code_rome), certification
        assert certification.level is None or 1 <= certification.level <= 8
        with_codes += bool(certification.code_rome)
    assert with_codes == document["meta"]["figures"]["with_rome"] == 7_683


def test_stored_search_keys_match_search_key() -> None:
    """The build stores keys; a change to fold() or search_key() without a rebuild shows here."""
    rows = json.loads(gzip.decompress(DATA_FILE.read_bytes()))["certifications"]["rows"]
    assert all(row[7] == search_key(row[1]) for row in rows)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Titre professionnel conducteur(trice) d'installations", "titre professionnel conducteur trice d installations"),
        ("ÉLECTRICIEN (CAP)", "electricien cap"),
        ("BTS « MCO » – option A", "bts mco option a"),
        ("", ""),
    ],
)  # fmt: skip
def test_search_key(text: str, key: str) -> None:
    assert search_key(text) == key


# --- lookup ------------------------------------------------------------------------------------


def test_get_by_code_alias_and_rncp_only_code(catalogue: Catalogue) -> None:
    assert catalogue.get(" 115708 ").code == "115708"
    # 21306 is the 2019 regional offer's code; Certif Info replaced it by 88543, then 115708.
    assert catalogue.get("21306").code == "115708"
    assert catalogue.get("rncp30328").title == "ELECTRICIEN (CAP)"  # known to RNCP only
    assert find_certification("115708") is catalogue.get("115708")
    # A catalogue code, not an RNCP number of a Certif Info entry: several entries share one.
    for unknown in ("RNCP38430", "999999999", "", None, 115708, ["115708"]):
        assert catalogue.get(unknown) is None


# --- search ------------------------------------------------------------------------------------


def test_accents_case_and_punctuation_do_not_matter(catalogue: Catalogue) -> None:
    assert codes(catalogue.search("ÉLECTRICIEN")) == codes(catalogue.search("electricien"))
    assert codes(catalogue.search("Aide-Soignant")) == codes(catalogue.search("aide soignant"))
    assert codes(catalogue.search("cap cuisine"))[:2] == ["115708", "88543"]  # current first, then replaced


def test_codes(catalogue: Catalogue) -> None:
    assert codes(catalogue.search("RNCP38430"))[0] == "115708"
    assert codes(catalogue.search("rncp 38430"))[0] == "115708"
    assert codes(catalogue.search("38430"))[0] == "115708"  # an RNCP number without its prefix
    assert codes(catalogue.search("115708"))[0] == "115708"
    assert codes(catalogue.search("21306")) == ["115708"]  # an old code finds its successor
    assert all(c.rncp.startswith("RNCP3843") for c in catalogue.search("rncp 3843"))


def test_ranking_tiers_on_a_small_catalogue() -> None:
    rows = [
        # code, title, type, level, rncp, code_rome, standing, key
        ["1", "Soudeur", "", None, "", "", 1, "soudeur"],
        ["2", "Soudeur TIG", "", None, "", "", 1, "soudeur tig"],
        ["3", "CAP soudeur", "", None, "", "", 1, "cap soudeur"],
        ["4", "Soudeur-monteur", "", None, "", "", 0, "soudeur monteur"],  # in the regional offer
        ["5", "Monteur soudeur industriel", "", None, "RNCP1", "", 1, "monteur soudeur industriel"],
        ["6", "Préparation au soudage", "", None, "", "", 1, "preparation au soudage"],
        ["7", "Tuyauteur-soudeur", "", None, "", "", 2, "tuyauteur soudeur"],
        ["8", "Bac pro ouvrages du bâtiment", "", None, "", "", 1, "bac pro ouvrages du batiment"],
    ]
    small = Catalogue({"certifications": {"rows": rows}, "aliases": {"70": "7"}})
    # exact title; starts with (offered first, then shorter); a later word (standing, then length).
    assert codes(small.search("soudeur")) == ["1", "4", "2", "3", "5", "7"]
    assert codes(small.search("soud")) == ["4", "1", "2", "3", "6", "5", "7"]
    assert codes(small.search("monteur soudeur")) == ["5", "4"]  # the phrase, then any order
    assert codes(small.search("ouvrage bac")) == ["8"]
    assert codes(small.search("udeur")) == ["4", "1", "2", "3", "5", "7"]  # inside a word: static rank
    assert codes(small.search("70")) == ["7"] and codes(small.search("rncp1")) == ["5"]
    assert codes(small.search("soud", limit=2)) == ["4", "1"]


def _brute_force(catalogue: Catalogue, q: str, limit: int) -> list[str]:
    """The documented ranking written the slow way, over every entry (title queries)."""
    query = search_key(q)
    tiers = []
    for rank, (certification, key) in enumerate(zip(catalogue._ranked, catalogue._keys, strict=True)):
        words = key.split()
        if key == query:
            tier = 1
        elif key.startswith(query):
            tier = 2
        elif f" {query}" in f" {key}":
            tier = 3
        elif all(any(w.startswith(part) for w in words) for part in query.split()):
            tier = 4
        elif query in key:
            tier = 5
        else:
            continue
        tiers.append((tier, rank, certification.code))
    return [code for _, _, code in sorted(tiers)[:limit]]


def test_search_matches_the_brute_force_ranking(catalogue: Catalogue) -> None:
    queries = ["a", "c", "cap", "cap cuis", "cuisine cap", "titre pro vente", "aide soign", "de la",
               "conducteur routier", "ologie", "électricien", "tp", "agent d entretien", "zzz"]  # fmt: skip
    rng = random.Random(20261202)
    for certification in rng.sample(catalogue._ranked, 25):
        words = search_key(certification.title).split()
        start = rng.randrange(len(words))
        queries.append(" ".join(words[start : start + rng.randint(1, 3)])[: rng.randint(2, 25)])
    for q in queries:
        if q.replace(" ", "").isdigit():
            continue  # code queries: test_codes
        expected = _brute_force(catalogue, q, MAX_LIMIT)
        assert codes(catalogue.search(q, MAX_LIMIT)) == expected, q
        assert codes(catalogue.search(q, 10)) == expected[:10], q


@pytest.mark.parametrize("q", ["", "   ", "-", "\ud800", "\x00", None, 42, ["cap"]])
def test_empty_or_odd_queries_find_nothing(catalogue: Catalogue, q) -> None:
    assert catalogue.search(q) == []


def test_long_queries_and_limits_are_bounded(catalogue: Catalogue) -> None:
    assert catalogue.search("a" * 10_000) == []
    assert len(catalogue.search("a", limit=1_000)) == MAX_LIMIT
    assert catalogue.search("cap", limit=0) == [] and catalogue.search("cap", limit=-3) == []
    assert catalogue.search("cap", limit="5") == []


def test_importing_the_app_does_not_load_the_catalogue() -> None:
    """Routes other than the certification search keep their cold start (scripts/bench_cold_start.py)."""
    probe = "import sys, app; print('chalicelib.domain.certifications' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
