"""The deployment package `make package` builds (scripts/package.py): build/package/sam.json and
deployment.zip, as cfn-lint, checkov, the deploy rehearsal and the cold-start benchmark use them.

Every function on python3.13 and arm64; the compiled dependencies built for aarch64 and a glibc that
Amazon Linux 2023 has; every module with its unchecked hash-based .pyc; the zip normalised so that
two builds give the same bytes. `make unit` builds the package first; run alone, these tests need it.
"""

from __future__ import annotations

import importlib.util
import json
import marshal
import re
import struct
import zipfile
from functools import cache
from pathlib import Path

import pytest

from scripts.package import FILE_MODE, FIXED_DATE, TASK_ROOT, precompile

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "build" / "package"
RUNTIME = "python3.13"
EM_AARCH64 = 183  # ELF e_machine of arm64
AL2023_GLIBC = (2, 34)
FUNCTIONS = {"APIHandler", "MatchingScheduler", "DailyHousekeeping", "MatchingWorker", "ExportsWorker"}
_MANYLINUX = re.compile(r"^manylinux_(\d+)_(\d+)_(\w+)$")
_LEGACY = {"manylinux2014_aarch64": "manylinux_2_17_aarch64"}


@cache
def _zip() -> zipfile.ZipFile:
    path = PACKAGE / "deployment.zip"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make package`")
    return zipfile.ZipFile(path)


@cache
def _files() -> dict[str, bytes]:
    return {info.filename: _zip().read(info) for info in _zip().infolist()}


def _template() -> dict:
    return json.loads((PACKAGE / "sam.json").read_text(encoding="utf-8"))


def test_every_function_runs_python313_on_arm64() -> None:
    functions = {
        name: resource["Properties"]
        for name, resource in _template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }

    assert set(functions) >= FUNCTIONS
    for name, properties in functions.items():
        assert properties["Runtime"] == RUNTIME, name
        assert properties["Architectures"] == ["arm64"], name
        assert properties["CodeUri"] == "./deployment.zip", name


def test_every_function_s_logs_are_kept_90_days() -> None:
    resources = _template()["Resources"]
    functions = {name for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    groups = {
        r["Properties"]["LogGroupName"]["Fn::Sub"]: r["Properties"]["RetentionInDays"]
        for r in resources.values()
        if r["Type"] == "AWS::Logs::LogGroup"
    }
    assert groups == {f"/aws/lambda/${{{name}}}": 90 for name in functions}
    assert "OutboxWorker" in functions


def test_package_carries_this_checkouts_code() -> None:
    # A stale build/package (code changed since) fails here: `make package` builds it again.
    sources = [ROOT / "app.py", *(p for p in (ROOT / "chalicelib").rglob("*") if p.is_file())]
    sources = [p for p in sources if "__pycache__" not in p.parts]

    stale = [
        p.relative_to(ROOT).as_posix()
        for p in sources
        if _files().get(p.relative_to(ROOT).as_posix()) != p.read_bytes()
    ]

    assert len(sources) > 50
    assert not stale, f"build/package is older than {stale[:5]}: run `make package`"


def _elf_machine(data: bytes) -> int:
    assert data[:4] == b"\x7fELF"
    assert data[4] == 2 and data[5] == 1  # 64-bit, little-endian
    return struct.unpack_from("<H", data, 18)[0]


def test_compiled_libraries_are_aarch64() -> None:
    libraries = {name: data for name, data in _files().items() if re.search(r"\.so(\.\d+)*$", name)}

    assert any(name.startswith("numpy/_core/_multiarray_umath") for name in libraries)
    assert any(name.startswith("pydantic_core/_pydantic_core") for name in libraries)
    wrong = {name: _elf_machine(data) for name, data in libraries.items() if _elf_machine(data) != EM_AARCH64}
    assert not wrong, wrong


def test_every_wheel_fits_python313_on_amazon_linux_2023_arm64() -> None:
    wheels = {name: data.decode() for name, data in _files().items() if name.endswith(".dist-info/WHEEL")}
    compiled = []

    for name, text in wheels.items():
        tags = re.findall(r"^Tag: (\S+)$", text, flags=re.MULTILINE)
        assert tags, name
        fitting = []
        for tag in tags:
            python, abi, platform = tag.split("-")
            if platform == "any":
                fitting.append(abi == "none")
                continue
            match = _MANYLINUX.match(_LEGACY.get(platform, platform))
            fitting.append(
                python == "cp313"
                and abi in {"cp313", "abi3"}
                and match is not None
                and match[3] == "aarch64"
                and (int(match[1]), int(match[2])) <= AL2023_GLIBC
            )
            compiled.append(name.split("-")[0])
        assert any(fitting), f"{name}: {tags}"

    assert {"numpy", "pydantic_core"} <= set(compiled)


def test_every_module_has_its_unchecked_hash_pyc() -> None:
    files = _files()
    sources = [name for name in files if name.endswith(".py")]
    tag = importlib.util.MAGIC_NUMBER

    missing, wrong = [], []
    for name in sources:
        folder, _, stem = name.rpartition("/")
        pyc = f"{folder + '/' if folder else ''}__pycache__/{stem[:-3]}.cpython-313.pyc"
        if pyc not in files:
            missing.append(name)
            continue
        header = files[pyc][:16]
        flags = struct.unpack_from("<I", header, 4)[0]
        # PEP 552: flags 0b01 = hash-based, source not checked; then the SipHash of the source.
        if header[:4] != tag or flags != 0b01 or header[8:16] != importlib.util.source_hash(files[name]):
            wrong.append(name)

    assert len(sources) > 1000
    assert not missing, missing[:10]
    assert not wrong, wrong[:10]
    app = marshal.loads(files["__pycache__/app.cpython-313.pyc"][16:])  # noqa: S302 - our own build
    assert app.co_filename == f"{TASK_ROOT}/app.py"  # tracebacks name the file where Lambda has it


def test_zip_entries_are_sorted_with_one_date_and_one_mode() -> None:
    infos = _zip().infolist()
    names = [info.filename for info in infos]

    assert names == sorted(names)
    assert len(set(names)) == len(names)
    assert {info.date_time for info in infos} == {FIXED_DATE}
    assert {info.external_attr >> 16 for info in infos} == {FILE_MODE}
    assert {info.compress_type for info in infos} == {zipfile.ZIP_DEFLATED}


def _chalice_like_zip(path: Path, order: list[str], date: tuple[int, ...], mode: int) -> None:
    contents = {
        "app.py": b"import chalicelib.a\n",
        "chalicelib/__init__.py": b"",
        "chalicelib/a.py": b"WORDS = {'alpha', 'beta', 'gamma'}\n",
        "lib/data.json": b'{"k": 1}\n',
        "lib/__pycache__/old.cpython-313.pyc": b"stale",
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=date)
            info.external_attr = mode << 16
            archive.writestr(info, contents[name])


def test_two_builds_from_differently_made_zips_give_the_same_bytes(tmp_path) -> None:
    names = ["app.py", "chalicelib/__init__.py", "chalicelib/a.py", "lib/data.json"]
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    _chalice_like_zip(
        first, [*names, "lib/__pycache__/old.cpython-313.pyc"], (2026, 11, 1, 8, 0, 0), 0o100755
    )
    _chalice_like_zip(second, list(reversed(names)), (2027, 3, 9, 17, 30, 2), 0o100600)

    precompile(first)
    precompile(second)

    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == [
            "__pycache__/app.cpython-313.pyc",
            "app.py",
            "chalicelib/__init__.py",
            "chalicelib/__pycache__/__init__.cpython-313.pyc",
            "chalicelib/__pycache__/a.cpython-313.pyc",
            "chalicelib/a.py",
            "lib/data.json",
        ]
