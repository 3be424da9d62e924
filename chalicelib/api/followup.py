"""Follow-up survey routes: the person reads and answers from the e-mailed link, without signing in.

The token in the path is the credential (43 random characters, stored only as an HMAC): unknown,
forged or expired → 404 with a French message.
"""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, route
from chalicelib.schemas.followup import FollowupAnswerRequest, FollowupView

bp = Blueprint(__name__)
TAGS = ("Suivi après la formation",)


@route(
    bp,
    "/followup/{token}",
    access=Access.PUBLIC,
    summary="Lire la question de suivi (« Où en êtes-vous ? ») et la réponse déjà donnée",
    response=FollowupView,
    errors=(404,),
    tags=TAGS,
)
def read_followup(ctx: Context, token: str) -> FollowupView:
    from chalicelib.services.followup_survey import read

    return read(token)


@route(
    bp,
    "/followup/{token}",
    "POST",
    access=Access.PUBLIC,
    summary="Répondre à la question de suivi (une nouvelle réponse remplace la précédente)",
    body=FollowupAnswerRequest,
    response=FollowupView,
    errors=(404,),
    tags=TAGS,
)
def answer_followup(ctx: Context, token: str) -> FollowupView:
    from chalicelib.services.followup_survey import answer

    return answer(token, ctx.body)
