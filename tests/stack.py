"""The real local stack (`scripts/local_stack.py`, what `make run` starts) on free ports, for the
e2e journeys and the fuzzing: started, waited for, stopped with Ctrl-C's signal."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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


STAFF_MEMBERS = (
    "agent@example.org",
    "agent.suivi@example.org",
    "agent.structures@example.org",
    "agent.employeurs@example.org",
)


def start_stack(tmp: Path, demo: bool = True) -> LocalStack:
    moto_port, api_port, site_port = free_port(), free_port(), free_port()
    env = {
        **os.environ,
        "PASSERELLE_MOTO_PORT": str(moto_port),
        "PASSERELLE_API_PORT": str(api_port),
        "PASSERELLE_SITE_PORT": str(site_port),
        "PASSERELLE_DEMO_DATA": "1" if demo else "0",
        "PASSERELLE_DEMO_HISTORY": "0",  # the named demo accounts only: the six months of history take ~10 s
        "PASSERELLE_MATCHING_INTERVAL_S": "3600",
        "PASSERELLE_MOTO_INDEXED_QUERIES": "1",  # Query reads its partition (scripts/moto_server.py, fix 4)
        # One staff member per journey: sign-in links are limited to 5 per address and client in 15 min,
        # and every browser of the e2e session is the client 127.0.0.1 (chalicelib/services/sessions.py).
        "PASSERELLE_STAFF_EMAIL": ",".join(STAFF_MEMBERS),
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
