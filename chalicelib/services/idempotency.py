"""`Idempotency-Key` on creating POSTs, through Powertools Idempotency (DynamoDB table from infra/).

Same key + same body → the first response again, nothing created twice; same key with
another body → 422; the same request still running → 409.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

from chalicelib import aws
from chalicelib.config import get_settings
from chalicelib.errors import Conflict, UnprocessableEntity, ValidationFailed

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,128}$")
HEADER = "idempotency-key"


@cache
def _persistence() -> Any:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table, boto3_client=aws.client("dynamodb")
    )


def run_idempotent(scope: str, key: str | None, payload: Any, create: Callable[[], dict]) -> dict:
    """Runs `create` once per (scope, key); scope names the route and the caller."""
    if key is None:
        return create()
    if not _KEY.match(key):
        message = "En-tête Idempotency-Key invalide (8 à 128 caractères : lettres, chiffres, - _ . :)."
        raise ValidationFailed(message, {"Idempotency-Key": message})

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

    from chalicelib.api.routing import lambda_context

    context = lambda_context.get()
    if context is not None and hasattr(context, "get_remaining_time_in_millis"):
        # Lets Powertools expire an "in progress" record when the invocation dies, so that a retry
        # after a crash is not refused for the whole record lifetime.
        config.register_lambda_context(context)

    @idempotent_function(data_keyword_argument="request", persistence_store=_persistence(), config=config)
    def submit(request: dict) -> dict:
        return create()

    try:
        with warnings.catch_warnings():
            # Outside a Lambda invocation (scripts, tests calling services directly) there is no
            # context and Powertools warns on every call; the record then lives until it expires.
            warnings.filterwarnings("ignore", message="Couldn't determine the remaining time left")
            return submit(request={"scope": scope, "key": key, "payload": payload})
    except IdempotencyAlreadyInProgressError as exc:
        raise Conflict(
            "Une demande identique est déjà en cours de traitement. Patientez un instant."
        ) from exc
    except IdempotencyValidationError as exc:
        raise UnprocessableEntity(
            "Cette clé d'idempotence a déjà servi pour une autre demande.",
            {"Idempotency-Key": "Cette clé a déjà servi pour une demande différente."},
        ) from exc
