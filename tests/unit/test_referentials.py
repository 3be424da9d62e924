"""Reference data loaded from chalicelib/data, and the searches the pickers rely on."""

from __future__ import annotations

import gzip
import json
import time
from functools import cache

import pytest

from chalicelib.domain.referentials import (
    DATA_DIR,
    MAX_LIMIT,
    Commune,
    MetierHit,
    Referentials,
    get_referentials,
)
from chalicelib.domain.text import fold


@pytest.fixture(scope="module")
def refs() -> Referentials:
    return get_referentials()


def codes(communes: list[Commune]) -> list[str]:
    return [c.code_insee for c in communes]


def romes(hits: list[MetierHit]) -> list[str]:
    return [h.metier.code_rome for h in hits]


# --- fold ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Épinal", "epinal"),
        ("EPINAL", "epinal"),
        ("Saint-Dié-des-Vosges", "saint die des vosges"),
        ("L'Isle-sur-Marne", "l isle sur marne"),
        ("L’Isle  -  sur", "l isle sur"),
        ("  Œuvre\tÆther  ", "oeuvre aether"),
        ("Straße", "strasse"),
        ("a\x00b\u200bc", "abc"),
        ("\ud800x", "x"),
        ("--- ’' ", ""),
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


# --- counts and integrity ------------------------------------------------------------------------


def test_counts(refs: Referentials) -> None:
    assert len(refs.communes) == 5115
    assert len(refs.bassins) == 27
    assert len(refs.metiers) == 1584
    assert sorted(refs.bassins) == [str(code) for code in range(4401, 4428)]


def test_every_commune_is_in_a_known_bassin(refs: Referentials) -> None:
    assert {c.bassin_code for c in refs.communes.values()} == set(refs.bassins)
    # The region's legal population (shared data README), as a check on the join.
    assert sum(c.population for c in refs.communes.values()) == 5_563_378


def test_coordinates_are_in_grand_est(refs: Referentials) -> None:
    for place in [*refs.communes.values(), *refs.bassins.values()]:
        assert 47.4 < place.lat < 50.2 and 3.3 < place.lon < 8.3, place


def test_every_fiche_competence_and_mobility_exists(refs: Referentials) -> None:
    for metier in refs.metiers.values():
        assert metier.competences, metier.code_rome
        assert all(code in refs.competences for code in metier.competences)
        assert all(code in refs.metiers for code in metier.mobilities)
    used = {code for m in refs.metiers.values() for code in m.competences}
    assert used == set(refs.competences)
    assert {c.kind for c in refs.competences.values()} == {"savoir_faire", "savoir", "savoir_etre"}


def test_metier_fields(refs: Referentials) -> None:
    metier = refs.metiers["M1805"]
    assert metier.label == "Développeur / Développeuse informatique"
    # 65 links in the README, minus the "contexte de travail" ones which are not skills.
    assert 30 < len(metier.competences) < 65
    assert refs.metiers["A1101"].mobilities[:2] == ("A1414", "A1205")  # numero_ordre order


def test_stored_search_keys_match_fold() -> None:
    """The build stores folded keys; a change to fold() without a rebuild must show here."""
    for name, table, label_column in [
        ("geography", "communes", "name"),
        ("rome", "metiers", "label"),
        ("rome", "appellations", "label"),
    ]:
        document = json.loads(gzip.decompress((DATA_DIR / f"{name}.json.gz").read_bytes()))
        columns = document[table]["columns"]
        label, key = columns.index(label_column), columns.index("key")
        assert all(row[key] == fold(row[label]) for row in document[table]["rows"]), table


# --- communes ---------------------------------------------------------------------------------


def test_commune_by_code_and_historical_code(refs: Referentials) -> None:
    assert refs.commune("57463").name == "Metz"
    assert refs.commune("02344").code_insee == "51171"  # an Aisne code merged into a Marne commune
    # 55273 is both an ancien code of 55245 and the associated commune Lamarche-en-Woëvre of
    # 55386: the named relation wins.
    assert refs.commune("55273").code_insee == "55386"
    assert refs.commune("99999") is None
    assert refs.commune("") is None


def test_commune_metz(refs: Referentials) -> None:
    found = refs.search_communes("metz")
    assert codes(found)[0] == "57463"
    # Then names starting with "metz" (Metzervisse...), then names with a word "metz…"
    # (Montigny-lès-Metz...), each group the most populated first.
    assert found[1].name == "Metzervisse"
    assert "57480" in codes(found)  # Montigny-lès-Metz


def _brute_force_communes(refs: Referentials, q: str, limit: int) -> list[str]:
    """The ranking rules written the slow way, over every commune."""
    query = fold(q)
    ranked = []
    for commune in refs.communes.values():
        name = fold(commune.name)
        words = name.replace("/", " ").replace("(", " ").split()
        if name == query:
            tier = 0
        elif name.startswith(query):
            tier = 1
        elif any(" ".join(words[i:]).startswith(query) for i in range(1, len(words))):
            tier = 2
        else:
            continue
        ranked.append((tier, -commune.population, commune.code_insee))
    return [code for *_, code in sorted(ranked)[:limit]]


@pytest.mark.parametrize("q", ["metz", "saint", "bar", "s", "la ch", "vosges", "sur meuse", "Œ"])
def test_commune_ranking_matches_the_rules(refs: Referentials, q: str) -> None:
    assert codes(refs.search_communes(q, limit=MAX_LIMIT)) == _brute_force_communes(refs, q, MAX_LIMIT)


@pytest.mark.parametrize("q", ["Épinal", "epinal", "EPINAL", " épinal "])
def test_commune_epinal(refs: Referentials, q: str) -> None:
    assert codes(refs.search_communes(q))[0] == "88160"


def test_commune_by_later_word(refs: Referentials) -> None:
    assert codes(refs.search_communes("saint die"))[0] == "88413"
    # "dié" is not the first word: found by word start, ranked after names starting with it.
    found = codes(refs.search_communes("die des vosges"))
    assert found == ["88413"]


def test_exact_name_beats_bigger_prefix_match(refs: Referentials) -> None:
    # Charleville (51129, a village of the Marne) before Charleville-Mézières (08105).
    assert codes(refs.search_communes("charleville"))[:2] == ["51129", "08105"]
    # Two communes named Saint-Louis: both exact, the bigger one (Haut-Rhin) first.
    assert codes(refs.search_communes("saint louis"))[:2] == ["68297", "57618"]


def test_commune_by_postal_code(refs: Referentials) -> None:
    assert codes(refs.search_communes("57000")) == ["57463"]
    found = refs.search_communes("570", limit=MAX_LIMIT)
    expected = [c for c in refs.communes.values() if any(p.startswith("570") for p in c.postal_codes)]
    expected.sort(key=lambda c: (-c.population, c.code_insee))
    assert found == expected
    assert codes(found)[0] == "57463"
    assert codes(refs.search_communes("57463")) == ["57463"]  # an INSEE code


# --- métiers ----------------------------------------------------------------------------------


def test_metier_cuisin(refs: Referentials) -> None:
    hits = refs.search_metiers("cuisin")
    # G1609 is "Cuisinier / Cuisinière" in ROME 4.0 (G1602 is "Commis / Commise de cuisine").
    assert romes(hits)[:3] == ["G1609", "G1606", "H3303"]
    # The fiche label matched: it beats the identical PRINCIPALE appellation of G1609.
    assert hits[0].appellation is None
    assert len(set(romes(hits))) == len(hits)


def test_metier_aide_soignant(refs: Referentials) -> None:
    hits = refs.search_metiers("aide-soign")
    assert romes(hits)[0] == "J1501"
    assert hits[0].metier.label == "Aide-soignant / Aide-soignante"
    assert romes(refs.search_metiers("Aide soignant"))[0] == "J1501"


def test_metier_found_by_appellation(refs: Referentials) -> None:
    hits = refs.search_metiers("cuisiniste")
    assert hits and hits[0].appellation == "Cuisiniste"
    assert fold(hits[0].metier.label).startswith("vendeur")


def test_metier_by_rome_code(refs: Referentials) -> None:
    assert romes(refs.search_metiers("G1602")) == ["G1602"]
    assert romes(refs.search_metiers("g1602")) == ["G1602"]
    assert romes(refs.search_metiers("G16", limit=3)) == ["G1601", "G1602", "G1603"]


def test_metier_ranking_label_prefix_first(refs: Referentials) -> None:
    hits = refs.search_metiers("boulang")
    assert romes(hits)[0] == "D1102"  # Boulanger / Boulangère
    assert hits[1].appellation == "Boulanger industriel / Boulangère industrielle"  # before "Chef boulanger"


@cache
def _appellations() -> dict[str, list[str]]:
    document = json.loads(gzip.decompress((DATA_DIR / "rome.json.gz").read_bytes()))
    by_rome: dict[str, list[str]] = {}
    for _code_ogr, label, code_rome, _key in document["appellations"]["rows"]:
        by_rome.setdefault(code_rome, []).append(label)
    assert sum(map(len, by_rome.values())) == 13_120
    return by_rome


def _brute_force_metiers(refs: Referentials, q: str, limit: int) -> list[tuple[str, str | None]]:
    """Label prefix, appellation prefix, label word, appellation word; shorter first; one per code."""
    query = fold(q)
    best = {}
    for code, appellations in _appellations().items():
        metier = refs.metiers[code]
        for is_appellation, text in [(0, metier.label)] + [(1, label) for label in appellations]:
            folded = fold(text)
            starts = [
                i for i, ch in enumerate(folded) if ch.isalnum() and (i == 0 or not folded[i - 1].isalnum())
            ]
            if folded.startswith(query):
                tier = is_appellation
            elif any(folded[i:].startswith(query) for i in starts if i > 0):
                tier = 2 + is_appellation
            else:
                continue
            candidate = (tier, len(text), code, is_appellation, text)
            best[code] = min(best.get(code, candidate), candidate)
    ranked = sorted(best.values())[:limit]
    return [(code, text if is_appellation else None) for _, _, code, is_appellation, text in ranked]


@pytest.mark.parametrize(
    "q", ["boulang", "cuisin", "agent", "c", "informatique", "de cuisine", "btp", "agent d'entretien"]
)
def test_metier_ranking_matches_the_rules(refs: Referentials, q: str) -> None:
    hits = refs.search_metiers(q, limit=MAX_LIMIT)
    assert [(h.metier.code_rome, h.appellation) for h in hits] == _brute_force_metiers(refs, q, MAX_LIMIT)


def test_competences_of(refs: Referentials) -> None:
    competences = refs.competences_of("G1609")
    assert competences and all(c.kind in {"savoir_faire", "savoir", "savoir_etre"} for c in competences)
    assert [c.code for c in competences] == list(refs.metiers["G1609"].competences)
    assert refs.competences_of("Z9999") == []
    assert refs.competences_of("") == []


# --- robustness and limits ---------------------------------------------------------------------


@pytest.mark.parametrize("q", ["", "   ", "---", "’'", "\x00", "\ud800", "\u200b"])
def test_queries_folding_to_nothing(refs: Referentials, q: str) -> None:
    assert refs.search_communes(q) == []
    assert refs.search_metiers(q) == []


@pytest.mark.parametrize("q", ["a" * 100_000, "\ud800metz", "zzzz", "🙂", "((", "%_*", "0", "A0"])
def test_garbage_queries_do_not_raise(refs: Referentials, q: str) -> None:
    assert isinstance(refs.search_communes(q), list)
    assert isinstance(refs.search_metiers(q), list)
    assert refs.search_communes("a" * 100_000) == []


def test_limit(refs: Referentials) -> None:
    assert len(refs.search_communes("saint", limit=3)) == 3
    assert len(refs.search_metiers("agent", limit=3)) == 3
    assert len(refs.search_communes("saint")) == 10
    assert len(refs.search_communes("saint", limit=10_000)) == MAX_LIMIT
    assert refs.search_communes("saint", limit=0) == []
    assert refs.search_metiers("agent", limit=-1) == []


def test_searches_are_fast(refs: Referentials) -> None:
    queries = ["a", "s", "sa", "saint", "metz", "570", "67000", "c", "cu", "cuisin", "agent d", "G1"]
    refs.search_communes("x"), refs.search_metiers("x")  # build the lazy indexes first
    start = time.perf_counter()
    for q in queries:
        refs.search_communes(q)
        refs.search_metiers(q)
    per_search = (time.perf_counter() - start) / (2 * len(queries))
    assert per_search < 0.005  # measured ≈ 0.1 ms; a generous bound against slow CI machines
