"""ROME v3 → ROME 4.0: which 4.0 fiches a v3 code of a certification stands for.

The certification sources (2019–2024) give ROME v3 codes. France Travail split each of the 532
v3 fiches into one or more 4.0 fiches, and `rome_metiers.csv` says which (`code_rome_parent`):
206 v3 codes have one 4.0 fiche, the others up to 30. The 4.0 fiche that kept the v3 code is
one of them, usually with a narrower meaning (H2903 "Conduite d'équipement d'usinage" is
"Tourneur-fraiseur" in 4.0, next to H2918).

Rule, per (certification, v3 code):
1. a code that is not a v3 fiche is dropped: domain-level codes (`A1100`, `M12`, `H1`, `K`) or unknown;
2. one 4.0 fiche → that fiche;
3. several → the certification's title chooses: each fiche scores the words it shares with the
   title (5-letter stems of words of 4+ letters, weighted by rarity over all 4.0 fiches: ln(F/df);
   a word of the fiche's label counts in full, a word found only in its appellations half); the
   best-scoring fiches win (ties kept) when the best score reaches MIN_SCORE;
4. otherwise the fiche that kept the v3 code.
Every outcome is counted (`Mapper.counts`) for docs/reference-data.md.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from functools import cache

from chalicelib.domain.certifications import search_key

STEM = 5
MIN_WORD = 4
APPELLATION_WEIGHT = 0.5
# ln(1584 / df) >= 3 for a stem found in at most ~80 fiches: one telling word is enough,
# two common ones ("responsable", "gestion") are needed together.
MIN_SCORE = 3.0
_DOMAIN_LEVEL = re.compile(r"[A-N](?:[0-9]{2}00|[0-9]{1,3})?")


# Folding is most of the build's time: each title is folded once, for its stems and its search key.
key = cache(search_key)


@cache
def stems(text: str) -> frozenset[str]:
    return frozenset(w[:STEM] for w in key(text).split() if len(w) >= MIN_WORD)


class Mapper:
    """Built from rome_metiers.csv, rome_appellations.csv and rome_v3_fiches.csv rows."""

    def __init__(self, metiers: list[dict], appellations: list[dict], v3_fiches: list[dict]) -> None:
        self.v3 = {row["code_rome_v3"] for row in v3_fiches}
        self.v4 = {row["code_rome"] for row in metiers}
        self.children: dict[str, list[str]] = defaultdict(list)
        for row in sorted(metiers, key=lambda r: r["code_rome"]):
            self.children[row["code_rome_parent"]].append(row["code_rome"])
        unknown = sorted(set(self.children) - self.v3)
        if unknown:
            raise ValueError(f"rome_metiers.csv: parents that are not v3 fiches: {unknown[:5]}")
        for code in self.v3:
            if code not in self.children.get(code, ()):
                # The rule's fallback (4.) needs the fiche that kept the code.
                raise ValueError(f"v3 code {code}: no ROME 4.0 fiche kept this code")
        self._label = {row["code_rome"]: stems(row["libelle_rome"]) for row in metiers}
        found: dict[str, set[str]] = defaultdict(set)
        for row in appellations:
            found[row["code_rome"]] |= stems(row["libelle_appellation_long"])
        self._appellation = {code: frozenset(found[code] - self._label[code]) for code in self.v4}
        df = Counter(s for code in self.v4 for s in self._label[code] | self._appellation[code])
        self._weight = {s: math.log(len(self.v4) / n) for s, n in df.items()}
        self.counts: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()
        self.mapped: set[str] = set()

    def kind(self, code: str) -> str:
        if code in self.v3:
            return "v3"
        if code in self.v4:
            return "v4"
        return "domain" if _DOMAIN_LEVEL.fullmatch(code) else "unknown"

    def map(self, code: str, title: str) -> list[str]:
        """The 4.0 codes for `code` in a certification called `title` (empty when dropped)."""
        kind = self.kind(code)
        if kind == "v4":
            # Not seen in the 2019–2024 sources; a 4.0-only code needs no mapping.
            self.counts["already_v4"] += 1
            return [code]
        if kind != "v3":
            self.counts[f"dropped_{kind}"] += 1
            self.dropped[code] += 1
            return []
        self.mapped.add(code)
        children = self.children[code]
        if len(children) == 1:
            self.counts["one_fiche"] += 1
            return list(children)
        words = stems(title)
        scores = {child: self._score(words, child) for child in children}
        best = max(scores.values())
        if best < MIN_SCORE:
            self.counts["kept_code"] += 1
            return [code]
        self.counts["by_title"] += 1
        return [child for child in children if scores[child] == best]

    def _score(self, words: frozenset[str], child: str) -> float:
        total = 0.0
        for stem in sorted(words & self._label[child]):
            total += self._weight[stem]
        for stem in sorted(words & self._appellation[child]):
            total += APPELLATION_WEIGHT * self._weight[stem]
        # Rounded so that ties do not depend on the last bit of a platform's log().
        return round(total, 6)
