"""Use case: figures per bassin d'emploi for the staff, read from aggregates (one Query per view).

`refresh_stats(bassin, today)` recomputes one bassin's aggregate from Query reads only; the
matching worker calls it after each bassin of a run, so figures are at most one run old (an hour).
What a period can filter is kept in monthly buckets:
- interested, hires: answers and hires recorded on the bassin's offers, by month of the event;
- ended_1m / placed_1m, ended_6m / placed_6m: candidates living in the bassin by month of their
  training's end, counted once 1 (6) months have passed since it, and among them those hired
  (on any offer of the region) no later than 1 (6) months after it.
Hires are joined to candidates through a token (truncated SHA-256 of the candidate id); see
docs/staff.md for the whole design.
"""

from __future__ import annotations

import hashlib
from calendar import monthrange
from collections import Counter
from datetime import date
from typing import Any

from chalicelib.domain.calendar import paris_day, paris_today, utc_timestamp
from chalicelib.domain.referentials import get_referentials
from chalicelib.observability import logger
from chalicelib.repositories import stats
from chalicelib.schemas.matches_store import InteractionRecord
from chalicelib.schemas.stats import (
    BassinFigures,
    Placement,
    StatsPeriod,
    StatsQuery,
    StatsRefreshView,
    StatsView,
)

INSTANT = ("candidates", "candidates_matchable", "open_offers", "matches")
MONTHLY = ("interested", "hires", "ended_1m", "placed_1m", "ended_6m", "placed_6m")
PLACEMENT_DELAYS = ((1, "ended_1m", "placed_1m"), (6, "ended_6m", "placed_6m"))


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(day: date, months: int) -> date:
    """Same day `months` later; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def candidate_token(candidate_id: str) -> str:
    return hashlib.sha256(candidate_id.encode()).hexdigest()[: stats.TOKEN_CHARS]


def hire_day(interaction: InteractionRecord) -> date | None:
    """The day of the hire if the outcome is "hired" now: its first "hired" event."""
    if interaction.status != "hired":
        return None
    days = [d for d in (paris_day(e.at) for e in interaction.history if e.status == "hired") if d]
    return min(days) if days else paris_day(interaction.status_at)


# --- refresh (matching worker) ----------------------------------------------------------------
def refresh_stats(bassin: str, today: date, matches: int | None = None) -> dict[str, Any]:
    """Recomputes and stores the aggregate of `bassin`; `matches`, when the caller just counted the
    proposals on the bassin's open offers, saves one Query per offer."""
    months: dict[str, Counter] = {}

    def bump(day: date, name: str) -> None:
        months.setdefault(month_of(day), Counter())[name] += 1

    hires: list[tuple[str, date]] = []
    for interaction in stats.interactions_in_bassin(bassin):
        answered = paris_day(interaction.interest_at)
        if interaction.interest == "interested" and answered:
            bump(answered, "interested")
        hired = hire_day(interaction)
        if hired:
            bump(hired, "hires")
            hires.append((candidate_token(interaction.candidate_id), hired))
    stats.put_hires(bassin, hires)

    first_hire: dict[str, date] = {}
    for token, day in stats.all_hires():
        first_hire[token] = min(day, first_hire.get(token, day))
    candidates = matchable = 0
    for candidate_id, is_matchable, end in stats.candidate_facts(bassin):
        candidates += 1
        matchable += is_matchable
        hired = first_hire.get(candidate_token(candidate_id))
        for delay, ended, placed in PLACEMENT_DELAYS:
            limit = add_months(end, delay)
            if limit <= today:
                bump(end, ended)
                if hired is not None and hired <= limit:
                    bump(end, placed)

    open_offers = list(stats.open_offers(bassin))
    if matches is None:
        matches = sum(stats.count_matches(offer_id) for offer_id, _ in open_offers)
    figures = {
        "refreshed_at": utc_timestamp(),
        "candidates": candidates,
        "candidates_matchable": matchable,
        "open_offers": sum(1 for _, last_day in open_offers if last_day >= today),
        "matches": matches,
        "months": {month: dict(counts) for month, counts in sorted(months.items())},
    }
    stats.put_figures(bassin, figures)
    logger.info("staff figures refreshed", extra={"bassin": bassin, "candidates": candidates})
    return figures


def refresh_now(bassin: str | None) -> StatsRefreshView:
    """A staff member asks for fresh figures (an answer recorded since the last run is counted)."""
    codes = [bassin] if bassin else sorted(get_referentials().bassins)
    today = paris_today()
    for code in codes:
        refresh_stats(code, today)
    logger.info("staff figures refreshed on demand", extra={"bassins": len(codes)})
    return StatsRefreshView(bassins=len(codes), refreshed_at=utc_timestamp())


# --- read (API) ---------------------------------------------------------------------------------
def _placement(eligible: int, placed: int) -> Placement:
    rate = round(100 * placed / eligible, 1) if eligible else None
    return Placement(eligible=eligible, placed=placed, rate=rate)


def _figures(
    code: str, label: str, items: list[dict[str, Any]], first: str | None, last: str | None
) -> BassinFigures:
    instant = Counter({name: sum(int(i.get(name, 0)) for i in items) for name in INSTANT})
    monthly: Counter = Counter()
    for item in items:
        for month, counts in item.get("months", {}).items():
            if (first is None or month >= first) and (last is None or month <= last):
                monthly.update({name: int(counts.get(name, 0)) for name in MONTHLY})
    refreshed = [i["refreshed_at"] for i in items if i.get("refreshed_at")]
    return BassinFigures(
        code=code,
        label=label,
        refreshed_at=min(refreshed) if refreshed and len(refreshed) == len(items) else None,
        **{name: instant[name] for name in INSTANT},
        interested=monthly["interested"],
        hires=monthly["hires"],
        placed_1_month=_placement(monthly["ended_1m"], monthly["placed_1m"]),
        placed_6_months=_placement(monthly["ended_6m"], monthly["placed_6m"]),
    )


def get_stats(query: StatsQuery) -> StatsView:
    """Figures of one or every bassin and of the region, over whole months of the period."""
    refs = get_referentials()
    stored = stats.all_figures()
    first = month_of(query.from_) if query.from_ else None
    last = month_of(query.to) if query.to else None
    codes = [query.bassin] if query.bassin else sorted(refs.bassins)
    bassins = [
        _figures(code, refs.bassins[code].label, [stored[code]] if code in stored else [], first, last)
        for code in codes
    ]
    region = _figures(
        "grand-est", "Grand Est", [stored.get(code, {}) for code in sorted(refs.bassins)], first, last
    )
    period_end = None
    if query.to:
        period_end = query.to.replace(day=monthrange(query.to.year, query.to.month)[1])
    period = StatsPeriod(from_=query.from_.replace(day=1) if query.from_ else None, to=period_end)
    return StatsView(period=period, bassins=bassins, region=region)
