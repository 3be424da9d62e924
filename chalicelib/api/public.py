"""Public routes: health, referentials (autocomplete), OpenAPI document."""

from __future__ import annotations

from dataclasses import asdict

from chalice import Blueprint

from chalicelib.api.routing import Access, Context, route
from chalicelib.errors import NotFound
from chalicelib.schemas.referentials import (
    BassinView,
    CertificationView,
    CommuneView,
    CompetenceView,
    HealthView,
    MetierView,
    SearchQuery,
)

bp = Blueprint(__name__)
TAGS = ("Référentiels",)


def _referentials():
    from chalicelib.domain.referentials import get_referentials

    return get_referentials()


def commune_out(commune, refs) -> CommuneView:
    bassin = refs.bassins[commune.bassin_code]
    return CommuneView(
        code_insee=commune.code_insee,
        name=commune.name,
        postal_codes=list(commune.postal_codes),
        bassin=BassinView(code=bassin.code, label=bassin.label),
    )


@route(bp, "/health", access=Access.PUBLIC, summary="État du service", response=HealthView, tags=("Service",))
def health(ctx: Context) -> HealthView:
    return HealthView(status="ok")


@route(
    bp,
    "/referentials/communes",
    access=Access.PUBLIC,
    summary="Recherche de communes de la région (nom ou code postal)",
    query=SearchQuery,
    response=list[CommuneView],
    errors=(400,),
    tags=TAGS,
)
def search_communes(ctx: Context) -> list[CommuneView]:
    refs = _referentials()
    return [commune_out(c, refs) for c in refs.search_communes(ctx.query.q, ctx.query.limit)]


@route(
    bp,
    "/referentials/metiers",
    access=Access.PUBLIC,
    summary="Recherche de métiers ROME (libellés et appellations)",
    query=SearchQuery,
    response=list[MetierView],
    errors=(400,),
    tags=TAGS,
)
def search_metiers(ctx: Context) -> list[MetierView]:
    hits = _referentials().search_metiers(ctx.query.q, ctx.query.limit)
    return [
        MetierView(code_rome=h.metier.code_rome, label=h.metier.label, appellation=h.appellation)
        for h in hits
    ]


@route(
    bp,
    "/referentials/metiers/{code_rome}/competences",
    access=Access.PUBLIC,
    summary="Compétences d'une fiche métier ROME",
    response=list[CompetenceView],
    errors=(404,),
    tags=TAGS,
)
def metier_competences(ctx: Context, code_rome: str) -> list[CompetenceView]:
    refs = _referentials()
    if code_rome.upper() not in refs.metiers:
        raise NotFound("Métier ROME inconnu.", {"code_rome": "Ce code ROME n'existe pas."})
    return [
        CompetenceView(code=c.code, label=c.label, kind=c.kind)
        for c in refs.competences_of(code_rome.upper())
    ]


@route(
    bp,
    "/referentials/certifications",
    access=Access.PUBLIC,
    summary="Recherche de certifications (diplômes, titres, CQP) par intitulé ou code RNCP / Certif Info",
    query=SearchQuery,
    response=list[CertificationView],
    errors=(400,),
    tags=TAGS,
)
def search_certifications(ctx: Context) -> list[CertificationView]:
    # Imported here: the catalogue is read on the first search, not at every cold start.
    from chalicelib.domain.certifications import get_catalogue

    hits = get_catalogue().search(ctx.query.q, ctx.query.limit)
    metiers = _referentials().metiers
    return [
        CertificationView(
            **{**asdict(c), "code_rome": list(c.code_rome)},
            metiers=[
                MetierView(code_rome=code, label=metiers[code].label)
                for code in c.code_rome
                if code in metiers
            ],
        )
        for c in hits
    ]


@route(
    bp,
    "/referentials/bassins",
    access=Access.PUBLIC,
    summary="Les bassins d'emploi (zones d'emploi INSEE 2020) de la région",
    response=list[BassinView],
    tags=TAGS,
)
def list_bassins(ctx: Context) -> list[BassinView]:
    refs = _referentials()
    return [
        BassinView(code=b.code, label=b.label) for b in sorted(refs.bassins.values(), key=lambda b: b.code)
    ]


@route(bp, "/openapi.json", access=Access.PUBLIC, summary="Ce document OpenAPI", tags=("Service",))
def openapi_document(ctx: Context) -> dict:
    from chalicelib.api.openapi import build_openapi

    return build_openapi()
