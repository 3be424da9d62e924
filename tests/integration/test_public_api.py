"""Public routes through the Chalice test client, against moto over HTTP."""

from __future__ import annotations

import json

from chalicelib.domain.referentials import get_referentials
from tests.integration.helpers import call


def get_json(client, path: str) -> tuple[int, object]:
    status, body, _ = call(client, "GET", path)
    return status, body


def test_health(client):
    assert get_json(client, "/api/health") == (200, {"status": "ok"})


def test_communes_metz_has_its_bassin(client):
    status, body = get_json(client, "/api/referentials/communes?q=metz")
    assert status == 200
    assert body[0]["code_insee"] == "57463"
    assert body[0]["bassin"] == {"code": "4410", "label": "Metz"}


def test_communes_by_postal_code_and_accents(client):
    assert get_json(client, "/api/referentials/communes?q=57000")[1][0]["code_insee"] == "57463"
    assert get_json(client, "/api/referentials/communes?q=%C3%89pinal")[1][0]["name"] == "Épinal"


def test_metiers_prefix_search(client):
    status, body = get_json(client, "/api/referentials/metiers?q=cuisin")
    assert status == 200 and body[0]["code_rome"] == "G1609"  # ROME 4.0: Cuisinier / Cuisinière
    assert any(
        hit["code_rome"] == "J1501" for hit in get_json(client, "/api/referentials/metiers?q=aide-soign")[1]
    )


def test_competences_of_a_metier(client):
    status, body = get_json(client, "/api/referentials/metiers/G1602/competences")
    assert status == 200 and len(body) > 10
    assert {"code", "label", "kind"} <= body[0].keys()
    status, body = get_json(client, "/api/referentials/metiers/Z9999/competences")
    assert status == 404 and body["error"]["code"] == "not_found"


def test_bassins(client):
    status, body = get_json(client, "/api/referentials/bassins")
    assert status == 200 and len(body) == 27
    assert {"code": "4410", "label": "Metz"} in body


def test_bad_queries_never_500(client):
    assert get_json(client, "/api/referentials/communes?q=")[1] == []
    status, body = get_json(client, "/api/referentials/communes?q=" + "a" * 500)
    assert status == 400 and "q" in body["error"]["fields"]
    status, _ = get_json(client, "/api/referentials/communes?q=%FF%FE%00")
    assert status in (200, 400)
    status, body = get_json(client, "/api/referentials/metiers?limit=abc")
    assert status == 400 and body["error"]["fields"]["limit"]


def test_openapi_lists_every_route(client, app):
    from chalicelib.api.routing import ROUTES

    status, doc = get_json(client, "/api/openapi.json")
    assert status == 200 and doc["openapi"].startswith("3.")
    for spec in ROUTES:
        assert spec.method.lower() in doc["paths"][f"/api{spec.path}"]
    assert "ErrorBody" in doc["components"]["schemas"]


def test_refusals_made_by_the_framework_use_the_api_error_format(client):
    response = client.http.post("/api/candidates", headers={"Content-Type": "application/xml"}, body=b"<a/>")
    assert response.status_code == 415
    assert json.loads(response.body)["error"]["code"] == "unsupported_media_type"


def test_an_aws_timeout_is_a_503_to_retry_not_a_500(client, monkeypatch):
    from botocore.exceptions import ReadTimeoutError

    from chalicelib.api import public

    def timed_out():
        raise ReadTimeoutError(endpoint_url="http://dynamodb")

    monkeypatch.setattr(public, "_referentials", timed_out)
    response = client.http.get("/api/referentials/bassins")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert json.loads(response.body)["error"]["code"] == "unavailable"


def test_certifications_autocomplete(client):
    status, body = get_json(client, "/api/referentials/certifications?q=cap%20cuisine")
    assert status == 200
    assert body[0] == {
        "code": "115708",
        "title": "CAP cuisine",
        "type": "Certificat d'aptitude professionnelle",
        "level": 3,
        "rncp": "RNCP38430",
        "code_rome": ["G1602", "G1606", "G1609"],  # ROME 4.0 (the sources give v3 G1602)
        "metiers": [  # the same codes with their labels, for the sign-up page
            {"code_rome": code, "label": get_referentials().metiers[code].label, "appellation": None}
            for code in ("G1602", "G1606", "G1609")
        ],
    }
    assert get_json(client, "/api/referentials/certifications?q=RNCP38430")[1][0]["code"] == "115708"
    accented = get_json(client, "/api/referentials/certifications?q=%C3%89LECTRICIEN&limit=5")[1]
    assert accented == get_json(client, "/api/referentials/certifications?q=electricien&limit=5")[1]
    assert len(accented) == 5


def test_certification_bad_queries_never_500(client):
    assert get_json(client, "/api/referentials/certifications?q=") == (200, [])
    assert get_json(client, "/api/referentials/certifications") == (200, [])
    status, body = get_json(client, "/api/referentials/certifications?q=" + "a" * 500)
    assert status == 400 and "q" in body["error"]["fields"]
    status, body = get_json(client, "/api/referentials/certifications?q=%FF%FE%00")
    assert (status, body) == (200, []) or (status == 400 and "q" in body["error"]["fields"])
    for limit in ("abc", "0", "51"):
        status, body = get_json(client, f"/api/referentials/certifications?q=cap&limit={limit}")
        assert status == 400 and body["error"]["fields"]["limit"]


def test_openapi_describes_the_certification_model(client):
    doc = get_json(client, "/api/openapi.json")[1]
    ok = doc["paths"]["/api/referentials/certifications"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["items"]["$ref"].endswith("/CertificationView")
    model = doc["components"]["schemas"]["CertificationView"]
    assert {"code", "title", "code_rome"} <= set(model["required"])
    assert {"type", "level", "rncp"} <= model["properties"].keys()
