"""Reference data of the service: communes and bassins d'emploi of the région, ROME 4.0 métiers.

Loaded once per process from the compact files of `chalicelib/data` (Grand Est, committed; another
région's replace them in its deployment package, or `PASSERELLE_REFDATA_DIR` names the folder
`scripts/build_reference_data.py --region <code>` wrote; built from the shared
open-data CSVs by `scripts/build_reference_data.py`, sources named in their `meta`). Pure:
stdlib only, so it can be used by the API, the jobs and the tests alike.

Searches are accent- and case-insensitive prefix searches on the start of the label or of any
word in it (see `chalicelib.domain.text.fold`). Their indexes are built on the first search of
each kind, so that a cold start that only needs `commune()` does not pay for them.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from chalicelib.domain.text import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_REGION = "44"  # the région of the committed data (Grand Est)
SUPPORTED_FORMAT = 1
# The API rejects longer queries; the domain only bounds its own work.
MAX_QUERY_LENGTH = 100
MAX_LIMIT = 50
_ROME_CODE = re.compile(r"[a-n][0-9]{1,4}")
# A letter or digit that follows something else: where a word starts ("saint die" → "die",
# "(btp)" → "btp").
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]")
# Above every character a folded key can hold (fold drops unassigned code points).
_END = "\U0010ffff"


@dataclass(frozen=True, slots=True)
class Bassin:
    code: str
    label: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Commune:
    code_insee: str
    name: str
    postal_codes: tuple[str, ...]
    population: int
    lat: float
    lon: float
    bassin_code: str


@dataclass(frozen=True, slots=True)
class Competence:
    code: str
    label: str
    kind: str  # "savoir_faire", "savoir" or "savoir_etre"


@dataclass(frozen=True, slots=True)
class Metier:
    code_rome: str
    label: str
    competences: tuple[str, ...]  # OGR codes, in the fiche's order
    mobilities: tuple[str, ...]  # ROME codes, in France Travail's order


@dataclass(frozen=True, slots=True)
class MetierHit:
    metier: Metier
    appellation: str | None  # the appellation label when the hit came from an appellation


class _PrefixIndex:
    """Sorted word-start suffixes of folded keys, each with a static score (lower ranks first).

    A prefix search is two bisections; the caller sorts the matching scores.
    """

    def __init__(self, entries: Iterable[tuple[str, int, int | None]]) -> None:
        suffixes: list[str] = []
        scores: list[int] = []
        for key, start_score, word_score in entries:
            suffixes.append(key)
            scores.append(start_score)
            if word_score is not None:
                for match in _WORD_START.finditer(key, 1):
                    suffixes.append(key[match.start() :])
                    scores.append(word_score)
        # Sorting positions rather than (suffix, score) tuples is several times faster.
        order = sorted(range(len(suffixes)), key=suffixes.__getitem__)
        self._suffixes = [suffixes[i] for i in order]
        self._scores = [scores[i] for i in order]

    def scores(self, query: str) -> list[int]:
        low = bisect_left(self._suffixes, query)
        high = bisect_left(self._suffixes, query + _END, low)
        return self._scores[low:high]


def _query(q: object) -> str:
    if not isinstance(q, str):
        return ""
    # Truncate before folding too, so a huge input costs nothing.
    return fold(q[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH]


def _limit(limit: object) -> int:
    if not isinstance(limit, int):
        return 0
    return max(0, min(limit, MAX_LIMIT))


class Referentials:
    def __init__(self, geography: dict, rome: dict, data_dir: Path) -> None:
        self._data_dir = data_dir
        self.bassins: dict[str, Bassin] = {row[0]: Bassin(*row) for row in geography["bassins"]["rows"]}
        self.communes: dict[str, Commune] = {}
        self._commune_keys: dict[str, str] = {}
        for code, name, postal, population, lat, lon, bassin, key in geography["communes"]["rows"]:
            self.communes[code] = Commune(code, name, tuple(postal.split()), population, lat, lon, bassin)
            self._commune_keys[code] = key
        self._historical: dict[str, str] = geography["historical_codes"]
        self.metiers: dict[str, Metier] = {}
        self._metier_keys: dict[str, str] = {}
        for code, label, competences, mobilities, key in rome["metiers"]["rows"]:
            self.metiers[code] = Metier(code, label, tuple(competences.split()), tuple(mobilities.split()))
            self._metier_keys[code] = key
        # (code_rome, label, folded key); the OGR code is not needed to search.
        self._appellations = [(row[2], row[1], row[3]) for row in rome["appellations"]["rows"]]

    @cached_property
    def competences(self) -> dict[str, Competence]:
        # 30,000 labels that only the skill pickers need: read on first use.
        document = _read(self._data_dir / "competences.json.gz")
        return {row[0]: Competence(*row) for row in document["competences"]["rows"]}

    def commune(self, code: str) -> Commune | None:
        if not isinstance(code, str):
            return None
        found = self.communes.get(code)
        if found is None and code in self._historical:
            found = self.communes[self._historical[code]]
        return found

    def competences_of(self, code_rome: str) -> list[Competence]:
        metier = self.metiers.get(code_rome) if isinstance(code_rome, str) else None
        if metier is None:
            return []
        competences = self.competences
        return [competences[code] for code in metier.competences]

    def search_communes(self, q: str, limit: int = 10) -> list[Commune]:
        query, limit = _query(q), _limit(limit)
        if not query or not limit:
            return []
        ranked = self._ranked_communes
        size = len(ranked)
        compact = query.replace(" ", "")
        if compact.isdigit():
            # Postal code prefix ("570"), or an exact INSEE code ("57463").
            exact = [self.communes[compact]] if compact in self.communes else []
            scores = self._postal_index.scores(compact)
        else:
            exact = self._communes_by_key.get(query, [])
            scores = self._commune_index.scores(query)
        results = list(exact)
        seen = {commune.code_insee for commune in exact}
        for score in sorted(scores):
            commune = ranked[score % size]
            if commune.code_insee not in seen:
                seen.add(commune.code_insee)
                results.append(commune)
                if len(results) >= limit:
                    break
        return results[:limit]

    def search_metiers(self, q: str, limit: int = 10) -> list[MetierHit]:
        query, limit = _query(q), _limit(limit)
        if not query or not limit:
            return []
        if _ROME_CODE.fullmatch(query):
            code = query.upper()
            return [MetierHit(self.metiers[c], None) for c in self._rome_codes if c.startswith(code)][:limit]
        hits, size = self._metier_hits, len(self._metier_hits)
        results: list[MetierHit] = []
        seen: set[str] = set()
        for score in sorted(self._metier_index.scores(query)):
            hit = hits[score % size]
            if hit.metier.code_rome not in seen:
                seen.add(hit.metier.code_rome)
                results.append(hit)
                if len(results) >= limit:
                    break
        return results

    # Lazy search indexes -------------------------------------------------------------------

    @cached_property
    def _ranked_communes(self) -> list[Commune]:
        """Static order of communes within a tier: population descending, then code."""
        return sorted(self.communes.values(), key=lambda c: (-c.population, c.code_insee))

    @cached_property
    def _communes_by_key(self) -> dict[str, list[Commune]]:
        exact: dict[str, list[Commune]] = {}
        for commune in self._ranked_communes:
            exact.setdefault(self._commune_keys[commune.code_insee], []).append(commune)
        return exact

    @cached_property
    def _commune_index(self) -> _PrefixIndex:
        # Tiers after the exact name: 1 = name starts with the query, 2 = a later word does.
        size = len(self._ranked_communes)
        return _PrefixIndex(
            (self._commune_keys[c.code_insee], size + rank, 2 * size + rank)
            for rank, c in enumerate(self._ranked_communes)
        )

    @cached_property
    def _postal_index(self) -> _PrefixIndex:
        size = len(self._ranked_communes)
        return _PrefixIndex(
            (postal, size + rank, None)
            for rank, c in enumerate(self._ranked_communes)
            for postal in c.postal_codes
        )

    @cached_property
    def _rome_codes(self) -> list[str]:
        return sorted(self.metiers)

    @cached_property
    def _ranked_labels(self) -> list[tuple[MetierHit, str]]:
        """Every searchable label (fiche or appellation) with its key: shorter first, then by code,
        a fiche's own label before its appellations."""
        labels = [
            (len(m.label), m.code_rome, 0, m.label, self._metier_keys[m.code_rome])
            for m in self.metiers.values()
        ]
        labels += [(len(label), code, 1, label, key) for code, label, key in self._appellations]
        labels.sort()
        return [
            (MetierHit(self.metiers[code], label if is_appellation else None), key)
            for _, code, is_appellation, label, key in labels
        ]

    @cached_property
    def _metier_hits(self) -> list[MetierHit]:
        return [hit for hit, _ in self._ranked_labels]

    @cached_property
    def _metier_index(self) -> _PrefixIndex:
        # Tiers: 0 a fiche label starts with the query, 1 an appellation does, 2 a later word of a
        # fiche label does, 3 a later word of an appellation does.
        size = len(self._ranked_labels)
        return _PrefixIndex(
            (key, rank, 2 * size + rank) if hit.appellation is None else (key, size + rank, 3 * size + rank)
            for rank, (hit, key) in enumerate(self._ranked_labels)
        )


def _read(path: Path) -> dict:
    document = json.loads(gzip.decompress(path.read_bytes()))
    if document["meta"]["format_version"] != SUPPORTED_FORMAT:
        raise ValueError(
            f"{path.name}: format {document['meta']['format_version']}, expected {SUPPORTED_FORMAT}"
        )
    return document


def data_dir() -> Path:
    """The folder of the région's reference data: `PASSERELLE_REFDATA_DIR` (a local stack of another
    région), else `chalicelib/data` (the committed Grand Est data, or the région's in its package)."""
    return Path(os.environ.get("PASSERELLE_REFDATA_DIR") or DATA_DIR)


def configured_region() -> str:
    return os.environ.get("PASSERELLE_REGION") or DEFAULT_REGION


def load_referentials(path: Path | None = None, region: str | None = None) -> Referentials:
    """The referentials of `path` (default `data_dir()`), refused when they are another région's than
    `region` (default `PASSERELLE_REGION`): a stack never answers with a neighbour's communes."""
    path = data_dir() if path is None else path
    geography = _read(path / "geography.json.gz")
    found = geography["meta"].get("region")
    expected = configured_region() if region is None else region
    if found != expected:
        raise ValueError(
            f"{path}/geography.json.gz holds région {found}, PASSERELLE_REGION is {expected}: "
            f"run scripts/build_reference_data.py --region {expected} (docs/reference-data.md)"
        )
    return Referentials(geography, _read(path / "rome.json.gz"), path)


@cache
def get_referentials() -> Referentials:
    """The process-wide referentials (a Lambda loads them once per execution environment)."""
    return load_referentials()
