"""Every DynamoDB key string is built here (see docs/dynamodb.md for the design).

One table, overloaded keys. GSI1 = "children of a parent" (inverted index),
GSI2 = "by bassin d'emploi" (matching reads the sparse #CAND and #OFFER partitions; staff
also read #CANDX, #OFFERX and #ACT),
GSI3 = global lists (open offers, accounts to warn before expiry).
"""

from __future__ import annotations

PROFILE = "PROFILE"


def candidate(candidate_id: str) -> dict[str, str]:
    return {"PK": f"CAND#{candidate_id}", "SK": PROFILE}


def employer(employer_id: str) -> dict[str, str]:
    return {"PK": f"EMP#{employer_id}", "SK": PROFILE}


def email(normalized_email: str) -> dict[str, str]:
    return {"PK": f"EMAIL#{normalized_email}", "SK": "EMAIL"}


def suppression(normalized_email: str) -> dict[str, str]:
    """An address SES reported as bouncing or complaining: not written to again."""
    return {"PK": f"EMAIL#{normalized_email}", "SK": "SUPPRESSED"}


def offer(offer_id: str) -> dict[str, str]:
    return {"PK": f"OFFER#{offer_id}", "SK": "OFFER"}


def match(offer_id: str, candidate_id: str) -> dict[str, str]:
    return {"PK": f"OFFER#{offer_id}", "SK": f"MATCH#{candidate_id}"}


MATCH_PREFIX = "MATCH#"
INTERACTION_PREFIX = "ACT#"


def interaction(offer_id: str, candidate_id: str) -> dict[str, str]:
    """What people said about a match (interest, outcomes): next to the match, never overwritten by it."""
    return {"PK": offer_pk(offer_id), "SK": f"{INTERACTION_PREFIX}{candidate_id}"}


def offer_pk(offer_id: str) -> str:
    return f"OFFER#{offer_id}"


def token(token_hash: str) -> dict[str, str]:
    return {"PK": f"TOKEN#{token_hash}", "SK": "TOKEN"}


def session(session_hash: str) -> dict[str, str]:
    return {"PK": f"SESSION#{session_hash}", "SK": "SESSION"}


def rate(kind: str, subject_hash: str, window: str) -> dict[str, str]:
    return {"PK": f"RATE#{kind}#{subject_hash}", "SK": window}


# --- GSI1: children of a parent -------------------------------------------------
def owner_gsi1(owner_id: str) -> str:
    """Tokens and sessions of an account (found again on sign-out-everywhere and erasure)."""
    return f"OWNER#{owner_id}"


OWNER_EMAIL_SORT = "EMAIL"  # the e-mail claim of an account, found by its owner id (erasure)


def owner_token_sort(token_hash: str) -> str:
    return f"TOKEN#{token_hash}"


def owner_session_sort(session_hash: str) -> str:
    return f"SESSION#{session_hash}"


def candidate_matches_gsi1(candidate_id: str) -> str:
    return f"CAND#{candidate_id}"


def candidate_match_sort(score: int, offer_id: str) -> str:
    # Inverted score so that an ascending Query returns the best matches first.
    return f"MATCH#{1000 - score:04d}#{offer_id}"


def candidate_interaction_sort(offer_id: str) -> str:
    return f"{INTERACTION_PREFIX}{offer_id}"


def employer_offers_gsi1(employer_id: str) -> str:
    return f"EMP#{employer_id}"


def employer_offer_sort(created_at: str, offer_id: str) -> str:
    return f"OFFER#{created_at}#{offer_id}"


def purge_gsi3(day: str) -> str:
    """E-mail claims of candidates whose profile TTL may have deleted by `day` (erasure catch-up)."""
    return f"PURGE#{day}"


# --- GSI2: by bassin d'emploi (sparse) ---------------------------------------------
def bassin_candidates_gsi2(bassin_code: str) -> str:
    return f"BASSIN#{bassin_code}#CAND"


def bassin_offers_gsi2(bassin_code: str) -> str:
    return f"BASSIN#{bassin_code}#OFFER"


def bassin_offer_sort(start_date: str, offer_id: str) -> str:
    # Soonest start first within a bassin.
    return f"{start_date}#{offer_id}"


def bassin_other_candidates_gsi2(bassin_code: str) -> str:
    """Candidates of a bassin who are not matchable (no consent or paused): staff exports and figures."""
    return f"BASSIN#{bassin_code}#CANDX"


def bassin_closed_offers_gsi2(bassin_code: str) -> str:
    """Closed offers of a bassin: staff exports only (the public and the matching read #OFFER)."""
    return f"BASSIN#{bassin_code}#OFFERX"


def bassin_interactions_gsi2(bassin_code: str) -> str:
    """Interest and outcomes recorded on the offers of a bassin: staff figures and exports."""
    return f"BASSIN#{bassin_code}#ACT"


def bassin_interaction_sort(offer_id: str, candidate_id: str) -> str:
    return f"{offer_id}#{candidate_id}"


# --- GSI3: global lists (sparse) -----------------------------------------------------
OPEN_OFFERS_GSI3 = "OFFERS#OPEN"


def open_offer_sort(created_at: str, offer_id: str) -> str:
    return f"{created_at}#{offer_id}"


def awaiting_answer_gsi3(day: str) -> str:
    """Candidates who said "interested" on `day` and still wait for the employer's answer."""
    return f"AWAITING#{day}"


def awaiting_answer_sort(offer_id: str, candidate_id: str) -> str:
    return f"{offer_id}#{candidate_id}"


RESPONSIVENESS = "RESPONSIVENESS"
RATED_EMPLOYERS_GSI3 = "EMPLOYERS#RATED"


def employer_responsiveness(employer_id: str) -> dict[str, str]:
    """An employer's answer figures (daily job), next to their profile."""
    return {"PK": f"EMP#{employer_id}", "SK": RESPONSIVENESS}


def rated_employer_sort(employer_id: str) -> str:
    return f"EMP#{employer_id}"


def expiry_warning_gsi3(day: str) -> str:
    """Accounts whose inactivity warning falls on `day` (YYYY-MM-DD)."""
    return f"WARN#{day}"


def matching_run(run_id: str) -> dict[str, str]:
    return {"PK": f"RUN#{run_id}", "SK": "RUN"}


def matching_run_bassin(run_id: str, bassin_code: str) -> dict[str, str]:
    return {"PK": f"RUN#{run_id}", "SK": f"BASSIN#{bassin_code}"}


def export(export_id: str) -> dict[str, str]:
    return {"PK": f"EXPORT#{export_id}", "SK": "EXPORT"}


STAFF_EXPORTS_GSI1 = "STAFF#EXPORTS"


def staff_export_sort(created_at: str, export_id: str) -> str:
    return f"{created_at}#{export_id}"


# --- staff figures: one partition, read with a single Query ----------------------------
STATS_PK = "STATS"
BASSIN_STATS_PREFIX = "BASSIN#"
BASSIN_HIRES_PREFIX = "HIRES#"


def bassin_stats(bassin_code: str) -> dict[str, str]:
    return {"PK": STATS_PK, "SK": f"{BASSIN_STATS_PREFIX}{bassin_code}"}


MATCHING_RUNS_GSI1 = "RUNS"


def matching_run_sort(created_at: str, run_id: str) -> str:
    return f"{created_at}#{run_id}"


def bassin_hires_chunk(bassin_code: str, n: int) -> dict[str, str]:
    return {"PK": STATS_PK, "SK": f"{bassin_hires_prefix(bassin_code)}{n}"}


def bassin_hires_prefix(bassin_code: str) -> str:
    return f"{BASSIN_HIRES_PREFIX}{bassin_code}#"


def marker(owner_id: str, name: str) -> dict[str, str]:
    """ "Done once" markers of an account (the day's digest, a reminder sent): claimed with a
    conditional put, erased with the account."""
    return {"PK": digest_pk(owner_id), "SK": name}


def digest_pk(owner_id: str) -> str:
    """Every digest marker of an account (erased with it)."""
    return f"DIGEST#{owner_id}"


# --- structures, members, trainings, invitations (docs/structures.md) ----------------------------
STRUCTURE_PREFIX = "STRUCT#"
MEMBER_PREFIX = "MEMBER#"
TRAINEE_PREFIX = "TRAINEE#"
TRAININGS_GSI3 = "TRAININGS"


def structure(structure_id: str) -> dict[str, str]:
    return {"PK": structure_pk(structure_id), "SK": PROFILE}


def structure_pk(structure_id: str) -> str:
    return f"{STRUCTURE_PREFIX}{structure_id}"


def siret_claim(kind: str, siret: str) -> dict[str, str]:
    """One request per SIRET and kind (an establishment may be both an organisme and a support structure)."""
    return {"PK": f"SIRET#{kind}#{siret}", "SK": "SIRET"}


def structures_by_status_gsi1(status: str) -> str:
    return f"STRUCTS#{status}"


def structure_status_sort(created_at: str, structure_id: str) -> str:
    return f"{created_at}#{structure_id}"


def structure_member(structure_id: str, member_id: str) -> dict[str, str]:
    return {"PK": structure_pk(structure_id), "SK": f"{MEMBER_PREFIX}{member_id}"}


def member(member_id: str) -> dict[str, str]:
    return {"PK": f"{MEMBER_PREFIX}{member_id}", "SK": "MEMBER"}


def training(training_id: str) -> dict[str, str]:
    return {"PK": training_pk(training_id), "SK": "TRAINING"}


def training_pk(training_id: str) -> str:
    return f"TRAINING#{training_id}"


def structure_trainings_gsi1(structure_id: str) -> str:
    return f"{STRUCTURE_PREFIX}{structure_id}#TRAININGS"


def training_sort(start_date: str, training_id: str) -> str:
    return f"{start_date}#{training_id}"


def trainee(training_id: str, email_hash: str) -> dict[str, str]:
    return {"PK": training_pk(training_id), "SK": f"{TRAINEE_PREFIX}{email_hash}"}


def candidate_trainees_gsi1(candidate_id: str) -> str:
    """The cohort lines a candidate registered from (found again on erasure and when sharing changes)."""
    return f"CAND#{candidate_id}#TRAINEE"


def invitation(token_hash: str) -> dict[str, str]:
    return {"PK": f"INVITE#{token_hash}", "SK": "INVITE"}


# --- follow-up survey and daily runs (docs/followup.md) ------------------------------------------
def followup(token_hash: str) -> dict[str, str]:
    return {"PK": f"FOLLOWUP#{token_hash}", "SK": "FOLLOWUP"}


def candidate_followups_gsi1(candidate_id: str) -> str:
    """The surveys of a person (found again to unlink them on erasure); removed with the link."""
    return f"FOLLOWUPOF#{candidate_id}"


def bassin_followups_gsi2(bassin_code: str) -> str:
    """Surveys sent to the candidates of a bassin, linked or not: daily run and staff figures."""
    return f"BASSIN#{bassin_code}#FOLLOWUP"


def bassin_followup_sort(due_date: str, token_hash: str) -> str:
    return f"{due_date}#{token_hash}"


def followup_claim_name(due: str) -> str:
    """The "sent once" marker of a due in the candidate's DIGEST#<id> partition."""
    return f"followup#{due}"


def daily_run(run_id: str) -> dict[str, str]:
    return {"PK": f"DAILY#{run_id}", "SK": "RUN"}


def daily_run_step(run_id: str, step: str) -> dict[str, str]:
    return {"PK": f"DAILY#{run_id}", "SK": f"STEP#{step}"}


DAILY_RUNS_GSI1 = "DAILYRUNS"


# --- per-event matching: item-sized indexes (docs/matching.md, "Service: per-event path") -----
def reach_candidates(bassin_code: str, code_rome: str) -> str:
    """Candidates who can work in `bassin_code` and hold `code_rome` (training or target)."""
    return f"MCAND#{bassin_code}#{code_rome}"


def reaching_bassin_gsi2(bassin_code: str) -> str:
    """GSI2 partition of the candidates who can work in `bassin_code`, each once (set on one of
    their MCAND# entries per bassin: the one of their smallest code); the scheduled run reads it."""
    return f"MREACH#{bassin_code}"


def reach_offers(bassin_code: str, code_rome: str) -> str:
    """Open offers of `bassin_code` whose métier a holder of `code_rome` fits (exact or close)."""
    return f"MOFFER#{bassin_code}#{code_rome}"


def candidate_matched(candidate_id: str) -> dict[str, str]:
    """The version of the profile last matched, and the index keys it is listed under."""
    return {"PK": f"CAND#{candidate_id}", "SK": "MATCHED"}


def offer_matched(offer_id: str) -> dict[str, str]:
    return {"PK": offer_pk(offer_id), "SK": "MATCHED"}


def offer_list(offer_id: str) -> dict[str, str]:
    """An offer's stored list as (candidate id, score), best first, in one item."""
    return {"PK": offer_pk(offer_id), "SK": "LIST"}


# --- advisors' caseloads (docs/structures.md, "Advisors") ------------------------------------------
PERSON_PREFIX = "PERSON#"


def caseload_pk(structure_id: str) -> str:
    return f"CASELOAD#{structure_id}"


def advised(structure_id: str, email_hash: str) -> dict[str, str]:
    """A person an advisor registered: one line per structure and address."""
    return {"PK": caseload_pk(structure_id), "SK": f"{PERSON_PREFIX}{email_hash}"}


def candidate_advised_gsi1(candidate_id: str) -> str:
    """The caseload lines of a candidate (sharing page, erasure)."""
    return f"CAND#{candidate_id}#ADVISED"


SHARING_GSI3 = "SHARING"  # sparse: the lines (cohort or caseload) whose person shares with the structure


def sharing_sort(candidate_id: str, structure_id: str) -> str:
    return f"{candidate_id}#{structure_id}"
