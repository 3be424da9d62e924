"""Reversibility (issue 15): demo data → scripts/dump.py → a fresh stack → scripts/restore.py gives
the same items; sign-in works on the new stack and the matching finds the same lists there."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from chalicelib.domain.calendar import paris_today
from scripts.dump import dump
from scripts.provision import provision
from scripts.restore import RestoreError, restore
from tests.integration.helpers import call, deliver_outbox, open_session, scan, seed_candidate
from tests.stack import free_port

pytestmark = pytest.mark.usefixtures("empty_queues")
REGION = "eu-west-3"
ROOT = Path(__file__).resolve().parents[2]


def _typed_items(dynamodb, table: str) -> list[dict]:
    items = [i for page in dynamodb.get_paginator("scan").paginate(TableName=table) for i in page["Items"]]
    return sorted(items, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def _dump_bucket(s3) -> None:
    if "passerelle-dumps" not in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.create_bucket(Bucket="passerelle-dumps", CreateBucketConfiguration={"LocationConstraint": REGION})


def _switch_to(monkeypatch, endpoint: str, env: dict[str, str]) -> None:
    from aws_lambda_powertools.utilities import parameters

    from chalicelib import aws
    from chalicelib.config import get_settings

    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    aws.reset()
    parameters.clear_caches()


def _clear_caches() -> None:
    from aws_lambda_powertools.utilities import parameters

    from chalicelib import aws
    from chalicelib.config import get_settings

    get_settings.cache_clear()
    aws.reset()
    parameters.clear_caches()


@contextlib.contextmanager
def _moto_stack():
    """A moto server in its own process (servers of this process share its AWS state), with the
    stack created from infra/: (endpoint, the app's environment on it)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "moto_server.py"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=2).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "moto server did not start"
                time.sleep(0.2)
        yield endpoint, provision(endpoint, stage="local")
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def old_stack(stack_env):
    """The stack the service leaves (its own server: the suite's shared one stays as it was)."""
    with _moto_stack() as stack:
        yield stack


@pytest.fixture(scope="module")
def fresh_stack(stack_env):
    """The empty stack the service moves to (the tampered dump's test, first, leaves it empty)."""
    with _moto_stack() as stack:
        yield stack


@pytest.fixture(autouse=True)
def back_to_the_suite_stack(monkeypatch):
    yield
    monkeypatch.undo()
    _clear_caches()


def test_a_tampered_dump_is_refused_before_anything_is_written(old_stack, fresh_stack, monkeypatch):
    import gzip

    import boto3

    from chalicelib import aws
    from chalicelib.config import get_settings

    _switch_to(monkeypatch, *old_stack)
    seed_candidate()
    source_db, source_s3 = aws.client("dynamodb"), aws.client("s3")
    _dump_bucket(source_s3)
    manifest = dump(source_db, source_s3, get_settings().table, "passerelle-dumps", "dumps/tampered")
    last = manifest["parts"][-1]["key"]
    source_s3.put_object(Bucket="passerelle-dumps", Key=last, Body=gzip.compress(b'{"PK": {"S": "x"}}\n'))
    endpoint, env = fresh_stack
    target_db = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    with pytest.raises(ValueError, match="checksum"):
        restore(target_db, source_s3, "passerelle-dumps", "dumps/tampered", env["PASSERELLE_TABLE"])
    assert target_db.scan(TableName=env["PASSERELLE_TABLE"], Select="COUNT")["Count"] == 0


def test_a_dump_restored_into_an_empty_stack_gives_the_same_service(
    client, old_stack, fresh_stack, monkeypatch
):
    import boto3

    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.domain.calendar import utc_timestamp
    from chalicelib.repositories import matches as matches_repo
    from chalicelib.repositories.db import data_table
    from chalicelib.services import run_matching
    from scripts.demo_data import DEMO_CANDIDATE, load_demo_data
    from scripts.moto_mail import latest_token

    _switch_to(monkeypatch, *old_stack)
    monkeypatch.setenv(
        "PASSERELLE_DEMO_HISTORY", "0"
    )  # the named demo data: the history is 2,500 more people
    load_demo_data()
    offers = [i for i in scan(data_table()) if i.get("kind") == "offer" and i.get("status") == "open"]
    bassins = sorted({o["bassin"] for o in offers})
    today, now = paris_today(), utc_timestamp()
    for bassin in bassins:
        run_matching.match_bassin(bassin, today, now)
    source_lists = {o["id"]: matches_repo.existing_match_records(o["id"]) for o in offers}
    assert sum(len(v) for v in source_lists.values()) > 0

    settings = get_settings()
    source_db, source_s3 = aws.client("dynamodb"), aws.client("s3")
    _dump_bucket(source_s3)
    manifest = dump(
        source_db, source_s3, settings.table, "passerelle-dumps", "dumps/test", settings.exports_bucket
    )
    before = _typed_items(source_db, settings.table)
    assert manifest["items"] == len(before) and manifest["kinds"]["candidate"] >= 1

    endpoint, env = fresh_stack
    target_db = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    report = restore(target_db, source_s3, "passerelle-dumps", "dumps/test", env["PASSERELLE_TABLE"])
    assert report["items"] == len(before)
    assert _typed_items(target_db, env["PASSERELLE_TABLE"]) == before  # the same items, typed values and all
    with pytest.raises(RestoreError, match="not empty"):
        restore(target_db, source_s3, "passerelle-dumps", "dumps/test", env["PASSERELLE_TABLE"])

    # the service now runs on the new stack: the demo candidate signs in...
    _switch_to(monkeypatch, endpoint, env)
    assert call(client, "POST", "/api/auth/magic-link", {"email": DEMO_CANDIDATE}).status == 202
    deliver_outbox()
    cookie = open_session(client, latest_token(endpoint, DEMO_CANDIDATE))
    me = call(client, "GET", "/api/candidates/me", cookie=cookie)
    assert me.status == 200 and me.body["email"] == DEMO_CANDIDATE
    # ...and the matching, run again there, finds the very lists it had stored
    for bassin in bassins:
        assert run_matching.match_bassin(bassin, today, utc_timestamp()).written == 0
    assert {o["id"]: matches_repo.existing_match_records(o["id"]) for o in offers} == source_lists
