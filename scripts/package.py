"""The deployment package: `chalice package`, then every module compiled and the zip made reproducible.

    .venv/bin/python scripts/package.py                      # = make package: build/package/{sam.json,deployment.zip}
    .venv/bin/python scripts/package.py --stage test --out build/deploy-test
    .venv/bin/python scripts/package.py --check-reproducible # = make package-check: two builds, two hashes

1. `chalice package --stage <stage>` writes the SAM template and `deployment.zip`: the app, chalicelib/
   and the dependencies of requirements.txt as wheels for the functions' runtime and architecture
   (python3.13, arm64 from `lambda_architecture`: cp313/abi3 wheels tagged manylinux up to glibc
   2.34, the glibc of Amazon Linux 2023).
2. The zip is unpacked and every module compiled by this same Python (`compileall` with
   `--invalidation-mode unchecked-hash`, paths recorded as /var/task/…): /var/task is read-only on
   Lambda, so without .pyc files each cold start compiles the app and its dependencies again.
   Unchecked hash-based .pyc files are loaded without looking at the sources' timestamps (the zip's
   are fixed) and hold no build time (marshal writes constant sets sorted; PYTHONHASHSEED=0 covers
   anything else ordered by string hashes at compile time).
3. The zip is written again with its entries sorted, one timestamp (1980-01-01, the zip format's
   first date), permissions 0644 and the same compression level: two builds of the same commit on
   machines of the same kind (same Python, same zlib) give byte-identical zips.

The template and zip in build/package are what cfn-lint, checkov, the deploy rehearsal, the package
tests and scripts/bench_cold_start.py use.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "build" / "package"
TASK_ROOT = "/var/task"  # where Lambda unpacks the zip ($LAMBDA_TASK_ROOT)
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644  # regular file, rw-r--r--
COMPRESS_LEVEL = 9
REGION = "eu-west-3"
# What `chalice package` reads from a project (the copy made for another architecture or a clean build).
_PROJECT_FILES = ("app.py", "requirements.txt", "chalicelib", ".chalice")


class PackageError(Exception):
    pass


def chalice_package(project: Path, stage: str, out: Path) -> None:
    chalice = Path(sys.executable).with_name("chalice")
    if out.exists():
        shutil.rmtree(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [str(chalice), "package", "--stage", stage, str(out)],
        cwd=project,
        env={**os.environ, "AWS_DEFAULT_REGION": REGION},
        check=True,
        stdout=subprocess.DEVNULL,
    )


LOG_RETENTION_DAYS = 90


def add_log_retention(template_path: Path, days: int = LOG_RETENTION_DAYS) -> None:
    """Gives each function's log group a retention (Lambda creates it on first run with none, so its
    logs would be kept for ever): a LogGroup /aws/lambda/<function> next to each function.
    Chalice has no setting for it. An existing stage's groups, created by Lambda, must be deleted
    (or imported) once before this template is deployed over it: docs/deploy.md."""
    template = json.loads(template_path.read_text(encoding="utf-8"))
    resources = template["Resources"]
    functions = [name for name, r in resources.items() if r["Type"] == "AWS::Serverless::Function"]
    for name in functions:
        resources[f"{name}LogGroup"] = {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain",
            "Properties": {"LogGroupName": {"Fn::Sub": f"/aws/lambda/${{{name}}}"}, "RetentionInDays": days},
        }
    template_path.write_text(json.dumps(template, indent=2) + "\n", encoding="utf-8")


def compile_tree(folder: Path) -> None:
    """Compile every module under `folder` as Lambda will find it under /var/task."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "compileall",
            "-q",
            "-f",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            "-d",
            TASK_ROOT,
            str(folder),
        ],
        env={**os.environ, "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise PackageError(f"compileall failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def write_reproducible_zip(folder: Path, destination: Path) -> None:
    """Every file under `folder`, sorted, with one date, one mode and one compression level."""
    files = sorted(
        (path.relative_to(folder).as_posix(), path) for path in folder.rglob("*") if path.is_file()
    )
    partial = destination.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for name, path in files:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that external_attr carries the mode
            info.external_attr = FILE_MODE << 16
            archive.writestr(info, path.read_bytes(), compresslevel=COMPRESS_LEVEL)
    partial.replace(destination)


def precompile(zip_path: Path) -> None:
    """Replace Chalice's zip by the same files plus their .pyc, written reproducibly."""
    with tempfile.TemporaryDirectory(prefix="passerelle-package-") as scratch:
        tree = Path(scratch) / "task"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(tree)
        for stale in tree.rglob("__pycache__"):  # a wheel's own .pyc files, if any: rebuilt below
            shutil.rmtree(stale)
        compile_tree(tree)
        write_reproducible_zip(tree, zip_path)


def _project_copy(destination: Path, architecture: str | None) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for name in _PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__", "deployments")
            )
        else:
            shutil.copy2(source, destination / name)
    if architecture:
        config_path = destination / ".chalice" / "config.json"
        config = json.loads(config_path.read_text(encoding="utf-8"))
        config["lambda_architecture"] = architecture
        config_path.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return destination


def _prune_chalice_cache(project: Path) -> None:
    """Chalice caches one dependency zip per (requirements, app) hash: keep only the newest."""
    cached = sorted((project / ".chalice" / "deployments").glob("*.zip"), key=lambda p: p.stat().st_mtime)
    for old in cached[:-1]:
        old.unlink()


# The région's reference data: these files of chalicelib/data are Grand Est's; another région's
# package carries its own instead (built by scripts/build_reference_data.py --region <code>).
REGION_FILES = ("geography.json.gz", "certifications.json.gz", "departements.json")


def with_region_data(project: Path, region: str) -> None:
    """Replace, in a copy of the project, Grand Est's reference data by the région's: the package
    holds one région's communes, bassins and catalogue, never two."""
    if str(ROOT) not in sys.path:  # run as a script
        sys.path.insert(0, str(ROOT))
    from scripts import build_reference_data as refdata

    folder = refdata.region_dir(region)
    if refdata.main(["--region", region, "--check"]) != 0 and refdata.main(["--region", region]) != 0:
        raise PackageError(f"reference data of région {region} could not be built into {folder}")
    for name in REGION_FILES:
        shutil.copyfile(folder / name, project / "chalicelib" / "data" / name)


def build(
    out: Path = DEFAULT_OUT, stage: str = "prod", architecture: str | None = None, region: str | None = None
) -> Path:
    """Build the package into `out`; `architecture` other than the configured one builds from a copy
    of the project (used by the cold-start benchmark to run the package on this machine), and so
    does a `region` other than 44 (default: PASSERELLE_REGION)."""
    region = region or os.environ.get("PASSERELLE_REGION") or "44"
    if architecture is None and region == "44":
        chalice_package(ROOT, stage, out)
        _prune_chalice_cache(ROOT)
    else:
        with tempfile.TemporaryDirectory(prefix="passerelle-project-") as scratch:
            project = _project_copy(Path(scratch), architecture)
            if region != "44":
                with_region_data(project, region)
            chalice_package(project, stage, out)
    add_log_retention(out / "sam.json")
    precompile(out / "deployment.zip")
    return out / "deployment.zip"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def summary(zip_path: Path) -> str:
    with zipfile.ZipFile(zip_path) as archive:
        infos = archive.infolist()
    unzipped = sum(info.file_size for info in infos)
    sources = sum(info.filename.endswith(".py") for info in infos)
    compiled = sum(info.filename.endswith(".pyc") for info in infos)
    return (
        f"{zip_path.relative_to(ROOT) if zip_path.is_relative_to(ROOT) else zip_path}: "
        f"{zip_path.stat().st_size / 1e6:.1f} MB zipped, {unzipped / 1e6:.1f} MB unzipped, "
        f"{len(infos)} files ({sources} .py, {compiled} .pyc), sha256 {sha256(zip_path)}"
    )


def check_reproducible(stage: str = "prod") -> bool:
    """Build in build/package (Chalice's cache allowed), then from a fresh copy of the project in
    another folder (no cache: every wheel unpacked again); compare the two zips byte for byte."""
    first = build(DEFAULT_OUT, stage)
    with tempfile.TemporaryDirectory(prefix="passerelle-project-") as scratch:
        project = _project_copy(Path(scratch) / "project", None)
        out = Path(scratch) / "package"
        chalice_package(project, stage, out)
        precompile(out / "deployment.zip")
        second_hash = sha256(out / "deployment.zip")
        same_template = (out / "sam.json").read_bytes() == (DEFAULT_OUT / "sam.json").read_bytes()
    first_hash = sha256(first)
    print(f"build 1 (build/package):           {first_hash}")
    print(f"build 2 (fresh copy, no cache):    {second_hash}")
    print(f"templates identical: {same_template}")
    same = first_hash == second_hash and same_template
    print("reproducible: byte-identical zips" if same else "NOT reproducible")
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the precompiled, reproducible deployment package.")
    parser.add_argument("--stage", default="prod")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--architecture", choices=["arm64", "x86_64"], help="default: .chalice/config.json")
    parser.add_argument("--region", help="INSEE région code (default PASSERELLE_REGION, else 44)")
    parser.add_argument("--check-reproducible", action="store_true", help="build twice, compare hashes")
    args = parser.parse_args(argv)
    try:
        if args.check_reproducible:
            return 0 if check_reproducible(args.stage) else 1
        print(summary(build(args.out.resolve(), args.stage, args.architecture, args.region)))
    except (PackageError, subprocess.CalledProcessError) as error:
        print(f"package: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
