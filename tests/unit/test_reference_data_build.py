"""scripts/build_reference_data.py: the committed chalicelib/data files are up to date and reproducible."""

from __future__ import annotations

import gzip
import importlib.util
import json
import shutil
import subprocess
import sys
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


def test_committed_files_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def outputs(build_module) -> dict[str, bytes]:
    return build_module.build(SHARED)


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
    assert sorted(outputs) == ["competences.json.gz", "geography.json.gz", "rome.json.gz"]
    # Compact enough to ship in the Lambda package.
    assert sum(len(content) for content in outputs.values()) < 3_000_000


def test_meta_names_the_sources(outputs: dict[str, bytes]) -> None:
    for content in outputs.values():
        meta = json.loads(gzip.decompress(content))["meta"]
        assert meta["generator"] == "scripts/build_reference_data.py"
        assert "decoupage-administratif 6.0.0" in meta["sources"]["communes"]
        assert "v460" in meta["sources"]["rome"]
        assert len(meta["inputs_sha256"]) == 8


def test_a_missing_source_file_is_reported(build_module, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"rome_metiers\.csv"):
        build_module.build(tmp_path)
