"""Daily housekeeping: inactive accounts warned then erased, offers expired, employers chased."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.calendar import paris_today, utc_timestamp
from chalicelib.repositories import candidates as candidates_repo
from chalicelib.repositories import matches as matches_repo
from chalicelib.repositories import offers as offers_repo
from chalicelib.services import housekeeping
from chalicelib.services.candidate_account import erase
from tests.integration.helpers import mails_to, say_interest, seed_candidate, seed_match, seed_offer

# The daily jobs read whole index partitions (a day's unanswered interests): only this module's data.
pytestmark = [pytest.mark.usefixtures("empty_queues"), pytest.mark.own_table]


def test_inactive_candidate_is_warned_once_then_erased(stack_env, moto_endpoint):
    person = seed_candidate()
    expires = candidates_repo.expiry_of(person.last_active_at)
    warn_day = (expires - timedelta(days=30)).date()

    counts = housekeeping.inactive_candidates(warn_day)
    assert counts["inactivity_warnings"] >= 1
    assert len(mails_to(moto_endpoint, person.email)) == 1
    housekeeping.inactive_candidates(warn_day + timedelta(days=1))  # the next day: no second e-mail
    assert len(mails_to(moto_endpoint, person.email)) == 1
    assert candidates_repo.get(person.id) is not None

    old = datetime.now(UTC) - timedelta(days=800)
    stale = person.model_copy(update={"last_active_at": utc_timestamp(old), "version": 2})
    candidates_repo.save(stale, 1)
    due = (candidates_repo.expiry_of(stale.last_active_at) - timedelta(days=30)).date() + timedelta(days=30)
    counts = housekeeping.inactive_candidates(due)
    assert counts["inactive_erased"] >= 1
    assert candidates_repo.get(person.id) is None


def test_expired_offer_is_closed_and_the_employer_warned_a_week_before(stack_env):
    today = paris_today()
    soon = seed_offer(expires_at=today + timedelta(days=5))
    expired = seed_offer(expires_at=today - timedelta(days=1), start_date=today - timedelta(days=30))
    counts = housekeeping.expiring_offers(today)
    assert counts["offers_closed"] >= 1
    assert offers_repo.get(expired.id).status == "closed"
    assert offers_repo.get(soon.id).status == "open"


def test_unanswered_interest_is_chased_then_closed_sans_reponse(stack_env):
    person = seed_candidate()
    offer = seed_offer()
    seed_match(offer.id, person.id, offer.employer_id, 80)
    asked = paris_today() - timedelta(days=31)
    say_interest(offer.id, person.id, at=f"{asked.isoformat()}T09:00:00.000+00:00")
    assert [a.candidate_id for a in matches_repo.awaiting_since(asked.isoformat())] == [person.id]

    counts = housekeeping.unanswered_interests(paris_today())
    assert counts["closed_without_answer"] >= 1
    pair = matches_repo.get(offer.id, person.id)
    assert pair.interaction.status == "sans_reponse"
    assert matches_repo.awaiting_since(asked.isoformat()) == []  # answered: out of the index
    erase(person.id)
