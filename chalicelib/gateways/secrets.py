"""Secrets and runtime parameters through Powertools Parameters (cached for 5 minutes)."""

from __future__ import annotations

from chalicelib.config import get_settings

_MAX_AGE = 300


def signing_key() -> str:
    from aws_lambda_powertools.utilities import parameters

    return str(parameters.get_secret(get_settings().signing_secret, max_age=_MAX_AGE))


def origin_key() -> str:
    from aws_lambda_powertools.utilities import parameters

    return str(parameters.get_secret(get_settings().origin_secret, max_age=_MAX_AGE))


def staff_emails() -> frozenset[str]:
    from aws_lambda_powertools.utilities import parameters

    raw = str(parameters.get_parameter(get_settings().staff_emails_param, max_age=_MAX_AGE))
    return frozenset(e.strip().lower() for e in raw.split(",") if e.strip())
