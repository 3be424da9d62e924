"""Digest e-mails after a matching run: at most one a day per account, opt-out honoured.

The daily marker DIGEST#<id>/<day> is written with attribute_not_exists before the e-mail is queued
on the outbox, so a retried run (or a second run the same day) queues nothing twice; the outbox
retries what SES refuses (5 tries, then its dead-letter queue). SMS are still sent directly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from chalicelib.config import get_settings
from chalicelib.domain.phones import french_mobile
from chalicelib.gateways import outbox
from chalicelib.gateways.sms import send_sms
from chalicelib.observability import logger, metrics
from chalicelib.repositories import markers

MARKER_TTL_S = 2 * 24 * 3600


def _claim_today(owner_id: str, day: str) -> bool:
    return markers.claim(owner_id, day, MARKER_TTL_S)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def new_matches_sms(count: int) -> str:
    """The SMS of new matches: short, with the link and how to stop (no STOP reply here)."""
    offers_text = _plural(count, "nouvelle offre correspond", "nouvelles offres correspondent")
    return (
        f"Passerelle : {offers_text} à votre profil. {get_settings().site_url}/candidat/espace.html "
        "Pour ne plus recevoir de SMS : décochez l'option dans votre espace."
    )


def _sms_new_matches(candidate, count: int, day: str) -> bool:
    """At most one SMS a day, only with the opt-in and a French mobile."""
    phone = french_mobile(candidate.phone) if candidate.sms_opt_in else None
    if phone is None or not markers.claim(candidate.id, f"sms#{day}", MARKER_TTL_S):
        return False
    send_sms(phone, new_matches_sms(count))
    metrics.add_metric(name="SmsSent", unit="Count", value=1)
    return True


def send_digests(new_pairs: Iterable[tuple[str, str]], day: str) -> int:
    """Tells candidates and employers about new matches; returns the number of e-mails queued (the
    outbox sends them: chalicelib/gateways/outbox.py)."""
    from chalicelib.repositories import candidates as candidates_repo
    from chalicelib.repositories import employers as employers_repo
    from chalicelib.repositories import offers as offers_repo
    from chalicelib.repositories import responsiveness as responsiveness_repo

    by_candidate: dict[str, set[str]] = defaultdict(set)
    by_offer: dict[str, set[str]] = defaultdict(set)
    for offer_id, candidate_id in new_pairs:
        by_candidate[candidate_id].add(offer_id)
        by_offer[offer_id].add(candidate_id)
    if not by_candidate:
        return 0
    offers = offers_repo.get_many(by_offer)
    # A paused employer's offers are not proposed to new candidates: nobody is told about them.
    figures = responsiveness_repo.get_many({o.employer_id for o in offers.values()})
    paused = {o.id for o in offers.values() if (f := figures.get(o.employer_id)) and f.paused_at}
    for offer_id in paused:
        for candidate_id in by_offer.pop(offer_id, set()):
            by_candidate[candidate_id].discard(offer_id)
            if not by_candidate[candidate_id]:
                del by_candidate[candidate_id]
    sent = 0
    space = f"{get_settings().site_url}/candidat/espace.html"
    for candidate in candidates_repo.get_many(by_candidate).values():
        _sms_new_matches(candidate, len(by_candidate[candidate.id]), day)
        if candidate.digest_opt_out or not _claim_today(candidate.id, day):
            continue
        titles = sorted(offers[o].title for o in by_candidate[candidate.id] if o in offers)
        intro = f"{_plural(len(titles), 'nouvelle offre correspond', 'nouvelles offres correspondent')} à votre profil :"
        outbox.email(
            candidate.email,
            "digest",
            lines=[f"• {t}" for t in titles[:10]],
            unsubscribe_url=f"{space}#preferences",
            intro=intro,
            space=f"{space}#offres",
        )
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
        outbox.email(
            employer.email,
            "digest",
            lines=[],
            unsubscribe_url=f"{employer_space}#preferences",
            intro=intro,
            space=f"{employer_space}#offres",
        )
        sent += 1
    if sent:
        metrics.add_metric(name="DigestsSent", unit="Count", value=sent)
    logger.info("digests sent", extra={"count": sent})
    return sent
