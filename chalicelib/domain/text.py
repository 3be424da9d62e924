"""Text normal form shared by every search (communes, métiers, appellations).

`fold` makes "Épinal", "EPINAL" and "epinal" equal, and "Saint-Dié" equal to "saint die", so
that a person can type without accents, capitals or hyphens. The reference data build stores
keys folded with this very function: changing it means regenerating `chalicelib/data`
(`scripts/build_reference_data.py --check` fails until then).
"""

from __future__ import annotations

import unicodedata

# Characters French names use as word separators: hyphen ("Saint-Dié"), apostrophes
# ("L'Isle", typographic "L’Isle"). The typographic variants (U+2018, U+02BC) and the
# non-breaking hyphen come from copy-pasted text.
_SEPARATORS = "-'\u2019\u2018\u02bc\u2010\u2011"
# NFKD does not split these ligatures: they are letters of their own in Unicode.
_LIGATURES = {"œ": "oe", "æ": "ae"}
_TRANSLATION = str.maketrans({**{c: " " for c in _SEPARATORS}, **_LIGATURES})


def fold(text: str) -> str:
    """Accent- and case-insensitive normal form of `text`.

    Casefold, NFKD, drop combining marks and invisible/control characters (lone surrogates
    included), œ→oe, æ→ae, hyphens/apostrophes/whitespace runs → one space, stripped.
    Never raises on a `str`.
    """
    folded = text.casefold()
    if not folded.isascii():
        folded = "".join(_keep(c) for c in unicodedata.normalize("NFKD", folded))
    elif not folded.isprintable():
        folded = "".join(c for c in folded if c.isprintable() or c.isspace())
    folded = folded.translate(_TRANSLATION)
    # str.split() without argument splits on every Unicode whitespace run and drops the ends.
    return " ".join(folded.split())


def _keep(char: str) -> str:
    if unicodedata.combining(char):
        return ""
    if char.isspace():
        return " "
    # Category "C*": controls, format characters (zero-width), surrogates, private use,
    # unassigned. A person never means them; dropping them keeps the index keys printable.
    if unicodedata.category(char)[0] == "C":
        return ""
    return char
