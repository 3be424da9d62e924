"""The certification catalogue (`certifications.json.gz`), merged from the shared sources.

One entry per certification a training can lead to: Certif Info code (or `RNCP…` when only
France Compétences knows it), title, type, level, RNCP code, ROME 4.0 codes, and its standing
for the search ranking. Precedence, rules and figures are in docs/reference-data.md
("Certifications"); `merge` returns the figures with the rows so the docs quote what it counted.

`merge` is a function of its inputs (rows of each source, the ROME mapper): a région filter
(issue 18) is a filter on those rows, and the regional offer may be empty.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from scripts.refdata_rome_v3 import Mapper, key, stems
from scripts.refdata_sources import CI_ROME, V3, Sources, load_sources, read_table

# A training takes 1 to 5 ROME codes and defaults to its certification's (API.md).
MAX_ROME = 5
COLUMNS = ["code", "title", "type", "level", "rncp", "code_rome", "standing", "key"]
# Search ranking groups: in the région's offer, current Certif Info entry, other.
IN_REGIONAL_OFFER, CURRENT, OTHER = 0, 1, 2
ROME_PRECEDENCE = ("certif_info", "rncp_rome", "regional_offer")
# "Titre professionnel (TP de niveau 3)", "Autre certification de niveau 7", "Diplôme
# d'université (bac + 2)": the level or study length is not part of the type.
_TYPE_SUFFIX = re.compile(r"\s*(\([^()]*(niveau|bac)[^()]*\)|de niveau [0-9])$", re.IGNORECASE)
_LEVEL_IN_TYPE = re.compile(r"niveau ([3-8])\b", re.IGNORECASE)
_NIVEAU = re.compile(r"Niveau ([1-8])")


def clean(text: str) -> str:
    """Source titles carry line breaks (one DEPP title spans 5 lines) and double spaces."""
    return " ".join(text.split())


def rncp_code(value: str) -> str:
    value = value.strip().upper()
    if not value or value == "NR":
        return ""
    return value if value.startswith("RNCP") else f"RNCP{value}"


@dataclass
class Entry:
    code: str
    title: str
    source: str  # the source that created the entry
    type: str = ""
    level: int | None = None
    rncp: str = ""
    cfd: str = ""  # code formation diplôme (Éducation nationale): another way to find the level
    rome_v3: dict[str, list[str]] = field(default_factory=dict)  # source → v3 codes in order
    regional: bool = False
    replaced_by: str = ""


@dataclass
class Catalogue:
    rows: list[list]
    aliases: dict[str, str]  # a 2019 code → the Certif Info code that replaced it
    figures: dict


def build(shared: Path, regional_offer: bool = True) -> dict:
    """The `certifications.json.gz` document (before `meta`), with the build's figures.

    `regional_offer=False`: the national catalogue only (a région other than Grand Est)."""
    rome = {
        name: read_table(shared / name, ",", ())[0]
        for name in ("rome_metiers.csv", "rome_appellations.csv", V3)
    }
    catalogue = merge(load_sources(shared, regional_offer), Mapper(*rome.values()))
    return {
        "certifications": {"columns": COLUMNS, "rows": catalogue.rows},
        "aliases": catalogue.aliases,
        "figures": catalogue.figures,
    }


def merge(sources: Sources, mapper: Mapper) -> Catalogue:
    figures: Counter[str] = Counter()
    entries, successors = _certif_info_entries(sources.certif_info, figures)
    aliases = _add_regional(entries, successors, sources.regional, figures)
    _add_levels(entries, sources.levels, figures)
    rncp_rome: dict[str, list[str]] = defaultdict(list)
    for row in sources.rncp_rome:
        rncp_rome[rncp_code(row["CodeRNCP"])].append(row["Rome"].strip())
    rows = []
    for entry in sorted(entries.values(), key=lambda e: e.code):
        if entry.rncp in rncp_rome:
            entry.rome_v3["rncp_rome"] = rncp_rome[entry.rncp]
        codes = _rome_codes(entry, mapper, figures)
        standing = _standing(entry)
        figures[f"from_{entry.source}"] += 1
        figures[f"standing_{standing}"] += 1
        figures["with_rome"] += bool(codes)
        figures["with_level"] += entry.level is not None
        figures["with_type"] += bool(entry.type)
        figures["with_rncp"] += bool(entry.rncp)
        rows.append(
            [entry.code, entry.title, entry.type, entry.level, entry.rncp, " ".join(codes), standing,
             key(entry.title)]
        )  # fmt: skip
    figures["certifications"] = len(rows)
    # Outcomes that do not occur today are listed as 0, so that the docs can say so.
    for outcome in ("one_fiche", "by_title", "kept_code", "dropped_domain", "dropped_unknown", "already_v4"):
        figures[f"v3_{outcome}"] = mapper.counts[outcome]
    figures["level_from_rncp_levels"] += 0
    figures["v3_codes_mapped"] = len(mapper.mapped)
    figures["v3_codes_dropped"] = len(mapper.dropped)
    figures["rncp_rome_codes_without_title"] = len(set(rncp_rome) - {e.rncp for e in entries.values()})
    figures = {**dict(sorted(figures.items())), "encodings": sources.encodings}
    return Catalogue(rows, dict(sorted(aliases.items())), figures)


def _standing(entry: Entry) -> int:
    if entry.replaced_by or entry.source == "rncp_levels":
        return OTHER
    return IN_REGIONAL_OFFER if entry.regional else CURRENT


def _certif_info_entries(rows: list[dict], figures: Counter) -> tuple[dict[str, Entry], dict[str, str]]:
    """The entries by code, and each replaced code → its only successor (`Code_Ancien_Diplome`)."""
    entries: dict[str, Entry] = {}
    successors: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        code = row["Code_Diplome"].strip()
        if code in entries:
            # Rows repeating a code differ by their Idéo code (codeIdeo2) or Code_RS only.
            figures["certif_info_repeated_rows"] += 1
            continue
        label = clean(row["Libelle_Type_Diplome"])
        entry = entries[code] = Entry(code, clean(row["Libelle_Diplome"]), "certif_info")
        entry.type = _TYPE_SUFFIX.sub("", label)
        entry.rncp, entry.cfd = rncp_code(row["Code_RNCP"]), row["Code_Scolarité"].strip()
        in_type = _LEVEL_IN_TYPE.search(label)
        if row["Code_Niveau_Europeen"].strip():
            entry.level = int(row["Code_Niveau_Europeen"])
        elif in_type:
            entry.level = int(in_type.group(1))
            figures["level_from_type_label"] += 1
        entry.rome_v3["certif_info"] = [row[c].strip() for c in CI_ROME if row[c].strip()]
        for old in row["Code_Ancien_Diplome"].replace(",", " ").split():
            successors[old].add(code)
    # An entry replaced by exactly one other (its `Code_Ancien_Diplome`) is superseded; it stays
    # (its last session may be to come) but ranks after the current ones.
    for old, new in successors.items():
        if len(new) == 1 and old in entries and old not in new:
            entries[old].replaced_by = next(iter(new))
            figures["certif_info_replaced"] += 1
    return entries, {old: next(iter(new)) for old, new in successors.items() if len(new) == 1}


def _latest(code: str, successors: dict[str, str], entries: dict[str, Entry]) -> str | None:
    """The Certif Info code that (through a chain of single replacements) replaced `code`."""
    seen = {code}
    while code in successors and successors[code] not in seen:
        code = successors[code]
        seen.add(code)
    return code if code in entries and len(seen) > 1 else None


def _add_regional(
    entries: dict[str, Entry], successors: dict[str, str], rows: list[dict], figures: Counter
) -> dict[str, str]:
    """The regional offer names Certif Info codes of 2019: the same code, or a code the current
    extract says it replaced (the entry then takes the offer's facts, the old code is an alias)."""
    aliases: dict[str, str] = {}
    for row in rows:
        code = row["code_diplome"].strip()
        if code in entries:
            entry = entries[code]
        elif (latest := _latest(code, successors, entries)) is not None:
            entry, aliases[code] = entries[latest], latest
        else:
            entry = entries[code] = Entry(code, clean(row["intitule"]), "regional_offer")
        entry.regional = True
        codes = entry.rome_v3.setdefault("regional_offer", [])
        if row["code_rome_v3"].strip() not in codes:
            codes.append(row["code_rome_v3"].strip())
    # An offered certification that was replaced since: its successor ranks as offered too.
    for entry in [e for e in entries.values() if e.regional and e.replaced_by]:
        if (latest := _latest(entry.code, successors, entries)) is not None:
            entries[latest].regional = True
    titles = {row["code_diplome"].strip(): row["intitule"] for row in rows}
    same = [c for c in titles if c in entries and entries[c].source == "certif_info"]
    figures["regional_codes"] = len(titles)
    figures["regional_same_code_in_certif_info"] = len(same)
    # Evidence that the offer's codes are Certif Info's: the titles of a shared code agree.
    figures["regional_same_code_titles_agreeing"] = sum(
        1 for c in same if _agree(titles[c], entries[c].title)
    )
    figures["regional_replaced_code_merged"] = len(aliases)
    return aliases


def _agree(a: str, b: str) -> bool:
    """At least half of the words of the shorter title are in the other ("CQPM opérateur-régleur…"
    and "CQP opérateur-régleur…")."""
    a_stems, b_stems = stems(a), stems(b)
    return 2 * len(a_stems & b_stems) >= min(len(a_stems), len(b_stems))


def _add_levels(entries: dict[str, Entry], rows: list[dict], figures: Counter) -> None:
    """Levels of the RNCP fiches; an active fiche unknown to Certif Info becomes an entry."""
    by_rncp: dict[str, list[Entry]] = defaultdict(list)
    by_cfd: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries.values():
        by_rncp[entry.rncp].append(entry)
        by_cfd[entry.cfd].append(entry)
    by_rncp.pop("", None)
    by_cfd.pop("", None)
    types = _type_names(rows, by_rncp)
    for row in sorted(rows, key=lambda r: (r["Code_RNCP"], r["Code_Diplome"])):
        rncp, cfd = rncp_code(row["Code_RNCP"]), row["Code_Diplome"].strip()
        match = _NIVEAU.fullmatch(row["Niveau fiche RNCP"].strip())
        level = int(match.group(1)) if match else None
        known = by_rncp.get(rncp) or by_cfd.get(cfd)
        if known:
            figures["rncp_levels_rows_joined"] += 1
            for entry in known:
                entry.rncp = entry.rncp or rncp
                if entry.level is None and level is not None:
                    entry.level = level
                    figures["level_from_rncp_levels"] += 1
                elif level is not None and entry.level != level:
                    figures["level_disagreements_kept_certif_info"] += 1
            continue
        if not rncp or row["Fiche ACTIVE/INACTIVE"].strip() != "ACTIVE":
            figures["rncp_levels_rows_left_out_inactive"] += 1
            continue
        entry = entries[rncp] = Entry(rncp, clean(row["Intitulé diplôme (DEPP)"]), "rncp_levels", rncp=rncp)
        entry.type = types.get(row["Abrégé de diplôme (RNCP)"].strip(), "")
        entry.level = level
        by_rncp[rncp] = [entry]


def _type_names(rows: list[dict], by_rncp: dict[str, list[Entry]]) -> dict[str, str]:
    """Abbreviation of the levels file ("CAP", "TP") → Certif Info type name, learnt from the
    fiches both sources hold: the name most of them carry, when more than half do."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        abbreviation = row["Abrégé de diplôme (RNCP)"].strip()
        for entry in by_rncp.get(rncp_code(row["Code_RNCP"]), ()):
            if abbreviation and entry.type:
                seen[abbreviation][entry.type] += 1
    names = {}
    for abbreviation, counts in seen.items():
        name, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if 2 * n > sum(counts.values()):
            names[abbreviation] = name
    return names


def _rome_codes(entry: Entry, mapper: Mapper, figures: Counter) -> list[str]:
    """ROME 4.0 codes from the first source (ROME_PRECEDENCE) whose v3 codes map to any:
    source order kept, duplicates dropped, at most MAX_ROME."""
    for source in ROME_PRECEDENCE:
        codes: list[str] = []
        for code in entry.rome_v3.get(source, ()):
            codes += [c for c in mapper.map(code, entry.title) if c not in codes]
        if codes:
            figures[f"rome_from_{source}"] += 1
            if len(codes) > MAX_ROME:
                figures["rome_cut_to_5"] += 1
            return codes[:MAX_ROME]
    return []
