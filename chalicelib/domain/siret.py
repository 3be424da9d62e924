"""SIRET numbers (INSEE's establishment identifier): 14 digits, a SIREN plus an NIC.

The checksum is the Luhn algorithm, except for La Poste's establishments (SIREN 356000000),
whose digits only need to add up to a multiple of 5; python-stdnum knows that exception.
Pure: no I/O.
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError
from stdnum.fr import siret as stdnum_siret

INVALID = "Numéro SIRET invalide"
# People copy SIRETs from invoices and Kbis extracts, where they are printed in groups.
_SEPARATORS = re.compile(r"[\s\u00a0\u202f]+")


def normalize_siret(value: str) -> str:
    """The 14 digits of a SIRET typed with or without spaces; ValueError (French) if invalid."""
    if not isinstance(value, str):
        raise ValueError(f"{INVALID} : 14 chiffres attendus.")
    digits = _SEPARATORS.sub("", value)
    if len(digits) != 14 or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{INVALID} : 14 chiffres attendus.")
    try:
        stdnum_siret.validate(digits)
        if digits.startswith("000000000"):  # Luhn-valid, but INSEE never allots it
            raise ValidationError()
    except ValidationError as exc:
        raise ValueError(f"{INVALID} : la clé de contrôle ne correspond pas.") from exc
    return digits


def siren_of(siret: str) -> str:
    """The company part (SIREN, 9 digits) of a normalized SIRET."""
    return siret[:9]
