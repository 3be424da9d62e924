"""Every field a page reads from an API answer exists in the OpenAPI schema of that answer.

site/js/api.js reports each read as "<METHOD> <path> <status> <field path>" (e.g. "GET
/api/employers/me/offers 200 items[].counts.matches") when the test defines
`window.__recordApiRead` (tests/e2e/conftest.py, scripts/check_site.py). `unknown_reads` returns
those the document does not define: a page reading `match_count` where the schema says
`counts.matches` is caught the first time it runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_READ = re.compile(r"^(?P<method>[A-Z]+) (?P<path>/\S*) (?P<status>\d{3}) (?P<field>\S+)$")


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any] | None:
    for template, operations in document["paths"].items():
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return operations[method.lower()]
    return None


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _branches(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives a value of `schema` can take (anyOf/oneOf/allOf flattened, refs resolved)."""
    schema = _resolve(document, schema)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return [b for part in schema[combinator] for b in _branches(document, part)]
    return [schema]


def _children(document: dict[str, Any], schemas: list[dict[str, Any]], step: str) -> list[dict[str, Any]]:
    found = []
    for schema in (b for s in schemas for b in _branches(document, s)):
        if step == "[]" and schema.get("type") == "array":
            found.append(schema.get("items", {}))
        elif step != "[]" and step in schema.get("properties", {}):
            found.append(schema["properties"][step])
    return found


def field_exists(document: dict[str, Any], method: str, path: str, status: str, field: str) -> bool:
    operation = _operation(document, method, path)
    if operation is None:
        return False
    response = operation["responses"].get(status)
    content = (response or {}).get("content", {}).get("application/json")
    if content is None:
        return False
    schemas = [content["schema"]]
    for step in re.findall(r"\[\]|[^.\[\]]+", field):
        if step != "[]" and _is_map_without(document, schemas, step):
            return True  # a map's key may hold dots itself (error.fields["training.end_date"])
        schemas = _children(document, schemas, step)
        if not schemas:
            return False
    return True


def _is_map_without(document: dict[str, Any], schemas: list[dict[str, Any]], key: str) -> bool:
    branches = [b for s in schemas for b in _branches(document, s)]
    is_map = any(isinstance(b.get("additionalProperties"), dict) for b in branches)
    return is_map and not any(key in b.get("properties", {}) for b in branches)


def unknown_reads(document: dict[str, Any], reads: Iterable[str]) -> list[str]:
    """The reads that name no field of their answer's schema (sorted, each once)."""
    unknown = set()
    for read in reads:
        match = _READ.match(read)
        if match is None or not field_exists(document, **match.groupdict()):
            unknown.add(read)
    return sorted(unknown)
