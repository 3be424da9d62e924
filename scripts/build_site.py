"""Copy the few npm files the site serves from node_modules/ into site/vendor/.

    npm ci && python scripts/build_site.py          # copy (only what changed)
    python scripts/build_site.py --check            # exit 1 if site/vendor is not up to date

site/vendor/ is generated and git-ignored: the versions are pinned by package.json and
package-lock.json. Only the files listed in VENDOR_FILES end up on the site; axe-core in
particular is a test tool and never copied. Files in site/vendor/ that are not listed are
removed, so the folder always mirrors this list exactly.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
VENDOR_DIR = REPO_ROOT / "site" / "vendor"

# package → [(file inside the package, destination inside site/vendor)]
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


def plan() -> dict[Path, Path]:
    """destination → source for every vendored file; raises BuildError if something is missing."""
    if not NODE_MODULES.is_dir():
        raise BuildError("node_modules/ introuvable : lancez `npm ci` à la racine du dépôt.")
    pinned = _pinned_versions()
    copies: dict[Path, Path] = {}
    for package, files in VENDOR_FILES.items():
        package_dir = _check_installed(package, pinned)
        for source_name, destination_name in files:
            source = package_dir / source_name
            if not source.is_file():
                raise BuildError(f"{source} introuvable : le paquet a-t-il changé de structure ?")
            copies[VENDOR_DIR / destination_name] = source
    return copies


def build(check_only: bool = False) -> list[str]:
    """Bring site/vendor in line with VENDOR_FILES; return the changes (made, or needed if check_only)."""
    copies = plan()
    changes: list[str] = []
    for destination, source in copies.items():
        content = source.read_bytes()
        if destination.is_file() and destination.read_bytes() == content:
            continue
        changes.append(f"copie {destination.relative_to(REPO_ROOT)}")
        if not check_only:
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
    if VENDOR_DIR.is_dir():
        for path in sorted(VENDOR_DIR.rglob("*"), reverse=True):  # files before their folders
            if path.name.startswith("."):
                continue  # stamp files (make's site/vendor/.built); the dev server never serves them
            if path.is_file() and path not in copies:
                changes.append(f"suppression {path.relative_to(REPO_ROOT)}")
                if not check_only:
                    path.unlink()
            elif path.is_dir() and not check_only and not any(path.iterdir()):
                path.rmdir()
    return changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Copie les fichiers npm servis par le site dans site/vendor/."
    )
    parser.add_argument("--check", action="store_true", help="vérifie sans rien écrire (code 1 si à refaire)")
    args = parser.parse_args(argv)
    try:
        changes = build(check_only=args.check)
    except BuildError as error:
        print(f"build_site : {error}", file=sys.stderr)
        return 1
    for change in changes:
        print(f"build_site : {change}")
    if args.check and changes:
        print(
            "build_site : site/vendor n'est pas à jour : lancez `python scripts/build_site.py`.",
            file=sys.stderr,
        )
        return 1
    if not changes:
        print("build_site : site/vendor est à jour.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
