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
from chalicelib.domain.followup import (
    DUE_DAYS,
    departement_of,
    due_date,
    in_job_at_due,
    is_in_job,
    reached_dues,
)
from chalicelib.domain.referentials import get_referentials
from chalicelib.observability import logger
from chalicelib.region import get_identity
from chalicelib.repositories import followup as followup_repo
from chalicelib.repositories import stats
from chalicelib.schemas.followup_store import FollowupRecord
from chalicelib.schemas.matches_store import InteractionRecord
from chalicelib.schemas.stats import (
    BassinFigures,
    DimensionRow,
    FollowupDueFigures,
    FollowupFigures,
    Placement,
    Share,
    StatsPeriod,
    StatsQuery,
    StatsRefreshView,
    StatsView,
    TrendPoint,
)

INSTANT = ("candidates", "candidates_matchable", "open_offers", "matches")
FOLLOWUP_COUNTERS = ("due", "sent", "answered", "in_job", "in_job_answered", "in_job_recorded")
MONTHLY = (
    "interested",
    "hires",
    "ended_1m",
    "placed_1m",
    "ended_6m",
    "placed_6m",
    *(f"{name}_{due}" for due in DUE_DAYS for name in FOLLOWUP_COUNTERS),
)
DIMENSIONS = ("departement", "certification", "structure")
NO_CERTIFICATION = "aucune"
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
    surveys: dict[tuple[str, str], FollowupRecord] = {}
    dims: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in DIMENSIONS}

    # A dimension's values for a person: one département, one certification, the structures they
    # share with (none, one or several: a person counts in the row of each).
    def dim_bump(values: dict[str, list[str]], day: date, name: str) -> None:
        for dimension, found in values.items():
            for value in found:
                row = dims[dimension].setdefault(
                    value, {"candidates": 0, "candidates_matchable": 0, "months": {}}
                )
                row["months"].setdefault(month_of(day), Counter())[name] += 1

    def count(values: dict[str, list[str]], day: date, name: str) -> None:
        bump(day, name)
        dim_bump(values, day, name)

    sharing = stats.sharing_structures()
    for survey in followup_repo.in_bassin(bassin):
        values = {
            "departement": [survey.departement],
            "certification": [survey.certification or NO_CERTIFICATION],
            "structure": sorted(sharing.get(survey.candidate_id, ())) if survey.candidate_id else [],
        }
        if survey.candidate_id:
            surveys[(survey.candidate_id, survey.due)] = survey
        elif survey.due_date <= today:  # an erased person: still in the due's denominator
            count(values, survey.training_end, f"due_{survey.due}")
            if survey.answer and is_in_job(survey.answer.situation):
                count(values, survey.training_end, f"in_job_{survey.due}")
        if survey.sent_at:
            count(values, survey.training_end, f"sent_{survey.due}")
        if survey.answer:
            count(values, survey.training_end, f"answered_{survey.due}")
            if is_in_job(survey.answer.situation):
                count(values, survey.training_end, f"in_job_answered_{survey.due}")

    candidates = matchable = 0
    for candidate_id, is_matchable, end, commune, certification in stats.candidate_dimensions(bassin):
        candidates += 1
        matchable += is_matchable
        values = {
            "departement": [departement_of(commune)],
            "certification": [certification or NO_CERTIFICATION],
            "structure": sorted(sharing.get(candidate_id, ())),
        }
        for dimension, found in values.items():
            for value in found:
                row = dims[dimension].setdefault(
                    value, {"candidates": 0, "candidates_matchable": 0, "months": {}}
                )
                row["candidates"] += 1
                row["candidates_matchable"] += is_matchable
        hired = first_hire.get(candidate_token(candidate_id))
        for delay, ended, placed in PLACEMENT_DELAYS:
            limit = add_months(end, delay)
            if limit <= today:
                count(values, end, ended)
                if hired is not None and hired <= limit:
                    count(values, end, placed)
        for due in reached_dues(end, today):
            survey = surveys.get((candidate_id, due))
            situation = survey.answer.situation if survey and survey.answer else None
            count(values, end, f"due_{due}")
            if in_job_at_due(situation, hired, due_date(end, due)):
                count(values, end, f"in_job_{due}")
                if situation is None:
                    count(values, end, f"in_job_recorded_{due}")

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
        "dims": {
            dimension: {
                value: {**row, "months": {m: dict(c) for m, c in sorted(row["months"].items())}}
                for value, row in rows.items()
            }
            for dimension, rows in dims.items()
        },
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
def _share(count: int, of: int) -> Share:
    return Share(count=count, of=of, rate=round(100 * count / of, 1) if of else None)


def _placement(eligible: int, placed: int) -> Placement:
    rate = round(100 * placed / eligible, 1) if eligible else None
    return Placement(eligible=eligible, placed=placed, rate=rate)


def _followup_due(monthly: Counter, due: str) -> FollowupDueFigures:
    n = {name: monthly[f"{name}_{due}"] for name in FOLLOWUP_COUNTERS}
    return FollowupDueFigures(
        **n,
        response_rate=_share(n["answered"], n["sent"]),
        in_job_rate=_share(n["in_job"], n["due"]),
        in_job_among_answers=_share(n["in_job_answered"], n["answered"]),
    )


def _in_period(month: str, first: str | None, last: str | None) -> bool:
    return (first is None or month >= first) and (last is None or month <= last)


def _monthly(items: list[dict[str, Any]], first: str | None, last: str | None) -> Counter:
    monthly: Counter = Counter()
    for item in items:
        for month, counts in item.get("months", {}).items():
            if _in_period(month, first, last):
                monthly.update({name: int(counts.get(name, 0)) for name in MONTHLY})
    return monthly


def _followup(monthly: Counter) -> FollowupFigures:
    return FollowupFigures(one_month=_followup_due(monthly, "1m"), six_months=_followup_due(monthly, "6m"))


def _figures(
    code: str, label: str, items: list[dict[str, Any]], first: str | None, last: str | None
) -> BassinFigures:
    instant = Counter({name: sum(int(i.get(name, 0)) for i in items) for name in INSTANT})
    monthly = _monthly(items, first, last)
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
        followup=_followup(monthly),
    )


def _dimension_rows(dimension: str, stored: dict[str, dict[str, Any]], first: str | None, last: str | None):
    names = _structure_names() if dimension == "structure" else {}
    parts: dict[str, list[dict[str, Any]]] = {}
    for item in stored.values():
        for value, row in item.get("dims", {}).get(dimension, {}).items():
            parts.setdefault(value, []).append(row)
    rows = []
    for value in sorted(parts):
        items = parts[value]
        monthly = _monthly(items, first, last)
        rows.append(
            DimensionRow(
                code=value,
                label=names.get(value, "Structure supprimée")
                if dimension == "structure"
                else _label(dimension, value),
                candidates=sum(int(i.get("candidates", 0)) for i in items),
                candidates_matchable=sum(int(i.get("candidates_matchable", 0)) for i in items),
                placed_1_month=_placement(monthly["ended_1m"], monthly["placed_1m"]),
                placed_6_months=_placement(monthly["ended_6m"], monthly["placed_6m"]),
                followup=_followup(monthly),
            )
        )
    return rows


def _structure_names() -> dict[str, str]:
    from chalicelib.repositories import structures

    return {s.id: s.name for s in structures.list_all()}


def _label(dimension: str, value: str) -> str:
    if dimension == "departement":
        from chalicelib.domain.followup import departement_name

        return departement_name(value)
    if value == NO_CERTIFICATION:
        return "Certification non renseignée"
    from chalicelib.domain.certifications import find_certification

    found = find_certification(value)
    return found.title if found else value


def _trend(items: list[dict[str, Any]], first: str | None, last: str | None) -> list[TrendPoint]:
    months: dict[str, Counter] = {}
    for item in items:
        for month, counts in item.get("months", {}).items():
            if _in_period(month, first, last):
                months.setdefault(month, Counter()).update({k: int(v) for k, v in counts.items()})
    return [
        TrendPoint(
            month=month,
            interested=c["interested"],
            hires=c["hires"],
            followup_1m_due=c["due_1m"],
            followup_1m_answered=c["answered_1m"],
            followup_1m_in_job=c["in_job_1m"],
            in_job_rate_1m=_share(c["in_job_1m"], c["due_1m"]),
        )
        for month, c in sorted(months.items())
    ]


def get_stats(query: StatsQuery) -> StatsView:
    """Figures of one or every bassin and of the region, over whole months of the period, with the
    rows of the dimension asked (`by`)."""
    refs = get_referentials()
    stored = stats.all_figures()
    first = month_of(query.from_) if query.from_ else None
    last = month_of(query.to) if query.to else None
    codes = [query.bassin] if query.bassin else sorted(refs.bassins)
    bassins = [
        _figures(code, refs.bassins[code].label, [stored[code]] if code in stored else [], first, last)
        for code in codes
    ]
    region_items = [stored.get(code, {}) for code in sorted(refs.bassins)]
    identity = get_identity()
    region = _figures(f"region-{identity.code}", identity.name, region_items, first, last)
    if query.by == "bassin":
        rows = [
            DimensionRow(**b.model_dump(by_alias=False, include=set(DimensionRow.model_fields)))
            for b in bassins
        ]
    else:
        scope = {query.bassin: stored.get(query.bassin, {})} if query.bassin else stored
        rows = _dimension_rows(query.by, scope, first, last)
    trend_items = [stored[query.bassin]] if query.bassin and query.bassin in stored else region_items
    if query.bassin and query.bassin not in stored:
        trend_items = []
    period_end = None
    if query.to:
        period_end = query.to.replace(day=monthrange(query.to.year, query.to.month)[1])
    period = StatsPeriod(from_=query.from_.replace(day=1) if query.from_ else None, to=period_end)
    return StatsView(
        period=period,
        by=query.by,
        bassins=bassins,
        rows=rows,
        region=region,
        trend=_trend(trend_items, first, last),
    )
