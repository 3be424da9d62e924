"""French e-mails: plain text + simple HTML. Values are escaped in the HTML part."""

from __future__ import annotations

from html import escape

from chalicelib.config import get_settings
from chalicelib.region import get_identity


def _service() -> str:
    return get_identity().service_name


def _region() -> str:
    return get_identity().region_label


def _footer_text() -> str:
    return (
        f"\n\n--\n{_service()}, un service de la {_region()}.\n"
        f"Vous recevez ce message car un compte {_service()} est associé à cette adresse.\n"
    )


def _html(
    paragraphs: list[str],
    link: tuple[str, str] | None = None,
    footer_link: tuple[str, str] | None = None,
    after: tuple[str, ...] = (),
) -> str:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    if link:
        body += f'<p><a href="{escape(link[1], quote=True)}">{escape(link[0])}</a></p>'
    body += "".join(f"<p>{escape(p)}</p>" for p in after)
    footer = escape(f"{_service()}, un service de la {_region()}.")
    if footer_link:
        footer += f' <a href="{escape(footer_link[1], quote=True)}">{escape(footer_link[0])}</a>'
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{escape(_service())}</title></head>'
        f'<body style="font-family:Arial,sans-serif;color:#1e1e1e">{body}'
        f'<hr><p style="font-size:small">{footer}</p></body></html>'
    )


def sign_in_link(token: str) -> str:
    return f"{get_settings().site_url}/connexion.html#token={token}"


def magic_link(token: str) -> tuple[str, str, str]:
    url = sign_in_link(token)
    subject = f"Votre lien de connexion à {_service()}"
    lines = [
        "Bonjour,",
        f"Pour vous connecter à {_service()}, ouvrez le lien ci-dessous. Il est valable 15 minutes "
        "et ne peut servir qu'une fois.",
    ]
    after = (
        "Si vous n'avez pas demandé ce lien, ignorez ce message : personne ne pourra se connecter sans lui."
    )
    text = "\n\n".join([*lines, url, after]) + _footer_text()
    return subject, text, _html(lines, (f"Se connecter à {_service()}", url), after=(after,))


def welcome(token: str, role: str) -> tuple[str, str, str]:
    url = sign_in_link(token)
    who = "votre espace candidat" if role == "candidate" else "votre espace employeur"
    subject = f"Bienvenue sur {_service()}"
    lines = [
        "Bonjour,",
        f"Votre inscription à {_service()} est enregistrée. Ouvrez le lien ci-dessous pour accéder à {who}. "
        "Il est valable 15 minutes ; vous pourrez en demander un autre à tout moment depuis la page Connexion.",
    ]
    text = "\n\n".join([*lines, url]) + _footer_text()
    return subject, text, _html(lines, ("Accéder à mon espace", url))


def digest(lines: list[str], unsubscribe_url: str, intro: str, space: str) -> tuple[str, str, str]:
    """`space`: the page of the matches (a signed-out reader is asked to sign in there, and told why)."""
    subject = f"{_service()} : de nouvelles correspondances pour vous"
    paragraphs = ["Bonjour,", intro, *lines]
    text = "\n\n".join([*paragraphs, f"Pour les consulter : {space}"])
    text += _footer_text() + f"Ne plus recevoir ces récapitulatifs : {unsubscribe_url}\n"
    html = _html(
        paragraphs,
        ("Voir mes correspondances", space),
        ("Ne plus recevoir ces récapitulatifs", unsubscribe_url),
    )
    return subject, text, html


def plain(subject: str, paragraphs: list[str], link: tuple[str, str] | None = None) -> tuple[str, str, str]:
    text = "\n\n".join(paragraphs + ([link[1]] if link else [])) + _footer_text()
    return subject, text, _html(paragraphs, link)


# --- structures (docs/structures.md) -----------------------------------------------------------
KIND_LABELS = {
    "organisme_formation": "organisme de formation",
    "accompagnement": "structure d'accompagnement",
}


def structure_requested(name: str) -> tuple[str, str, str]:
    return plain(
        f"{_service()} : votre demande de compte est enregistrée",
        [
            "Bonjour,",
            f"Votre demande de compte pour « {name} » est enregistrée : elle est en attente de validation. "
            f"Les agents de la {_region()} la vérifient (SIRET, activité) ; vous recevrez un e-mail dès qu'elle sera validée. "
            "D'ici là, aucun lien de connexion n'est envoyé.",
        ],
    )


def structure_validated(name: str, token: str) -> tuple[str, str, str]:
    return plain(
        f"{_service()} : le compte de votre structure est validé",
        [
            "Bonjour,",
            f"Le compte de « {name} » est validé par la {_region()}. Ouvrez le lien ci-dessous pour "
            "accéder à votre espace (il est valable 15 minutes ; vous pourrez en demander un autre à tout "
            "moment depuis la page Connexion). Vous pourrez y ajouter vos collègues.",
        ],
        ("Accéder à mon espace", sign_in_link(token)),
    )


def structure_rejected(name: str, reason: str) -> tuple[str, str, str]:
    return plain(
        f"{_service()} : votre demande de compte n'a pas été validée",
        [
            "Bonjour,",
            f"La demande de compte pour « {name} » n'a pas été validée par la {_region()}, pour le "
            "motif suivant :",
            reason,
            "Vous pouvez faire une nouvelle demande avec des informations corrigées.",
        ],
    )


def member_added(structure_name: str, added_by: str, token: str) -> tuple[str, str, str]:
    return plain(
        f"{_service()} : vous avez accès à l'espace de votre structure",
        [
            "Bonjour,",
            f"{added_by} vous a ajouté(e) à l'espace de « {structure_name} » sur {_service()}. Ouvrez le lien "
            "ci-dessous pour vous connecter (il est valable 15 minutes ; vous pourrez en demander un autre "
            "depuis la page Connexion).",
        ],
        ("Accéder à l'espace de la structure", sign_in_link(token)),
    )


def invitation_link(token: str) -> str:
    return f"{get_settings().site_url}/invitation.html#token={token}"


def invitation(first_name: str, structure_name: str, training_title: str, token: str) -> tuple[str, str, str]:
    return plain(
        f"{structure_name} vous invite sur {_service()}",
        [
            f"Bonjour {first_name},",
            f"{structure_name} vous inscrit à {_service()}, le service de la {_region()} qui présente les "
            f"personnes formées aux employeurs de leur bassin d'emploi, pour la formation « {training_title} ».",
            "Votre formation est déjà renseignée : il vous reste à compléter votre profil (commune, métiers, "
            "disponibilité) et à donner votre accord. Rien n'est montré aux employeurs avant. Le lien est valable "
            "30 jours ; vous pouvez aussi refuser en un clic depuis la même page, et vous ne serez plus invité(e) "
            "pour cette formation.",
        ],
        ("Compléter mon inscription", invitation_link(token)),
    )


def invitation_existing_account(structure_name: str, training_title: str, token: str) -> tuple[str, str, str]:
    return plain(
        f"{structure_name} vous propose de relier votre formation à votre compte {_service()}",
        [
            "Bonjour,",
            f"{structure_name} indique que vous suivez la formation « {training_title} ». Vous avez déjà un compte "
            f"{_service()} : ouvrez le lien ci-dessous pour relier cette formation à votre compte (et choisir si vous "
            "partagez votre suivi avec l'organisme), ou pour refuser. Aucun second compte n'est créé. Le lien est "
            "valable 30 jours.",
        ],
        ("Relier cette formation à mon compte", invitation_link(token)),
    )


def advisor_invitation(first_name: str, structure_name: str, token: str) -> tuple[str, str, str]:
    return plain(
        f"{structure_name} vous inscrit sur {_service()}",
        [
            f"Bonjour {first_name},",
            f"Votre conseillère ou conseiller de {structure_name} a préparé votre inscription à {_service()}, le "
            f"service de la {_region()} qui présente les personnes formées aux employeurs de leur bassin d'emploi.",
            "Vérifiez ce qui a été renseigné, complétez-le si besoin et donnez votre accord : rien n'est montré aux "
            "employeurs avant. Vous choisissez aussi si vous partagez votre suivi (offres proposées, réponses, "
            "embauche) avec votre structure ; vous pourrez changer d'avis à tout moment. Le lien est valable 30 jours ; "
            "vous pouvez aussi refuser en un clic depuis la même page.",
        ],
        ("Vérifier et valider mon inscription", invitation_link(token)),
    )


def advisor_invitation_existing_account(structure_name: str, token: str) -> tuple[str, str, str]:
    return plain(
        f"{structure_name} vous propose de suivre votre recherche sur {_service()}",
        [
            "Bonjour,",
            f"Votre conseillère ou conseiller de {structure_name} souhaite vous accompagner sur {_service()}. Vous avez "
            "déjà un compte : ouvrez le lien ci-dessous pour choisir si vous partagez votre suivi (offres proposées, "
            "réponses, embauche) avec votre structure, ou pour refuser. Aucun second compte n'est créé. Le lien est "
            "valable 30 jours.",
        ],
        ("Répondre à ma structure", invitation_link(token)),
    )


def advisor_digest_data(structure_name: str, changes: list[str], space: str) -> dict:
    """The values of the `plain` template for an advisor's daily digest (sent through the outbox)."""
    return {
        "subject": f"{_service()} : les nouvelles des personnes que vous accompagnez",
        "paragraphs": [
            "Bonjour,",
            f"Voici ce qui a changé depuis hier pour les personnes inscrites par {structure_name} :",
            *changes,
            "Vous pouvez ne plus recevoir ce récapitulatif depuis l'espace de votre structure (Préférences).",
        ],
        "link": ["Voir les personnes accompagnées", space],
    }


def followup_question(
    first_name: str, training_title: str, due_words: str, url: str, last_day: str
) -> tuple[str, str, str]:
    """The follow-up survey's one message: one click to say where one is (no sign-in)."""
    subject = f"{_service()} : où en êtes-vous ?"
    lines = [
        f"Bonjour {first_name},",
        f"Votre formation « {training_title} » s'est terminée il y a {due_words}. Où en êtes-vous "
        "aujourd'hui ? Une seule question, une réponse en un clic, sans vous connecter.",
        f"Vos réponses aident la {_region()} à mesurer ce que deviennent les personnes formées "
        "et à mieux orienter les formations.",
    ]
    after = (
        f"Ce lien est personnel et valable jusqu'au {last_day}. Vous pouvez modifier votre réponse jusque-là."
    )
    text = "\n\n".join([*lines, url, after]) + _footer_text()
    return subject, text, _html(lines, ("Répondre : où en suis-je ?", url), after=(after,))


def already_registered(role: str) -> tuple[str, str, str]:
    """Sent instead of a second account: the sign-up answers as for a new address (no enumeration)."""
    url = f"{get_settings().site_url}/connexion.html"
    subject = f"Vous avez déjà un compte {_service()}"
    lines = [
        "Bonjour,",
        f"Quelqu'un (sans doute vous) vient de demander une inscription à {_service()} avec cette adresse. "
        "Vous avez déjà un compte : aucune nouvelle inscription n'a été enregistrée.",
        "Pour accéder à votre espace, demandez un lien de connexion :",
    ]
    after = (
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre compte ne change pas."
    )
    text = "\n\n".join([*lines, url, after]) + _footer_text()
    return subject, text, _html(lines, (f"Me connecter à {_service()}", url), after=(after,))


# The templates the outbox worker may render (chalicelib/services/deliver.py), by name.
TEMPLATES = {
    "magic_link": magic_link,
    "welcome": welcome,
    "already_registered": already_registered,
    "plain": plain,
    "digest": digest,
    "invitation": invitation,
    "invitation_existing_account": invitation_existing_account,
    "followup_question": followup_question,
}


def render(template: str, data: dict) -> tuple[str, str, str]:
    """(subject, text, html) of a named template; KeyError/TypeError for what no template takes."""
    return TEMPLATES[template](**data)
