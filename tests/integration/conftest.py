"""Integration fixtures: a moto server over HTTP, resources created from infra/, the Chalice test client."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from scripts.moto_server import patch_moto
from scripts.provision import provision

STAFF_EMAIL = "agent@example.org"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    patch_moto()  # moto's data.json (our e-mail reader) must survive multipart uploads
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    yield endpoint
    server.stop()


@pytest.fixture(scope="session")
def stack_env(moto_endpoint: str) -> dict[str, str]:
    env = provision(moto_endpoint, stage="local", staff_emails=(STAFF_EMAIL,))
    os.environ["AWS_ENDPOINT_URL"] = moto_endpoint
    os.environ.update(env)
    from chalicelib import aws
    from chalicelib.config import get_settings

    get_settings.cache_clear()
    aws.reset()
    return env


@pytest.fixture(scope="session")
def app(stack_env):
    from app import app as chalice_app

    return chalice_app


@pytest.fixture
def client(app):
    from chalice.test import Client

    with Client(app, stage_name="local") as test_client:
        yield test_client
