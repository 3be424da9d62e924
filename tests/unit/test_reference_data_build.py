"""scripts/build_reference_data.py: the committed chalicelib/data files are up to date and reproducible."""

from __future__ import annotations

import gzip
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "build_reference_data.py"
SHARED = REPO.parent / "shared" / "data"
DATA = REPO / "chalicelib" / "data"

pytestmark = pytest.mark.skipif(
    not (SHARED / "communes_grand_est.csv").is_file(),
    reason=f"source CSVs not found in {SHARED} (the shared reference data lives next to the repo)",
)


@pytest.fixture(scope="module")
def build_module():
    spec = importlib.util.spec_from_file_location("build_reference_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def outputs(build_module) -> dict[str, bytes]:
    return build_module.build(SHARED)


def test_committed_files_are_up_to_date(build_module, outputs: dict[str, bytes]) -> None:
    # What `--check` does (make refdata-check runs the script itself), on the module's one build.
    for name, content in outputs.items():
        assert build_module.decoded((DATA / name).read_bytes()) == build_module.decoded(content), name


def test_check_detects_stale_and_missing_files(build_module, tmp_path: Path, capsys) -> None:
    out = tmp_path / "data"
    shutil.copytree(DATA, out)
    document = json.loads(gzip.decompress((out / "geography.json.gz").read_bytes()))
    document["communes"]["rows"][0][1] = "Acy-Romance (modifié)"
    (out / "geography.json.gz").write_bytes(gzip.compress(json.dumps(document).encode()))
    (out / "rome.json.gz").unlink()
    assert build_module.main(["--check", "--out", str(out)]) == 1
    stale = capsys.readouterr().err
    assert "geography.json.gz" in stale and "rome.json.gz" in stale
    assert "competences.json.gz" not in stale


def test_build_is_deterministic(build_module, outputs: dict[str, bytes], tmp_path: Path) -> None:
    # A second, independent build writes the very same bytes.
    assert build_module.main(["--out", str(tmp_path)]) == 0
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == outputs
    assert sorted(outputs) == [
        "certifications.json.gz",
        "competences.json.gz",
        "geography.json.gz",
        "rome.json.gz",
    ]
    # Compact enough to ship in the Lambda package.
    assert sum(len(content) for content in outputs.values()) < 3_000_000


def test_meta_names_the_sources(outputs: dict[str, bytes]) -> None:
    for content in outputs.values():
        meta = json.loads(gzip.decompress(content))["meta"]
        assert meta["generator"] == "scripts/build_reference_data.py"
        assert "decoupage-administratif 6.0.0" in meta["sources"]["communes"]
        assert "v460" in meta["sources"]["rome"]
        assert "Certif Info" in meta["sources"]["certif_info"]
        assert len(meta["inputs_sha256"]) == 14


def test_certification_figures_add_up(outputs: dict[str, bytes]) -> None:
    document = json.loads(gzip.decompress(outputs["certifications.json.gz"]))
    figures, rows = document["meta"]["figures"], document["certifications"]["rows"]
    assert figures["certifications"] == len(rows)
    assert sum(figures[f"from_{s}"] for s in ("certif_info", "regional_offer", "rncp_levels")) == len(rows)
    assert sum(figures[f"rome_from_{s}"] for s in ("certif_info", "rncp_rome", "regional_offer")) == sum(
        1 for row in rows if row[5]
    )
    assert figures["encodings"]["certifications/cfd_rncp_niveau_2023.csv"] == "utf-8-sig"  # BOM, CRLF


def test_a_missing_source_file_is_reported(build_module, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"rome_metiers\.csv"):
        build_module.build(tmp_path)
