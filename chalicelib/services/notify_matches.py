"""Digest e-mails after a matching run: at most one a day per account, opt-out honoured.

The daily marker DIGEST#<id>/<day> is written with attribute_not_exists before sending, so a
retried run (or a second run the same day) sends nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from chalicelib import emails
from chalicelib.config import get_settings
from chalicelib.gateways.mailer import send_email
from chalicelib.observability import logger, metrics
from chalicelib.repositories import markers

MARKER_TTL_S = 2 * 24 * 3600


def _claim_today(owner_id: str, day: str) -> bool:
    return markers.claim(owner_id, day, MARKER_TTL_S)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def send_digests(new_pairs: Iterable[tuple[str, str]], day: str) -> int:
    """Tells candidates and employers about new matches; returns the number of e-mails sent."""
    from chalicelib.repositories import candidates as candidates_repo
    from chalicelib.repositories import employers as employers_repo
    from chalicelib.repositories import offers as offers_repo

    by_candidate: dict[str, set[str]] = defaultdict(set)
    by_offer: dict[str, set[str]] = defaultdict(set)
    for offer_id, candidate_id in new_pairs:
        by_candidate[candidate_id].add(offer_id)
        by_offer[offer_id].add(candidate_id)
    if not by_candidate:
        return 0
    offers = offers_repo.get_many(by_offer)
    sent = 0
    space = f"{get_settings().site_url}/candidat/espace.html"
    for candidate in candidates_repo.get_many(by_candidate).values():
        if candidate.digest_opt_out or not _claim_today(candidate.id, day):
            continue
        titles = sorted(offers[o].title for o in by_candidate[candidate.id] if o in offers)
        intro = f"{_plural(len(titles), 'nouvelle offre correspond', 'nouvelles offres correspondent')} à votre profil :"
        subject, text, html = emails.digest(
            [f"• {t}" for t in titles[:10]], f"{space}#preferences", intro, f"{space}#offres"
        )
        send_email(candidate.email, subject, text, html)
        sent += 1
    by_employer: dict[str, int] = defaultdict(int)
    for offer_id, candidate_ids in by_offer.items():
        if offer_id in offers:
            by_employer[offers[offer_id].employer_id] += len(candidate_ids)
    employer_space = f"{get_settings().site_url}/employeur/espace.html"
    for employer in employers_repo.get_many(by_employer).values():
        if getattr(employer, "digest_opt_out", False) or not _claim_today(employer.id, day):
            continue
        count = by_employer[employer.id]
        intro = f"{_plural(count, 'nouvelle personne formée correspond', 'nouvelles personnes formées correspondent')} à vos offres."
        subject, text, html = emails.digest(
            [], f"{employer_space}#preferences", intro, f"{employer_space}#offres"
        )
        send_email(employer.email, subject, text, html)
        sent += 1
    if sent:
        metrics.add_metric(name="DigestsSent", unit="Count", value=sent)
    logger.info("digests sent", extra={"count": sent})
    return sent
