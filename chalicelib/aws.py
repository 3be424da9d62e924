"""Lazy, cached boto3 clients.

Created on first use, never at import time: keeps the Lambda cold start short and
lets tests point AWS_ENDPOINT_URL at moto before anything connects. boto3 honours
AWS_ENDPOINT_URL itself, so there is no local-only branch here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_TIMEOUTS = {"connect_timeout": 3, "read_timeout": 10, "retries": {"max_attempts": 4, "mode": "standard"}}


@cache
def _session() -> Any:
    import boto3  # imported lazily: ~100 ms that public referential calls never pay

    return boto3.session.Session()


@cache
def client(service: str) -> Any:
    from botocore.config import Config

    return _session().client(service, config=Config(**_TIMEOUTS))


@cache
def table(name: str) -> Any:
    from botocore.config import Config

    return _session().resource("dynamodb", config=Config(**_TIMEOUTS)).Table(name)


def reset() -> None:
    """Forget cached clients (tests switch endpoints between sessions)."""
    _session.cache_clear()
    client.cache_clear()
    table.cache_clear()
