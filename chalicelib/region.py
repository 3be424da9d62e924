"""The région a deployment serves (issue 18): its identity, read from `chalicelib/regions/<code>.json`.

`PASSERELLE_REGION` (INSEE région code, default 44 Grand Est) chooses the file. The same file feeds
the site build (`scripts/build_site.py`: page texts, colours, logo, legal pages), the e-mails
(`chalicelib/emails.py`) and the API texts; the région's reference data (communes, bassins, map,
certifications) is built separately by `scripts/build_reference_data.py --region <code>`.

Colours are checked for WCAG 2.x AA contrast when the identity is loaded (`contrast_ratio`): a few
lines of the WCAG relative-luminance formula rather than a library (docs/decisions.md).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

REGIONS_DIR = Path(__file__).resolve().parent / "regions"
DEFAULT_REGION = "44"
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
WHITE = "#ffffff"
# (foreground, background, minimum ratio, what the pair is): text needs 4.5:1 (WCAG 1.4.3), the
# focus ring and the header's stroke are non-text contrast, 3:1 (WCAG 1.4.11).
CONTRAST_PAIRS = (
    ("white", "primary_dark", 4.5, "texte blanc sur la couleur sombre (en-tête, titres)"),
    ("white", "primary", 4.5, "texte blanc sur la couleur principale (boutons)"),
    ("primary", "white", 4.5, "liens de la couleur principale sur fond blanc"),
    ("primary", "grey_bg", 4.5, "liens sur le fond gris clair (#f3f5f9)"),
    ("accent", "primary_dark", 3.0, "contour de focus et liseré d’accent sur la couleur sombre"),
)
GREY_BG = "#f3f5f9"


class Colours(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    primary_dark: str = Field(pattern=_HEX.pattern)
    primary: str = Field(pattern=_HEX.pattern)
    accent: str = Field(pattern=_HEX.pattern)


class Publisher(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1)
    address: tuple[str, ...] = Field(min_length=1)
    director: str = Field(min_length=1)
    host: str = Field(min_length=1)


class Identity(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str = Field(pattern=r"[0-9]{2}")
    name: str = Field(min_length=1)  # "Grand Est": texts say "la Région {name}"
    name_of: str = Field(min_length=1)  # "du Grand Est", "des Hauts-de-France", "d’Auvergne-Rhône-Alpes"
    name_in: str = Field(min_length=1)  # "dans le Grand Est", "dans les Hauts-de-France", "en Auvergne-…"
    service_name: str = Field(default="Passerelle", min_length=1)
    colours: Colours
    logo: str | None = None  # a file of site/img/, shown in the header beside the service name
    contact_email: str = Field(pattern=r"[^@\s]+@[^@\s]+\.[^@\s]+")
    publisher: Publisher

    @field_validator("logo")
    @classmethod
    def _logo_in_img(cls, value: str | None) -> str | None:
        if value is not None and (value.startswith("/") or ".." in value):
            raise ValueError("logo : un nom de fichier de site/img/")
        return value

    @model_validator(mode="after")
    def _contrast(self) -> Identity:
        problems = contrast_problems(self.colours)
        if problems:
            raise ValueError("contraste insuffisant (WCAG AA) : " + " ; ".join(problems))
        return self

    @property
    def region_label(self) -> str:
        return f"Région {self.name}"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of a `#rrggbb` colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def contrast_problems(colours: Colours) -> list[str]:
    named = {**colours.model_dump(), "white": WHITE, "grey_bg": GREY_BG}
    problems = []
    for fg, bg, minimum, what in CONTRAST_PAIRS:
        ratio = contrast_ratio(named[fg], named[bg])
        if ratio < minimum:
            problems.append(f"{what} : {named[fg]} sur {named[bg]} = {ratio:.2f}:1, il faut {minimum}:1")
    return problems


def load_identity(code: str, folder: Path = REGIONS_DIR) -> Identity:
    path = folder / f"{code}.json"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.json")))
        raise ValueError(f"région {code} : pas de fichier {path} (régions configurées : {known})")
    identity = Identity.model_validate(json.loads(path.read_text(encoding="utf-8")))
    if identity.code != code:
        raise ValueError(f"{path.name} : code {identity.code}, attendu {code}")
    return identity


def region_code() -> str:
    return os.environ.get("PASSERELLE_REGION") or DEFAULT_REGION


@cache
def _identity(code: str) -> Identity:
    return load_identity(code)


def get_identity() -> Identity:
    """The identity of the configured région (`PASSERELLE_REGION`)."""
    return _identity(region_code())
