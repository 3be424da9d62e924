"""Calendar rules: the service's "today" is Paris's; when something happened is UTC.

Pure apart from reading the clock in `paris_today` and `utc_timestamp`, which callers can
replace by passing their own date or moment.
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


def add_years(day: date, years: int) -> date:
    """Same day `years` later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def days_after(day: date, days: int) -> date:
    return day + timedelta(days=days)


def french_date(day: date) -> str:
    """A date as people read it in messages: 15/06/2025."""
    return day.strftime("%d/%m/%Y")


def paris_day(timestamp: str | None) -> date | None:
    """The day, in Paris, of an ISO 8601 timestamp as stored ("2026-03-01T23:30:00.000+00:00")."""
    if not timestamp:
        return None
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(_PARIS).date()


def utc_timestamp(now: datetime | None = None) -> str:
    """When something was recorded: ISO 8601 in UTC, to the millisecond (sorts as text).

    The one format of every `*_at` field; `now` replaces the clock (tests, a job's own start).
    """
    return (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="milliseconds")
