"""Daily jobs that keep promises to people: nothing is kept longer than needed, nobody waits forever.

- candidates inactive for 23 months are warned by e-mail, and erased (everything derived
  from them too) when their 24 months are up — the DynamoDB TTL is only the safety net;
- offers are closed when they expire, the employer being told a week before;
- an employer is reminded after 7 days without answering an interested candidate; after 30
  days the match is closed as "sans réponse" and the candidate told.

Each e-mail is sent once: a marker item in the account's DIGEST#<id> partition (erased with
the account) is claimed with attribute_not_exists first. Days are re-read over a window so
that a missed day is caught up.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from chalicelib.config import get_settings
from chalicelib.domain.calendar import french_date, utc_timestamp
from chalicelib.gateways import outbox
from chalicelib.observability import logger
from chalicelib.repositories import markers

CATCH_UP_DAYS = 7
REMIND_AFTER_DAYS = 7
GIVE_UP_AFTER_DAYS = 30
OFFER_WARNING_DAYS = 7
MARKER_TTL_S = 400 * 24 * 3600


def _claim(owner_id: str, what: str) -> bool:
    return markers.claim(owner_id, what, MARKER_TTL_S)


def _window(end: date) -> list[str]:
    return [(end - timedelta(days=k)).isoformat() for k in range(CATCH_UP_DAYS)]


def inactive_candidates(today: date) -> dict[str, int]:
    from chalicelib.repositories import candidates as candidates_repo
    from chalicelib.services.candidate_account import erase

    warned = erased = 0
    now = datetime.now(UTC)
    for day in _window(today) + _window(today - timedelta(days=30)):
        for record in candidates_repo.due_for_expiry_warning(day):
            expires = candidates_repo.expiry_of(record.last_active_at)
            if expires <= now:
                erase(record.id)
                erased += 1
            elif _claim(record.id, f"expiry-warning#{expires.date().isoformat()}"):
                link = f"{get_settings().site_url}/connexion.html"
                outbox.email(
                    record.email,
                    "plain",
                    subject="Votre compte Passerelle sera bientôt supprimé",
                    paragraphs=[
                        "Bonjour,",
                        "Vous ne vous êtes pas connecté(e) à Passerelle depuis bientôt deux ans. Sans "
                        f"connexion d'ici le {french_date(expires.date())}, votre compte et vos données seront "
                        "supprimés, comme le prévoit notre politique de conservation.",
                        "Pour conserver votre compte, il suffit de vous connecter :",
                    ],
                    link=("Me connecter à Passerelle", link),
                )
                warned += 1
    return {"inactivity_warnings": warned, "inactive_erased": erased + _purge_left_by_ttl(today, now)}


def _purge_left_by_ttl(today: date, now: datetime) -> int:
    """Erases the rest of the people whose profile the TTL deleted first (the job missed them, or a
    profile was deleted by hand): found by their e-mail claim, which carries the TTL's day."""
    from chalicelib.repositories import accounts
    from chalicelib.repositories import candidates as candidates_repo
    from chalicelib.services.candidate_account import erase

    erased = 0
    for day in _window(today):
        for email, owner_id in accounts.claims_due_for_purge(day):
            record = candidates_repo.get(owner_id)
            if record is not None and candidates_repo.expiry_of(record.last_active_at) > now:
                accounts.postpone_purge(email, owner_id, candidates_repo.purge_day(record.last_active_at))
                continue
            erase(owner_id)
            erased += 1
    return erased


def expiring_offers(today: date) -> dict[str, int]:
    from chalicelib.domain.referentials import get_referentials
    from chalicelib.repositories import employers as employers_repo
    from chalicelib.repositories import offers as offers_repo
    from chalicelib.services.submit_offer import close_offer

    closed = warned = 0
    for bassin in sorted(get_referentials().bassins):
        for offer in offers_repo.list_open_in_bassin(bassin):
            if offer.expires_at < today:
                close_offer(offer, "expired")
                closed += 1
            elif offer.expires_at <= today + timedelta(days=OFFER_WARNING_DAYS):
                if not _claim(offer.employer_id, f"offer-expiry#{offer.id}"):
                    continue
                employer = employers_repo.get(offer.employer_id)
                if employer is None:
                    continue
                outbox.email(
                    employer.email,
                    "plain",
                    subject="Votre offre Passerelle arrive à échéance",
                    paragraphs=[
                        "Bonjour,",
                        f"Votre offre « {offer.title} » sera close automatiquement après le "
                        f"{french_date(offer.expires_at)}. Si le poste est toujours à pourvoir, vous pouvez "
                        "prolonger l'offre depuis votre espace employeur.",
                    ],
                    link=("Mon espace employeur", f"{get_settings().site_url}/employeur/espace.html"),
                )
                warned += 1
    return {"offers_closed": closed, "offer_expiry_warnings": warned}


def unanswered_interests(today: date) -> dict[str, int]:
    from chalicelib.repositories import candidates as candidates_repo
    from chalicelib.repositories import employers as employers_repo
    from chalicelib.repositories import matches as matches_repo
    from chalicelib.repositories import offers as offers_repo

    reminded = closed = 0
    stamp = utc_timestamp()
    remind_days = _window(today - timedelta(days=REMIND_AFTER_DAYS))
    give_up_days = _window(today - timedelta(days=GIVE_UP_AFTER_DAYS))
    for day in give_up_days:
        for act in matches_repo.awaiting_since(day):
            view = matches_repo.get(act.offer_id, act.candidate_id)
            if view is None or (view.interaction and view.interaction.status):
                continue
            if not matches_repo.set_outcome(view, "sans_reponse", stamp, only_if_unanswered=True):
                continue  # the employer answered meanwhile: a real answer is never overwritten
            closed += 1
            candidate = candidates_repo.get(act.candidate_id)
            offer = offers_repo.get(act.offer_id)
            if candidate and offer and _claim(candidate.id, f"no-answer#{offer.id}"):
                outbox.email(
                    candidate.email,
                    "plain",
                    subject="Passerelle : pas de réponse de l'employeur",
                    paragraphs=[
                        "Bonjour,",
                        f"Vous vous étiez dit(e) intéressé(e) par l'offre « {offer.title} » il y a 30 jours "
                        "et l'employeur n'a pas donné suite. Nous avons clos cette mise en relation : "
                        "d'autres offres vous attendent sans doute dans votre espace.",
                    ],
                    link=("Mon espace candidat", f"{get_settings().site_url}/candidat/espace.html"),
                )
    for day in remind_days:
        for act in matches_repo.awaiting_since(day):
            if act.reminded_at or not _claim(act.employer_id, f"reminder#{act.offer_id}#{act.candidate_id}"):
                continue
            employer = employers_repo.get(act.employer_id)
            offer = offers_repo.get(act.offer_id)
            if employer is None or offer is None:
                continue
            outbox.email(
                employer.email,
                "plain",
                subject="Passerelle : une personne attend votre réponse",
                paragraphs=[
                    "Bonjour,",
                    f"Une personne formée s'est dite intéressée par votre offre « {offer.title} » il y a "
                    "une semaine. Merci d'indiquer la suite que vous donnez (contact, entretien, embauche "
                    "ou non retenue) : sans réponse sous 30 jours, la mise en relation sera close.",
                ],
                link=("Voir les candidats", f"{get_settings().site_url}/employeur/espace.html"),
            )
            matches_repo.mark_reminded(matches_repo.get(act.offer_id, act.candidate_id), stamp)
            reminded += 1
    return {"employer_reminders": reminded, "closed_without_answer": closed}


def run_daily(today: date) -> dict[str, int]:
    counts: dict[str, int] = {}
    from chalicelib.services.advisors import send_digests as advisor_digests
    from chalicelib.services.employer_responsiveness import refresh_all

    for job in (inactive_candidates, expiring_offers, unanswered_interests, refresh_all, advisor_digests):
        counts.update(job(today))
    logger.info("daily housekeeping done", extra=counts)
    return counts
