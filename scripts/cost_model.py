"""Monthly AWS bill of Passerelle at region scale, from the requests the benchmarks counted.

    .venv/bin/python scripts/bench_matching_run.py --scale 0.05 --json build/bench_matching_run.json
    .venv/bin/python scripts/cost_model.py --bench build/bench_matching_run.json

Workload (issue 13): 60,000 candidates, 30,000 offers; 0.5 % of the candidates and 1 % of the
offers change each day (each change one matching event); 50,000 API requests a day; weekly
exports; digests and sign-in e-mails. The matching figures come from the benchmark's JSON:
requests per event by API call, items read and written, own CPU; the full reconciliation run's
requests and items, scaled linearly from the benchmark's scale to 1.0 (what it reads and writes
grows with the number of items). What the benchmarks do not measure is an assumption, named in
ASSUMPTIONS below and printed. Free tiers are left out (the bill is an upper bound).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Public on-demand prices of eu-west-3 (Europe, Paris), USD, as published by AWS on its pricing
# pages, noted in November 2024 (after DynamoDB's on-demand price cut of 1 November 2024); this
# machine has no internet, so they were not read again: check them before relying on the total.
# Re-checked offline on 2 December 2026 (stored copies of public pages only): the unit definitions
# of AWS's DynamoDB on-demand page, and a third-party page (July 2025) giving us-east-1 at $0.625
# per million WRU and $0.125 per million RRU, consistent with Paris at ~1.13 × that; the eu-west-3
# figures themselves remain unverified.
PRICES_DATE = "2024-11 (eu-west-3 not re-read since; check before relying on them)"
USD_TO_EUR = 0.86  # assumption: the rate of late 2025
PRICES = {
    "dynamodb_write_per_million": 0.7065,  # write request units (1 KB), on-demand, Standard table class
    "dynamodb_read_per_million": 0.1415,  # read request units (4 KB strongly consistent, 8 KB eventually)
    "dynamodb_storage_gb_month": 0.2830,
    "dynamodb_pitr_gb_month": 0.2264,  # continuous backups
    "lambda_gb_second_arm64": 0.0000133334,
    "lambda_requests_per_million": 0.20,
    "apigateway_rest_per_million": 3.50,
    "sqs_standard_per_million": 0.40,  # per 64 KB chunk of a request
    "ses_per_thousand": 0.10,  # e-mails sent from AWS compute
    "sns_publish_per_million": 0.50,
    "sns_email_per_100k": 2.00,
    "s3_standard_gb_month": 0.024,
    "s3_put_per_thousand": 0.005,
    "s3_get_per_thousand": 0.0004,
    "cloudfront_gb_europe": 0.085,  # first 10 TB
    "cloudfront_https_per_10k": 0.0120,
    "cloudwatch_logs_ingest_gb": 0.53,
}

ASSUMPTIONS = {
    "candidates": 60_000,
    "offers": 30_000,
    "candidate_changes_per_day": 0.005 * 60_000,  # sign-ups and edits, one event each
    "offer_changes_per_day": 0.01 * 30_000,
    "api_requests_per_day": 50_000,
    "api_dynamodb_reads_per_request": 3.0,  # session GetItem + the resource read (item ≤ 4 KB)
    "api_dynamodb_writes_per_request": 0.3,  # most requests read
    "api_lambda_ms": 60.0,  # warm handler time per API request
    "lambda_memory_gb": 1.0,  # .chalice/config.json (prod): 1024 MB, the matching worker too
    "dynamodb_request_ms": 8.0,  # a DynamoDB round trip seen from Lambda, added to the own CPU
    "reconciliation_runs_per_day": 1,  # docs/matching.md: daily, after midnight Paris
    "item_kb_read": 0.6,  # average size of what a Query returns per item (profiles, matches, entries)
    "sign_in_emails_per_day": 3_000,
    "digests_per_day": 2_000,  # at most one per person per day
    "exports_per_week": 30,  # staff exports of a bassin
    "export_items_read": 10_000,
    "export_mb": 5.0,
    "site_gb_per_month": 60.0,  # static pages and assets through CloudFront
    "site_requests_per_month": 3_000_000,
    "stored_gb": 3.0,  # profiles, offers, 0.9 M matches, index entries, lists, interactions
    "logs_gb_per_month": 5.0,
    "alarms_per_month": 30,
}


def read_units(requests: dict, items_read: float, consistent_share: float = 0.5) -> float:
    """Read request units: one per GetItem / BatchGetItem item (≤ 4 KB), and for Queries the data
    they return in 4 KB units (half a unit when eventually consistent)."""
    point = requests.get("GetItem", 0) + requests.get("BatchGetItem", 0)
    query_kb = items_read * ASSUMPTIONS["item_kb_read"]
    queries = requests.get("Query", 0)
    per_query_units = max(queries, query_kb / 4) * (consistent_share + (1 - consistent_share) / 2)
    return point + per_query_units


def monthly(bench: dict) -> dict[str, float]:
    a, p = ASSUMPTIONS, PRICES
    days = 30.4
    scale = bench["scale"]
    lines: dict[str, float] = {}

    # --- matching: events -----------------------------------------------------------------
    events = bench["events"]
    cand = [events["new candidate, 30 km"], events["edited profile (mobility halved)"]]
    offer = events["new offer"]
    per_day = {
        "candidate": (a["candidate_changes_per_day"], cand),
        "offer": (a["offer_changes_per_day"], [offer]),
    }
    wru = rru = gb_s = invocations = 0.0
    for _, (count, samples) in per_day.items():
        for s in samples:
            share = count / len(samples)
            calls = s["by_call_mean"]
            # Reads grow with the density of the region (scale); request counts do not.
            items = (s.get("read_mean", 0) or 0) / max(scale, 1e-9)
            rru += share * read_units(calls, items, consistent_share=0.8)
            wru += share * (s["written_mean"] + s.get("index_mean", 0) + 2)  # + lists, MATCHED
            seconds = s["cpu_p50_ms"] / 1000 + sum(calls.values()) * a["dynamodb_request_ms"] / 1000
            gb_s += share * seconds * a["lambda_memory_gb"]
            invocations += share
    # --- matching: daily reconciliation (27 bassin messages) ---------------------------------
    # A day's run: the benchmark's run after 1 % of the offers changed (its lists' matches read
    # again; the others skipped by their digest). Older JSON without that run: the unchanged one.
    runs = bench["run"]["runs"]
    run = runs[2] if len(runs) > 2 else runs[1]
    t = run["totals"]
    stored_read = t.get("stored_read", t.get("kept", 0))  # before the digests: every stored match
    items_read = (t.get("candidates", 0) + t.get("offers", 0) + stored_read) / scale
    run_requests = {k: v / scale for k, v in run["requests"].items()}
    rru += a["reconciliation_runs_per_day"] * read_units(run_requests, items_read, consistent_share=0.0)
    # Time changes a few lists a day (training ends, start dates): 1 % of the matches rewritten.
    wru += a["reconciliation_runs_per_day"] * 0.01 * t.get("kept", 0) / scale
    run_seconds = run["cpu_s"] / scale + sum(run_requests.values()) * a["dynamodb_request_ms"] / 1000
    gb_s += a["reconciliation_runs_per_day"] * run_seconds * a["lambda_memory_gb"]
    invocations += a["reconciliation_runs_per_day"] * 28
    sqs_messages = (
        a["candidate_changes_per_day"] + a["offer_changes_per_day"] + 27 * a["reconciliation_runs_per_day"]
    )

    # --- the API -----------------------------------------------------------------------------
    api = a["api_requests_per_day"]
    rru += api * a["api_dynamodb_reads_per_request"]
    wru += api * a["api_dynamodb_writes_per_request"]
    gb_s += api * a["api_lambda_ms"] / 1000 * a["lambda_memory_gb"]
    invocations += api
    # --- exports -----------------------------------------------------------------------------
    exports_per_day = a["exports_per_week"] / 7
    rru += exports_per_day * a["export_items_read"] * a["item_kb_read"] / 4 / 2
    gb_s += exports_per_day * 20 * 0.5  # 20 s at 512 MB
    invocations += exports_per_day
    sqs_messages += exports_per_day

    month = days
    lines["DynamoDB writes"] = wru * month / 1e6 * p["dynamodb_write_per_million"]
    lines["DynamoDB reads"] = rru * month / 1e6 * p["dynamodb_read_per_million"]
    lines["DynamoDB storage"] = a["stored_gb"] * p["dynamodb_storage_gb_month"]
    lines["DynamoDB PITR"] = a["stored_gb"] * p["dynamodb_pitr_gb_month"]
    lines["Lambda GB-s"] = gb_s * month * p["lambda_gb_second_arm64"]
    lines["Lambda requests"] = invocations * month / 1e6 * p["lambda_requests_per_million"]
    lines["API Gateway"] = api * month / 1e6 * p["apigateway_rest_per_million"]
    # Each message: sent, received (the event source polls), deleted.
    lines["SQS"] = sqs_messages * 3 * month / 1e6 * p["sqs_standard_per_million"]
    lines["SES"] = (a["sign_in_emails_per_day"] + a["digests_per_day"]) * month / 1000 * p["ses_per_thousand"]
    lines["SNS (alarms)"] = a["alarms_per_month"] * (
        p["sns_publish_per_million"] / 1e6 + p["sns_email_per_100k"] / 1e5
    )
    lines["S3 (site, exports)"] = (0.05 + exports_per_day * month * a["export_mb"] / 1024) * p[
        "s3_standard_gb_month"
    ] + exports_per_day * month * 2 * (p["s3_put_per_thousand"] + p["s3_get_per_thousand"]) / 1000
    lines["CloudFront"] = (
        a["site_gb_per_month"] * p["cloudfront_gb_europe"]
        + (a["site_requests_per_month"] + api * month) / 1e4 * p["cloudfront_https_per_10k"]
    )
    lines["CloudWatch Logs"] = a["logs_gb_per_month"] * p["cloudwatch_logs_ingest_gb"]
    return {name: usd * USD_TO_EUR for name, usd in lines.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--bench", type=Path, required=True, help="JSON of scripts/bench_matching_run.py --json"
    )
    parser.add_argument("--target", type=float, default=50.0, help="€ per month")
    args = parser.parse_args()
    bench = json.loads(args.bench.read_text())
    lines = monthly(bench)
    total = sum(lines.values())
    print(f"prices: eu-west-3 on-demand, {PRICES_DATE}; 1 USD = {USD_TO_EUR} EUR; free tiers left out")
    print(f"matching figures from {args.bench} (benchmark at scale {bench['scale']}, scaled to 1.0)")
    for name, value in sorted(ASSUMPTIONS.items()):
        print(f"  assumption {name} = {value:,}")
    print()
    for name, eur in sorted(lines.items(), key=lambda item: -item[1]):
        print(f"  {name:22} {eur:9.2f} € / month")
    print(f"\ntotal: {total:.2f} € / month")
    top = sorted(lines.items(), key=lambda item: -item[1])[:3]
    print("three largest: " + ", ".join(f"{n} {v:.2f} €" for n, v in top))
    print(f"target ≤ {args.target:.0f} € / month: {'OK' if total <= args.target else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
