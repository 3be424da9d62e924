"""Export cells and CSV lines as French Excel reads them (pure: stdlib only).

French Excel opens a `.csv` with a double click when the file is UTF-8 *with* a byte order mark
(otherwise accents come out as "Ã©"), uses `;` as the separator (`,` is the decimal mark), and
reads dates written JJ/MM/AAAA. Cells are quoted as RFC 4180 says (`"` doubled) when they hold
the separator, a quote or a line break; lines end with CRLF.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be taken for a
formula by a spreadsheet (CSV injection, OWASP): it is prefixed with `'`, which Excel shows as
text. Numbers, dates and booleans are written by this module itself and never prefixed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime

from chalicelib.domain.calendar import french_date

BOM = "\ufeff"
SEPARATOR = ";"
EOL = "\r\n"
LIST_SEPARATOR = ", "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_QUOTES = (SEPARATOR, '"', "\n", "\r")

KIND_SLUGS = {
    "candidates": "candidats",
    "offers": "offres",
    "matches": "correspondances",
    "outcomes": "resultats",
    "structures": "structures",
    "trainings": "formations",
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Cell = str | int | float | bool | date | list | None


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula is made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def french_decimal(value: float) -> str:
    """4.25 → "4,25" (the decimal comma French Excel expects); whole values lose their ".0"."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if text not in ("-0", "") else "0"


def display_phone(e164: str | None) -> str | None:
    """ "+33612345678" → "06 12 34 56 78": how staff dial it, and no leading "+" to neutralise."""
    if not e164:
        return None
    if e164.startswith("+33") and len(e164) == 12:
        national = "0" + e164[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return e164


def cell_text(value: Cell) -> str:
    """One value as the text of a CSV cell (before quoting)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return french_decimal(value)
    if isinstance(value, datetime):
        return french_date(value.date())
    if isinstance(value, date):
        return french_date(value)
    if isinstance(value, list):
        return neutralise(LIST_SEPARATOR.join(str(v) for v in value))
    return neutralise(str(value))


def quote(text: str) -> str:
    if any(mark in text for mark in _NEEDS_QUOTES):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Iterable[Cell]) -> str:
    return SEPARATOR.join(quote(cell_text(v)) for v in values) + EOL


def csv_lines(header: Iterable[str], rows: Iterable[Iterable[Cell]]) -> Iterator[str]:
    """The whole file, line by line: BOM and header first; never holds more than one row."""
    yield BOM + csv_line(header)
    for row in rows:
        yield csv_line(row)


def export_filename(kind: str, bassin: str | None, day: date, fmt: str) -> str:
    """passerelle-candidats-4410-2026-11-29.csv (or "-region-" for every bassin)."""
    return f"passerelle-{KIND_SLUGS[kind]}-{bassin or 'region'}-{day.isoformat()}.{fmt}"
