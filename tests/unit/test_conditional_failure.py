"""`is_conditional_failure` tells a refused condition from any other error, without raising."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from chalicelib.repositories.db import is_conditional_failure


def client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "..."}}, "TransactWriteItems")


@pytest.mark.parametrize("code", ["ConditionalCheckFailedException", "TransactionCanceledException"])
def test_refused_conditions(code):
    assert is_conditional_failure(client_error(code))


@pytest.mark.parametrize(
    "error",
    [
        client_error("ProvisionedThroughputExceededException"),
        # botocore's timeout errors have `response = None`: the caller must re-raise them as they are
        # (this raised AttributeError, turning every DynamoDB timeout on a guarded write into an
        # AttributeError in the logs — seen under load by scripts/bench_load.py).
        ReadTimeoutError(endpoint_url="http://127.0.0.1:5000/"),
        EndpointConnectionError(endpoint_url="http://127.0.0.1:5000/"),
        ValueError("not from botocore"),
    ],
)
def test_other_errors(error):
    assert not is_conditional_failure(error)
