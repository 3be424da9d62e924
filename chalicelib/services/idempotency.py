"""`Idempotency-Key` on creating POSTs, through Powertools Idempotency (DynamoDB table from infra/).

Same key + same body → the first response again, nothing created twice; same key with
another body → 422; the same request still running → 409. The routes check the key's shape.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from chalicelib import context
from chalicelib.errors import Conflict, UnprocessableEntity
from chalicelib.repositories import idempotency as records


def request_of(scope: str, key: str, payload: Any) -> dict[str, Any]:
    return {"scope": scope, "key": key, "payload": payload}


def record_key(scope: str, key: str | None) -> str | None:
    """Key of the record being written for (scope, key), from inside `create`: erasing what was
    created deletes it too (it keeps the response, hence the new id, for 24 hours)."""
    return None if key is None else records.record_key({"scope": scope, "key": key})


def run_idempotent(scope: str, key: str | None, payload: Any, create: Callable[[], dict]) -> dict:
    """Runs `create` once per (scope, key); scope names the route and the caller."""
    if key is None:
        return create()

    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="[scope, key]",
        payload_validation_jmespath="payload",
        expires_after_seconds=24 * 3600,
        raise_on_no_idempotency_key=True,
    )
    lambda_context = context.lambda_context()
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        # Lets Powertools expire an "in progress" record when the invocation dies, so that a retry
        # after a crash is not refused for the whole record lifetime.
        config.register_lambda_context(lambda_context)

    @idempotent_function(
        data_keyword_argument="request", persistence_store=records.persistence(), config=config
    )
    def submit(request: dict) -> dict:
        return create()

    try:
        with warnings.catch_warnings():
            # Outside a Lambda invocation (scripts, tests calling services directly) there is no
            # context and Powertools warns on every call; the record then lives until it expires.
            warnings.filterwarnings("ignore", message="Couldn't determine the remaining time left")
            return submit(request=request_of(scope, key, payload))
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict(
            "Une demande identique est déjà en cours de traitement. Patientez un instant."
        ) from exc
    except IdempotencyValidationError as exc:
        raise UnprocessableEntity(
            "Cette clé d'idempotence a déjà servi pour une autre demande.",
            {"Idempotency-Key": "Cette clé a déjà servi pour une demande différente."},
        ) from exc
