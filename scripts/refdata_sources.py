"""Reading the certification sources of `../shared/data` (see its README, "Added on 2026-12-02").

Each file as its publisher ships it: `;` or `,`, UTF-8 with or without BOM, Windows-1252 (what
France Compétences and Excel write), CRLF, quoted fields spanning lines. A missing column stops
the build with the file's name, which is also how a wrong delimiter shows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

SOURCES = {
    "certif_info": "Certif Info extract (Réseau des Carif-Oref / Onisep) as kept in "
    "mission-apprentissage/tjp-pilotage server/static/files/certif_info.csv @282273ad (2024-10-27; MIT)",
    "rncp_levels": "Kit apprentissage 2023-12-18 (CFD ↔ RNCP, niveau), mission-apprentissage/"
    "tables-correspondances @5cb44971 (MIT)",
    "rncp_rome": "France Compétences RNCP → ROME v3 (2021-01-06), mission-apprentissage/"
    "tables-correspondances rncp_rome.v1.4.csv @610b1aa5 (MIT)",
    "regional_offer": "Grand Est 2019 training offer, betagouv/trait-d-union diplomes.json @038d3dd3",
    "rome_v3": "ROME v3 list, gip-inclusion/immersion-facile romes_public.csv @cd676358 (MIT)",
}
CERTIF_INFO = "certifications/certif_info.csv"
LEVELS = "certifications/cfd_rncp_niveau_2023.csv"
RNCP_ROME = "certifications/rncp_rome_v3_2021.csv"
DERIVED = "certifications/rncp_rome_certifinfo.csv"
REGIONAL = "diplomes_rome_grand_est.csv"
V3 = "rome_v3_fiches.csv"
INPUTS = (CERTIF_INFO, LEVELS, RNCP_ROME, DERIVED, REGIONAL, V3)
CI_ROME = tuple(f"Code_Rome_{i}" for i in range(1, 6))
COLUMNS = {
    CERTIF_INFO: (";", ("Code_Diplome", "Libelle_Diplome", "Libelle_Type_Diplome", "Code_Niveau_Europeen",
                        *CI_ROME, "Code_RNCP", "Code_Scolarité", "Code_Ancien_Diplome", "Code_FormaCode")),
    LEVELS: (";", ("Code_Diplome", "Intitulé diplôme (DEPP)", "Code_RNCP", "Niveau fiche RNCP",
                   "Abrégé de diplôme (RNCP)", "Fiche ACTIVE/INACTIVE")),
    RNCP_ROME: (";", ("CodeRNCP", "Rome")),
    DERIVED: (",", ("code_rncp", "code_rome", "code_certifinfo", "code_formacode")),
    REGIONAL: (",", ("code_diplome", "intitule", "code_rome_v3")),
}  # fmt: skip


def read_table(path: Path, delimiter: str, columns: tuple[str, ...]) -> tuple[list[dict], str]:
    """The rows of `path` and the encoding they were read in."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
        encoding = "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252"), "cp1252"
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    missing = [c for c in columns if c not in (reader.fieldnames or ())]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing} (delimiter {delimiter!r}?)")
    return list(reader), encoding


@dataclass
class Sources:
    certif_info: list[dict]
    levels: list[dict]
    rncp_rome: list[dict]
    regional: list[dict] = field(default_factory=list)  # the région's training offer, may be empty
    encodings: dict[str, str] = field(default_factory=dict)


def load_sources(shared: Path, regional_offer: bool = True) -> Sources:
    """`regional_offer=False` for a région without a training-offer file (only Grand Est has one)."""
    tables, encodings = {REGIONAL: []}, {}
    for name, (delimiter, columns) in COLUMNS.items():
        if name == REGIONAL and not regional_offer:
            continue
        tables[name], encodings[name] = read_table(shared / name, delimiter, columns)
    check_derived(tables[CERTIF_INFO], tables[DERIVED])
    return Sources(tables[CERTIF_INFO], tables[LEVELS], tables[RNCP_ROME], tables[REGIONAL], encodings)


def check_derived(certif_info: list[dict], derived: list[dict]) -> None:
    """rncp_rome_certifinfo.csv is certif_info.csv reshaped: it adds nothing, so the build only
    checks that the two still agree (a newer copy of one without the other would show here)."""
    expected = {
        (f"RNCP{r['Code_RNCP']}", r[c], r["Code_Diplome"], r["Code_FormaCode"])
        for r in certif_info
        for c in CI_ROME
        if r[c] and r["Code_RNCP"]
    }
    found = {(r["code_rncp"], r["code_rome"], r["code_certifinfo"], r["code_formacode"]) for r in derived}
    if found != expected:
        raise ValueError(f"{DERIVED} no longer matches {CERTIF_INFO}: {len(found ^ expected)} rows differ")
