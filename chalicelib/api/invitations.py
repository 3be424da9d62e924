"""Invitation routes: the invited person (no account yet) reads, accepts or declines (docs/structures.md)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, Reply, Role, route
from chalicelib.schemas.common import Created
from chalicelib.schemas.invitations import (
    InvitationAccept,
    InvitationView,
    LinkRequest,
    SharingPage,
    SharingRequest,
    SharingView,
)
from chalicelib.services import invitations

bp = Blueprint(__name__)
TAGS = ("Invitations",)


@route(
    bp,
    "/invitations/{token}",
    access=Access.PUBLIC,
    summary="Lire une invitation (formation déjà renseignée) ; inconnue, utilisée ou expirée : 404",
    response=InvitationView,
    errors=(404,),
    tags=TAGS,
)
def read_invitation(ctx: Context, token: str) -> InvitationView:
    return invitations.read(token)


@route(
    bp,
    "/invitations/{token}",
    "POST",
    access=Access.PUBLIC,
    summary="Accepter : compléter l'inscription, donner son accord ; ouvre la session (candidat)",
    body=InvitationAccept,
    response=Created,
    status=201,
    errors=(404, 409),
    tags=TAGS,
)
def accept_invitation(ctx: Context, token: str) -> Reply:
    created, cookie = invitations.accept(token, ctx.body)
    return Reply(created, status=201, cookies=[cookie])


@route(
    bp,
    "/invitations/{token}/link",
    "POST",
    access=Role.CANDIDATE,
    summary="Relier la formation de l'invitation à mon compte candidat (même adresse)",
    body=LinkRequest,
    status=204,
    errors=(404,),
    tags=TAGS,
)
def link_invitation(ctx: Context, token: str) -> Reply:
    invitations.link(token, ctx.principal, ctx.body.share_with_structure)
    return Reply(None, status=204)


@route(
    bp,
    "/invitations/{token}/decline",
    "POST",
    access=Access.PUBLIC,
    summary="Refuser l'invitation : l'organisme ne pourra plus m'inviter pour cette formation",
    status=204,
    errors=(404,),
    tags=TAGS,
)
def decline_invitation(ctx: Context, token: str) -> Reply:
    invitations.decline(token)
    return Reply(None, status=204)


@route(
    bp,
    "/candidates/me/sharing",
    access=Role.CANDIDATE,
    summary="Les organismes qui m'ont invité(e), et si je partage mon suivi avec chacun",
    response=SharingPage,
    tags=TAGS,
)
def my_sharing(ctx: Context) -> SharingPage:
    return invitations.sharing_of(ctx.principal.id)


@route(
    bp,
    "/candidates/me/sharing/{training_id}",
    "POST",
    access=Role.CANDIDATE,
    summary="Partager mon suivi avec l'organisme d'une formation, ou cesser de le partager",
    body=SharingRequest,
    response=SharingView,
    errors=(404,),
    tags=TAGS,
)
def set_sharing(ctx: Context, training_id: str) -> SharingView:
    return invitations.set_sharing(ctx.principal.id, training_id, ctx.body.shared)
