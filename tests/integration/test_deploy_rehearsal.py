"""scripts/deploy.py --rehearse, run in its own process on moto: the stack from infra/, the stage's
environment for Chalice, the site upload with its content types and cache headers, the invalidation,
and the deployment package of build/package uploaded and its functions created.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from chalicelib.config import ENV
from scripts.deploy import (
    HTML_CACHE,
    VERSIONED_CACHE,
    DeployError,
    api_domain,
    plan_site,
    prune_site,
)
from scripts.deploy_package import functions, with_code_location

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "build" / "package"  # `make integration` builds it first (make package)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    # In its own process: moto's backends are shared by every server of a process, so a rehearsal
    # in this one would leave its stack in the other tests' moto.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PASSERELLE_"))}
    result = subprocess.run(
        [sys.executable, "scripts/deploy.py", "--rehearse", "--stage", "test", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def _key(report: dict[str, Any], name: str) -> str:
    return f"static/{report['release']}/{name}"


def test_stack_outputs_become_the_stage_environment(report) -> None:
    outputs, env = report["outputs"], report["environment"]

    assert set(ENV.values()) <= set(env)  # every setting of chalicelib/config.py
    assert env["PASSERELLE_STAGE"] == "test"
    assert env["PASSERELLE_TABLE"] == outputs["DataTableName"] == "passerelle-test-data"
    assert env["PASSERELLE_SITE_BUCKET"] == "passerelle-test-site-123456789012-eu-west-3"
    assert env["PASSERELLE_EXPORTS_QUEUE_URL"] == outputs["ExportsQueueUrl"]
    assert env["PASSERELLE_SIGNING_SECRET"] == "passerelle/test/signing-key"
    assert report["config_changed"] is True
    assert report["config_unchanged_on_rerun"] is True


@pytest.mark.parametrize(
    ("name", "content_type", "versioned"),
    [
        ("index.html", "text/html; charset=utf-8", False),
        ("candidat/inscription.html", "text/html; charset=utf-8", False),
        ("css/passerelle.css", "text/css; charset=utf-8", True),
        ("js/pages/offres.js", "text/javascript; charset=utf-8", True),
        ("img/favicon.svg", "image/svg+xml", True),
    ],
)
def test_objects_have_their_content_type_and_cache_policy(report, name, content_type, versioned) -> None:
    # As HeadObject returned them from moto after the upload.
    head = report["objects"][_key(report, name) if versioned else name]

    assert head == {
        "ContentType": content_type,
        "CacheControl": VERSIONED_CACHE if versioned else HTML_CACHE,
    }


def test_vendor_files_are_uploaded(report) -> None:
    # The deploy uploads build/site, which `make install` builds (scripts/build_site.py).

    head = report["objects"][_key(report, "vendor/pico/pico.min.css")]

    assert head == {"ContentType": "text/css; charset=utf-8", "CacheControl": VERSIONED_CACHE}


def test_every_asset_a_page_names_was_uploaded(report) -> None:
    assert report["references_checked"] > 20  # each one a successful HeadObject


@pytest.mark.parametrize("page", ["index.html", "offres.html", "employeur/inscription.html"])
def test_pages_refer_only_to_assets_of_their_release(page) -> None:
    release, uploads = plan_site()
    html = next(u for u in uploads if u.key == page).body.decode("utf-8")

    references = re.findall(r'(?:href|src)="/([^"]+)"', html)
    assets = [ref for ref in references if not ref.endswith(".html")]

    assert assets
    assert all(ref.startswith(f"static/{release}/") for ref in assets), assets


def test_upload_prunes_objects_no_longer_in_site(report) -> None:
    assert report["pruned"] == ["ancienne-page.html"]
    assert report["invalidation"]


class _FakeS3:
    def __init__(self, keys_by_age: dict[str, int]) -> None:
        now = datetime(2026, 11, 1, tzinfo=UTC)
        self.contents = [{"Key": k, "LastModified": now - timedelta(days=d)} for k, d in keys_by_age.items()]
        self.deleted: list[str] = []

    def get_paginator(self, name: str) -> Any:
        contents = self.contents

        class _Paginator:
            def paginate(self, **_: Any) -> list[dict[str, Any]]:
                return [{"Contents": contents}]

        return _Paginator()

    def delete_objects(self, Bucket: str, Delete: dict[str, Any]) -> None:
        self.deleted += [item["Key"] for item in Delete["Objects"]]


def test_prune_keeps_the_three_newest_releases() -> None:
    s3 = _FakeS3(
        {
            "index.html": 0,
            "static/r4/js/a.js": 0,
            "static/r3/js/a.js": 10,
            "static/r2/js/a.js": 20,
            "static/r1/js/a.js": 30,
            "static/r1/css/b.css": 30,
            "old.html": 40,
        }
    )

    stale = prune_site(s3, "bucket", ["index.html", "static/r4/js/a.js"])

    assert sorted(stale) == ["old.html", "static/r1/css/b.css", "static/r1/js/a.js"]
    assert s3.deleted == stale


def test_a_page_naming_a_missing_asset_stops_the_upload(tmp_path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body{}")
    (tmp_path / "index.html").write_text('<link rel="stylesheet" href="/css/absent.css">')

    with pytest.raises(DeployError, match=r"absent\.css"):
        plan_site(tmp_path)


def test_a_file_of_unknown_type_stops_the_upload(tmp_path) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "photo.heic").write_bytes(b"?")

    with pytest.raises(DeployError, match="content type"):
        plan_site(tmp_path)


def test_release_id_changes_with_any_asset(tmp_path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "a.js").write_text("export const a = 1;")
    (tmp_path / "index.html").write_text('<script type="module" src="/js/a.js"></script>')
    before, uploads = plan_site(tmp_path)
    (tmp_path / "js" / "a.js").write_text("export const a = 2;")
    after, _ = plan_site(tmp_path)

    page = next(u for u in uploads if u.key == "index.html")
    assert before != after
    assert page.body.decode() == f'<script type="module" src="/static/{before}/js/a.js"></script>'
    assert [u.key for u in uploads] == [f"static/{before}/js/a.js", "index.html"]  # assets before pages


def test_api_domain_comes_from_chalice_url() -> None:
    url = "https://abc123.execute-api.eu-west-3.amazonaws.com/api/\n"

    assert api_domain(url) == "abc123.execute-api.eu-west-3.amazonaws.com"
    with pytest.raises(DeployError):
        api_domain("http://127.0.0.1:8000/")


def test_the_package_make_package_built_is_uploaded_once_and_located_in_the_template(report) -> None:
    package = report["package"]
    digest = hashlib.sha256((PACKAGE / "deployment.zip").read_bytes()).hexdigest()

    assert package["code_sha256"] == digest
    assert package["code_key"] == f"packages/{digest}.zip"
    assert package["template_key"].startswith("templates/")
    assert package["same_keys_on_rerun"] is True  # same commit, same zip: nothing new to upload


def test_every_function_of_the_package_is_created_on_python313_arm64(report) -> None:
    template = json.loads((PACKAGE / "sam.json").read_text(encoding="utf-8"))
    expected = {name for name, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    zip_sha256 = base64.b64encode(hashlib.sha256((PACKAGE / "deployment.zip").read_bytes()).digest()).decode()
    created = report["package"]["functions"]

    assert set(created) == expected
    assert len(expected) >= 5
    for name, configuration in created.items():
        assert configuration["Runtime"] == "python3.13", name
        assert configuration["Architectures"] == ["arm64"], name
        assert configuration["CodeSha256"] == zip_sha256, name  # the zip, as Lambda received it
        assert configuration["Handler"] == template["Resources"][name]["Properties"]["Handler"]
    assert created["APIHandler"]["Handler"] == "app.app"


def test_step_3_puts_the_zip_in_s3_and_the_template_points_at_it() -> None:
    located = with_code_location(
        json.loads((PACKAGE / "sam.json").read_text(encoding="utf-8")), "bucket", "packages/abc.zip"
    )

    code_uris = [p["CodeUri"] for p in functions(located).values()]
    assert code_uris and all(uri == {"Bucket": "bucket", "Key": "packages/abc.zip"} for uri in code_uris)
    with pytest.raises(ValueError, match="CodeUri"):
        with_code_location(located, "bucket", "again.zip")  # already located: not a package template


def test_a_second_region_deploys_beside_the_first(report) -> None:
    # Issue 18: Hauts-de-France's stage test-r32 in the same (moto) account as Grand Est's test.
    first, second = report["outputs"], report["second_region"]
    names = ("DataTableName", "IdempotencyTableName", "SiteBucketName", "ExportsBucketName",
             "DeploymentBucketName", "MatchingQueueUrl", "SigningSecretName", "StaffEmailsParameterName")  # fmt: skip

    assert second["stage"] == "test-r32"
    assert {"passerelle-test", "passerelle-test-r32"} <= set(second["stacks"])
    assert second["outputs"]["DataTableName"] == "passerelle-test-r32-data"
    assert second["outputs"]["SiteBucketName"] == "passerelle-test-r32-site-123456789012-eu-west-3"
    for name in names:
        assert second["outputs"][name] != first[name], name
    env = second["environment"]
    assert env["PASSERELLE_REGION"] == "32" and env["PASSERELLE_STAGE"] == "test-r32"
    assert env["PASSERELLE_TABLE"] == "passerelle-test-r32-data"
    assert report["environment"]["PASSERELLE_REGION"] == "44"
    assert second["chalice_stage_written"] is True
    assert second["chalice_stage_unchanged_on_rerun"] is True
    # Its functions reach only its own resources.
    named = [r for r in second["policy_resources"] if "passerelle" in r and ":identity/" not in r]
    assert named and all("passerelle-test-r32" in r or "passerelle/test-r32/" in r for r in named), named
    senders = [r for r in second["policy_resources"] if ":identity/" in r]
    assert senders and all("passerelle.r32.example" in r for r in senders), senders
    assert env["PASSERELLE_SENDER"] == "ne-pas-repondre@passerelle.r32.example"
