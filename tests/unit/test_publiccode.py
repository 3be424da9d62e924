"""publiccode.yml (standard 0.4) parses, has the keys the standard makes mandatory, and stays true:
the licence is LICENSE's, the runtime dependencies are requirements.txt's at their pinned versions."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _publiccode() -> dict:
    return yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))


def test_mandatory_keys_of_the_standard() -> None:
    data = _publiccode()

    assert data["publiccodeYmlVersion"] == "0.4"
    for key in ("name", "url", "softwareType", "developmentStatus"):
        assert isinstance(data[key], str) and data[key], key
    assert data["url"].startswith("https://")
    assert data["platforms"] == ["web"]
    assert data["categories"] and all(re.fullmatch(r"[a-z]+(-[a-z]+)*", c) for c in data["categories"])
    assert data["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert data["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert all(contact["name"] for contact in data["maintenance"]["contacts"])
    assert isinstance(data["localisation"]["localisationReady"], bool)
    assert data["localisation"]["availableLanguages"] == ["fr"]


def test_french_description_within_the_standards_lengths() -> None:
    french = _publiccode()["description"]["fr"]

    assert len(french["shortDescription"]) <= 150
    assert 150 <= len(french["longDescription"]) <= 10000
    assert french["features"] and all(isinstance(f, str) and len(f) <= 100 for f in french["features"])


def test_licence_is_the_agpl_text_in_license() -> None:
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")

    assert _publiccode()["legal"]["license"] == "AGPL-3.0-or-later"
    assert license_text.split()[:7] == ["GNU", "AFFERO", "GENERAL", "PUBLIC", "LICENSE", "Version", "3,"]
    assert "END OF TERMS AND CONDITIONS" in license_text
    assert "AGPL-3.0-or-later" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_dependencies_follow_requirements_txt() -> None:
    pinned = dict(
        re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements.txt").read_text(), flags=re.MULTILINE)
    )
    chalice = re.search(r"^chalice==(\S+)", (ROOT / "requirements-dev.txt").read_text(), flags=re.MULTILINE)
    declared = {d["name"]: d for d in _publiccode()["dependsOn"]["open"]}

    assert len(pinned) >= 5
    for name, version in pinned.items():
        assert declared[name].get("version") == version, name
    assert declared["Chalice"]["version"] == chalice[1]
    assert (
        declared["Python"]["versionMin"]
        == re.search(r'requires-python = ">=([\d.]+)', (ROOT / "pyproject.toml").read_text())[1]
    )
