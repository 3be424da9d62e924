"""CSV for French Excel: BOM, `;`, CRLF, JJ/MM/AAAA, quoting, formula injection made inert."""

from __future__ import annotations

import csv
import io
from datetime import date
from types import SimpleNamespace

import pytest

from chalicelib.domain import export_columns as columns
from chalicelib.domain import export_format as fmt
from chalicelib.domain.calendar import french_date, paris_day
from chalicelib.domain.referentials import get_referentials


def read_back(text: str) -> list[list[str]]:
    """As Excel's French import does it: the BOM says UTF-8, `;` separates, CRLF ends a line."""
    assert text.startswith(fmt.BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(fmt.BOM), newline=""), delimiter=";"))


def as_file_text(header, rows) -> str:
    data = "".join(fmt.csv_lines(header, rows)).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark Excel needs for accents
    return data.decode("utf-8")


def test_a_file_reads_back_as_excel_would():
    header = ["Identifiant", "Intitulé", "Fin de formation", "Distance (km)", "Certification obtenue"]
    rows = [
        ["c1", "Pâtissier; chocolatier", date(2026, 3, 1), 4.5, True],
        ["c2", 'Le "chef" de partie', date(2025, 12, 31), 12.0, False],
        ["c3", "Deux lignes\nde texte", None, None, None],
        ["c4", "Cuisinière – équipe œuvre", date(2026, 1, 9), 0.25, None],
    ]
    text = as_file_text(header, rows)

    assert text.count("\r\n") == 5 and text.endswith("\r\n")
    assert '"Pâtissier; chocolatier"' in text and '"Le ""chef"" de partie"' in text
    assert read_back(text) == [
        header,
        ["c1", "Pâtissier; chocolatier", "01/03/2026", "4,5", "oui"],
        ["c2", 'Le "chef" de partie', "31/12/2025", "12", "non"],
        ["c3", "Deux lignes\nde texte", "", "", ""],
        ["c4", "Cuisinière – équipe œuvre", "09/01/2026", "0,25", ""],
    ]


@pytest.mark.parametrize(
    "dangerous",
    ["=1+1", "+33 6 12", "-2+3", "@SUM(A1:A2)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x";"clic")'],
)
def test_cells_that_a_spreadsheet_would_run_are_made_inert(dangerous):
    [_, row] = read_back(as_file_text(["Texte"], [[dangerous]]))
    assert row == ["'" + dangerous]


def test_numbers_dates_and_harmless_text_are_left_alone():
    [_, row] = read_back(
        as_file_text(["a", "b", "c", "d", "e"], [[-3, -2.5, "a-b", "Saint-Dié", ["G1602", "G1609"]]])
    )
    assert row == ["-3", "-2,5", "a-b", "Saint-Dié", "G1602, G1609"]


def test_french_formats():
    assert french_date(date(2026, 2, 3)) == "03/02/2026"
    assert (
        fmt.french_decimal(4.2) == "4,2"
        and fmt.french_decimal(3.0) == "3"
        and fmt.french_decimal(1e-7) == "0"
    )
    assert fmt.display_phone("+33612345678") == "06 12 34 56 78"
    # A timestamp late in the evening (UTC) is already the next day in Paris.
    assert paris_day("2026-01-31T23:30:00+00:00") == date(2026, 2, 1)
    assert paris_day(None) is None
    assert fmt.export_filename("candidates", "4410", date(2026, 11, 29), "csv") == (
        "passerelle-candidats-4410-2026-11-29.csv"
    )
    assert fmt.export_filename("outcomes", None, date(2026, 11, 29), "xlsx") == (
        "passerelle-resultats-region-2026-11-29.xlsx"
    )


def _candidate(consent: bool) -> SimpleNamespace:
    training = SimpleNamespace(
        title="=CAP Cuisine",
        organisation="AFPA Metz",
        code_rome=["G1609"],
        end_date=date(2026, 6, 30),
        certification_obtained=True,
    )
    return SimpleNamespace(
        id="c1",
        created_at="2026-01-02T10:00:00+00:00",
        code_insee="57463",
        bassin="4410",
        mobility_km=30,
        training=training,
        target_code_rome=["G1602"],
        competences=["100001", "100002"],
        contract_types=["cdi", "interim"],
        available_from=date(2026, 7, 1),
        consent_contact=consent,
        visible=True,
        first_name="Camille",
        last_name="Dupont",
        email="camille@example.net",
        phone="+33612345678",
    )


def test_candidate_rows_carry_identity_and_contact_only_with_consent():
    refs = get_referentials()
    with_consent = dict(
        zip(columns.CANDIDATE_HEADER, columns.candidate_row(_candidate(True), refs), strict=True)
    )
    without = dict(zip(columns.CANDIDATE_HEADER, columns.candidate_row(_candidate(False), refs), strict=True))

    assert with_consent["Commune"] == "Metz" and with_consent["Bassin d'emploi"] == "Metz"
    assert with_consent["E-mail"] == "camille@example.net" and with_consent["Téléphone"] == "06 12 34 56 78"
    assert with_consent["Contrats recherchés"] == ["CDI", "Intérim"]
    assert [without[k] for k in ("Prénom", "Nom", "E-mail", "Téléphone")] == [None] * 4
    [_, row] = read_back(
        as_file_text(columns.CANDIDATE_HEADER, [columns.candidate_row(_candidate(False), refs)])
    )
    assert row[7] == "'=CAP Cuisine" and row[1] == "02/01/2026" and row[-4:] == ["", "", "", ""]
