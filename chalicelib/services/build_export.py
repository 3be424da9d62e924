"""Use case: the exports worker builds the file the staff asked for (services/export_requests.py
stores and queues the request).

Rows are read page by page (Query per bassin, never a Scan), turned into CSV lines or XLSX cells
and streamed to S3 by multipart upload, so memory stays flat whatever the row count. Progress is
the share of the export's items read, counted first with Select=COUNT queries, and is saved each
time it gains a percent.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from chalicelib.domain import export_columns as columns
from chalicelib.domain import export_format as fmt
from chalicelib.domain.calendar import paris_day, paris_today, utc_timestamp
from chalicelib.domain.referentials import get_referentials
from chalicelib.gateways import exports_store
from chalicelib.observability import logger, metrics
from chalicelib.repositories import (
    candidates,
    employers,
    exports,
    matches,
    offers,
    stats,
    structures,
    trainings,
)
from chalicelib.schemas.exports_store import ExportFilters, ExportRecord

XLSX_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows, less the header
FAILED = "L'export n'a pas pu être produit. Relancez-le ; si l'échec se répète, contactez l'assistance."


# --- what each kind reads and writes ----------------------------------------------------------
def _in_period(day: date | None, filters: ExportFilters) -> bool:
    if filters.from_ is None and filters.to is None:
        return True
    if day is None:
        return False
    return (filters.from_ is None or day >= filters.from_) and (filters.to is None or day <= filters.to)


class Progress:
    """Items read / items counted; saved on the record each time the percent moves (≤ 100 writes)."""

    def __init__(self, export_id: str, total: int) -> None:
        self.export_id, self.total = export_id, total
        self.read = self.rows = self.saved = 0

    def step(self, items: int = 1) -> None:
        self.read += items
        percent = min(99, self.read * 100 // self.total) if self.total else 0
        if percent > self.saved:
            self.saved = percent
            exports.set_progress(self.export_id, percent, self.rows)


Rows = Iterator[list[fmt.Cell]]


def _candidate_rows(bassin: str, filters: ExportFilters, progress: Progress) -> Rows:
    refs = get_referentials()
    for record in candidates.iter_all_in_bassin(bassin):
        progress.step()
        if _in_period(paris_day(record.created_at), filters):
            yield columns.candidate_row(record, refs)


def _offer_rows(bassin: str, filters: ExportFilters, progress: Progress) -> Rows:
    refs = get_referentials()
    for record in offers.iter_in_bassin(bassin):
        progress.step()
        if _in_period(paris_day(record.created_at), filters):
            yield columns.offer_row(record, refs)


class OfferNames:
    """(offer title, company name) of an offer id, each offer and employer read once per export."""

    def __init__(self) -> None:
        self.offers: dict[str, tuple[str | None, str | None]] = {}
        self.companies: dict[str, str | None] = {}

    def __call__(self, offer_id: str) -> tuple[str | None, str | None]:
        if offer_id not in self.offers:
            offer = offers.get(offer_id)
            if offer is None:
                self.offers[offer_id] = (None, None)
            else:
                if offer.employer_id not in self.companies:
                    employer = employers.get(offer.employer_id)
                    self.companies[offer.employer_id] = employer.company_name if employer else None
                self.offers[offer_id] = (offer.title, self.companies[offer.employer_id])
        return self.offers[offer_id]


def _match_rows(bassin: str, filters: ExportFilters, progress: Progress) -> Rows:
    refs = get_referentials()
    names = OfferNames()
    for offer_id, _ in stats.open_offers(bassin):
        for view in matches.for_offer(offer_id):
            if view.match is not None and _in_period(paris_day(view.match.computed_at), filters):
                yield columns.match_row(view.match, view.interaction, refs, names(offer_id))
        progress.step()


def _outcome_rows(bassin: str, filters: ExportFilters, progress: Progress) -> Rows:
    refs = get_referentials()
    names = OfferNames()
    for interaction in stats.interactions_in_bassin(bassin):
        progress.step()
        latest = max(filter(None, (interaction.interest_at, interaction.status_at)), default=None)
        if _in_period(paris_day(latest), filters):
            yield columns.outcome_row(interaction, refs, names(interaction.offer_id))


def _structures_of(bassin: str) -> list:
    return [s for s in structures.list_all() if s.bassin == bassin]


def _structure_rows(bassin: str, filters: ExportFilters, progress: Progress) -> Rows:
    refs = get_referentials()
    for record in _structures_of(bassin):
        progress.step()
        if _in_period(paris_day(record.created_at), filters):
            yield columns.structure_row(record, refs)


def _trainings_of(bassin: str) -> list:
    return [t for t in trainings.list_all() if t.bassin == bassin]


def _training_rows(bassin: str, filters: ExportFilters, progress: Progress) -> Rows:
    refs = get_referentials()
    for record in _trainings_of(bassin):
        progress.step()
        if _in_period(record.start_date, filters):
            counts: dict[str, int] = {}
            for line in trainings.cohort(record.id):
                counts[line.status] = counts.get(line.status, 0) + 1
            yield columns.training_row(record, counts, refs)


@dataclass(frozen=True)
class KindSpec:
    header: tuple[str, ...]
    sheet: str
    # how many items the rows of a bassin read (the progress's denominator)
    count: Callable[[str], int]
    rows: Callable[[str, ExportFilters, Progress], Rows]


KINDS = {
    "candidates": KindSpec(columns.CANDIDATE_HEADER, "Candidats", stats.count_candidates, _candidate_rows),
    "offers": KindSpec(columns.OFFER_HEADER, "Offres", stats.count_offers, _offer_rows),
    "matches": KindSpec(columns.MATCH_HEADER, "Correspondances", stats.count_open_offers, _match_rows),
    "outcomes": KindSpec(columns.OUTCOME_HEADER, "Suites données", stats.count_interactions, _outcome_rows),
    "structures": KindSpec(
        columns.STRUCTURE_HEADER, "Structures", lambda b: len(_structures_of(b)), _structure_rows
    ),
    "trainings": KindSpec(
        columns.TRAINING_HEADER, "Formations", lambda b: len(_trainings_of(b)), _training_rows
    ),
}


# --- writers: rows in, S3 object out ----------------------------------------------------------
def write_csv(header: Iterable[str], rows: Iterable[list[fmt.Cell]], key: str) -> tuple[int, int]:
    """Streams the CSV lines into the multipart upload; returns (rows, bytes)."""
    count = 0
    with exports_store.MultipartWriter(key, fmt.CONTENT_TYPES["csv"]) as out:
        for line in fmt.csv_lines(header, rows):
            out.write(line.encode("utf-8"))
            count += 1
    return count - 1, out.size


def write_xlsx(
    header: tuple[str, ...], rows: Iterable[list[fmt.Cell]], key: str, sheet: str
) -> tuple[int, int]:
    """xlsxwriter in constant_memory mode (each row goes to disk once written) to a temporary file,
    then uploaded part by part. Text is always written as text, never read as a formula or URL."""
    import xlsxwriter

    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        path = Path(folder) / "export.xlsx"
        options = {
            "constant_memory": True,
            "tmpdir": folder,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        }
        workbook = xlsxwriter.Workbook(str(path), options)
        worksheet = workbook.add_worksheet(sheet)
        bold = workbook.add_format({"bold": True})
        day_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
        worksheet.set_column(0, len(header) - 1, 18)
        worksheet.freeze_panes(1, 0)
        for column, title in enumerate(header):
            worksheet.write_string(0, column, title, bold)
        count = 0
        for count, row in enumerate(rows, start=1):
            if count > XLSX_MAX_ROWS:  # xlsxwriter would drop the extra rows without a word
                raise ValueError("more rows than an XLSX sheet holds")
            for column, value in enumerate(row):
                _write_cell(worksheet, count, column, value, day_format)
        workbook.close()
        size = exports_store.upload_file(path, key, fmt.CONTENT_TYPES["xlsx"])
    return count, size


def _write_cell(worksheet, row: int, column: int, value: fmt.Cell, day_format) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        worksheet.write_string(row, column, "oui" if value else "non")
    elif isinstance(value, int | float):
        worksheet.write_number(row, column, value)
    elif isinstance(value, date):
        worksheet.write_datetime(row, column, datetime.combine(value, time()), day_format)
    elif isinstance(value, list):
        worksheet.write_string(row, column, fmt.LIST_SEPARATOR.join(str(v) for v in value))
    else:
        worksheet.write_string(row, column, str(value))


# --- the worker side -------------------------------------------------------------------------
def build(export_id: str) -> ExportRecord | None:
    """Builds a requested export; a redelivered message for a finished export does nothing."""
    record = exports.get(export_id)
    if record is None or not exports.start(export_id, utc_timestamp()):
        logger.info("export message ignored", extra={"export_id": export_id})
        return record
    spec = KINDS[record.kind]
    bassins = [record.filters.bassin] if record.filters.bassin else sorted(get_referentials().bassins)
    day = paris_day(record.created_at) or paris_today()
    filename = fmt.export_filename(record.kind, record.filters.bassin, day, record.format)
    key = exports_store.object_key(export_id, filename)
    try:
        progress = Progress(export_id, sum(spec.count(b) for b in bassins))

        def rows() -> Rows:
            for bassin in bassins:
                for row in spec.rows(bassin, record.filters, progress):
                    progress.rows += 1
                    yield row

        if record.format == "csv":
            count, size = write_csv(spec.header, rows(), key)
        else:
            count, size = write_xlsx(spec.header, rows(), key, spec.sheet)
    except Exception:
        logger.exception("export failed", extra={"export_id": export_id, "kind": record.kind})
        metrics.add_metric(name="ExportFailed", unit="Count", value=1)
        exports.fail(export_id, FAILED, utc_timestamp())
        return exports.get(export_id)
    exports.finish(export_id, count, key, filename, size, utc_timestamp())
    metrics.add_metric(name="ExportBuilt", unit="Count", value=1)
    logger.info("export built", extra={"export_id": export_id, "rows": count, "bytes": size})
    return exports.get(export_id)
