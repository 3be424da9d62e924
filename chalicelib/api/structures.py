"""Structure routes: the public request, a member's own structure and colleagues, the staff review."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, Reply, Role, route
from chalicelib.schemas.common import Created
from chalicelib.schemas.structures import (
    DecisionRequest,
    DecisionView,
    MemberCreate,
    StructureCreate,
    StructureCreated,
    StructureListQuery,
    StructureStaffPage,
    StructureView,
)
from chalicelib.services import structure_members, structures

bp = Blueprint(__name__)
TAGS = ("Structures",)
MEMBERS = (Role.TRAINER, Role.ADVISOR)


@route(
    bp,
    "/structures",
    "POST",
    access=Access.PUBLIC,
    summary="Demander un compte pour un organisme de formation ou une structure d'accompagnement",
    body=StructureCreate,
    response=StructureCreated,
    status=201,
    errors=(409, 422),
    tags=TAGS,
)
def request_structure(ctx: Context) -> dict:
    return structures.request(ctx.body, ctx.idempotency_key)


@route(
    bp,
    "/structures/me",
    access=MEMBERS,
    summary="Ma structure et ses membres",
    response=StructureView,
    tags=TAGS,
)
def my_structure(ctx: Context) -> StructureView:
    return structure_members.my_structure(ctx.principal)


@route(
    bp,
    "/structures/me/members",
    "POST",
    access=MEMBERS,
    summary="Ajouter un collègue (structure validée) ; il reçoit un lien de connexion",
    body=MemberCreate,
    response=Created,
    status=201,
    errors=(409,),
    tags=TAGS,
)
def add_member(ctx: Context) -> dict:
    return structure_members.add_member(ctx.principal, ctx.body)


@route(
    bp,
    "/structures/me/members/{member_id}",
    "DELETE",
    access=MEMBERS,
    summary="Retirer un collègue : ses sessions prennent fin aussitôt",
    status=204,
    errors=(404, 409),
    tags=TAGS,
)
def remove_member(ctx: Context, member_id: str) -> Reply:
    structure_members.remove_member(ctx.principal, member_id)
    return Reply(None, status=204)


@route(
    bp,
    "/staff/structures",
    access=Role.STAFF,
    summary="Structures à examiner (ou validées, refusées), de la plus ancienne à la plus récente",
    query=StructureListQuery,
    response=StructureStaffPage,
    tags=("Agents de la Région",),
)
def staff_structures(ctx: Context) -> StructureStaffPage:
    return structures.list_for_staff(ctx.query.status, ctx.query.limit, ctx.query.next)


@route(
    bp,
    "/staff/structures/{structure_id}/decision",
    "POST",
    access=Role.STAFF,
    summary="Valider ou refuser une structure ; le demandeur est prévenu par e-mail",
    body=DecisionRequest,
    response=DecisionView,
    errors=(404, 409),
    tags=("Agents de la Région",),
)
def decide(ctx: Context, structure_id: str) -> DecisionView:
    return structures.decide(structure_id, ctx.body, ctx.principal.id)
