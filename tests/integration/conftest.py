"""Integration fixtures: a moto server over HTTP, resources created from infra/, the Chalice test client.

Helpers the tests call are in tests/integration/helpers.py, builders in tests/factories.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto.server import ThreadedMotoServer

from scripts.moto_server import patch_moto
from scripts.provision import load_template, provision
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


def _use_table(name: str) -> None:
    from chalicelib.config import get_settings

    os.environ["PASSERELLE_TABLE"] = name
    get_settings.cache_clear()


def create_data_table(dynamodb, name: str) -> None:
    """An empty data table named `name`, declared as infra/template.yaml's DataTable (keys, indexes,
    billing, encryption, TTL), on the suite's moto server."""
    properties = load_template()["Resources"]["DataTable"]["Properties"]
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=properties["AttributeDefinitions"],
        KeySchema=properties["KeySchema"],
        GlobalSecondaryIndexes=properties["GlobalSecondaryIndexes"],
        BillingMode=properties["BillingMode"],
        SSESpecification={"Enabled": properties["SSESpecification"]["SSEEnabled"]},
    )
    ttl = properties["TimeToLiveSpecification"]
    dynamodb.update_time_to_live(
        TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True}
    )


@pytest.fixture(scope="module", autouse=True)
def own_table(request) -> Iterator[str | None]:
    """A module marked `pytestmark = pytest.mark.own_table` runs on a data table of its own, empty
    when the module starts (the other resources stay shared): its Queries and Scans read only what
    it seeded, not the thousands of items the other modules leave in the shared table. Modules that
    run the matching of every bassin (27 runs, each reading the candidates of ~25 bassins) use it."""
    if request.node.get_closest_marker("own_table") is None:
        yield None
        return
    env = request.getfixturevalue("stack_env")
    from chalicelib import aws

    shared = env["PASSERELLE_TABLE"]
    name = f"{shared}-{request.module.__name__.rsplit('.', 1)[-1].replace('_', '-')}"
    dynamodb = aws.client("dynamodb")
    create_data_table(dynamodb, name)
    _use_table(name)
    try:
        yield name
    finally:
        _use_table(shared)
        dynamodb.delete_table(TableName=name)


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
