"""Deploy Passerelle to AWS, in the order the resources need each other (docs/deploy.md).

    python scripts/deploy.py --stage prod            # or: make deploy STAGE=prod
    python scripts/deploy.py --rehearse              # the steps that can run on moto, no AWS account

1. the shared stack from infra/template.yaml (tables, buckets, queues, mail, secret), keeping the
   `ApiDomainName` it already has;
2. its outputs written as the stage's `PASSERELLE_*` variables in .chalice/config.json;
3. the deployment package (scripts/package.py: `chalice package --stage <stage>`, every module
   precompiled, reproducible zip) uploaded to the stack's DeploymentBucket and its template deployed
   as the stack `passerelle-<stage>-app` (functions on python3.13/arm64, API Gateway, schedules, queue
   event sources): scripts/deploy_package.py;
4. the stack again with the API's domain, which creates CloudFront and its bucket-policy statement;
5. `PASSERELLE_SITE_URL` set to the distribution (or the Région's domain), step 3 again if it
   changed;
6. the site built into build/site (`npm ci`, scripts/build_site.py) and uploaded: every asset under css/, js/,
   vendor/ and img/ goes under `static/<release>/`, a name derived from the assets' content, cached a
   year; the HTML pages, rewritten to point there, are uploaded last and revalidated on every visit
   (`no-cache`), so a page never pairs with assets of another release; objects of older releases are
   pruned, keeping the last three for pages still open in browsers;
7. a CloudFront invalidation of `/*`.

The site has no runtime configuration to write: the API is on the same origin (`/api/*`).

`--rehearse` starts a moto server (or uses `--endpoint`), creates the stack from infra/ through the same
code (less the types moto lacks, as scripts/provision.py does), writes the environment into a copy of
the Chalice configuration, uploads build/site and checks each object's type and cache headers with
HeadObject; then invalidates a distribution created on moto's CloudFront API. It uploads the package
`make package` built (build/package) and creates each of its functions with moto's Lambda API; the
stack of the packaged template (moto has no AWS::Serverless transform) and the CloudFront stack update
are the two steps it cannot run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `scripts` must be importable
    sys.path.insert(0, str(ROOT))

from chalicelib.config import ENV, stage_environment  # noqa: E402
from scripts import deploy_package, region_stage  # noqa: E402
from scripts.package import build as build_package  # noqa: E402
from scripts.provision import apply_sms_settings, load_template, moto_template_body  # noqa: E402

TEMPLATE_PATH = ROOT / "infra" / "template.yaml"
CHALICE_CONFIG = ROOT / ".chalice" / "config.json"
PACKAGE_DIR = ROOT / "build" / "package"  # what `make package` builds (prod), used by the rehearsal
SITE_DIR = ROOT / "build" / "site"  # what scripts/build_site.py writes (build/site-<code> for another région)
DEFAULT_REGION = "eu-west-3"

# Top-level folders of site/ whose files are versioned (uploaded under static/<release>/).
VERSIONED_DIRS = frozenset({"css", "js", "vendor", "img"})
STATIC_PREFIX = "static/"
KEEP_RELEASES = 3
HTML_CACHE = "no-cache"
VERSIONED_CACHE = "public, max-age=31536000, immutable"
OTHER_CACHE = "public, max-age=3600"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
}
# href="/css/..." or src="/js/..." in a page (the only place the site names its assets).
_ASSET_REFERENCE = re.compile(
    r'(?P<attr>\b(?:href|src)=")/(?P<path>(?:' + "|".join(VERSIONED_DIRS) + r')/[^"]*)"'
)


class DeployError(Exception):
    pass


# ---------------------------------------------------------------- CloudFormation


def deploy_stack(
    cloudformation: Any,
    stack_name: str,
    template_body: str,
    parameters: Mapping[str, str | None],
    wait: Callable[[str, str], None] | None = None,
    *,
    template_url: str | None = None,
    capabilities: Iterable[str] = (),
) -> dict[str, str]:
    """Create or update the stack; return its outputs.

    A parameter given as None keeps the value the stack already has (the template default on creation,
    passed explicitly): re-running step 1 must not drop the `ApiDomainName` that step 4 set, which
    would delete CloudFront.
    """
    exists = _stack_exists(cloudformation, stack_name)
    defaults = {key: str(p.get("Default", "")) for key, p in load_template()["Parameters"].items()}
    cfn_parameters = []
    for key, value in parameters.items():
        if value is not None:
            cfn_parameters.append({"ParameterKey": key, "ParameterValue": value})
        elif exists:
            cfn_parameters.append({"ParameterKey": key, "UsePreviousValue": True})
        else:
            cfn_parameters.append({"ParameterKey": key, "ParameterValue": defaults[key]})
    wait = wait or _wait_for_stack(cloudformation)
    source = {"TemplateURL": template_url} if template_url else {"TemplateBody": template_body}
    if not exists:
        cloudformation.create_stack(
            StackName=stack_name,
            **source,
            Parameters=cfn_parameters,
            Capabilities=list(capabilities),
            Tags=[{"Key": "project", "Value": "passerelle"}],
        )
        wait("stack_create_complete", stack_name)
    else:
        try:
            cloudformation.update_stack(
                StackName=stack_name, **source, Parameters=cfn_parameters, Capabilities=list(capabilities)
            )
        except cloudformation.exceptions.ClientError as error:
            if "No updates are to be performed" not in str(error):
                raise
        else:
            wait("stack_update_complete", stack_name)
    return stack_outputs(cloudformation, stack_name)


def _stack_exists(cloudformation: Any, stack_name: str) -> bool:
    try:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    except cloudformation.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return False
        raise
    if stack["StackStatus"] == "ROLLBACK_COMPLETE":  # a failed creation: AWS only allows deleting it
        raise DeployError(f"{stack_name} is ROLLBACK_COMPLETE: delete it, then deploy again")
    return True


def _wait_for_stack(cloudformation: Any) -> Callable[[str, str], None]:
    def wait(waiter: str, stack_name: str) -> None:
        # CloudFront takes 5 to 15 minutes to create or change; allow an hour.
        cloudformation.get_waiter(waiter).wait(
            StackName=stack_name, WaiterConfig={"Delay": 15, "MaxAttempts": 240}
        )

    return wait


def stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


# ---------------------------------------------------------------- Chalice configuration


def site_url(outputs: Mapping[str, str], site_domain: str | None) -> str | None:
    if site_domain:
        return f"https://{site_domain}"
    if outputs.get("DistributionDomainName"):
        return f"https://{outputs['DistributionDomainName']}"
    return None


def write_chalice_environment(config_path: Path, stage: str, env: Mapping[str, str]) -> bool:
    """Merge `env` into the stage's environment_variables; True if the file changed."""
    config = json.loads(config_path.read_text(encoding="utf-8"))
    stage_config = config["stages"].setdefault(stage, {})
    variables = stage_config.setdefault("environment_variables", {})
    before = dict(variables)
    variables.update(env)
    if variables == before:
        return False
    config_path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return True


def api_gateway_stage(config_path: Path = CHALICE_CONFIG) -> str:
    return json.loads(config_path.read_text(encoding="utf-8")).get("api_gateway_stage", "api")


def api_domain(url: str) -> str:
    """abc123.execute-api.eu-west-3.amazonaws.com from the app stack's EndpointURL (https://…/api/)."""
    host = urlsplit(url.strip()).hostname or ""
    if ".execute-api." not in host:
        raise DeployError(f"not an API Gateway URL: {url!r}")
    return host


# ---------------------------------------------------------------- Site


@dataclass(frozen=True)
class Upload:
    key: str
    body: bytes = field(repr=False)
    content_type: str
    cache_control: str


def content_type(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise DeployError(f"no content type for {name}: add its extension to CONTENT_TYPES")
    return CONTENT_TYPES[suffix]


def _site_files(site_dir: Path) -> list[tuple[str, Path]]:
    files = []
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            files.append((relative.as_posix(), path))
    return files


def plan_site(site_dir: Path = SITE_DIR) -> tuple[str, list[Upload]]:
    """The release id and the objects to upload, in upload order (assets, other files, pages)."""
    files = _site_files(site_dir)
    versioned = [(name, path) for name, path in files if name.split("/", 1)[0] in VERSIONED_DIRS]
    digest = hashlib.sha256()
    for name, path in versioned:
        digest.update(name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    release = digest.hexdigest()[:12]
    prefix = f"{STATIC_PREFIX}{release}/"
    known = {name for name, _ in versioned}

    assets, others, pages = [], [], []
    for name, path in files:
        if name in known:
            assets.append(Upload(prefix + name, path.read_bytes(), content_type(name), VERSIONED_CACHE))
        elif name.endswith(".html"):
            html = _point_to_release(path.read_text(encoding="utf-8"), prefix, known, name)
            pages.append(Upload(name, html.encode("utf-8"), content_type(name), HTML_CACHE))
        else:
            others.append(Upload(name, path.read_bytes(), content_type(name), OTHER_CACHE))
    return release, assets + others + pages


def _point_to_release(html: str, prefix: str, known: set[str], page: str) -> str:
    def replace(match: re.Match[str]) -> str:
        path = match["path"]
        if path.split("?", 1)[0].split("#", 1)[0] not in known:
            raise DeployError(f"{page} refers to /{path}, which the build did not produce")
        return f'{match["attr"]}/{prefix}{path}"'

    return _ASSET_REFERENCE.sub(replace, html)


def upload_site(s3: Any, bucket: str, uploads: Iterable[Upload]) -> list[str]:
    keys = []
    for upload in uploads:
        s3.put_object(
            Bucket=bucket,
            Key=upload.key,
            Body=upload.body,
            ContentType=upload.content_type,
            CacheControl=upload.cache_control,
        )
        keys.append(upload.key)
    return keys


def prune_site(
    s3: Any, bucket: str, current_keys: Iterable[str], keep_releases: int = KEEP_RELEASES
) -> list[str]:
    """Delete what the current upload did not write, except the newest releases' assets.

    Pages loaded just before the deploy still import modules of their release, so the last
    `keep_releases` releases (the current one included) stay. The bucket is versioned: a deleted
    object can be restored for 30 days.
    """
    current = set(current_keys)
    objects = [
        item
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
    ]
    newest: dict[str, Any] = {}
    for item in objects:
        if item["Key"].startswith(STATIC_PREFIX) and item["Key"].count("/") >= 2:
            release = item["Key"].split("/", 2)[1]
            newest[release] = max(newest.get(release, item["LastModified"]), item["LastModified"])
    kept = set(sorted(newest, key=newest.__getitem__, reverse=True)[:keep_releases])
    stale = [
        item["Key"]
        for item in objects
        if item["Key"] not in current
        and not (item["Key"].startswith(STATIC_PREFIX) and item["Key"].split("/", 2)[1] in kept)
    ]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(
            Bucket=bucket,
            Delete={"Objects": [{"Key": key} for key in stale[start : start + 1000]], "Quiet": True},
        )
    return stale


def invalidate(cloudfront: Any, distribution_id: str, reference: str) -> str:
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": reference},
    )
    return answer["Invalidation"]["Id"]


def _site_dir(region_code: str) -> Path:
    """Where scripts/build_site.py writes the région's site."""
    return (
        SITE_DIR
        if region_code == region_stage.DEFAULT_REGION_CODE
        else SITE_DIR.with_name(f"site-{region_code}")
    )


def build_site(region_code: str = region_stage.DEFAULT_REGION_CODE) -> None:
    _run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"])
    env = {"PASSERELLE_REGION": region_code}
    if region_code != region_stage.DEFAULT_REGION_CODE:  # its map and bassins: build/refdata/<code>
        _run(
            [sys.executable, str(ROOT / "scripts" / "build_reference_data.py"), "--region", region_code], env
        )
    _run([sys.executable, str(ROOT / "scripts" / "build_site.py")], env)


# ---------------------------------------------------------------- The real deployment


@dataclass
class Options:
    stage: str  # test or prod; with a région other than 44, the stage deployed is <stage>-r<code>
    region: str = DEFAULT_REGION
    region_code: str = region_stage.DEFAULT_REGION_CODE
    sender: str | None = None
    staff_emails: str | None = None
    site_domain: str | None = None
    certificate_arn: str | None = None
    web_acl_arn: str | None = None
    skip_site_build: bool = False
    yes: bool = False

    @property
    def full_stage(self) -> str:
        return region_stage.region_stage(self.stage, self.region_code)

    @property
    def stack_name(self) -> str:
        return f"passerelle-{self.full_stage}"


def _run(command: list[str], env: Mapping[str, str] | None = None, capture: bool = False) -> str:
    print("$", " ".join(command), flush=True)
    result = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **(env or {})}, check=True, text=True, capture_output=capture
    )
    return result.stdout if capture else ""


def _deploy_functions(options: Options, session: Any, cloudformation: Any, bucket: str) -> dict[str, str]:
    """Step 3: package (with the stage's environment just written), upload, deploy the app stack."""
    package_dir = build_package(
        ROOT / "build" / f"deploy-{options.full_stage}", options.full_stage, region=options.region_code
    ).parent
    uploaded = deploy_package.upload_package(session.client("s3"), bucket, package_dir)
    print(f"   package {uploaded.code_sha256[:12]} in s3://{bucket}/{uploaded.code_key}")
    return deploy_stack(
        cloudformation,
        f"{options.stack_name}-app",
        "",
        {},
        template_url=deploy_package.template_url(bucket, uploaded.template_key, options.region),
        capabilities=deploy_package.CAPABILITIES,
    )


def deploy(options: Options) -> str:
    import boto3

    session = boto3.session.Session(region_name=options.region)
    account = session.client("sts").get_caller_identity()["Account"]
    print(
        f"Deploying Passerelle stage {options.full_stage} (région {options.region_code}) to account {account}, region {options.region}."
    )
    if not options.yes and input("Continue? [y/N] ").strip().lower() not in {"y", "yes", "o", "oui"}:
        raise DeployError("cancelled")
    cloudformation = session.client("cloudformation")
    if options.staff_emails is None and not _stack_exists(cloudformation, options.stack_name):
        raise DeployError("first deployment of this stage: give the staff addresses with --staff-emails")
    template_body = TEMPLATE_PATH.read_text(encoding="utf-8")
    template_defaults = load_template()["Parameters"]
    sender = options.sender or template_defaults["SenderEmail"]["Default"]
    parameters: dict[str, str | None] = {
        "Stage": options.full_stage,
        "SenderEmail": options.sender,
        "StaffEmails": options.staff_emails,
        "SiteDomainName": options.site_domain,
        "CertificateArn": options.certificate_arn,
        "WebAclArn": options.web_acl_arn,
        "ApiDomainName": None,  # kept as it is: set by step 4
        "ApiStageName": api_gateway_stage(),
    }

    print("1. shared resources (infra/template.yaml)")
    outputs = deploy_stack(cloudformation, options.stack_name, template_body, parameters)
    sender = _stack_parameter(cloudformation, options.stack_name, "SenderEmail") or sender
    apply_sms_settings(session.client("sns"), outputs)

    print("2-3. Lambda functions and API (the deployment package, stack passerelle-<stage>-app)")
    region_stage.prepare(
        CHALICE_CONFIG, options.stage, options.full_stage, template_defaults["SenderEmail"]["Default"], sender
    )
    env = stage_environment(
        outputs, options.full_stage, sender, site_url(outputs, options.site_domain), options.region_code
    )
    write_chalice_environment(CHALICE_CONFIG, options.full_stage, env)
    bucket = outputs["DeploymentBucketName"]
    domain = api_domain(_deploy_functions(options, session, cloudformation, bucket)["EndpointURL"])

    print(f"4. CloudFront in front of the site bucket and {domain}")
    outputs = deploy_stack(
        cloudformation, options.stack_name, template_body, {**parameters, "ApiDomainName": domain}
    )
    url = site_url(outputs, options.site_domain)
    if url and write_chalice_environment(CHALICE_CONFIG, options.full_stage, {ENV["site_url"]: url}):
        print("5. e-mail links now point to", url)
        _deploy_functions(options, session, cloudformation, bucket)

    print("6. site")
    if not options.skip_site_build:
        build_site(options.region_code)
    release, uploads = plan_site(_site_dir(options.region_code))
    s3 = session.client("s3")
    keys = upload_site(s3, outputs["SiteBucketName"], uploads)
    stale = prune_site(s3, outputs["SiteBucketName"], keys)
    print(f"   release {release}: {len(keys)} objects uploaded, {len(stale)} removed")

    print("7. CloudFront invalidation")
    invalidation = invalidate(
        session.client("cloudfront"), outputs["DistributionId"], f"{release}-{time.time_ns()}"
    )
    print(f"   {invalidation} (a few minutes)")
    print(f"Passerelle {options.full_stage}: {url}")
    return url or ""


def _stack_parameter(cloudformation: Any, stack_name: str, key: str) -> str | None:
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return next((p["ParameterValue"] for p in stack.get("Parameters", []) if p["ParameterKey"] == key), None)


# ---------------------------------------------------------------- Rehearsal on moto


def rehearse(
    endpoint: str | None = None,
    stage: str = "test",
    region: str = DEFAULT_REGION,
    package_dir: Path = PACKAGE_DIR,
    second_region: str = "32",
) -> dict[str, Any]:
    """Run on moto every step that moto can play; return what was checked (raises on a mismatch).
    Then a second région's stage (`second_region`, e.g. test-r32) beside the first one."""
    import boto3

    if not (package_dir / "deployment.zip").is_file():
        raise DeployError(f"{package_dir}/deployment.zip is missing: run `make package`")

    server = None
    if endpoint is None:
        from moto.server import ThreadedMotoServer

        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
    session = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials: never a real account
        region_name=region,
    )

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint)

    try:
        cloudformation = client("cloudformation")
        template = load_template()
        body = moto_template_body(template)  # moto cannot create the types provision.py leaves out
        sender = template["Parameters"]["SenderEmail"]["Default"]
        parameters: dict[str, str | None] = {
            "Stage": stage,
            "StaffEmails": "agent@example.org",  # no default in the template: always named
            "ApiDomainName": None,
            "ApiStageName": "api",
        }
        stack = f"passerelle-{stage}"
        no_wait = lambda waiter, name: None  # noqa: E731 - moto creates stacks synchronously
        outputs = deploy_stack(cloudformation, stack, body, parameters, wait=no_wait)
        # Deploying again updates the same stack and keeps its ApiDomainName (UsePreviousValue).
        outputs_again = deploy_stack(cloudformation, stack, body, parameters, wait=no_wait)
        if outputs_again != outputs:
            raise DeployError(f"a second deployment changed the outputs: {outputs} -> {outputs_again}")

        env = stage_environment(outputs, stage, sender, "https://d111111abcdef8.cloudfront.net")
        with tempfile.TemporaryDirectory() as scratch:
            config_copy = Path(scratch) / "config.json"
            shutil.copyfile(CHALICE_CONFIG, config_copy)
            changed = write_chalice_environment(config_copy, stage, env)
            written = json.loads(config_copy.read_text(encoding="utf-8"))["stages"][stage][
                "environment_variables"
            ]
            unchanged_again = not write_chalice_environment(config_copy, stage, env)

        bucket = outputs["SiteBucketName"]
        s3 = client("s3")
        s3.put_object(Bucket=bucket, Key="ancienne-page.html", Body=b"<p>old</p>", ContentType="text/html")
        release, uploads = plan_site()
        keys = upload_site(s3, bucket, uploads)
        stale = prune_site(s3, bucket, keys)
        objects: dict[str, dict[str, str]] = {}
        for upload in uploads:
            head = s3.head_object(Bucket=bucket, Key=upload.key)
            objects[upload.key] = {
                "ContentType": head["ContentType"],
                "CacheControl": head.get("CacheControl", ""),
            }
            if objects[upload.key] != {
                "ContentType": upload.content_type,
                "CacheControl": upload.cache_control,
            }:
                raise DeployError(f"{upload.key}: stored {objects[upload.key]}, uploaded {upload}")

        # Every asset a page names must be an object of this upload.
        references = 0
        for upload in uploads:
            if upload.key.endswith(".html"):
                for ref in re.findall(r'(?:href|src)="/(static/[^"#?]+)', upload.body.decode("utf-8")):
                    s3.head_object(Bucket=bucket, Key=ref)
                    references += 1

        cloudfront = client("cloudfront")
        distribution = cloudfront.create_distribution(DistributionConfig=_moto_distribution(bucket))[
            "Distribution"
        ]
        invalidation = invalidate(cloudfront, distribution["Id"], f"{release}-rehearsal")

        uploaded = deploy_package.upload_package(s3, outputs["DeploymentBucketName"], package_dir)
        package_report = deploy_package.rehearse_functions(
            {"s3": s3, "iam": client("iam"), "lambda": client("lambda")}, uploaded, f"{stack}-app"
        )
        again = deploy_package.upload_package(s3, outputs["DeploymentBucketName"], package_dir)
        package_report["same_keys_on_rerun"] = (again.code_key, again.template_key) == (
            uploaded.code_key,
            uploaded.template_key,
        )
        second = _rehearse_second_region(cloudformation, body, parameters, stage, sender, second_region)
        return {
            "second_region": second,
            "package": package_report,
            "endpoint": endpoint,
            "outputs": outputs,
            "environment": written,
            "config_changed": changed,
            "config_unchanged_on_rerun": unchanged_again,
            "release": release,
            "objects": objects,
            "pruned": stale,
            "references_checked": references,
            "invalidation": invalidation,
        }
    finally:
        if server is not None:
            server.stop()


def _rehearse_second_region(
    cloudformation: Any, body: str, parameters: dict, stage: str, sender: str, region_code: str
) -> dict[str, Any]:
    """Another région's stage beside the first one in the same account: its own stack, tables,
    buckets, queues and secrets, its environment and its IAM policy (which names only its own)."""
    full = region_stage.region_stage(stage, region_code)
    no_wait = lambda waiter, name: None  # noqa: E731 - moto creates stacks synchronously
    stack = f"passerelle-{full}"
    own_sender = f"ne-pas-repondre@passerelle.r{region_code}.example"  # the région's own address
    outputs = deploy_stack(
        cloudformation, stack, body, {**parameters, "Stage": full, "SenderEmail": own_sender}, wait=no_wait
    )
    env = stage_environment(outputs, full, own_sender, "https://d222222abcdef8.cloudfront.net", region_code)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for name in ("config.json", f"policy-{stage}.json"):
            shutil.copyfile(CHALICE_CONFIG.parent / name, folder / name)
        written = region_stage.prepare(folder / "config.json", stage, full, sender, own_sender)
        rewritten = region_stage.prepare(folder / "config.json", stage, full, sender, own_sender)
        write_chalice_environment(folder / "config.json", full, env)
        chalice_stage = json.loads((folder / "config.json").read_text(encoding="utf-8"))["stages"][full]
        policy = json.loads((folder / chalice_stage["iam_policy_file"]).read_text(encoding="utf-8"))
    resources = sorted(
        {
            r
            for statement in policy["Statement"]
            for r in (
                [statement["Resource"]]
                if isinstance(statement.get("Resource"), str)
                else statement.get("Resource", [])
            )
        }
    )
    stacks = sorted(
        s["StackName"]
        for s in cloudformation.describe_stacks()["Stacks"]
        if s["StackName"].startswith("passerelle-")
    )
    return {
        "stage": full,
        "stack": stack,
        "stacks": stacks,
        "outputs": outputs,
        "environment": chalice_stage["environment_variables"],
        "chalice_stage_written": written,
        "chalice_stage_unchanged_on_rerun": not rewritten,
        "policy_resources": resources,
    }


def _moto_distribution(bucket: str) -> dict[str, Any]:
    return {
        "CallerReference": "rehearsal",
        "Comment": "Passerelle rehearsal",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "site",
                    "DomainName": f"{bucket}.s3.amazonaws.com",
                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                }
            ],
        },
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Deploy Passerelle to AWS (docs/deploy.md).")
    parser.add_argument("--stage", choices=["test", "prod"], default="prod")
    parser.add_argument("--region", default=DEFAULT_REGION, help="AWS region (eu-west-3)")
    parser.add_argument(
        "--region-code",
        default=os.environ.get("PASSERELLE_REGION") or region_stage.DEFAULT_REGION_CODE,
        help="INSEE code of the Région served (default PASSERELLE_REGION, else 44): stage <stage>-r<code>",
    )
    parser.add_argument(
        "--sender", help="From address (SenderEmail); default: the stack's, or the template's"
    )
    parser.add_argument(
        "--staff-emails", help="comma-separated staff addresses (StaffEmails); default: unchanged"
    )
    parser.add_argument("--site-domain", help="the Région's domain for the site (with --certificate-arn)")
    parser.add_argument("--certificate-arn", help="ACM certificate in us-east-1 for --site-domain")
    parser.add_argument("--web-acl-arn", help="WAF web ACL (scope CLOUDFRONT, us-east-1)")
    parser.add_argument("--skip-site-build", action="store_true", help="upload build/site as it is")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--rehearse", action="store_true", help="run what can run on moto, touch no AWS account"
    )
    parser.add_argument("--endpoint", help="with --rehearse: a running moto server (default: start one)")
    parser.add_argument("--json", action="store_true", help="with --rehearse: print the report as JSON")
    args = parser.parse_args(argv)
    try:
        if args.rehearse:
            report = rehearse(args.endpoint, stage=args.stage if args.stage != "prod" else "test")
            if args.json:
                print(json.dumps(report, indent=2, sort_keys=True))
                return 0
            for key, head in report["objects"].items():
                print(f"{head['ContentType']:<32} {head['CacheControl']:<40} {key}")
            print(
                f"release {report['release']}, pruned {report['pruned']}, invalidation {report['invalidation']}"
            )
            print("rehearsal OK")
            return 0
        if bool(args.site_domain) != bool(args.certificate_arn):
            parser.error("--site-domain and --certificate-arn go together")
        deploy(
            Options(
                stage=args.stage,
                region=args.region,
                region_code=args.region_code,
                sender=args.sender,
                staff_emails=args.staff_emails,
                site_domain=args.site_domain,
                certificate_arn=args.certificate_arn,
                web_acl_arn=args.web_acl_arn,
                skip_site_build=args.skip_site_build,
                yes=args.yes,
            )
        )
    except (DeployError, subprocess.CalledProcessError) as error:
        print(f"deploy: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
