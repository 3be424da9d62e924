"""The one library of field types every request model is built from (docs/layers.md, "Schemas").

One rule per kind of value: a commune, a métier, a competence, a phone number, a date, a whole
number, a line of text... A new model takes its fields from here; a new kind of value is added
here, with its French message. Each check raises ValueError with a French sentence, which
`schemas/validation.py` reports under the field's name.

Checks that need "today" read it from the validation context (`{"today": date}`), so tests and
services can inject a clock; without a context they use Paris's today. Checks against the
reference data use the process-wide referentials.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, ValidationInfo

from chalicelib.domain.calendar import french_date, paris_today
from chalicelib.domain.identity import normalize_email
from chalicelib.domain.referentials import get_referentials

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\t]")
_INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_ROME = re.compile(r"^[A-N][0-9]{4}$")
_OGR = re.compile(r"^[0-9]{1,10}$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# French numbers only (every account is in a French région): 0X XX XX XX XX, +33 / 0033, "+33 (0)6…".
_PHONE = re.compile(r"^(?:0|\+330?|00330?)([1-9][0-9]{8})$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_NAME_EXTRA = frozenset(" '’-.")
_CURSOR = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")

WHOLE_NUMBER = "Un nombre entier est attendu."
DATE_FORMAT = "Une date au format AAAA-MM-JJ est attendue."


def unknown_bassin_message() -> str:
    """French, naming the région served (chalicelib/regions/<code>.json) and, as an example, the
    bassin of its most populous commune."""
    from chalicelib.region import get_identity

    refs = get_referentials()
    example = max(refs.communes.values(), key=lambda c: (c.population, c.code_insee)).bassin_code
    return f"Bassin d'emploi inconnu : un code de zone d'emploi {get_identity().name_of} est attendu (ex. {example})."


BAD_CURSOR = "Curseur de pagination invalide ou périmé : reprenez depuis la première page."


# --- the clock --------------------------------------------------------------------------------
def today_of(info: ValidationInfo) -> date:
    context = info.context if isinstance(info.context, dict) else {}
    today = context.get("today")
    return today if isinstance(today, date) else paris_today()


def check_range(value: date, low: date, high: date, what: str) -> date:
    if not low <= value <= high:
        raise ValueError(f"{what} doit être comprise entre le {french_date(low)} et le {french_date(high)}.")
    return value


# --- text -------------------------------------------------------------------------------------
def single_line(value: str) -> str:
    """A name or a title: no line breaks, no control characters, inner spaces collapsed.
    Markup is kept as text (pages never interpret it)."""
    if _CONTROL.search(value) or _LINE_BREAK.search(value):
        raise ValueError("Ce champ ne doit pas contenir de retour à la ligne ni de caractère de contrôle.")
    return " ".join(unicodedata.normalize("NFC", value).split())


def multi_line(value: str) -> str:
    """A description: line breaks allowed, other control characters refused."""
    if _CONTROL.search(value.replace("\r\n", "\n")):
        raise ValueError("Ce champ contient des caractères de contrôle non autorisés.")
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()


def no_markup(value: str) -> str:
    """What a person writes about themselves (their training...): one line, no < or >."""
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if "<" in value or ">" in value:
        raise ValueError("Les caractères < et > ne sont pas autorisés.")
    if any(unicodedata.category(c)[0] == "C" for c in value):
        raise ValueError("Ce texte contient des caractères non autorisés.")
    return value


def person_name(value: str) -> str:
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not value:
        raise ValueError("Ce champ est obligatoire.")
    if any(not (c.isalpha() or c in _NAME_EXTRA) for c in value):
        raise ValueError(
            "Seuls les lettres, les espaces, l'apostrophe, le trait d'union et le point sont autorisés."
        )
    if not any(c.isalpha() for c in value):
        raise ValueError("Au moins une lettre est attendue.")
    return value


def SingleLine(min_length: int, max_length: int, description: str | None = None) -> Any:
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, description=description),
        AfterValidator(single_line),
    ]


def NoMarkup(min_length: int, max_length: int, description: str | None = None) -> Any:
    return Annotated[
        str,
        Field(min_length=min_length, max_length=max_length, description=description),
        AfterValidator(no_markup),
    ]


PersonName = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(person_name)]
Description = Annotated[str, Field(min_length=10, max_length=4000), AfterValidator(multi_line)]


# --- contact ----------------------------------------------------------------------------------
def phone_number(value: str) -> str:
    """A French phone number, stored in international form (+33612345678)."""
    match = _PHONE.match(_PHONE_SEPARATORS.sub("", value))
    if not match:
        raise ValueError("Numéro de téléphone français attendu : 10 chiffres commençant par 0, ou +33.")
    return "+33" + match.group(1)


Phone = Annotated[
    str,
    Field(min_length=10, max_length=30, description="Numéro français (stocké en +33…)"),
    AfterValidator(phone_number),
]
Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(normalize_email)]


# --- reference data ---------------------------------------------------------------------------
def known_commune(value: str) -> str:
    """An INSEE code of a commune of the région; a historical code becomes today's commune."""
    from chalicelib.region import get_identity

    code = value.strip().upper()
    commune = get_referentials().commune(code) if _INSEE.match(code) else None
    if commune is None:
        raise ValueError(f"Commune inconnue : indiquez le code INSEE d'une commune {get_identity().name_of}.")
    return commune.code_insee


def known_metier(value: str) -> str:
    code = value.strip().upper()
    if not _ROME.match(code) or code not in get_referentials().metiers:
        raise ValueError("Métier inconnu : indiquez un code ROME existant (par exemple G1602).")
    return code


def known_metiers(values: list[str]) -> list[str]:
    """ROME codes, upper-cased, duplicates dropped (order kept); every one must exist."""
    codes = list(dict.fromkeys(v.strip().upper() for v in values))
    metiers = get_referentials().metiers
    unknown = [c for c in codes if not _ROME.match(c) or c not in metiers]
    if unknown:
        raise ValueError(f"Code(s) ROME inconnu(s) : {', '.join(unknown[:5])}.")
    return codes


def known_competences(values: list[str]) -> list[str]:
    """OGR codes (strings of digits), duplicates dropped (order kept); every one must exist."""
    codes = list(dict.fromkeys(v.strip() for v in values))
    known = get_referentials().competences
    unknown = [c for c in codes if not _OGR.match(c) or c not in known]
    if unknown:
        raise ValueError(f"Compétence(s) inconnue(s) : {', '.join(unknown[:5])}.")
    return codes


def competences_outside(codes: list[str], metier_codes: list[str]) -> list[str]:
    """The competences that belong to none of the fiches of `metier_codes`."""
    metiers = get_referentials().metiers
    allowed = {code for rome in metier_codes if rome in metiers for code in metiers[rome].competences}
    return [c for c in codes if c not in allowed]


def known_bassin(value: str | None) -> str | None:
    if value is not None and value not in get_referentials().bassins:
        raise ValueError(unknown_bassin_message())
    return value


CodeInsee = Annotated[
    str,
    Field(min_length=5, max_length=5, description="Code INSEE d'une commune de la région servie"),
    AfterValidator(known_commune),
]
CodeRome = Annotated[
    str, Field(min_length=5, max_length=5, description="Code ROME 4.0"), AfterValidator(known_metier)
]
BassinCode = Annotated[
    str, Field(max_length=8, description="Code du bassin d'emploi (ex. 4410)"), AfterValidator(known_bassin)
]
OgrCode = Annotated[str, Field(min_length=1, max_length=10)]


def CodeRomeList(min_length: int, max_length: int, description: str | None = None) -> Any:
    return Annotated[
        list[Annotated[str, Field(min_length=5, max_length=5)]],
        Field(min_length=min_length, max_length=max_length, description=description),
        AfterValidator(known_metiers),
    ]


def Competences(min_length: int, max_length: int, description: str | None = None) -> Any:
    return Annotated[
        list[OgrCode],
        Field(min_length=min_length, max_length=max_length, description=description),
        AfterValidator(known_competences),
    ]


# --- numbers and dates ------------------------------------------------------------------------
def whole_number(value: Any) -> Any:
    """JSON numbers only (not "5", not true); 5.0 is 5, 5.5 is refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(WHOLE_NUMBER)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(WHOLE_NUMBER)
        return int(value)
    return value


def WholeNumber(ge: int, le: int, description: str | None = None) -> Any:
    return Annotated[int, BeforeValidator(whole_number), Field(ge=ge, le=le, description=description)]


def iso_date(value: Any) -> Any:
    # JSON and query strings have no date type: only "AAAA-MM-JJ" text (no timestamp, no datetime).
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value.strip()):
        raise ValueError(DATE_FORMAT)
    return value.strip()


IsoDate = Annotated[date, BeforeValidator(iso_date)]


# --- lists ------------------------------------------------------------------------------------
def unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def cursor_shape(value: str) -> str:
    if not _CURSOR.match(value):
        raise ValueError(BAD_CURSOR)
    return value


Cursor = Annotated[
    str,
    Field(max_length=2000, description="Curseur de la page suivante (champ « next »)"),
    AfterValidator(cursor_shape),
]
