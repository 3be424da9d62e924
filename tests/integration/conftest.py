"""Integration fixtures: a moto server over HTTP, resources created from infra/, the Chalice test client.

Helpers the tests call are in tests/integration/helpers.py, builders in tests/factories.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from scripts.moto_server import patch_moto
from scripts.provision import provision
from tests.integration.helpers import COLLEAGUE_EMAIL, STAFF_EMAIL, drain_exports_queue, drain_matching_queue


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    # A Query reads its partition, not the whole table (scripts/moto_server.py, fix 4): the suite's
    # shared table grows to thousands of items, and moto's O(table) Query made it the slowest part.
    os.environ["PASSERELLE_MOTO_INDEXED_QUERIES"] = "1"
    patch_moto()  # moto's data.json (our e-mail reader) must survive multipart uploads
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    yield endpoint
    server.stop()


@pytest.fixture(scope="session")
def stack_env(moto_endpoint: str) -> dict[str, str]:
    env = provision(moto_endpoint, stage="local", staff_emails=(STAFF_EMAIL, COLLEAGUE_EMAIL))
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


@pytest.fixture(scope="module")
def empty_queues(stack_env) -> Iterator[None]:
    """Leaves the shared queues as the module found them empty: no worker consumes them in the API
    tests, and tests/integration/test_infra.py counts the messages of the matching queue.
    A module that sends messages says `pytestmark = pytest.mark.usefixtures("empty_queues")`."""
    drain_matching_queue()
    drain_exports_queue()
    yield
    drain_matching_queue()
    drain_exports_queue()
