"""One Logger and one Metrics for the whole app (Powertools).

Logs carry ids, never names, e-mail addresses or phone numbers.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="passerelle")
metrics = Metrics(namespace="Passerelle", service="passerelle")


def flush_metrics() -> None:
    """Writes the request's business metrics (EMF) if any were added; nothing otherwise."""
    if metrics.metric_set:
        metrics.flush_metrics()
