"""Turn pydantic validation errors into French messages naming the field."""

from __future__ import annotations

from pydantic import ValidationError

from chalicelib.errors import ValidationFailed

_MESSAGES = {
    "missing": "Ce champ est obligatoire.",
    "extra_forbidden": "Ce champ n'est pas attendu.",
    "string_type": "Une chaîne de caractères est attendue.",
    "string_too_short": "Ce champ est trop court ({min_length} caractère(s) minimum).",
    "string_too_long": "Ce champ est trop long ({max_length} caractères maximum).",
    "string_pattern_mismatch": "Le format de ce champ est invalide.",
    "int_type": "Un nombre entier est attendu.",
    "int_parsing": "Un nombre entier est attendu.",
    "int_from_float": "Un nombre entier est attendu.",
    "greater_than_equal": "La valeur doit être supérieure ou égale à {ge}.",
    "less_than_equal": "La valeur doit être inférieure ou égale à {le}.",
    "greater_than": "La valeur doit être supérieure à {gt}.",
    "less_than": "La valeur doit être inférieure à {lt}.",
    "bool_type": "Vrai ou faux est attendu.",
    "bool_parsing": "Vrai ou faux est attendu.",
    "date_type": "Une date au format AAAA-MM-JJ est attendue.",
    "date_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "date_from_datetime_parsing": "Une date au format AAAA-MM-JJ est attendue.",
    "date_from_datetime_inexact": "Une date au format AAAA-MM-JJ est attendue.",
    "list_type": "Une liste est attendue.",
    "too_short": "Au moins {min_length} élément(s) attendu(s).",
    "too_long": "Au plus {max_length} élément(s) autorisé(s).",
    "literal_error": "Valeur non autorisée (valeurs possibles : {expected}).",
    "enum": "Valeur non autorisée (valeurs possibles : {expected}).",
    "model_type": "Un objet est attendu.",
    "dict_type": "Un objet est attendu.",
    "model_attributes_type": "Un objet est attendu.",
    "json_invalid": "Le corps de la requête n'est pas un JSON valide.",
    "json_type": "Le corps de la requête n'est pas un JSON valide.",
    "value_error": "{msg}",
    "assertion_error": "{msg}",
    "bool_from_int": "Vrai ou faux est attendu.",
    "frozen_set_type": "Une liste est attendue.",
    "set_type": "Une liste est attendue.",
    "float_type": "Un nombre est attendu.",
    "float_parsing": "Un nombre est attendu.",
    "finite_number": "Un nombre fini est attendu.",
    "url_parsing": "Adresse web invalide.",
    "uuid_parsing": "Identifiant invalide.",
    "union_tag_invalid": "Valeur non autorisée.",
}

_GENERIC = "Valeur invalide."


def field_path(loc: tuple) -> str:
    # Keep the names a form knows ("training.end_date"); list positions point at the list itself.
    parts = [str(p) for p in loc if not isinstance(p, int)]
    return ".".join(parts) or "body"


def french_message(error: dict) -> str:
    template = _MESSAGES.get(error["type"], _GENERIC)
    ctx = dict(error.get("ctx") or {})
    if error["type"] in ("value_error", "assertion_error"):
        # Our own validators raise ValueError with a French sentence; pydantic prefixes it.
        msg = str(ctx.get("error", error.get("msg", "")))
        return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ") or _GENERIC
    try:
        return template.format(**ctx)
    except (KeyError, IndexError, ValueError):
        return _GENERIC


def to_validation_failed(exc: ValidationError, prefix: str = "") -> ValidationFailed:
    fields: dict[str, str] = {}
    for error in exc.errors(include_url=False, include_input=False):
        path = field_path(error["loc"])
        if prefix:
            path = prefix if path == "body" else f"{prefix}.{path}"
        fields.setdefault(path, french_message(error))
    names = ", ".join(fields)
    return ValidationFailed(f"Certains champs sont invalides : {names}.", fields)
