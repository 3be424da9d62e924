"""Build the compact reference data of `chalicelib/data` from the shared open-data CSVs.

    .venv/bin/python scripts/build_reference_data.py [--shared DIR] [--out DIR] [--check]

Defaults: --shared <repo>/../shared/data, --out <repo>/chalicelib/data.

Inputs are the CSV files described in `<repo>/../shared/data/README.md` (communes and zones d'emploi
of Grand Est, ROME 4.0 v460). Outputs are three gzip'd JSON documents, written so that a re-run gives
byte-identical files (sorted keys, fixed row order, gzip mtime 0, no timestamps):

- geography.json.gz: bassins (zones d'emploi 2020), communes, historical commune codes;
- rome.json.gz: fiches métiers (competence codes, mobilities) and appellations;
- competences.json.gz: the competences some fiche links to;
- certifications.json.gz: the certification catalogue (`scripts/refdata_certifications.py`), with
  the figures of its build in `meta.figures`.

Tables are stored as `{"columns": [...], "rows": [[...], ...]}`; lists of codes as one space-separated
string (one `str.split()` at load is the fastest way back to a tuple). Search keys (`key` columns) are
the labels passed through `chalicelib.domain.text.fold`, so the runtime does not fold 20,000 labels.

`--check` rebuilds in memory and exits 1 when the committed files differ (used by `make test`).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# After the sys.path change above: the script runs from a checkout, not from an install.
from chalicelib.domain.text import fold  # noqa: E402
from scripts import build_map_data, refdata_certifications, refdata_region, refdata_sources  # noqa: E402

FORMAT_VERSION = 1
GENERATOR = "scripts/build_reference_data.py"
# The région whose data is committed in chalicelib/data (and checked by `make refdata-check`).
# Any other région is built into build/refdata/<code>/ (`--region`), never committed.
COMMITTED_REGION = "44"
DEFAULT_COG = REPO / "node_modules" / "@etalab" / "decoupage-administratif" / "data"

# Provenance as stated in the shared data README (sources table).
SOURCES = {
    "communes": "npm @etalab/decoupage-administratif 6.0.0 (COG 2026): codes, names, postal codes, "
    "population, historical codes; coordinates: rcarlier/datas.fun France/communes.csv (COG 2024), "
    "columns latitude/longitude",
    "bassins": "INSEE, Base des zones d'emploi 2020 au 1er janvier 2022 (ZE2020); "
    "population-weighted centre computed from the communes",
    "rome": "France Travail, ROME 4.0 open data v460 (unix_*_v460_utf8.csv)",
    "licence": "Licence Ouverte 2.0 (INSEE, France Travail, decoupage-administratif data); "
    "certification sources: MIT repositories of public data (see docs/reference-data.md)",
    **refdata_sources.SOURCES,
}

# ROME item types kept as skills, and the kind each one becomes. `contexte_travail`
# (e.g. "Travail le samedi") describes working conditions, not skills: left out.
KINDS = {
    "savoir_faire": "savoir_faire",
    "macro_savoir_faire": "savoir_faire",
    "savoir": "savoir",
    "macro_savoir_etre_professionnel": "savoir_etre",
}

# When one old code maps to two current communes (only 55273 Lamarche-en-Woëvre in the
# data), the named relation (still a territorial unit) wins over a bare `anciensCodes` entry.
RELATION_PRIORITY = {"commune-deleguee": 0, "commune-associee": 1, "ancien_code": 2}

INPUTS = (
    "communes_grand_est.csv",
    "communes_grand_est_codes_historiques.csv",
    "zones_emploi_grand_est.csv",
    "rome_metiers.csv",
    "rome_appellations.csv",
    "rome_competences.csv",
    "rome_fiche_competences.csv",
    "rome_mobilites.csv",
    *refdata_sources.INPUTS,
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def table(columns: list[str], rows: list[list]) -> dict:
    return {"columns": columns, "rows": rows}


def build_geography(shared: Path) -> dict:
    communes = read_csv(shared / "communes_grand_est.csv")
    zones = read_csv(shared / "zones_emploi_grand_est.csv")
    zone_codes = {zone["ze2020_code"] for zone in zones}
    commune_rows = []
    for row in sorted(communes, key=lambda r: r["insee_code"]):
        if row["ze2020_code"] not in zone_codes:
            raise ValueError(f"commune {row['insee_code']}: unknown zone d'emploi {row['ze2020_code']}")
        commune_rows.append(
            [
                row["insee_code"],
                row["name"],
                " ".join(row["postal_codes"].split("|")),
                int(row["population"]),
                float(row["latitude"]),
                float(row["longitude"]),
                row["ze2020_code"],
                fold(row["name"]),
            ]
        )
    bassin_rows = [
        [
            z["ze2020_code"],
            z["ze2020_label"],
            float(z["pop_weighted_latitude"]),
            float(z["pop_weighted_longitude"]),
        ]
        for z in sorted(zones, key=lambda z: z["ze2020_code"])
    ]
    _check_bassin_centres(bassin_rows, commune_rows)
    return {
        "bassins": table(["code", "label", "lat", "lon"], bassin_rows),
        "communes": table(
            [
                "code_insee",
                "name",
                "postal_codes",
                "population",
                "lat",
                "lon",
                "bassin_code",
                "key",
            ],
            commune_rows,
        ),
        "historical_codes": _historical_codes(shared, {row[0] for row in commune_rows}),
    }


def _check_bassin_centres(bassins: list[list], communes: list[list]) -> None:
    """The zones file's centres are computed, not official: recompute them as a guard."""
    for code, label, lat, lon in bassins:
        members = [c for c in communes if c[6] == code]
        weight = sum(c[3] for c in members)
        mean_lat = sum(c[3] * c[4] for c in members) / weight
        mean_lon = sum(c[3] * c[5] for c in members) / weight
        if abs(mean_lat - lat) > 1e-4 or abs(mean_lon - lon) > 1e-4:
            raise ValueError(f"bassin {code} {label}: centre differs from the communes' weighted mean")


def _historical_codes(shared: Path, current: set[str]) -> dict[str, str]:
    rows = read_csv(shared / "communes_grand_est_codes_historiques.csv")
    rows.sort(
        key=lambda r: (
            r["code"],
            RELATION_PRIORITY[r["relation"]],
            r["current_insee_code"],
        )
    )
    mapping: dict[str, str] = {}
    for row in rows:
        if row["current_insee_code"] not in current:
            raise ValueError(f"historical code {row['code']} points to unknown {row['current_insee_code']}")
        # A current code stays itself (a commune nouvelle keeps its chef-lieu's code).
        if row["code"] not in current:
            mapping.setdefault(row["code"], row["current_insee_code"])
    return mapping


def build_rome(shared: Path) -> tuple[dict, dict]:
    metiers = read_csv(shared / "rome_metiers.csv")
    codes = {m["code_rome"] for m in metiers}
    items = {c["code_ogr"]: c for c in read_csv(shared / "rome_competences.csv")}
    links: dict[str, list[str]] = {code: [] for code in codes}
    # Source order of the links is kept (France Travail's coherence_item order).
    for link in read_csv(shared / "rome_fiche_competences.csv"):
        item = items[link["code_ogr"]]
        if item["type"] in KINDS:
            links[link["code_rome"]].append(link["code_ogr"])
    mobilities: dict[str, list[tuple[int, str]]] = {code: [] for code in codes}
    for mobility in read_csv(shared / "rome_mobilites.csv"):
        if mobility["code_rome_cible"] not in codes:
            raise ValueError(f"mobility {mobility['code_rome']} → unknown {mobility['code_rome_cible']}")
        mobilities[mobility["code_rome"]].append((int(mobility["numero_ordre"]), mobility["code_rome_cible"]))
    metier_rows = [
        [
            m["code_rome"],
            m["libelle_rome"],
            " ".join(links[m["code_rome"]]),
            " ".join(target for _, target in sorted(mobilities[m["code_rome"]])),
            fold(m["libelle_rome"]),
        ]
        for m in sorted(metiers, key=lambda m: m["code_rome"])
    ]
    appellations = read_csv(shared / "rome_appellations.csv")
    appellation_rows = [
        [
            a["code_ogr"],
            a["libelle_appellation_long"],
            a["code_rome"],
            fold(a["libelle_appellation_long"]),
        ]
        for a in sorted(appellations, key=lambda a: (a["code_rome"], int(a["code_ogr"])))
        if a["code_rome"] in codes
    ]
    if len(appellation_rows) != len(appellations):
        raise ValueError("some appellations point to an unknown fiche")
    kept = sorted({code for codes_ in links.values() for code in codes_}, key=int)
    competence_rows = [[code, items[code]["libelle"], KINDS[items[code]["type"]]] for code in kept]
    rome = {
        "metiers": table(["code_rome", "label", "competences", "mobilities", "key"], metier_rows),
        "appellations": table(["code_ogr", "label", "code_rome", "key"], appellation_rows),
    }
    return rome, {"competences": table(["code", "label", "kind"], competence_rows)}


def build(shared: Path, region: str = COMMITTED_REGION, cog: Path = DEFAULT_COG) -> dict[str, bytes]:
    """Every output file name → its exact bytes.

    Grand Est (44): the four files committed in chalicelib/data. Another région: the same four
    (its geography from the national files, `scripts/refdata_region.py`; the national certification
    catalogue, without Grand Est's 2019 offer) plus its `departements.json` and `bassins-map.json`."""
    if region == COMMITTED_REGION:
        inputs_names, national = INPUTS, None
    else:
        inputs_names = tuple(n for n in INPUTS if "grand_est" not in n) + refdata_region.INPUTS
        national = refdata_region.National(shared, cog)
    missing = [name for name in inputs_names if not (shared / name).is_file()]
    if missing:
        raise FileNotFoundError(f"missing in {shared}: {', '.join(missing)}")
    inputs = {name: hashlib.sha256((shared / name).read_bytes()).hexdigest() for name in inputs_names}
    rome, competences = build_rome(shared)
    extra: dict[str, bytes] = {}
    if national is None:
        geography = build_geography(shared)
        certifications = refdata_certifications.build(shared)
        sources = SOURCES
    else:
        geography, departements, figures = refdata_region.build_geography(national, region)
        geography["figures"] = figures
        certifications = refdata_certifications.build(shared, regional_offer=False)
        sources = {**SOURCES, **refdata_region.SOURCES}
        sources.pop("regional_offer")
        extra = {
            "departements.json": build_map_data.departements_document(departements),
            "bassins-map.json": build_map_data.region_map(shared, refdata_region.zone_codes(geography)),
        }
    documents = {
        "geography": geography,
        "rome": rome,
        "competences": competences,
        "certifications": certifications,
    }
    meta = {
        "format_version": FORMAT_VERSION,
        "generator": GENERATOR,
        "sources": sources,
        "inputs_sha256": inputs,
    }
    outputs = {}
    for name, doc in documents.items():
        figures = doc.pop("figures", None)
        doc_meta = {**meta, "figures": figures} if figures else dict(meta)
        if name == "geography":
            doc_meta["region"] = region
        outputs[f"{name}.json.gz"] = _encode({"meta": doc_meta, **doc})
    return {**outputs, **extra}


def stats(shared: Path, cog: Path, regions: list[str]) -> list[dict]:
    """Per région: communes (of the région, of the neighbouring part of its zones), zones d'emploi
    (crossing the border), certifications, gaps — what `--stats` prints."""
    national = refdata_region.National(shared, cog)
    national_catalogue = None
    rows = []
    for region in regions:
        if region == COMMITTED_REGION:
            geography, figures = build_geography(shared), {}
            certifications = refdata_certifications.build(shared)
            crossing = 0
        else:
            geography, _, figures = refdata_region.build_geography(national, region)
            national_catalogue = national_catalogue or refdata_certifications.build(
                shared, regional_offer=False
            )
            certifications = national_catalogue
            crossing = figures["bassins_crossing_border"]
        certification_rows = certifications["certifications"]["rows"]
        rome_index = certifications["certifications"]["columns"].index("code_rome")
        rows.append(
            {
                "region": region,
                "communes": len(geography["communes"]["rows"]),
                "communes_outside_region": figures.get("communes_outside_region", 0),
                "bassins": len(geography["bassins"]["rows"]),
                "bassins_crossing_border": crossing,
                "certifications": len(certification_rows),
                "certifications_with_rome": sum(1 for r in certification_rows if r[rome_index]),
                "in_regional_offer": sum(1 for r in certification_rows if r[-2] == 0),
                "gaps": figures.get("gaps", []),
            }
        )
    return rows


def print_stats(rows: list[dict]) -> None:
    print(
        "région | communes (dont hors région) | zones d'emploi (dont transfrontalières) | certifications "
        "(avec ROME, offre régionale) | lacunes"
    )
    for r in rows:
        gaps = "; ".join(r["gaps"]) or "aucune"
        print(
            f"{r['region']} | {r['communes']} ({r['communes_outside_region']}) | {r['bassins']} "
            f"({r['bassins_crossing_border']}) | {r['certifications']} ({r['certifications_with_rome']}, "
            f"{r['in_regional_offer']}) | {gaps}"
        )


def _encode(document: dict) -> bytes:
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # mtime=0 and no file name in the header: the bytes depend on the content only.
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def decoded(content: bytes) -> str:
    """Compare contents, not gzip bytes: another zlib build may compress differently."""
    return gzip.decompress(content).decode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument(
        "--out", type=Path, help="default: chalicelib/data (44), build/refdata/<code> otherwise"
    )
    parser.add_argument(
        "--region",
        default=os.environ.get("PASSERELLE_REGION") or COMMITTED_REGION,
        help="INSEE région code (default PASSERELLE_REGION, else 44); `all` with --stats",
    )
    parser.add_argument("--cog", type=Path, default=DEFAULT_COG, help="decoupage-administratif data folder")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files are stale")
    parser.add_argument("--stats", action="store_true", help="print the figures of each région's build")
    args = parser.parse_args(argv)
    if args.stats:
        regions = (
            list(refdata_region.METROPOLITAN_REGIONS) if args.region == "all" else args.region.split(",")
        )
        print_stats(stats(args.shared, args.cog, regions))
        return 0
    if args.region not in refdata_region.METROPOLITAN_REGIONS:
        print(
            f"région inconnue : {args.region} (codes INSEE : {', '.join(refdata_region.METROPOLITAN_REGIONS)})",
            file=sys.stderr,
        )
        return 2
    if args.out is None:
        args.out = (
            REPO / "chalicelib" / "data" if args.region == COMMITTED_REGION else region_dir(args.region)
        )
    if not args.shared.is_dir():
        # A plain clone of the repository has no ../shared/data: the committed files are used as
        # they are, and only their proof against the sources is skipped.
        if args.check:
            print(
                f"refdata-check ignoré : les sources {args.shared} sont absentes (dépôt cloné seul). "
                f"Les fichiers de {args.out} sont utilisés tels quels ; la preuve qu'ils "
                "correspondent à leurs sources se fait là où ../shared/data existe.",
                file=sys.stderr,
            )
            return 0
        print(f"sources introuvables : {args.shared} (voir docs/reference-data.md)", file=sys.stderr)
        return 2
    try:
        outputs = build(args.shared, args.region, args.cog)
    except FileNotFoundError as exc:
        print(
            f"source manquante : {exc.filename or exc} (npm ci installe decoupage-administratif)",
            file=sys.stderr,
        )
        return 2
    if args.check:
        stale = [
            name
            for name, content in outputs.items()
            if not (args.out / name).is_file()
            or _content(name, (args.out / name).read_bytes()) != _content(name, content)
        ]
        for name in stale:
            print(f"stale: {args.out / name} (run {GENERATOR} --region {args.region})", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in outputs.items():
        (args.out / name).write_bytes(content)
        print(f"{args.out / name}: {len(content):,} bytes")
    return 0


def region_dir(region: str) -> Path:
    """Where another région's reference data is built (git-ignored)."""
    return REPO / "build" / "refdata" / region


def _content(name: str, content: bytes) -> str:
    return decoded(content) if name.endswith(".gz") else content.decode("utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
