"""Reading cohort spreadsheets (domain/cohort_file.py) and checking their rows (services/cohort_import.parse):
encodings, separators, header names, line numbers, whole-file refusals."""

from __future__ import annotations

import pytest

from chalicelib.domain.cohort_file import MAX_ROWS, CohortFileError, header_column, read_rows
from tests.factories import sample_file


@pytest.mark.parametrize(
    "name",
    ["Prénom", "prenom", "PRENOM", "Prénom ", "PRÉNOM", "First name", "prénom du stagiaire"],
)
def test_first_name_headers(name):
    assert header_column(name) == "first_name"


@pytest.mark.parametrize("name", ["E-mail", "email", "EMAIL", "Courriel", "Adresse e-mail", "Mél", "mail"])
def test_email_headers(name):
    assert header_column(name) == "email"


def test_unknown_headers_are_ignored():
    assert header_column("Remarque") is None and header_column("") is None


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf8", "utf8-bom", "cp1252"],
)
@pytest.mark.parametrize("separator", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
def test_encodings_and_separators(encoding, bom, separator):
    text = separator.join(["Prénom", "Nom", "E-mail", "Téléphone"]) + "\r\n"
    text += separator.join(["Hélène", "Dupré", "helene@exemple.fr", "06 12 34 56 78"]) + "\r\n"
    rows, columns = read_rows(bom + text.encode(encoding))
    assert columns == ["first_name", "last_name", "email", "phone"]
    assert (
        rows[0].line == 2
        and rows[0].values["first_name"] == "Hélène"
        and rows[0].values["last_name"] == "Dupré"
    )


def test_excel_sample_keeps_file_line_numbers_and_the_formula_as_text():
    rows, _ = read_rows(sample_file("cohorte_excel_windows1252.csv"))
    assert len(rows) == 28 and rows[0].line == 2 and rows[-1].line == 29
    formula = next(r for r in rows if r.line == 19)
    assert formula.values["first_name"].startswith("=HYPERLINK(")


def test_libreoffice_sample_ignores_the_extra_column_with_a_comma_inside_quotes():
    rows, columns = read_rows(sample_file("cohorte_utf8_bom_virgules.csv"))
    assert columns == ["first_name", "last_name", "email", "phone"] and len(rows) == 12
    assert rows[0].values == {
        "first_name": "Hélène",
        "last_name": "Dupré",
        "email": "helene.dupre.lo0@exemple.fr",
        "phone": "06 39 15 12 87",
    }


def test_blank_lines_are_skipped_but_counted_in_line_numbers():
    rows, _ = read_rows(b"prenom;nom;email\r\n;;\r\n\r\nLea;Martin;lea@exemple.fr\r\n")
    assert [r.line for r in rows] == [4]


def test_quoted_line_breaks_give_the_line_where_the_record_ends():
    rows, _ = read_rows(b'prenom,nom,email\n"Lea","Mar\ntin","lea@exemple.fr"\nZoe,Roth,zoe@exemple.fr\n')
    assert [r.line for r in rows] == [3, 4]


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        (sample_file("cohorte_sans_email.csv"), "email", "email"),
        (b"nom;email\r\nMartin;a@b.fr\r\n", "first_name", "prenom"),
        (b"PK\x03\x04....", "file", "CSV"),
        (b"\xd0\xcf\x11\xe0....", "file", "CSV"),
        (b"", "file", "vide"),
        (b"prenom;nom;email\r\n", "file", "aucun"),
        (b"prenom;nom;email\r\n\x00\x01;b;c\r\n", "file", "contrôle"),
        (b"prenom nom email\r\nx y z\r\n", "file", "colonnes"),
        (b"prenom;nom;email\r\n" + b"x" * (600 * 1024), "file", "volumineux"),
    ],
)
def test_whole_file_refusals_name_what_is_wrong(raw, field, words):
    with pytest.raises(CohortFileError) as refused:
        read_rows(raw)
    assert refused.value.field == field and words in refused.value.message


def test_at_most_500_rows():
    header = b"prenom;nom;email\r\n"
    read_rows(header + b"".join(b"A;B;a%d@b.fr\r\n" % i for i in range(MAX_ROWS)))
    with pytest.raises(CohortFileError, match="500"):
        read_rows(header + b"".join(b"A;B;a%d@b.fr\r\n" % i for i in range(MAX_ROWS + 1)))


def test_row_checks_name_line_and_field_and_normalise_addresses():
    from chalicelib.services.cohort_import import parse

    raw = (
        "Prénom;Nom;E-mail;Téléphone\r\n"
        "Léa;Martin;  LEA.Martin@Exemple.FR ;07.68.37.36.58\r\n"
        '"=HYPERLINK(""http://x"";""y"")";Roth;zoe@exemple.fr;\r\n'
        "Noé;;noe@exemple.fr;06 12\r\n"
        "Léa;Martin;lea.martin@exemple.fr;\r\n"
        "<b>Ana</b>;Klein;ana@exemple.fr;\r\n"
    ).encode("cp1252")
    report = parse(raw, "text/csv")
    assert report.rows == 5 and report.valid == 1
    assert report.trainees[0].email == "lea.martin@exemple.fr" and report.trainees[0].phone == "+33768373658"
    errors = {(e.line, e.field): e.message for e in report.invalid}
    assert errors[(3, "first_name")].startswith("Formule de tableur")
    assert errors[(4, "last_name")] == "Ce champ est obligatoire."
    assert errors[(4, "phone")].startswith("Numéro de téléphone")
    assert (6, "first_name") in errors  # markup refused in names
    assert [(d.line, d.email) for d in report.duplicates] == [(5, "lea.martin@exemple.fr")]
