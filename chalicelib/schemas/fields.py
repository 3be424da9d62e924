"""Field checks shared by request models: communes, métiers, phone numbers, free text.

Each raises ValueError with a French sentence, which `schemas/validation.py` reports under the
field's name.
"""

from __future__ import annotations

import re

from chalicelib.domain.referentials import get_referentials

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAK = re.compile(r"[\r\n\t]")
_INSEE = re.compile(r"^[0-9][0-9AB][0-9]{3}$")
_ROME = re.compile(r"^[A-N][0-9]{4}$")
_PHONE_CHARS = re.compile(r"^\+?[0-9 .()-]+$")
_OGR = re.compile(r"^[0-9]{1,10}$")


def single_line(value: str) -> str:
    """A name or a title: no line breaks, no control characters, inner spaces collapsed."""
    if _CONTROL.search(value) or _LINE_BREAK.search(value):
        raise ValueError("Ce champ ne doit pas contenir de retour à la ligne ni de caractère de contrôle.")
    return " ".join(value.split())


def multi_line(value: str) -> str:
    """A description: line breaks allowed, other control characters refused."""
    if _CONTROL.search(value.replace("\r\n", "\n")):
        raise ValueError("Ce champ contient des caractères de contrôle non autorisés.")
    return value.replace("\r\n", "\n").strip()


def known_commune(value: str) -> str:
    """An INSEE code of a Grand Est commune; a historical code becomes today's commune."""
    code = value.strip().upper()
    commune = get_referentials().commune(code) if _INSEE.match(code) else None
    if commune is None:
        raise ValueError("Commune inconnue : indiquez le code INSEE d'une commune du Grand Est.")
    return commune.code_insee


def known_metier(value: str) -> str:
    code = value.strip().upper()
    if not _ROME.match(code) or code not in get_referentials().metiers:
        raise ValueError("Métier inconnu : indiquez un code ROME existant (par exemple G1602).")
    return code


def competence_code(value: str) -> str:
    code = value.strip()
    if not _OGR.match(code):
        raise ValueError("Code de compétence invalide : un code OGR (chiffres) est attendu.")
    return code


def competences_of_metier(codes: list[str], code_rome: str) -> list[str]:
    """Keeps the order given, drops duplicates; every code must be a competence of the métier."""
    allowed = set(get_referentials().metiers[code_rome].competences)
    unique = list(dict.fromkeys(codes))
    unknown = [c for c in unique if c not in allowed]
    if unknown:
        raise ValueError(
            f"Ces compétences ne figurent pas dans la fiche métier {code_rome} : {', '.join(unknown[:5])}."
        )
    return unique


def phone_number(value: str) -> str:
    """A phone number as typed (trimmed), with 8 to 15 digits: French or international."""
    phone = " ".join(value.split())
    digits = re.sub(r"\D", "", phone)
    if not _PHONE_CHARS.match(phone) or not 8 <= len(digits) <= 15:
        raise ValueError("Numéro de téléphone invalide (par exemple 03 87 00 00 00).")
    return phone
