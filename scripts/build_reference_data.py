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
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# After the sys.path change above: the script runs from a checkout, not from an install.
from chalicelib.domain.text import fold  # noqa: E402
from scripts import refdata_certifications, refdata_sources  # noqa: E402

FORMAT_VERSION = 1
GENERATOR = "scripts/build_reference_data.py"

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


def build(shared: Path) -> dict[str, bytes]:
    """Every output file name → its exact bytes."""
    missing = [name for name in INPUTS if not (shared / name).is_file()]
    if missing:
        raise FileNotFoundError(f"missing in {shared}: {', '.join(missing)}")
    inputs = {name: hashlib.sha256((shared / name).read_bytes()).hexdigest() for name in INPUTS}
    rome, competences = build_rome(shared)
    documents = {
        "geography": build_geography(shared),
        "rome": rome,
        "competences": competences,
        "certifications": refdata_certifications.build(shared),
    }
    meta = {
        "format_version": FORMAT_VERSION,
        "generator": GENERATOR,
        "sources": SOURCES,
        "inputs_sha256": inputs,
    }
    outputs = {}
    for name, doc in documents.items():
        figures = doc.pop("figures", None)
        outputs[f"{name}.json.gz"] = _encode(
            {"meta": {**meta, "figures": figures} if figures else meta, **doc}
        )
    return outputs


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
    parser.add_argument("--out", type=Path, default=REPO / "chalicelib" / "data")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files are stale")
    args = parser.parse_args(argv)
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
        outputs = build(args.shared)
    except FileNotFoundError as exc:
        print(f"source manquante dans {args.shared} : {exc.filename}", file=sys.stderr)
        return 2
    if args.check:
        stale = [
            name
            for name, content in outputs.items()
            if not (args.out / name).is_file() or decoded((args.out / name).read_bytes()) != decoded(content)
        ]
        for name in stale:
            print(f"stale: {args.out / name} (run {GENERATOR})", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, content in outputs.items():
        (args.out / name).write_bytes(content)
        print(f"{args.out / name}: {len(content):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
