"""The import rule of docs/layers.md, checked on every module of app.py and chalicelib/.

Imports run one way: entry points (app.py, api/, jobs/) → services/ → repositories/ and gateways/
→ schemas/ → domain/, with the foundation (config, context, errors, observability, aws) below
everything. A module may import its own package, and the packages ALLOWED lists for it; imports
inside functions count too (they are how the app keeps its cold start short, not a way around the
rule). Repositories keep their keys and DynamoDB calls to themselves: services import repository
modules, never `repositories.db` or `repositories.keys`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOUNDATION = {"config", "context", "errors", "observability", "region"}
# package (or top-level module) of chalicelib → what it may import besides itself
ALLOWED: dict[str, set[str]] = {
    "app": {"api", "jobs", *FOUNDATION},
    "api": {"services", "schemas", "domain", *FOUNDATION},
    "jobs": {"services", "schemas", "domain", *FOUNDATION},
    "services": {"repositories", "gateways", "emails", "schemas", "domain", *FOUNDATION},
    "repositories": {"schemas", "domain", "aws", *FOUNDATION},
    "gateways": {"aws", *FOUNDATION},
    "emails": {"config", "region"},
    "schemas": {"domain", "errors", "context", "region"},
    "domain": set(),
    "aws": set(),
    "config": set(),
    "region": set(),  # the région's identity (issue 18)
    "regions": set(),
    "context": set(),
    "errors": set(),
    "observability": set(),
    "data": set(),
}
PRIVATE = {"repositories.db", "repositories.keys"}  # only repositories/ import these


def layer_of(module: str) -> str:
    """ "chalicelib.api.routing" → "api"; "app" → "app"."""
    parts = module.split(".")
    return parts[1] if parts[0] == "chalicelib" and len(parts) > 1 else parts[0]


def imported_modules(source: str, module: str) -> list[tuple[int, str]]:
    """(line, module) of every chalicelib import of a source, at any depth."""
    found = []
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "chalicelib"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative import: resolved against the importing package
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1], base]).strip(".")
            if base == "chalicelib":  # `from chalicelib import aws, context`
                found += [(node.lineno, f"chalicelib.{a.name}") for a in node.names]
            elif base.split(".")[0] == "chalicelib":
                found.append((node.lineno, base))
    return found


def violations(source: str, module: str) -> list[str]:
    """The imports of `module` that break the rule, as "line: a imports b"."""
    own = layer_of(module)
    wrong = []
    for line, target in imported_modules(source, module):
        theirs = layer_of(target)
        private = ".".join(target.split(".")[1:3])
        if theirs != own and theirs not in ALLOWED[own]:
            wrong.append(f"{line}: {module} ({own}) imports {target} ({theirs})")
        elif private in PRIVATE and own != "repositories":
            wrong.append(f"{line}: {module} imports {target}, private to repositories/")
    return wrong


def modules() -> list[tuple[str, Path]]:
    found = [("app", ROOT / "app.py")]
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        if path.parent == ROOT / "chalicelib" and path.name == "__init__.py":
            continue
        found.append((".".join(path.relative_to(ROOT).with_suffix("").parts), path))
    return found


@pytest.mark.parametrize(("module", "path"), modules(), ids=lambda v: v if isinstance(v, str) else "")
def test_imports_run_one_way(module, path):
    assert layer_of(module) in ALLOWED, (
        f"{module}: a new package needs its place in ALLOWED and docs/layers.md"
    )
    assert violations(path.read_text(encoding="utf-8"), module) == []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("chalicelib.services.sessions", "from chalicelib.api.routing import Principal\n"),
        ("chalicelib.repositories.offers", "def f():\n    from chalicelib.services import browse_offers\n"),
        ("chalicelib.domain.geo", "import chalicelib.schemas.fields\n"),
        ("chalicelib.api.staff", "from chalicelib.repositories import runs\n"),
        ("chalicelib.services.housekeeping", "from chalicelib.repositories.db import data_table\n"),
        ("chalicelib.schemas.offers", "from chalicelib import aws\n"),
        ("chalicelib.gateways.queue", "from ..repositories import keys\n"),
    ],
)
def test_an_import_back_up_or_around_a_layer_is_caught(module, source):
    assert len(violations(source, module)) == 1


def test_imports_the_rule_allows_pass():
    source = "from chalicelib.services import sessions\nfrom chalicelib.api.http import Reply\nimport json\n"
    assert violations(source, "chalicelib.api.auth") == []
