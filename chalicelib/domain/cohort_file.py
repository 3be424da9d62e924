"""A cohort spreadsheet as a training organisation has it, read into rows (pure; docs/structures.md).

What organisations bring: Excel on French Windows saves "CSV (séparateur : point-virgule)" in
Windows-1252 with CRLF; LibreOffice saves UTF-8 (often with a BOM), `,`, every field quoted;
others use tabs. Headers are typed by people: `Prénom`, `PRENOM`, `prenom`, `E-mail`, `Courriel`…
This module finds the encoding, the separator and the columns, and hands back each data row with
its line number in the file (the header is line 1). Checking the values is the request models'
job (schemas/trainings.py); whole-file problems raise `CohortFileError` with a French message.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from chalicelib.domain.text import fold

MAX_ROWS = 500
MAX_BYTES = 512 * 1024  # 500 rows of a real cohort file are ~50 kB
COLUMNS = ("first_name", "last_name", "email", "phone")
REQUIRED = ("first_name", "last_name", "email")
COLUMN_LABELS = {"first_name": "prenom", "last_name": "nom", "email": "email", "phone": "telephone"}
# Header names (folded, without spaces or punctuation) → column.
_HEADERS = {
    "first_name": {"prenom", "prenoms", "firstname", "prenomdustagiaire", "prenomstagiaire"},
    "last_name": {"nom", "noms", "lastname", "nomdefamille", "nomdustagiaire", "nomstagiaire", "nomusage"},
    "email": {"email", "emails", "mail", "courriel", "adressemail", "adresseemail", "adressecourriel", "mel"},
    "phone": {"telephone", "tel", "portable", "mobile", "phone", "telephoneportable", "numerodetelephone"},
}
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_BINARY_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")  # XLSX/ODS (zip), old XLS, PDF


class CohortFileError(ValueError):
    """The file as a whole cannot be read: `field` names what is wrong (`file` or a column)."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]  # column → raw cell text (missing optional columns absent)


def decode(raw: bytes) -> str:
    if len(raw) > MAX_BYTES:
        raise CohortFileError(
            f"Fichier trop volumineux : {MAX_BYTES // 1024} ko au plus ({MAX_ROWS} lignes)."
        )
    if raw.startswith(_BINARY_MAGIC):
        raise CohortFileError(
            "Ce fichier n'est pas un fichier CSV (classeur Excel, LibreOffice ou PDF ?) : dans votre tableur, "
            "choisissez « Enregistrer sous » puis le format CSV."
        )
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: what Excel writes on French Windows. Bytes cp1252 leaves undefined are refused.
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise CohortFileError(
                "Encodage du fichier non reconnu : enregistrez-le en CSV UTF-8 ou en CSV Windows."
            ) from exc
    if "\x00" in text or any(ord(c) < 32 and c not in "\r\n\t" for c in text):
        raise CohortFileError("Ce fichier contient des caractères de contrôle : ce n'est pas un fichier CSV.")
    if not text.strip():
        raise CohortFileError("Le fichier est vide.")
    return text


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda s: counts[s])
    if counts[best] == 0:
        raise CohortFileError(
            "Impossible de reconnaître les colonnes : la première ligne doit nommer les colonnes "
            "(prenom, nom, email, telephone) séparées par des points-virgules ou des virgules."
        )
    return best


def header_column(name: str) -> str | None:
    key = _NOT_ALNUM.sub("", fold(name))
    return next((column for column, names in _HEADERS.items() if key in names), None)


def read_rows(raw: bytes) -> tuple[list[Row], list[str]]:
    """The data rows with their line numbers, and the columns found. Blank lines are skipped."""
    text = decode(raw)
    first_line = text.lstrip("\r\n").splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first_line))
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            column = header_column(name)
            if column is not None and column not in positions:
                positions[column] = index
        missing = [c for c in REQUIRED if c not in positions]
        if missing:
            names = ", ".join(f"« {COLUMN_LABELS[c]} »" for c in missing)
            raise CohortFileError(
                f"Colonne(s) manquante(s) : {names}. La première ligne doit nommer les colonnes "
                "prenom, nom, email (et si vous l'avez, telephone).",
                field=missing[0],
            )
        rows: list[Row] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) == MAX_ROWS:
                raise CohortFileError(f"Trop de lignes : {MAX_ROWS} stagiaires au plus par envoi.")
            values = {c: (cells[i] if i < len(cells) else "") for c, i in positions.items()}
            rows.append(Row(line=reader.line_num, values=values))
    except csv.Error as exc:
        raise CohortFileError(f"Ligne {reader.line_num} illisible : guillemets mal fermés ?") from exc
    if not rows:
        raise CohortFileError("Le fichier ne contient aucun stagiaire (seulement la ligne d'en-tête).")
    return rows, list(positions)
