"""Follow-up survey rules: when each question is due, how long it stays open, what "in a job" is."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chalicelib.domain.followup import (
    IN_JOB,
    SITUATIONS,
    due_date,
    in_job_at_due,
    is_in_job,
    link_expiry,
    open_dues,
    reached_dues,
)

END = date(2026, 3, 31)


def test_due_dates_are_30_and_182_days_after_the_training_end():
    assert due_date(END, "1m") == date(2026, 4, 30)
    assert due_date(END, "6m") == date(2026, 9, 29)


@pytest.mark.parametrize(
    ("days_after_end", "expected"),
    [
        (0, []),
        (29, []),
        (30, ["1m"]),  # the due date itself
        (90, ["1m"]),  # 60 days late: still sent (a late registration, a missed run)
        (91, []),  # closed: never asked "one month after" three months after
        (181, []),
        (182, ["6m"]),
        (242, ["6m"]),
        (243, []),
    ],
)
def test_a_question_is_open_from_its_due_date_for_60_days(days_after_end, expected):
    assert open_dues(END, END + timedelta(days=days_after_end)) == expected


def test_the_two_windows_never_overlap():
    for day in range(0, 400):
        assert len(open_dues(END, END + timedelta(days=day))) <= 1


def test_reached_dues_count_in_the_denominators_once_their_date_has_come():
    assert reached_dues(END, END + timedelta(days=29)) == []
    assert reached_dues(END, END + timedelta(days=30)) == ["1m"]
    assert reached_dues(END, END + timedelta(days=500)) == ["1m", "6m"]


def test_a_link_answers_for_60_days_after_it_was_sent():
    assert link_expiry(date(2026, 5, 2)) == date(2026, 7, 1)


def test_in_a_job_means_a_contract_an_apprenticeship_or_ones_own_business():
    assert {
        "emploi_cdi",
        "emploi_cdd_6m_plus",
        "emploi_cdd_moins_6m",
        "interim",
        "alternance",
        "creation",
    } == IN_JOB
    assert [s for s in SITUATIONS if not is_in_job(s)] == ["formation", "recherche", "autre"]
    assert not is_in_job(None) and not is_in_job("inconnu")


def test_the_answer_wins_over_an_employer_record_and_a_hire_counts_only_without_answer():
    due = date(2026, 4, 30)
    assert in_job_at_due("recherche", date(2026, 4, 10), due) is False  # the person says otherwise
    assert in_job_at_due("interim", None, due) is True
    assert in_job_at_due(None, date(2026, 4, 30), due) is True  # hired by the due date
    assert in_job_at_due(None, date(2026, 5, 1), due) is False  # hired after it
    assert in_job_at_due(None, None, due) is False
