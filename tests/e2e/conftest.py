"""E2E fixtures: the real local stack (`scripts/local_stack.py`, what `make run` starts) and Chromium."""

from __future__ import annotations

import functools
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=fr-FR",  # date fields in French order (jj/mm/aaaa), as a French user sees them
]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalStack:
    process: subprocess.Popen
    site_url: str
    moto_url: str
    ports: tuple[int, int, int]
    log_path: Path

    def stop(self, timeout: float = 30) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # what Ctrl-C does
        return self.process.wait(timeout=timeout)


def start_stack(tmp: Path, demo: bool = True) -> LocalStack:
    moto_port, api_port, site_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "PASSERELLE_MOTO_PORT": str(moto_port),
        "PASSERELLE_API_PORT": str(api_port),
        "PASSERELLE_SITE_PORT": str(site_port),
        "PASSERELLE_DEMO_DATA": "1" if demo else "0",
        "PASSERELLE_MATCHING_INTERVAL_S": "3600",
    }
    for var in ("AWS_ENDPOINT_URL", "PASSERELLE_TABLE"):
        env.pop(var, None)
    log_path = tmp / f"stack-{site_port}.log"
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "local_stack.py")],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
    )
    stack = LocalStack(
        process,
        f"http://127.0.0.1:{site_port}",
        f"http://127.0.0.1:{moto_port}",
        (moto_port, api_port, site_port),
        log_path,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"local stack exited early:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{stack.site_url}/api/health", timeout=2) as response:
                if json.load(response) == {"status": "ok"}:
                    return stack
        except OSError:
            time.sleep(0.5)
    stack.stop()
    raise RuntimeError(f"local stack not ready:\n{log_path.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Iterator[LocalStack]:
    local = start_stack(tmp_path_factory.mktemp("stack"))
    yield local
    local.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    new_page = context.new_page()
    new_page.console_errors = []
    new_page.on("console", lambda msg: msg.type == "error" and new_page.console_errors.append(msg.text))
    new_page.on("pageerror", lambda exc: new_page.console_errors.append(str(exc)))
    yield new_page
    context.close()


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol: the page's CSP (rightly) refuses injected <script> tags.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core WCAG 2.1 AA violations on {page.url}: {violations}"
