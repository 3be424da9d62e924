"""French mobile numbers, for SMS: parsed and normalised to E.164 with `phonenumbers` (Google's
libphonenumber metadata: which French ranges are mobile, e.g. 06 and 07 but not 07 00…)."""

from __future__ import annotations

import phonenumbers


def french_mobile(phone: str | None) -> str | None:
    """The number in E.164 (+336…, +337…) when it is a valid French mobile, else None."""
    if not phone:
        return None
    try:
        parsed = phonenumbers.parse(phone, "FR")
    except phonenumbers.NumberParseException:
        return None
    if parsed.country_code != 33 or not phonenumbers.is_valid_number(parsed):
        return None
    if phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def masked(phone: str) -> str:
    """What a console may show of a number: its last two digits only."""
    return f"•• •• •• •• {phone[-2:]}" if len(phone) >= 2 else "••"
