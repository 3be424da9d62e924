"""A standard generator (openapi-python-client, pinned in requirements-dev.txt) builds a client from
the served OpenAPI document without a single warning, with every operation and its success answer.

Two models of one name in different modules once made pydantic qualify their components
(`chalicelib__schemas__offers__CandidateMatchOut`): the generator then said "duplicate models" and
left two operations without their answer. Any such drift fails here.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="module")
def document() -> dict:
    import app  # noqa: F401 - registers every route
    from chalicelib.api.openapi import build_openapi

    return build_openapi()


@pytest.fixture(scope="module")
def generated(document, tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("client")
    spec, config = folder / "openapi.json", folder / "config.yaml"
    spec.write_text(json.dumps(document), encoding="utf-8")
    config.write_text("post_hooks: []\n", encoding="utf-8")  # no formatter run on the output
    command = [str(GENERATOR), "generate", "--path", str(spec), "--output-path", str(folder / "out")]
    result = subprocess.run(
        [*command, "--meta", "none", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return folder / "out", output


def test_the_generator_has_nothing_to_say(generated):
    _, output = generated
    assert not re.search(r"warning|error|unable|cannot", output, re.IGNORECASE), output


def test_every_component_has_a_plain_unique_name(document):
    assert [name for name in document["components"]["schemas"] if "__" in name or "-" in name] == []


def test_every_operation_is_generated_with_its_success_answer(document, generated):
    out, _ = generated
    modules = {path.stem: path for path in out.glob("api/*/*.py") if path.stem != "__init__"}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            module = modules.get(operation["operationId"])
            assert module is not None, f"{method.upper()} {path}: no client function"
            success = next(status for status in operation["responses"] if status.startswith("2"))
            assert f"response.status_code == {success}" in module.read_text(encoding="utf-8"), (
                f"{method.upper()} {path}: the {success} answer is not parsed"
            )
