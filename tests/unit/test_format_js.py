"""site/js/format.js run by Node: dates are shown on their Paris day, as the API counts days."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")

SCRIPT = """
import { formatDate, parisDay } from './site/js/format.js';
const cases = JSON.parse(process.argv[1]);
console.log(JSON.stringify(cases.map(([kind, value]) =>
  kind === 'day' ? parisDay(new Date(value)) : formatDate(value))));
"""


def run(cases: list[tuple[str, str]]) -> list[str]:
    answer = subprocess.run(
        [NODE, "--no-warnings", "--input-type=module", "-e", SCRIPT, json.dumps(cases)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(answer.stdout)


@pytest.mark.skipif(NODE is None, reason="node is installed by make install (npm)")
def test_timestamps_are_shown_on_their_paris_day_and_dates_as_written() -> None:
    cases = [
        ("show", "2026-12-02T23:30:00Z"),  # 00:30 on 3 December in Paris (winter, UTC+1)
        ("show", "2026-07-14T21:59:00Z"),  # 23:59 in Paris (summer, UTC+2)
        ("show", "2026-07-14T22:00:00Z"),  # midnight in Paris
        ("show", "2025-03-01"),  # a date is a day already
        ("show", "pas une date"),
        ("day", "2026-06-30T22:30:00Z"),
        ("day", "2026-12-31T12:00:00Z"),
    ]
    assert run(cases) == [
        "3 décembre 2026",
        "14 juillet 2026",
        "15 juillet 2026",
        "1er mars 2025",
        "pas une date",
        "2026-07-01",
        "2026-12-31",
    ]
