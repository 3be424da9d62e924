"""The rules of employers' answers (domain/responsiveness.py) with an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.responsiveness import (
    PAUSE_MIN_INTERESTS,
    REASONS_FOR_CANDIDATE,
    REASONS_FOR_EMPLOYER,
    Interest,
    rate_sentence,
    reason_label,
    reminder_refusal,
    responsiveness,
)
from chalicelib.schemas.offers import OutcomeReason

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def ago(days: float) -> str:
    return (NOW - timedelta(days=days)).isoformat().replace("+00:00", "Z")


def test_every_reason_of_the_contract_has_both_labels():
    assert set(OutcomeReason.__args__) == set(REASONS_FOR_EMPLOYER) == set(REASONS_FOR_CANDIDATE)
    assert reason_label("poste_pourvu") == "Le poste a déjà été pourvu." and reason_label(None) is None


@pytest.mark.parametrize(
    ("interest", "days", "status", "reminded", "expected"),
    [
        (None, 20, None, None, "pas déclaré"),
        ("not_interested", 20, None, None, "pas déclaré"),
        ("interested", 9.99, None, None, "à partir du 02/12/2026"),
        ("interested", 10, None, None, None),
        ("interested", 25, None, None, None),
        ("interested", 25, None, ago(1), "déjà relancé"),
        ("interested", 25, "contacted", None, "déjà donné une suite"),
        ("interested", 31, "sans_reponse", None, "déjà donné une suite"),
    ],
)
def test_reminder_window(interest, days, status, reminded, expected):
    refusal = reminder_refusal(interest, ago(days) if interest else None, status, reminded, NOW)
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None and expected in refusal


def test_answer_rate_over_ninety_days_only():
    figures = responsiveness(
        [
            Interest(ago(5), "contacted", ago(4)),
            Interest(ago(20), "not_retained", ago(2)),
            Interest(ago(40), None, None),
            Interest(ago(50), "sans_reponse", ago(20)),  # the closure is not an answer
            Interest(ago(91), "hired", ago(80)),  # out of the window
        ],
        NOW,
    )
    assert (figures.interests, figures.answered, figures.rate) == (4, 2, 0.5)
    assert figures.oldest_unanswered_at == ago(50) and figures.last_answer_at == ago(2)
    assert figures.unanswered_days(NOW) == 50
    assert responsiveness([], NOW).rate is None and responsiveness([], NOW).unanswered_days(NOW) == 0


def test_pause_needs_five_interests_no_answer_in_thirty_days_and_a_long_wait():
    silent = [Interest(ago(31 + k), None, None) for k in range(PAUSE_MIN_INTERESTS)]
    assert responsiveness(silent, NOW).should_pause(NOW)
    assert not responsiveness(silent[:-1], NOW).should_pause(NOW)  # four interests
    fresh = [Interest(ago(29 - k), None, None) for k in range(PAUSE_MIN_INTERESTS + 3)]
    assert not responsiveness(fresh, NOW).should_pause(NOW)  # nobody waited 30 days yet
    answered_lately = [*silent, Interest(ago(40), "interview", ago(29))]
    assert not responsiveness(answered_lately, NOW).should_pause(NOW)
    answered_long_ago = [*silent, Interest(ago(80), "interview", ago(31))]
    assert responsiveness(answered_long_ago, NOW).should_pause(NOW)


def test_rate_sentences_are_plain_and_need_a_few_interests():
    assert rate_sentence(None, 0) is None and rate_sentence(1.0, 2) is None
    assert rate_sentence(0.9, 10) == "Cet employeur répond à presque toutes les personnes intéressées."
    assert "plus de la moitié" in rate_sentence(0.5, 4)
    assert "moins de la moitié" in rate_sentence(0.1, 10)
    assert "aucune" in rate_sentence(0.0, 5)


def test_figures_without_a_rate_read_back_as_stored():
    """An employer whose figures have no rate (nobody to answer) is stored without the attribute;
    reading it back must not fail (it made GET /api/staff/employers answer 500 for everyone)."""
    from chalicelib.repositories.responsiveness import _item, _record
    from chalicelib.schemas.responsiveness_store import ResponsivenessRecord

    record = ResponsivenessRecord(
        employer_id="emp-1", interests=0, answered=0, rate=None, computed_at="2026-12-02T05:30:00+00:00"
    )
    item = _item(record)
    assert "rate" not in item
    assert _record(item) == record
