"""Build the site into build/site/: pages from one template, static files, and the npm files.

    npm ci && python scripts/build_site.py          # write what changed (docs/site.md)
    python scripts/build_site.py --check            # exit 1 if build/site is not what site/ gives

Sources in site/:
- `_layout.html` is the one layout (head, header and main menu, footer); `_macros.html` and
  `agent/_agent.html` (the staff pages' layout) are templates too. A file whose name starts with
  `_` is a template and is never published.
- every other `.html` file is a page: `{% extends "_layout.html" %}`, its `title`, `description`
  (and `script`, `autocomplete` if it needs them), and its `main` block (Jinja2, autoescaped).
- css/, js/, img/ are copied as they are, except what the région changes (issue 18): the colours of
  `css/passerelle.css` (`--passerelle-navy`, `--passerelle-blue`, `--passerelle-yellow` and the rgba()
  of the blue) come from `chalicelib/regions/<PASSERELLE_REGION>.json`, whose contrast is checked
  (WCAG AA) when it is read; `img/bassins-map.json` is the région's (build/refdata/<code>/, written
  by `scripts/build_reference_data.py --region <code>`) when the région is not Grand Est.
- every page gets `service`, `region` (the identity) and `bassins_count` in its context.
The npm files the site serves (VENDOR_FILES, versions pinned by package.json and package-lock.json)
go to build/site/vendor/; axe-core in particular is a test tool and never copied.

The output mirrors the sources exactly: a file no longer produced is removed. What serves or ships
the site reads build/site: scripts/dev_server.py (so `make run` and the e2e tests),
scripts/check_site.py, scripts/bench_lighthouse.py and scripts/deploy.py.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:  # run as a script: `chalicelib` must be importable
    sys.path.insert(0, str(REPO_ROOT))

from chalicelib.region import Identity, get_identity, region_code  # noqa: E402

NODE_MODULES = REPO_ROOT / "node_modules"
SOURCE_DIR = REPO_ROOT / "site"
# build/site for Grand Est (what make install, the tests and the deploy of 44 read); another région's
# site goes to build/site-<code> (PASSERELLE_REGION), so a `PASSERELLE_REGION=32 make run` leaves
# build/site as the tests expect it.
OUTPUT_DIR = REPO_ROOT / "build" / ("site" if region_code() == "44" else f"site-{region_code()}")
STATIC_DIRS = ("css", "js", "img")

# package → [(file inside the package, destination inside build/site/vendor)]
VENDOR_FILES: dict[str, list[tuple[str, str]]] = {
    "@picocss/pico": [
        ("css/pico.min.css", "pico/pico.min.css"),
        ("LICENSE.md", "pico/LICENSE.md"),
    ],
    "accessible-autocomplete": [
        ("dist/accessible-autocomplete.min.js", "accessible-autocomplete/accessible-autocomplete.min.js"),
        ("dist/accessible-autocomplete.min.css", "accessible-autocomplete/accessible-autocomplete.min.css"),
        ("LICENSE.txt", "accessible-autocomplete/LICENSE.txt"),
    ],
}


class BuildError(Exception):
    pass


def _pinned_versions() -> dict[str, str]:
    manifest = json.loads((REPO_ROOT / "package.json").read_text(encoding="utf-8"))
    return {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}


def _check_installed(package: str, pinned: dict[str, str]) -> Path:
    package_dir = NODE_MODULES / package
    package_json = package_dir / "package.json"
    if not package_json.is_file():
        raise BuildError(f"{package} absent de node_modules/ : lancez `npm ci` à la racine du dépôt.")
    installed = json.loads(package_json.read_text(encoding="utf-8"))["version"]
    if pinned.get(package) != installed:
        raise BuildError(
            f"{package} {installed} installé, {pinned.get(package)} attendu par package.json : relancez `npm ci`."
        )
    return package_dir


def vendor_files() -> dict[str, Path]:
    """vendor/<file> → its source in node_modules; raises BuildError if something is missing."""
    if not NODE_MODULES.is_dir():
        raise BuildError("node_modules/ introuvable : lancez `npm ci` à la racine du dépôt.")
    pinned = _pinned_versions()
    copies: dict[str, Path] = {}
    for package, files in VENDOR_FILES.items():
        package_dir = _check_installed(package, pinned)
        for source_name, destination_name in files:
            source = package_dir / source_name
            if not source.is_file():
                raise BuildError(f"{source} introuvable : le paquet a-t-il changé de structure ?")
            copies[f"vendor/{destination_name}"] = source
    return copies


def page_sources(source_dir: Path = SOURCE_DIR) -> list[str]:
    """The pages (paths relative to site/), templates left out."""
    return sorted(
        path.relative_to(source_dir).as_posix()
        for path in source_dir.rglob("*.html")
        if not path.name.startswith("_") and path.relative_to(source_dir).parts[0] not in STATIC_DIRS
    )


def _region_data_dir(identity: Identity) -> Path:
    from chalicelib.domain.referentials import DATA_DIR, DEFAULT_REGION

    if identity.code == DEFAULT_REGION:
        return DATA_DIR
    folder = REPO_ROOT / "build" / "refdata" / identity.code
    if not (folder / "geography.json.gz").is_file():
        raise BuildError(
            f"données de la région {identity.code} absentes de {folder} : lancez "
            f"`python scripts/build_reference_data.py --region {identity.code}`."
        )
    return folder


def context(identity: Identity) -> dict:
    """What every page sees of the région."""
    geography = json.loads(gzip.decompress((_region_data_dir(identity) / "geography.json.gz").read_bytes()))
    return {
        "service": identity.service_name,
        "region": identity,
        "bassins_count": len(geography["bassins"]["rows"]),
    }


def _rgb(colour: str) -> str:
    return ", ".join(str(int(colour[i : i + 2], 16)) for i in (1, 3, 5))


def region_css(css: str, identity: Identity) -> str:
    """passerelle.css with the région's colours (the defaults in the file are Grand Est's)."""
    colours = identity.colours
    replacements = {
        "--passerelle-navy": colours.primary_dark,
        "--passerelle-blue": colours.primary,
        "--passerelle-yellow": colours.accent,
    }
    for name, value in replacements.items():
        css, count = re.subn(rf"({re.escape(name)}:\s*)#[0-9a-fA-F]{{6}}", rf"\g<1>{value}", css, count=1)
        if count != 1:
            raise BuildError(f"css/passerelle.css : {name} introuvable")
    # The blue's translucent variants (underline, focus) follow it.
    return re.sub(r"rgba\(31, 78, 157, ", f"rgba({_rgb(colours.primary)}, ", css)


def render_pages(source_dir: Path = SOURCE_DIR, identity: Identity | None = None) -> dict[str, bytes]:
    """Every page rendered through its layout: path → HTML."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError

    environment = Environment(
        loader=FileSystemLoader(source_dir),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    pages: dict[str, bytes] = {}
    region = context(identity or get_identity())
    for name in page_sources(source_dir):
        defaults = {"path": "/" + name, "script": None, "autocomplete": False, **region}
        try:
            pages[name] = environment.get_template(name).render(**defaults).encode("utf-8")
        except TemplateError as error:
            raise BuildError(f"site/{name} : {error}") from error
    return pages


def outputs(source_dir: Path = SOURCE_DIR, identity: Identity | None = None) -> dict[str, bytes]:
    """Everything build/site holds: path → content."""
    identity = identity or get_identity()
    produced = render_pages(source_dir, identity)
    for folder in STATIC_DIRS:
        for path in sorted((source_dir / folder).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                produced[path.relative_to(source_dir).as_posix()] = path.read_bytes()
    css = produced["css/passerelle.css"].decode("utf-8")
    produced["css/passerelle.css"] = region_css(css, identity).encode("utf-8")
    if _region_data_dir(identity) != REPO_ROOT / "chalicelib" / "data":
        produced["img/bassins-map.json"] = (_region_data_dir(identity) / "bassins-map.json").read_bytes()
    for name, source in vendor_files().items():
        produced[name] = source.read_bytes()
    return produced


def build(check_only: bool = False, output_dir: Path = OUTPUT_DIR) -> list[str]:
    """Bring output_dir in line with the sources; return the changes (made, or needed if check_only)."""
    produced = outputs()
    changes: list[str] = []
    for name, content in produced.items():
        destination = output_dir / name
        if destination.is_file() and destination.read_bytes() == content:
            continue
        changes.append(f"écrit {name}")
        if not check_only:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
    if output_dir.is_dir():
        for path in sorted(output_dir.rglob("*"), reverse=True):  # files before their folders
            name = path.relative_to(output_dir).as_posix()
            if path.name.startswith("."):
                continue  # stamp files (make's build/site/.built); the dev server never serves them
            if path.is_file() and name not in produced:
                changes.append(f"supprime {name}")
                if not check_only:
                    path.unlink()
            elif path.is_dir() and not check_only and not any(path.iterdir()):
                path.rmdir()
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Construit le site dans build/site/ depuis site/ et node_modules/."
    )
    parser.add_argument("--check", action="store_true", help="vérifie sans rien écrire (code 1 si à refaire)")
    parser.add_argument("--quiet", action="store_true", help="ne dit que les erreurs")
    args = parser.parse_args(argv)
    try:
        changes = build(check_only=args.check)
    except BuildError as error:
        print(f"build_site : {error}", file=sys.stderr)
        return 1
    if args.check and changes:
        print(
            f"build_site : build/site n'est pas à jour ({len(changes)} fichiers) : lancez `python scripts/build_site.py`.",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        print(
            f"build_site : {len(changes)} fichier(s) écrit(s) ou supprimé(s) dans build/site."
            if changes
            else "build_site : build/site est à jour."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
