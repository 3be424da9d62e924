"""Training routes of an organisme de formation: its trainings and their cohorts (docs/structures.md)."""

from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.routing import Context, Reply, Role, route
from chalicelib.schemas.common import Created
from chalicelib.schemas.trainings import (
    DryRunReport,
    ImportQuery,
    ImportReport,
    TraineePage,
    TrainingCreate,
    TrainingPage,
    TrainingUpdate,
    TrainingView,
)
from chalicelib.services import cohort_import, invitations, trainings

bp = Blueprint(__name__)
TAGS = ("Organismes de formation",)
# What browsers and spreadsheets label a CSV file with. They are binary types for API Gateway
# (app.py): a Windows-1252 file must reach the function byte for byte, not re-encoded as UTF-8.
UPLOAD_TYPES = ("text/csv", "application/csv", "application/vnd.ms-excel", "application/octet-stream")


@route(
    bp,
    "/trainings",
    "POST",
    access=Role.TRAINER,
    summary="Déclarer une formation (certification du catalogue, codes ROME, lieu, dates)",
    body=TrainingCreate,
    response=Created,
    status=201,
    errors=(409, 422),
    tags=TAGS,
)
def declare(ctx: Context) -> dict:
    return trainings.create(ctx.principal, ctx.body, ctx.idempotency_key)


@route(
    bp,
    "/trainings",
    access=Role.TRAINER,
    summary="Les formations de ma structure, avec les effectifs de leur promotion",
    response=TrainingPage,
    tags=TAGS,
)
def list_trainings(ctx: Context) -> TrainingPage:
    return trainings.list_own(ctx.principal)


@route(
    bp,
    "/trainings/{training_id}",
    access=Role.TRAINER,
    summary="Une formation de ma structure",
    response=TrainingView,
    errors=(404,),
    tags=TAGS,
)
def get_training(ctx: Context, training_id: str) -> Reply:
    view = trainings.get(ctx.principal, training_id)
    return Reply.versioned(view, view.version)


@route(
    bp,
    "/trainings/{training_id}",
    "PATCH",
    access=Role.TRAINER,
    summary="Modifier une formation (en-tête If-Match : la version lue)",
    body=TrainingUpdate,
    response=TrainingView,
    errors=(404, 409),
    tags=TAGS,
)
def patch_training(ctx: Context, training_id: str) -> Reply:
    view = trainings.update(ctx.principal, training_id, ctx.body, ctx.if_match())
    return Reply.versioned(view, view.version)


@route(
    bp,
    "/trainings/{training_id}/trainees",
    "POST",
    access=Role.TRAINER,
    summary=(
        "Inviter la promotion : fichier CSV (text/csv, UTF-8 ou Windows-1252, ; ou ,) ou JSON "
        "{trainees: [...]}, 500 lignes au plus ; ?dry_run=true vérifie sans rien enregistrer ni envoyer"
    ),
    query=ImportQuery,
    response=ImportReport | DryRunReport,
    errors=(404, 413),
    tags=TAGS,
    content_types=UPLOAD_TYPES,
)
def import_trainees(ctx: Context, training_id: str) -> ImportReport | DryRunReport:
    raw = ctx.request.raw_body or b""
    content_type = (ctx.header("content-type") or "").lower()
    if ctx.query.dry_run:
        return cohort_import.dry_run(ctx.principal, training_id, raw, content_type)
    return cohort_import.invite(ctx.principal, training_id, raw, content_type)


@route(
    bp,
    "/trainings/{training_id}/trainees",
    access=Role.TRAINER,
    summary="La promotion d'une formation : statuts, et le suivi de ceux qui le partagent",
    response=TraineePage,
    errors=(404,),
    tags=TAGS,
)
def list_trainees(ctx: Context, training_id: str) -> TraineePage:
    return invitations.cohort_view(ctx.principal, training_id)
