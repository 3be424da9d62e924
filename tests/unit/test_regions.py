"""Issue 18: any région can run its own Passerelle. The région-dependent behaviour, for Grand Est
(44, the committed data) and Hauts-de-France (32, derived from the national files): referentials,
zones crossing the border, the map, the identity in pages and e-mails, the région's stage names."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from chalicelib.domain import referentials as referentials_module
from chalicelib.domain.referentials import DATA_DIR, load_referentials
from chalicelib.region import Colours, contrast_problems, contrast_ratio, load_identity
from scripts import build_map_data, build_reference_data, build_site, refdata_region, region_stage

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
COG = build_reference_data.DEFAULT_COG
needs_sources = pytest.mark.skipif(
    not (SHARED / refdata_region.COMMUNES).is_file() or not (COG / "communes.json").is_file(),
    reason="national reference files (../shared/data/national) or node_modules (npm ci) not found",
)

# région → (a commune of it and its zone d'emploi, a commune of another région)
CASES = {
    "44": {"home": ("57463", "Metz", "4410"), "postal": "57000", "foreign": "59350"},
    "32": {"home": ("59350", "Lille", "3216"), "postal": "59000", "foreign": "57463"},
}


@pytest.fixture(scope="module")
def national() -> refdata_region.National:
    return refdata_region.National(SHARED, COG)


@pytest.fixture(scope="module")
def region32(national, tmp_path_factory) -> Path:
    """Hauts-de-France's geography, map and départements as the build writes them (without the
    national certification catalogue, the same for every région but Grand Est and slow to build)."""
    folder = tmp_path_factory.mktemp("refdata-32")
    geography, departements, figures = refdata_region.build_geography(national, "32")
    document = {"meta": {"format_version": 1, "region": "32", "figures": figures}, **geography}
    (folder / "geography.json.gz").write_bytes(build_reference_data._encode(document))
    shutil.copyfile(DATA_DIR / "rome.json.gz", folder / "rome.json.gz")
    (folder / "departements.json").write_bytes(build_map_data.departements_document(departements))
    (folder / "bassins-map.json").write_bytes(
        build_map_data.region_map(SHARED, refdata_region.zone_codes(geography))
    )
    return folder


@pytest.fixture(params=sorted(CASES))
def region(request, monkeypatch) -> str:
    monkeypatch.setenv("PASSERELLE_REGION", request.param)
    return request.param


@pytest.fixture
def refs(region, request):
    if region == "44":
        return load_referentials(DATA_DIR)
    return load_referentials(request.getfixturevalue("region32"))


@needs_sources
def test_a_commune_of_the_region_is_in_its_zone_another_regions_is_refused(region, refs) -> None:
    code, name, zone = CASES[region]["home"]

    assert refs.commune(code).name == name
    assert refs.commune(code).bassin_code == zone
    assert zone in refs.bassins
    assert refs.commune(CASES[region]["foreign"]) is None


@needs_sources
def test_searches_answer_the_regions_communes(region, refs) -> None:
    code, name, _ = CASES[region]["home"]

    assert refs.search_communes(name, 1)[0].code_insee == code
    assert code in [c.code_insee for c in refs.search_communes(CASES[region]["postal"])]
    foreign = "Lille" if region == "44" else "Metz"
    assert all(c.name != foreign for c in refs.search_communes(foreign))


@needs_sources
def test_the_map_draws_exactly_the_regions_bassins(region, refs, request) -> None:
    path = build_site.SOURCE_DIR / "img" / "bassins-map.json"
    if region == "32":
        path = request.getfixturevalue("region32") / "bassins-map.json"
    drawn = [b["code"] for b in json.loads(path.read_text(encoding="utf-8"))["bassins"]]

    assert drawn == sorted(refs.bassins)
    assert all(b["d"].startswith("M") for b in json.loads(path.read_text(encoding="utf-8"))["bassins"])


@needs_sources
def test_referentials_of_another_region_are_refused(region32) -> None:
    with pytest.raises(ValueError, match="région 32, PASSERELLE_REGION is 44"):
        load_referentials(region32, region="44")
    with pytest.raises(ValueError, match="région 44, PASSERELLE_REGION is 32"):
        load_referentials(DATA_DIR, region="32")


@needs_sources
def test_a_zone_crossing_the_border_is_kept_whole(national, region32) -> None:
    refs = load_referentials(region32, region="32")
    # La Vallée de la Bresle-Vimeu (0058) spans Somme (32) and Seine-Maritime (28): Eu, in Normandie,
    # is a place of the Hauts-de-France service, so an offer there reaches a candidate of Abbeville.
    assert refs.commune("76255").bassin_code == "0058"
    assert refs.commune("80001").bassin_code == "3201"  # Abbeville
    normandie = [r["code_insee"] for r in national.communes if r["ze2020"] == "0058" and r["reg"] == "28"]
    assert normandie and all(refs.commune(code) for code in normandie)
    # Beyond its zones, nothing of the neighbour: Rouen (zone 2816) is not there.
    assert refs.commune("76540") is None
    geography = json.loads(gzip.decompress((region32 / "geography.json.gz").read_bytes()))
    assert geography["meta"]["figures"]["bassins_crossing_border"] == 2
    departements = json.loads((region32 / "departements.json").read_text(encoding="utf-8"))
    assert departements["59"] == "Nord" and departements["76"] == "Seine-Maritime"


@needs_sources
def test_grand_est_build_is_unchanged_by_the_region_option(national) -> None:
    # Grand Est's zones cross no border: the national derivation finds the same 27 zones and
    # 5,115 communes as the committed data (which keeps its own coordinates).
    committed = load_referentials(DATA_DIR, region="44")
    derived, _, figures = refdata_region.build_geography(national, "44")

    assert sorted(refs[0] for refs in derived["bassins"]["rows"]) == sorted(committed.bassins)
    assert {row[0] for row in derived["communes"]["rows"]} == set(committed.communes)
    assert figures["bassins_crossing_border"] == 0


@needs_sources
def test_unknown_region_is_refused(national) -> None:
    with pytest.raises(ValueError, match="région 99"):
        refdata_region.build_geography(national, "99")


# --- identity -------------------------------------------------------------------------------------


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5  # the classic just-too-light grey


@pytest.mark.parametrize("code", ["44", "32", "84"])
def test_configured_identities_pass_the_aa_check(code) -> None:
    identity = load_identity(code)

    assert identity.code == code
    assert contrast_problems(identity.colours) == []


def test_colours_failing_aa_stop_the_identity(tmp_path) -> None:
    data = json.loads((REPO / "chalicelib" / "regions" / "32.json").read_text(encoding="utf-8"))
    data["colours"]["primary"] = "#8a8aff"  # white on it: 2.9:1
    (tmp_path / "32.json").write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(ValueError, match=r"contraste insuffisant.*boutons"):
        load_identity("32", tmp_path)
    assert contrast_problems(Colours(primary_dark="#16306b", primary="#1f4e9d", accent="#ffcd00")) == []


def test_a_region_without_configuration_is_named() -> None:
    with pytest.raises(ValueError, match="région 53 : pas de fichier"):
        load_identity("53")


@needs_sources
def test_pages_carry_the_regions_identity_and_no_other(region, request, monkeypatch) -> None:
    identity = load_identity(region)
    if region == "32":
        monkeypatch.setattr(
            build_site, "_region_data_dir", lambda _identity: request.getfixturevalue("region32")
        )
    built = build_site.outputs(identity=identity)
    other = "Hauts-de-France" if region == "44" else "Grand Est"

    for name, content in built.items():
        if name.endswith((".html", ".js", ".css")) and not name.startswith("vendor/"):
            assert other not in content.decode("utf-8"), name
    home = built["index.html"].decode("utf-8")
    assert f"— Passerelle, Région {identity.name}</title>" in home
    assert f'data-region="{identity.name}"' in home
    legal = built["mentions-legales.html"].decode("utf-8")
    assert identity.publisher.address[-1] in legal and identity.contact_email in legal
    css = built["css/passerelle.css"].decode("utf-8")
    assert f"--passerelle-blue: {identity.colours.primary};" in css
    bassins = json.loads(built["img/bassins-map.json"])["bassins"]
    assert len(bassins) == (27 if region == "44" else 24)
    assert f"{len(bassins)} bassins d’emploi {identity.name_of}" in built["agent/index.html"].decode("utf-8")


def test_emails_name_the_region(region) -> None:
    from chalicelib import emails

    _subject, text, html = emails.magic_link("jeton")
    name = load_identity(region).name

    assert f"un service de la Région {name}." in text
    assert f"Région {name}" in html
    assert ("Grand Est" in text) == (region == "44")


# --- stages of a région ---------------------------------------------------------------------------


def test_a_regions_stage_and_policy_name_only_its_resources(tmp_path) -> None:
    for name in ("config.json", "policy-test.json"):
        shutil.copyfile(REPO / ".chalice" / name, tmp_path / name)
    sender = "ne-pas-repondre@passerelle.hautsdefrance.example"
    base_sender = "ne-pas-repondre@passerelle.grandest.example"

    assert region_stage.region_stage("prod", "44") == "prod"
    assert region_stage.region_stage("prod", "32") == "prod-r32"
    assert region_stage.prepare(tmp_path / "config.json", "test", "test-r32", base_sender, sender) is True
    assert region_stage.prepare(tmp_path / "config.json", "test", "test-r32", base_sender, sender) is False

    config = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    assert config["stages"]["test-r32"]["iam_policy_file"] == "policy-test-r32.json"
    assert (
        config["stages"]["test-r32"]["lambda_memory_size"] == config["stages"]["test"]["lambda_memory_size"]
    )
    policy = (tmp_path / "policy-test-r32.json").read_text(encoding="utf-8")
    assert "passerelle-test-r32-data" in policy and "passerelle/test-r32/signing-key" in policy
    assert "passerelle-test-data" not in policy and "passerelle/test/" not in policy
    assert sender in policy and "grandest" not in policy


def test_the_region_module_reads_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("PASSERELLE_REGION", "32")
    monkeypatch.setenv("PASSERELLE_REFDATA_DIR", "/nowhere")

    assert referentials_module.configured_region() == "32"
    assert referentials_module.data_dir() == Path("/nowhere")


def test_the_package_of_another_region_carries_its_data_only(tmp_path, monkeypatch) -> None:
    from scripts import package

    built = tmp_path / "refdata-32"
    built.mkdir()
    for name in package.REGION_FILES:
        (built / name).write_bytes(b"32:" + name.encode())
    project = tmp_path / "project"
    shutil.copytree(DATA_DIR, project / "chalicelib" / "data")
    monkeypatch.setattr(build_reference_data, "region_dir", lambda region: built)
    monkeypatch.setattr(build_reference_data, "main", lambda argv: 0)  # already built

    package.with_region_data(project, "32")

    for name in package.REGION_FILES:
        assert (project / "chalicelib" / "data" / name).read_bytes() == b"32:" + name.encode()
    # National files stay; nothing of Grand Est's geography is left in the copy.
    assert (project / "chalicelib" / "data" / "rome.json.gz").read_bytes() == (
        DATA_DIR / "rome.json.gz"
    ).read_bytes()
    assert all(b"4410" not in p.read_bytes() for p in (project / "chalicelib" / "data").glob("geography*"))
