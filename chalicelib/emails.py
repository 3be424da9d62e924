"""French e-mails: plain text + simple HTML. Values are escaped in the HTML part."""

from __future__ import annotations

from html import escape

from chalicelib.config import get_settings

_FOOTER_TEXT = (
    "\n\n--\nPasserelle, un service de la Région Grand Est.\n"
    "Vous recevez ce message car un compte Passerelle est associé à cette adresse.\n"
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
    footer = "Passerelle, un service de la Région Grand Est."
    if footer_link:
        footer += f' <a href="{escape(footer_link[1], quote=True)}">{escape(footer_link[0])}</a>'
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Passerelle</title></head>'
        f'<body style="font-family:Arial,sans-serif;color:#1e1e1e">{body}'
        f'<hr><p style="font-size:small">{footer}</p></body></html>'
    )


def sign_in_link(token: str) -> str:
    return f"{get_settings().site_url}/connexion.html#token={token}"


def magic_link(token: str) -> tuple[str, str, str]:
    url = sign_in_link(token)
    subject = "Votre lien de connexion à Passerelle"
    lines = [
        "Bonjour,",
        "Pour vous connecter à Passerelle, ouvrez le lien ci-dessous. Il est valable 15 minutes "
        "et ne peut servir qu'une fois.",
    ]
    after = (
        "Si vous n'avez pas demandé ce lien, ignorez ce message : personne ne pourra se connecter sans lui."
    )
    text = "\n\n".join([*lines, url, after]) + _FOOTER_TEXT
    return subject, text, _html(lines, ("Se connecter à Passerelle", url), after=(after,))


def welcome(token: str, role: str) -> tuple[str, str, str]:
    url = sign_in_link(token)
    who = "votre espace candidat" if role == "candidate" else "votre espace employeur"
    subject = "Bienvenue sur Passerelle"
    lines = [
        "Bonjour,",
        f"Votre inscription à Passerelle est enregistrée. Ouvrez le lien ci-dessous pour accéder à {who}. "
        "Il est valable 15 minutes ; vous pourrez en demander un autre à tout moment depuis la page Connexion.",
    ]
    text = "\n\n".join([*lines, url]) + _FOOTER_TEXT
    return subject, text, _html(lines, ("Accéder à mon espace", url))


def digest(lines: list[str], unsubscribe_url: str, intro: str, space: str) -> tuple[str, str, str]:
    """`space`: the page of the matches (a signed-out reader is asked to sign in there, and told why)."""
    subject = "Passerelle : de nouvelles correspondances pour vous"
    paragraphs = ["Bonjour,", intro, *lines]
    text = "\n\n".join([*paragraphs, f"Pour les consulter : {space}"])
    text += _FOOTER_TEXT + f"Ne plus recevoir ces récapitulatifs : {unsubscribe_url}\n"
    html = _html(
        paragraphs,
        ("Voir mes correspondances", space),
        ("Ne plus recevoir ces récapitulatifs", unsubscribe_url),
    )
    return subject, text, html


def plain(subject: str, paragraphs: list[str], link: tuple[str, str] | None = None) -> tuple[str, str, str]:
    text = "\n\n".join(paragraphs + ([link[1]] if link else [])) + _FOOTER_TEXT
    return subject, text, _html(paragraphs, link)
