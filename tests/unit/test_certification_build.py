"""The certification catalogue build (scripts/refdata_*.py): sources as shipped, ROME v3 → 4.0,
dedupe and precedence. Synthetic source rows, the real ROME files (the mapping needs them)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO))  # scripts/ is not installed: the build runs from a checkout

from scripts.refdata_certifications import COLUMNS, merge  # noqa: E402
from scripts.refdata_rome_v3 import Mapper  # noqa: E402
from scripts.refdata_sources import V3, Sources, check_derived, read_table  # noqa: E402

pytestmark = pytest.mark.skipif(
    not (SHARED / "rome_metiers.csv").is_file(), reason=f"shared reference data not found in {SHARED}"
)


@pytest.fixture(scope="module")
def mapper() -> Mapper:
    rome = [
        read_table(SHARED / name, ",", ())[0] for name in ("rome_metiers.csv", "rome_appellations.csv", V3)
    ]
    return Mapper(*rome)


def ci_row(code: str, title: str, **fields: str) -> dict:
    row = dict.fromkeys(
        [
            "Libelle_Type_Diplome",
            "Code_Niveau_Europeen",
            "Code_RNCP",
            "Code_Scolarité",
            "Code_Ancien_Diplome",
        ],
        "",
    )
    row.update({f"Code_Rome_{i}": "" for i in range(1, 6)})
    row.update(Code_Diplome=code, Libelle_Diplome=title, Code_FormaCode="")
    row.update(fields)
    return row


def level_row(
    rncp: str, title: str, level: str = "Niveau 3", abbreviation: str = "", active: str = "ACTIVE"
) -> dict:
    return {
        "Code_Diplome": f"cfd-{rncp}",
        "Intitulé diplôme (DEPP)": title,
        "Code_RNCP": rncp,
        "Niveau fiche RNCP": level,
        "Abrégé de diplôme (RNCP)": abbreviation,
        "Fiche ACTIVE/INACTIVE": active,
    }


def build(mapper: Mapper, certif_info=(), levels=(), rncp_rome=(), regional=()):
    catalogue = merge(Sources(list(certif_info), list(levels), list(rncp_rome), list(regional)), mapper)
    entries = {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in catalogue.rows}
    return entries, catalogue


# --- sources as their publishers ship them ------------------------------------------------------


def test_bom_crlf_and_a_quoted_title_over_several_lines_read_like_plain_utf8(tmp_path: Path) -> None:
    plain = 'Code;Titre\n1;"CAP cuisine"\n2;"MÉTIERS\nSPÉCIALITÉS : A"\n'
    (tmp_path / "plain.csv").write_bytes(plain.encode("utf-8"))
    (tmp_path / "excel.csv").write_bytes(b"\xef\xbb\xbf" + plain.replace("\n", "\r\n").encode("utf-8"))
    rows, encoding = read_table(tmp_path / "excel.csv", ";", ("Code", "Titre"))
    assert encoding == "utf-8-sig"
    assert rows[0] == {"Code": "1", "Titre": "CAP cuisine"}  # no "\ufeffCode" column
    assert [r["Code"] for r in rows] == [r["Code"] for r in read_table(tmp_path / "plain.csv", ";", ())[0]]
    assert " ".join(rows[1]["Titre"].split()) == "MÉTIERS SPÉCIALITÉS : A"


def test_windows_1252_is_read_as_such(tmp_path: Path) -> None:
    (tmp_path / "fc.csv").write_bytes("CodeRNCP;libelle\nRNCP1;Métiers d’art\n".encode("cp1252"))
    rows, encoding = read_table(tmp_path / "fc.csv", ";", ("CodeRNCP",))
    assert encoding == "cp1252" and rows[0]["libelle"] == "Métiers d’art"


def test_a_wrong_delimiter_names_the_file_and_the_missing_columns(tmp_path: Path) -> None:
    (tmp_path / "certif_info.csv").write_text("Code_Diplome,Libelle_Diplome\n1,CAP\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"certif_info\.csv: missing columns \['Code_Diplome'"):
        read_table(tmp_path / "certif_info.csv", ";", ("Code_Diplome", "Libelle_Diplome"))


def test_the_derived_rncp_rome_table_must_agree_with_certif_info() -> None:
    rows = [ci_row("1", "CAP", Code_RNCP="12", Code_Rome_1="G1602", Code_FormaCode="42")]
    check_derived(
        rows, [{"code_rncp": "RNCP12", "code_rome": "G1602", "code_certifinfo": "1", "code_formacode": "42"}]
    )
    with pytest.raises(ValueError, match="no longer matches"):
        check_derived(rows, [])


# --- ROME v3 → 4.0 ---------------------------------------------------------------------------------


def test_a_v3_code_with_one_4_0_fiche_maps_to_it(mapper: Mapper) -> None:
    assert mapper.children["A1101"] == ["A1101", "A1102"]  # two fiches: not this case
    single = next(code for code in sorted(mapper.v3) if len(mapper.children[code]) == 1)
    assert mapper.map(single, "n'importe quel titre") == [single]


def test_the_title_chooses_among_the_4_0_fiches_of_a_v3_code(mapper: Mapper) -> None:
    # J1102 "Médecin généraliste et spécialiste" became 30 fiches in ROME 4.0.
    assert len(mapper.children["J1102"]) == 30
    assert mapper.map("J1102", "Diplôme d'études spécialisées complémentaires gériatrie") == [
        "J1116"
    ]  # Gériatre
    # A title that names none of them keeps the fiche that kept the code (narrower than in v3).
    assert mapper.map("K1802", "Master mention sociologie") == ["K1802"]


def test_domain_level_and_unknown_codes_are_dropped_and_counted(mapper: Mapper) -> None:
    before = dict(mapper.counts)
    assert mapper.map("A1100", "x") == [] and mapper.map("M12", "x") == [] and mapper.map("K", "x") == []
    assert mapper.map("Z9999", "x") == []
    assert mapper.counts["dropped_domain"] - before.get("dropped_domain", 0) == 3
    assert mapper.counts["dropped_unknown"] - before.get("dropped_unknown", 0) == 1
    # A 4.0-only fiche (none in today's sources) needs no mapping.
    assert mapper.map("A1447", "Herboriste") == ["A1447"]


# --- merge: dedupe and precedence ------------------------------------------------------------------


def test_certif_info_rows_repeating_a_code_make_one_entry_with_type_and_level(mapper: Mapper) -> None:
    row = ci_row("88309", "Titre professionnel  assistant de vie\naux familles", Code_Rome_1="K1302",
                 Libelle_Type_Diplome="Titre professionnel (TP de niveau 3)")  # fmt: skip
    entries, catalogue = build(mapper, certif_info=[row, {**row, "Code_RS": "99"}])
    entry = entries["88309"]
    assert entry["title"] == "Titre professionnel assistant de vie aux familles"
    assert (entry["type"], entry["level"]) == ("Titre professionnel", 3)  # level read in the type name
    assert entry["key"] == "titre professionnel assistant de vie aux familles"
    assert catalogue.figures["certif_info_repeated_rows"] == 1 and catalogue.figures["certifications"] == 1


def test_rome_codes_come_from_the_first_source_that_has_some(mapper: Mapper) -> None:
    entries, catalogue = build(
        mapper,
        certif_info=[
            ci_row("1", "CAP cuisine", Code_Rome_1="G1602", Code_RNCP="10"),
            ci_row("2", "Soudeur", Code_Rome_1="H2100", Code_RNCP="20"),  # domain-level only
            ci_row("3", "Carreleur", Code_RNCP="30"),
        ],
        rncp_rome=[{"CodeRNCP": "RNCP10", "Rome": "K2111"}, {"CodeRNCP": "RNCP20", "Rome": "H2913"}],
        regional=[{"code_diplome": "3", "intitule": "Carreleur", "code_rome_v3": "F1608"}],
    )
    assert entries["1"]["code_rome"] == "G1602 G1606 G1609"  # Certif Info wins over the RNCP table
    # H2100 is domain-level: dropped, the RNCP table is used (H2913 Soudage manuel → its welder fiches).
    assert set(entries["2"]["code_rome"].split()) <= set(mapper.children["H2913"])
    assert entries["2"]["code_rome"].startswith("H2913")
    assert entries["3"]["code_rome"] == "F1608"  # the regional offer comes last
    assert (
        catalogue.figures["rome_from_rncp_rome"] == 1 and catalogue.figures["rome_from_regional_offer"] == 1
    )


def test_at_most_five_rome_codes_in_source_order(mapper: Mapper) -> None:
    codes = {
        f"Code_Rome_{i}": code for i, code in enumerate(["M1805", "A1101", "G1602", "H2913", "K1302"], 1)
    }
    entries, _ = build(mapper, certif_info=[ci_row("1", "Titre sans rapport", **codes)])
    assert entries["1"]["code_rome"].split() == ["M1805", "A1101", "G1602", "H2913", "K1302"]
    entries, catalogue = build(mapper, certif_info=[ci_row("1", "CAP cuisine", **codes)])
    assert entries["1"]["code_rome"].split()[:3] == ["M1805", "A1101", "G1602"]
    assert len(entries["1"]["code_rome"].split()) == 5 and catalogue.figures["rome_cut_to_5"] == 1


def test_the_regional_offer_merges_by_code_and_through_replacements(mapper: Mapper) -> None:
    entries, catalogue = build(
        mapper,
        certif_info=[
            ci_row("88543", "CAP cuisine", Code_Ancien_Diplome="21306", Code_Niveau_Europeen="3"),
            ci_row("115708", "CAP cuisine", Code_Ancien_Diplome="88543", Code_Niveau_Europeen="3"),
            ci_row("25038", "Titre professionnel conducteur d'installations", Code_Niveau_Europeen="3"),
        ],
        regional=[
            {"code_diplome": "21306", "intitule": "CAP cuisine (2019)", "code_rome_v3": "G1602"},
            {"code_diplome": "25038", "intitule": "TP conducteur(trice)", "code_rome_v3": "H2906"},
            {"code_diplome": "99999", "intitule": "Certificat régional", "code_rome_v3": "K1302"},
        ],
    )
    assert sorted(entries) == ["115708", "25038", "88543", "99999"]
    # 21306 → 88543 → 115708: the 2019 code is an alias of the latest, which ranks as offered.
    assert catalogue.aliases == {"21306": "115708"}
    assert entries["115708"]["code_rome"] == "G1602 G1606 G1609" and entries["115708"]["standing"] == 0
    assert entries["88543"]["standing"] == 2  # replaced, kept (its last session may be to come)
    assert entries["25038"]["title"].startswith("Titre professionnel")  # Certif Info's title wins
    assert entries["25038"]["standing"] == 0 and entries["99999"]["standing"] == 0
    assert entries["99999"]["type"] == "" and entries["99999"]["level"] is None


def test_rncp_levels_fill_levels_and_add_active_fiches_only(mapper: Mapper) -> None:
    entries, catalogue = build(
        mapper,
        certif_info=[
            ci_row("1", "CAP boucher", Code_RNCP="100", Libelle_Type_Diplome="Certificat d'aptitude professionnelle"),
            ci_row("2", "CAP fleuriste", Code_RNCP="RNCP200", Code_Niveau_Europeen="3",
                   Libelle_Type_Diplome="Certificat d'aptitude professionnelle"),
        ],
        levels=[
            level_row("RNCP100", "BOUCHER (CAP)", "Niveau 3", "CAP"),
            level_row("RNCP200", "FLEURISTE (CAP)", "Niveau 4", "CAP"),  # disagrees: Certif Info kept
            level_row("RNCP300", "CORDONNIER (CAP)", "Niveau 3", "CAP"),
            level_row("RNCP400", "ANCIEN (CAP)", "Niveau 3", "CAP", active="INACTIVE"),
            level_row("NR", "SANS FICHE", "NR"),
        ],
        rncp_rome=[{"CodeRNCP": "RNCP300", "Rome": "B1802"}],
    )  # fmt: skip
    assert entries["1"]["level"] == 3 and entries["2"]["level"] == 3
    assert sorted(entries) == ["1", "2", "RNCP300"]
    added = entries["RNCP300"]
    assert (added["title"], added["rncp"], added["level"]) == ("CORDONNIER (CAP)", "RNCP300", 3)
    assert added["type"] == "Certificat d'aptitude professionnelle"  # learnt from the fiches both hold
    assert added["code_rome"] and added["standing"] == 2
    figures = catalogue.figures
    assert figures["level_from_rncp_levels"] == 1 and figures["level_disagreements_kept_certif_info"] == 1
    assert figures["rncp_levels_rows_left_out_inactive"] == 2


def test_rows_are_sorted_by_code_and_the_build_is_repeatable(mapper: Mapper) -> None:
    rows = [ci_row(code, f"Titre {code}", Code_Rome_1="G1602") for code in ("30", "4", "200")]
    first = build(mapper, certif_info=rows)[1]
    again = build(mapper, certif_info=list(reversed(rows)))[1]
    assert [row[0] for row in first.rows] == ["200", "30", "4"]
    assert first.rows == again.rows
