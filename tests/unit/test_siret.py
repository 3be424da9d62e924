"""SIRET validation (pure): Luhn, La Poste's exception, typing habits."""

from __future__ import annotations

import pytest
from stdnum import luhn

from chalicelib.domain.siret import normalize_siret, siren_of
from tests.factories import LA_POSTE_SIRET, VALID_SIRET


def test_a_luhn_valid_siret_is_accepted_with_or_without_spaces():
    assert normalize_siret(VALID_SIRET) == "73282932000074"
    assert normalize_siret("73282932000074") == "73282932000074"
    assert normalize_siret("\u00a0732\u00a0829\u202f320 00074 ") == "73282932000074"
    assert siren_of("73282932000074") == "732829320"


def test_a_la_poste_siret_that_fails_plain_luhn_is_accepted():
    digits = LA_POSTE_SIRET.replace(" ", "")
    assert digits.startswith("356000000")
    assert not luhn.is_valid(digits)  # a plain Luhn check would refuse this establishment
    assert sum(map(int, digits)) % 5 == 0  # La Poste's own rule
    assert normalize_siret(LA_POSTE_SIRET) == digits


def test_la_poste_siret_breaking_its_own_rule_is_refused():
    with pytest.raises(ValueError, match="Numéro SIRET invalide"):
        normalize_siret("35600000049815")  # digit sum not a multiple of 5


@pytest.mark.parametrize(
    "value",
    [
        "73282932000075",  # wrong check digit
        "7328293200007",  # 13 digits
        "732829320000744",  # 15 digits
        "7328293200007A",
        "",
        "   ",
        "732-829-320-00074",  # only spaces are accepted as separators
        "٧٣٢٨٢٩٣٢٠٠٠٠٧٤",  # non-ASCII digits
        "00000000000001",
        "00000000000000",  # passes Luhn, yet no such company
    ],
)
def test_invalid_sirets_are_refused_in_french(value):
    with pytest.raises(ValueError, match=r"^Numéro SIRET invalide"):
        normalize_siret(value)


def test_non_strings_are_refused():
    with pytest.raises(ValueError, match="Numéro SIRET invalide"):
        normalize_siret(73282932000074)  # type: ignore[arg-type]
