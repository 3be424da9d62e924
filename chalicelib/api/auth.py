"""Sign-in by e-mail link (no password)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, Reply, route
from chalicelib.errors import ValidationFailed
from chalicelib.schemas.auth import MagicLinkRequest, SessionRequest, SessionState, SessionView
from chalicelib.schemas.common import Accepted
from chalicelib.services import sessions

bp = Blueprint(__name__)
TAGS = ("Connexion",)
SENT = "Si un compte existe pour cette adresse, un lien de connexion vient d'être envoyé. Il est valable 15 minutes."


@route(
    bp,
    "/auth/magic-link",
    "POST",
    access=Access.PUBLIC,
    summary="Demander un lien de connexion par e-mail",
    body=MagicLinkRequest,
    response=Accepted,
    status=202,
    errors=(429,),
    tags=TAGS,
)
def magic_link(ctx: Context) -> Accepted:
    try:
        sessions.request_magic_link(ctx.body.email, ctx.client_ip)
    except ValueError as exc:
        raise ValidationFailed("Adresse e-mail invalide.", {"email": "Adresse e-mail invalide."}) from exc
    return Accepted(message=SENT)


@route(
    bp,
    "/auth/session",
    "POST",
    access=Access.PUBLIC,
    summary="Échanger un lien de connexion contre une session",
    body=SessionRequest,
    response=SessionView,
    errors=(401,),
    tags=TAGS,
)
def open_session(ctx: Context) -> Reply:
    principal, cookie = sessions.open_session(ctx.body.token)
    return Reply(SessionView(role=principal.role, id=principal.id), cookies=[cookie])


@route(bp, "/auth/logout", "POST", access=Access.PUBLIC, summary="Se déconnecter", status=204, tags=TAGS)
def logout(ctx: Context) -> Reply:
    return Reply(None, status=204, cookies=[sessions.close_session(ctx.principal)])


@route(bp, "/auth/me", access=Access.SIGNED_IN, summary="Qui suis-je ?", response=SessionView, tags=TAGS)
def whoami(ctx: Context) -> SessionView:
    return SessionView(role=ctx.principal.role, id=ctx.principal.id)


@route(
    bp,
    "/auth/state",
    access=Access.PUBLIC,
    summary="Suis-je connecté(e), et comme quoi ? (200 même sans session)",
    response=SessionState,
    tags=TAGS,
)
def session_state(ctx: Context) -> SessionState:
    principal = ctx.principal
    if principal is None:
        return SessionState(signed_in=False)
    return SessionState(signed_in=True, role=principal.role)
