"""JSON read from a caller, bounded before it is parsed.

`json.loads` recurses once per nesting level: a 60 kB body of `[` (well under the 64 kB size
limit) raised RecursionError, a 500. No request or cursor of the API nests deeper than a few
levels, so anything deeper than MAX_DEPTH is refused before the parser sees it.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32
TOO_DEEP = f"Le JSON envoyé est trop imbriqué ({MAX_DEPTH} niveaux au plus)."
_BRACKETS_OR_STRINGS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class TooDeep(ValueError):
    pass


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in `raw`, brackets inside strings not counted."""
    depth = deepest = 0
    for match in _BRACKETS_OR_STRINGS.finditer(raw):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def loads(raw: bytes | str, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads` for untrusted input: TooDeep (a ValueError) beyond `max_depth` levels."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") > max_depth and nesting_depth(data) > max_depth:
        raise TooDeep(TOO_DEEP)
    return json.loads(data.decode("utf-8"))
