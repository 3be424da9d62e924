"""One Logger and one Metrics for the whole app (Powertools).

Logs carry ids, never names, e-mail addresses or phone numbers.
"""

from __future__ import annotations

import re

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

# An AWS error can quote a recipient ("…failed the check: x@y.fr"): no log line keeps an address.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


class RedactingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log) -> str:
        return _EMAIL.sub("<adresse>", super().serialize(log))


logger = Logger(service="passerelle", logger_formatter=RedactingFormatter())
metrics = Metrics(namespace="Passerelle", service="passerelle")


def flush_metrics() -> None:
    """Writes the request's business metrics (EMF) if any were added; nothing otherwise."""
    if metrics.metric_set:
        metrics.flush_metrics()
