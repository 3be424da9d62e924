"""The certification catalogue: what a training leads to (diplômes, titres, CQP, habilitations).

Read from `chalicelib/data/certifications.json.gz` (built by `scripts/build_reference_data.py`;
sources, rules and figures in docs/reference-data.md) on the first call of `get_catalogue()`,
never at import: routes that do not need it keep their cold start.

Search (accent-, case- and punctuation-insensitive: `search_key`), best first:
0. codes: a Certif Info number or an RNCP code ("RNCP38381", "rncp 383", "38381"), exact then prefix;
1. the title is the query; 2. the title starts with it; 3. a later word of the title starts with it;
4. every word of the query starts a word of the title, in any order ("cuisine cap");
5. the query appears inside the title ("soign" in "aide-soignant" is tier 3, "ologie" tier 5).
Within a tier: the build's `standing` (in the région's training offer, current, replaced or known to
RNCP only), then shorter titles first, then code.
"""

from __future__ import annotations

import gzip
import heapq
import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import islice
from pathlib import Path

# The same data directory, file format and query bounds as the other reference data.
from chalicelib.domain.referentials import DATA_DIR, MAX_LIMIT, MAX_QUERY_LENGTH, SUPPORTED_FORMAT, data_dir
from chalicelib.domain.text import fold

DATA_FILE = DATA_DIR / "certifications.json.gz"
_CODE_QUERY = re.compile(r"(rncp)?([0-9]*)")
_WORD = re.compile(r"[^\W_]+")
_END = "\U0010ffff"


def search_key(text: str) -> str:
    """`fold` with punctuation dropped: the words of a title, one space apart ("Conducteur(trice)
    (TP)" → "conducteur trice tp"). The build stores the titles' keys; queries go through it too."""
    return " ".join(_WORD.findall(fold(text)))


@dataclass(frozen=True, slots=True)
class Certification:
    code: str  # Certif Info number, or "RNCP…" for a fiche Certif Info does not list
    title: str
    type: str | None
    level: int | None  # European / national level 3–8
    rncp: str | None
    code_rome: tuple[str, ...]  # ROME 4.0, at most 5, most relevant first


class Catalogue:
    def __init__(self, document: dict) -> None:
        # Static rank: standing, then shorter titles, then code.
        rows = sorted(document["certifications"]["rows"], key=lambda r: (r[6], len(r[1]), r[0]))
        self._ranked = [
            Certification(code, title, kind or None, level, rncp or None, tuple(rome.split()))
            for code, title, kind, level, rncp, rome, _, _ in rows
        ]
        self._keys = [row[7] for row in rows]
        self._rank = {c.code: rank for rank, c in enumerate(self._ranked)}
        # Codes of the 2019 regional offer that Certif Info has replaced since: still found.
        self._aliases: dict[str, str] = document["aliases"]

    def __len__(self) -> int:
        return len(self._ranked)

    def get(self, code: object) -> Certification | None:
        """The certification of a catalogue code ("103897", "RNCP38381"; case and spaces ignored)."""
        if not isinstance(code, str):
            return None
        code = "".join(code.split()).upper()
        rank = self._rank.get(self._aliases.get(code, code))
        return None if rank is None else self._ranked[rank]

    def search(self, q: object, limit: object = 10) -> list[Certification]:
        if not isinstance(q, str) or not isinstance(limit, int):
            return []
        query = search_key(q[: MAX_QUERY_LENGTH * 2])[:MAX_QUERY_LENGTH].strip()
        limit = max(0, min(limit, MAX_LIMIT))
        if not query or not limit:
            return []
        found: dict[int, None] = {}  # ranks in answer order (a dict keeps insertion order)
        for tier in (self._code_hits(query, limit), self._title_hits(query, limit)):
            for rank in tier:
                found.setdefault(rank)
                if len(found) >= limit:
                    return [self._ranked[r] for r in found]
        return [self._ranked[r] for r in found]

    # Tiers -------------------------------------------------------------------------------

    def _code_hits(self, query: str, limit: int) -> list[int]:
        """Exact codes first (Certif Info number, RNCP), then codes starting with the query."""
        match = _CODE_QUERY.fullmatch(query.replace(" ", ""))
        if match is None:
            return []
        rncp, digits = match.groups()
        indexes = [(self._rncp_codes, "rncp" + digits)]
        if not rncp:
            indexes.insert(0, (self._numbers, digits))
        exact, prefixed = [], []
        for codes, prefix in indexes:
            low = bisect_left(codes, (prefix,))
            high = bisect_left(codes, (prefix + _END,), low)
            for code, rank in codes[low:high]:
                (exact if code == prefix else prefixed).append(rank)
        return exact + heapq.nsmallest(limit, prefixed)

    def _title_hits(self, query: str, limit: int) -> Iterator[int]:
        """Tiers 1 to 5 in order, possibly repeating a rank; the caller stops at `limit` new ones."""
        starts = self._title_starts(query, limit)
        yield from starts
        words = query.split()
        if len(words) == 1:
            # Tier 3: the titles with a word starting with the query (tier 4 is the same set). Each
            # posting is in rank order: merging them lazily reads only the first ranks of each.
            later = list(islice(_distinct(heapq.merge(*self._postings_of(query))), limit + len(starts)))
        else:
            every = set.intersection(*sorted((self._with_word_prefix(w) for w in words), key=len))
            phrase = " " + query
            later = sorted(every)
            later = [r for r in later if phrase in self._keys[r]] + later
        yield from later
        # Enough substring hits to make `limit` new ones whatever the tiers above returned.
        yield from self._containing(query, limit + len(starts) + len(later))

    def _title_starts(self, query: str, limit: int) -> list[int]:
        """Tier 1 (the title is the query), then the first `limit` of tier 2 (starts with it)."""
        keys = self._sorted_keys
        low = bisect_left(keys, (query,))
        # (query, rank) pairs sort before any longer key: "\0" is below every character of a key.
        middle = bisect_left(keys, (query + "\0",), low)
        high = bisect_left(keys, (query + _END,), middle)
        exact = [rank for _, rank in keys[low:middle]]
        return exact + heapq.nsmallest(limit, (rank for _, rank in keys[middle:high]))

    def _postings_of(self, prefix: str) -> list[tuple[int, ...]]:
        """The rank lists of every word starting with `prefix`."""
        words = self._words
        low = bisect_left(words, prefix)
        return self._postings[low : bisect_left(words, prefix + _END, low)]

    def _with_word_prefix(self, prefix: str) -> set[int]:
        return set().union(*self._postings_of(prefix))

    def _containing(self, query: str, limit: int) -> list[int]:
        """The first `limit` titles (in rank order) holding the query anywhere."""
        blob, starts = self._blob
        hits: dict[int, None] = {}
        at = blob.find(query)
        while at >= 0 and len(hits) < limit:
            rank = bisect_right(starts, at) - 1
            hits.setdefault(rank)
            # Next title: one hit per title is enough.
            at = blob.find(query, starts[rank + 1] if rank + 1 < len(starts) else len(blob))
        return list(hits)

    # Lazy indexes (built on the first search) --------------------------------------------

    @cached_property
    def _sorted_keys(self) -> list[tuple[str, int]]:
        return sorted((key, rank) for rank, key in enumerate(self._keys))

    @cached_property
    def _words(self) -> list[str]:
        return sorted(self._word_postings)

    @cached_property
    def _postings(self) -> list[tuple[int, ...]]:
        return [self._word_postings[word] for word in self._words]

    @cached_property
    def _word_postings(self) -> dict[str, tuple[int, ...]]:
        postings: dict[str, list[int]] = {}
        for rank, key in enumerate(self._keys):
            for word in set(key.split()):
                postings.setdefault(word, []).append(rank)
        return {word: tuple(ranks) for word, ranks in postings.items()}

    @cached_property
    def _blob(self) -> tuple[str, list[int]]:
        """Every key in rank order, one per line, and where each starts: `str.find` scans it in C."""
        starts, at = [], 0
        for key in self._keys:
            starts.append(at)
            at += len(key) + 1
        return "\n".join(self._keys), starts

    @cached_property
    def _numbers(self) -> list[tuple[str, int]]:
        numbers = [(c.code, rank) for rank, c in enumerate(self._ranked) if c.code.isdigit()]
        numbers += [(old, self._rank[new]) for old, new in self._aliases.items()]
        return sorted(numbers)

    @cached_property
    def _rncp_codes(self) -> list[tuple[str, int]]:
        return sorted((c.rncp.lower(), rank) for rank, c in enumerate(self._ranked) if c.rncp)


def _distinct(ranks: Iterable[int]) -> Iterator[int]:
    """Sorted ranks without repeats (a title holds several words with the same prefix)."""
    last = -1
    for rank in ranks:
        if rank != last:
            yield rank
            last = rank


def load_catalogue(path: Path | None = None) -> Catalogue:
    path = data_dir() / DATA_FILE.name if path is None else path
    document = json.loads(gzip.decompress(path.read_bytes()))
    if document["meta"]["format_version"] != SUPPORTED_FORMAT:
        raise ValueError(
            f"{path.name}: format {document['meta']['format_version']}, expected {SUPPORTED_FORMAT}"
        )
    return Catalogue(document)


@cache
def get_catalogue() -> Catalogue:
    """The process-wide catalogue (a Lambda loads it once per execution environment)."""
    return load_catalogue()


def find_certification(code: object) -> Certification | None:
    """The certification of a catalogue code, or None (trainings: `code_rome` defaults to its own)."""
    return get_catalogue().get(code)
