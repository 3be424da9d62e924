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
from datetime import UTC, date, datetime
from typing import Any

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    _PARIS = ZoneInfo("Europe/Paris")
except (ImportError, ZoneInfoNotFoundError):  # a runtime without the tz database
    _PARIS = UTC

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
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Cell = str | int | float | bool | date | list | None


def neutralise(text: str) -> str:
    """Text that a spreadsheet would run as a formula is made inert with a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def french_decimal(value: float) -> str:
    """4.25 → "4,25" (the decimal comma French Excel expects); whole values lose their ".0"."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if text not in ("-0", "") else "0"


def paris_day(timestamp: str | None) -> date | None:
    """The day, in Paris, of an ISO 8601 timestamp as stored ("2026-03-01T23:30:00+00:00")."""
    if not timestamp:
        return None
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(_PARIS).date()


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


# --- the columns of each export ------------------------------------------------------------------
# Rows are built from the stored records (duck-typed: this module imports no schema). Only the
# candidates export carries names and contact details, and only for people who agreed to be
# contacted; the other exports carry ids.
CONTRACTS = {"cdi": "CDI", "cdd": "CDD", "interim": "Intérim", "alternance": "Alternance"}
OFFER_STATUSES = {"open": "ouverte", "closed": "clôturée"}
CLOSED_REASONS = {"closed_by_employer": "clôturée par l'employeur", "account_deleted": "compte supprimé"}
INTERESTS = {"interested": "intéressé(e)", "not_interested": "pas intéressé(e)"}
OUTCOMES = {
    "contacted": "contacté(e)",
    "interview": "entretien",
    "hired": "recruté(e)",
    "not_retained": "non retenu(e)",
    "sans_reponse": "sans réponse",
}

CANDIDATE_HEADER = (
    "Identifiant",
    "Inscrit(e) le",
    "Code commune (INSEE)",
    "Commune",
    "Code bassin",
    "Bassin d'emploi",
    "Mobilité (km)",
    "Formation",
    "Organisme de formation",
    "Métiers de la formation (ROME)",
    "Fin de formation",
    "Certification obtenue",
    "Métiers visés (ROME)",
    "Nombre de compétences",
    "Contrats recherchés",
    "Disponible à partir du",
    "Accepte d'être contacté(e)",
    "Profil visible",
    "Prénom",
    "Nom",
    "E-mail",
    "Téléphone",
)
OFFER_HEADER = (
    "Identifiant de l'offre",
    "Identifiant de l'employeur",
    "Intitulé",
    "Code ROME",
    "Métier",
    "Code commune (INSEE)",
    "Commune",
    "Code bassin",
    "Bassin d'emploi",
    "Contrat",
    "Postes",
    "Début du contrat",
    "Publiée le",
    "Publiée jusqu'au",
    "État",
    "Clôturée le",
    "Motif de clôture",
)
MATCH_HEADER = (
    "Identifiant de l'offre",
    "Identifiant du candidat",
    "Identifiant de l'employeur",
    "Code bassin",
    "Bassin d'emploi",
    "Score",
    "Distance (km)",
    "Même métier",
    "Compétences détenues",
    "Compétences demandées",
    "Raisons",
    "Calculée le",
    "Intérêt du candidat",
    "Suite donnée",
    "Date de la suite",
)
OUTCOME_HEADER = (
    "Identifiant de l'offre",
    "Identifiant du candidat",
    "Identifiant de l'employeur",
    "Code bassin",
    "Bassin d'emploi",
    "Intérêt du candidat",
    "Date de la réponse",
    "Suite donnée",
    "Date de la suite",
    "Historique",
)


def _place(refs: Any, code_insee: str) -> tuple[str | None, str | None]:
    commune = refs.commune(code_insee)
    return (commune.name, commune.bassin_code) if commune else (None, None)


def _bassin_label(refs: Any, code: str | None) -> str | None:
    bassin = refs.bassins.get(code) if code else None
    return bassin.label if bassin else None


def candidate_row(c: Any, refs: Any) -> list[Cell]:
    commune, _ = _place(refs, c.code_insee)
    contact = c.consent_contact  # data minimisation: identity and contact only with consent
    return [
        c.id,
        paris_day(c.created_at),
        c.code_insee,
        commune,
        c.bassin,
        _bassin_label(refs, c.bassin),
        c.mobility_km,
        c.training.title,
        c.training.organisation,
        list(c.training.code_rome),
        c.training.end_date,
        c.training.certification_obtained,
        list(c.target_code_rome),
        len(c.competences),
        [CONTRACTS.get(t, t) for t in c.contract_types],
        c.available_from,
        c.consent_contact,
        c.visible,
        c.first_name if contact else None,
        c.last_name if contact else None,
        c.email if contact else None,
        display_phone(c.phone) if contact else None,
    ]


def offer_row(o: Any, refs: Any) -> list[Cell]:
    commune, _ = _place(refs, o.code_insee)
    metier = refs.metiers.get(o.code_rome)
    return [
        o.id,
        o.employer_id,
        o.title,
        o.code_rome,
        metier.label if metier else None,
        o.code_insee,
        commune,
        o.bassin,
        _bassin_label(refs, o.bassin),
        CONTRACTS.get(o.contract_type, o.contract_type),
        o.positions,
        o.start_date,
        paris_day(o.created_at),
        o.expires_at,
        OFFER_STATUSES.get(o.status, o.status),
        paris_day(o.closed_at),
        CLOSED_REASONS.get(o.closed_reason, o.closed_reason) if o.closed_reason else None,
    ]


def match_row(m: Any, interaction: Any, refs: Any) -> list[Cell]:
    return [
        m.offer_id,
        m.candidate_id,
        m.employer_id,
        m.bassin,
        _bassin_label(refs, m.bassin),
        m.score,
        float(m.distance_km),
        m.exact,
        m.competences_held,
        m.competences_required,
        " · ".join(m.reasons),
        paris_day(m.computed_at),
        INTERESTS.get(interaction.interest) if interaction and interaction.interest else None,
        OUTCOMES.get(interaction.status) if interaction and interaction.status else None,
        paris_day(interaction.status_at) if interaction else None,
    ]


def outcome_row(i: Any, refs: Any) -> list[Cell]:
    history = " ; ".join(
        f"{OUTCOMES.get(e.status, e.status)} le {french_date(paris_day(e.at))}" for e in i.history
    )
    return [
        i.offer_id,
        i.candidate_id,
        i.employer_id,
        i.bassin or None,
        _bassin_label(refs, i.bassin),
        INTERESTS.get(i.interest) if i.interest else None,
        paris_day(i.interest_at),
        OUTCOMES.get(i.status) if i.status else None,
        paris_day(i.status_at),
        history or None,
    ]
