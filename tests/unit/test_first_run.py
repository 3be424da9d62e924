"""Issue 17, point 9: a newcomer's first run on a plain clone (no ../shared/data next to it)."""

from __future__ import annotations

import re
from pathlib import Path

from scripts.build_reference_data import main

REPO = Path(__file__).resolve().parents[2]


def test_refdata_check_is_skipped_and_says_why_without_the_sources(tmp_path, capsys):
    assert main(["--check", "--shared", str(tmp_path / "absent")]) == 0
    said = capsys.readouterr().err
    assert "refdata-check ignoré" in said and "absentes" in said and str(tmp_path / "absent") in said


def test_building_without_the_sources_fails_with_a_message(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--shared", str(tmp_path / "absent"), "--out", str(out)]) == 2
    assert "sources introuvables" in capsys.readouterr().err and not out.exists()
    (tmp_path / "partial").mkdir()
    assert main(["--check", "--shared", str(tmp_path / "partial")]) == 2
    assert "source manquante" in capsys.readouterr().err


def test_every_environment_variable_the_code_reads_is_in_the_readme():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    sources = [
        *REPO.glob("scripts/*.py"),
        *REPO.glob("chalicelib/**/*.py"),
        REPO / "app.py",
        REPO / "Makefile",
    ]
    used = set()
    for path in sources:
        used |= set(re.findall(r"\bPASSERELLE_[A-Z0-9_]+", path.read_text(encoding="utf-8")))
    missing = sorted(name for name in used if name not in readme)
    assert missing == [], f"README.md does not document: {missing}"
