"""Calendar rules shared by offers and their listing: the service's "today" is Paris's.

Pure apart from reading the clock in `paris_today`, which callers can replace by passing
their own date.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    _PARIS = ZoneInfo("Europe/Paris")
except (ImportError, ZoneInfoNotFoundError):  # a runtime without the tz database
    _PARIS = UTC


def paris_today() -> date:
    return datetime.now(_PARIS).date()


def one_year_after(day: date) -> date:
    """Same day next year; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def utc_timestamp() -> str:
    """When something was recorded: ISO 8601 in UTC, to the millisecond (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")
