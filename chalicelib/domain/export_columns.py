"""The columns of each staff export and the row of each record (pure: the records are duck-typed,
this module imports no schema). Cells are written by domain/export_format.py.

Only the candidates export carries names and contact details, and only for people who agreed to
be contacted; the other exports carry the people's ids (to be joined with the candidates export),
and the offer's title and the company's name next to their ids.
"""

from __future__ import annotations

from typing import Any

from chalicelib.domain.calendar import french_date, paris_day
from chalicelib.domain.export_format import Cell, display_phone

CONTRACTS = {"cdi": "CDI", "cdd": "CDD", "interim": "Intérim", "alternance": "Alternance"}
OFFER_STATUSES = {"open": "ouverte", "closed": "clôturée"}
CLOSED_REASONS = {"closed_by_employer": "clôturée par l'employeur", "account_deleted": "compte supprimé"}
INTERESTS = {"interested": "intéressé(e)", "not_interested": "pas intéressé(e)"}
OUTCOMES = {
    "contacted": "contacté(e)",
    "interview": "entretien",
    "hired": "recruté(e)",
    "not_retained": "non retenu(e)",
    "sans_reponse": "sans réponse",
}

CANDIDATE_HEADER = (
    "Identifiant",
    "Inscrit(e) le",
    "Code commune (INSEE)",
    "Commune",
    "Code bassin",
    "Bassin d'emploi",
    "Mobilité (km)",
    "Formation",
    "Organisme de formation",
    "Métiers de la formation (ROME)",
    "Fin de formation",
    "Certification obtenue",
    "Métiers visés (ROME)",
    "Nombre de compétences",
    "Contrats recherchés",
    "Disponible à partir du",
    "Accepte d'être contacté(e)",
    "Profil visible",
    "Prénom",
    "Nom",
    "E-mail",
    "Téléphone",
)
OFFER_HEADER = (
    "Identifiant de l'offre",
    "Identifiant de l'employeur",
    "Intitulé",
    "Code ROME",
    "Métier",
    "Code commune (INSEE)",
    "Commune",
    "Code bassin",
    "Bassin d'emploi",
    "Contrat",
    "Postes",
    "Début du contrat",
    "Publiée le",
    "Publiée jusqu'au",
    "État",
    "Clôturée le",
    "Motif de clôture",
)
MATCH_HEADER = (
    "Identifiant de l'offre",
    "Intitulé de l'offre",
    "Identifiant du candidat",
    "Identifiant de l'employeur",
    "Entreprise",
    "Code bassin",
    "Bassin d'emploi",
    "Score",
    "Distance (km)",
    "Même métier",
    "Compétences détenues",
    "Compétences demandées",
    "Raisons",
    "Calculée le",
    "Intérêt du candidat",
    "Suite donnée",
    "Date de la suite",
)
OUTCOME_HEADER = (
    "Identifiant de l'offre",
    "Intitulé de l'offre",
    "Identifiant du candidat",
    "Identifiant de l'employeur",
    "Entreprise",
    "Code bassin",
    "Bassin d'emploi",
    "Intérêt du candidat",
    "Date de la réponse",
    "Suite donnée",
    "Date de la suite",
    "Historique",
)


def _place(refs: Any, code_insee: str) -> tuple[str | None, str | None]:
    commune = refs.commune(code_insee)
    return (commune.name, commune.bassin_code) if commune else (None, None)


def _bassin_label(refs: Any, code: str | None) -> str | None:
    bassin = refs.bassins.get(code) if code else None
    return bassin.label if bassin else None


def candidate_row(c: Any, refs: Any) -> list[Cell]:
    commune, _ = _place(refs, c.code_insee)
    contact = c.consent_contact  # data minimisation: identity and contact only with consent
    return [
        c.id,
        paris_day(c.created_at),
        c.code_insee,
        commune,
        c.bassin,
        _bassin_label(refs, c.bassin),
        c.mobility_km,
        c.training.title,
        c.training.organisation,
        list(c.training.code_rome),
        c.training.end_date,
        c.training.certification_obtained,
        list(c.target_code_rome),
        len(c.competences),
        [CONTRACTS.get(t, t) for t in c.contract_types],
        c.available_from,
        c.consent_contact,
        c.visible,
        c.first_name if contact else None,
        c.last_name if contact else None,
        c.email if contact else None,
        display_phone(c.phone) if contact else None,
    ]


def offer_row(o: Any, refs: Any) -> list[Cell]:
    commune, _ = _place(refs, o.code_insee)
    metier = refs.metiers.get(o.code_rome)
    return [
        o.id,
        o.employer_id,
        o.title,
        o.code_rome,
        metier.label if metier else None,
        o.code_insee,
        commune,
        o.bassin,
        _bassin_label(refs, o.bassin),
        CONTRACTS.get(o.contract_type, o.contract_type),
        o.positions,
        o.start_date,
        paris_day(o.created_at),
        o.expires_at,
        OFFER_STATUSES.get(o.status, o.status),
        paris_day(o.closed_at),
        CLOSED_REASONS.get(o.closed_reason, o.closed_reason) if o.closed_reason else None,
    ]


def match_row(
    m: Any, interaction: Any, refs: Any, names: tuple[str | None, str | None] = (None, None)
) -> list[Cell]:
    """`names`: the offer's title and its company's name."""
    return [
        m.offer_id,
        names[0],
        m.candidate_id,
        m.employer_id,
        names[1],
        m.bassin,
        _bassin_label(refs, m.bassin),
        m.score,
        float(m.distance_km),
        m.exact,
        m.competences_held,
        m.competences_required,
        " · ".join(m.reasons),
        paris_day(m.computed_at),
        INTERESTS.get(interaction.interest) if interaction and interaction.interest else None,
        OUTCOMES.get(interaction.status) if interaction and interaction.status else None,
        paris_day(interaction.status_at) if interaction else None,
    ]


def outcome_row(i: Any, refs: Any, names: tuple[str | None, str | None] = (None, None)) -> list[Cell]:
    history = " ; ".join(
        f"{OUTCOMES.get(e.status, e.status)} le {french_date(paris_day(e.at))}" for e in i.history
    )
    return [
        i.offer_id,
        names[0],
        i.candidate_id,
        i.employer_id,
        names[1],
        i.bassin or None,
        _bassin_label(refs, i.bassin),
        INTERESTS.get(i.interest) if i.interest else None,
        paris_day(i.interest_at),
        OUTCOMES.get(i.status) if i.status else None,
        paris_day(i.status_at),
        history or None,
    ]


# --- structures and their trainings (docs/structures.md) --------------------------------------
STRUCTURE_KINDS = {
    "organisme_formation": "organisme de formation",
    "accompagnement": "structure d'accompagnement",
}
STRUCTURE_STATUSES = {"pending": "en attente", "active": "validée", "rejected": "refusée"}
STRUCTURE_HEADER = (
    "Identifiant",
    "Type",
    "Réseau",
    "Nom",
    "SIRET",
    "Code commune (INSEE)",
    "Commune",
    "Code bassin",
    "Bassin d'emploi",
    "Statut",
    "Demandée le",
    "Décision le",
    "Motif du refus",
    "Contact",
    "E-mail du contact",
)
TRAINING_HEADER = (
    "Identifiant",
    "Identifiant de la structure",
    "Intitulé",
    "Code certification",
    "Codes ROME",
    "Code commune (INSEE)",
    "Commune",
    "Code bassin",
    "Bassin d'emploi",
    "Début",
    "Fin",
    "Places",
    "Invités",
    "Inscrits",
    "Refus",
)


def structure_row(s: Any, refs: Any) -> list[Cell]:
    commune, _ = _place(refs, s.code_insee)
    return [
        s.id,
        STRUCTURE_KINDS.get(s.kind, s.kind),
        s.network,
        s.name,
        s.siret,
        s.code_insee,
        commune,
        s.bassin,
        _bassin_label(refs, s.bassin),
        STRUCTURE_STATUSES.get(s.status, s.status),
        paris_day(s.created_at),
        paris_day(s.decided_at),
        s.reason,
        s.contact_name,
        s.email,
    ]


def training_row(t: Any, counts: dict[str, int], refs: Any) -> list[Cell]:
    commune, _ = _place(refs, t.code_insee)
    return [
        t.id,
        t.structure_id,
        t.title,
        t.certification_code,
        list(t.code_rome),
        t.code_insee,
        commune,
        t.bassin,
        _bassin_label(refs, t.bassin),
        t.start_date,
        t.end_date,
        t.places,
        counts.get("invited", 0),
        counts.get("registered", 0),
        counts.get("declined", 0),
    ]
