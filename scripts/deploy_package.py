"""Step 3 of scripts/deploy.py: the functions and the API from the deployment package.

`chalice deploy` would zip the sources again, without .pyc (docs/benchmarks.md: a cold start then
compiles everything). So the deployment takes the package scripts/package.py builds (the one
`make package` builds, tests and scans) and deploys its template as a CloudFormation stack:

1. the zip goes to the shared stack's DeploymentBucket under `packages/<sha256>.zip` (skipped when
   that key is there already: the zip is reproducible, so an unchanged commit uploads nothing);
2. every function's `CodeUri: ./deployment.zip` becomes that S3 location (what `aws cloudformation
   package` does), and the template (75 kB, over the 51,200 bytes CreateStack takes inline) goes to
   `templates/<sha256>.json`;
3. the stack `passerelle-<stage>-app` is created or updated from that URL, with CAPABILITY_IAM (the
   functions' roles) and CAPABILITY_AUTO_EXPAND (the AWS::Serverless transform); its `EndpointURL`
   output gives CloudFront the API's domain.

`--rehearse` runs 1 and 2 on moto, then creates each function of the template with moto's Lambda API
(moto has no AWS::Serverless transform): its role and inline policy, runtime, architecture, handler,
memory, timeout and environment, its code read from the uploaded key.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CODE_PREFIX = "packages/"
TEMPLATE_PREFIX = "templates/"
CAPABILITIES = ("CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND")
FUNCTION_TYPE = "AWS::Serverless::Function"
LOCAL_CODE = "./deployment.zip"


@dataclass(frozen=True)
class UploadedPackage:
    bucket: str
    code_key: str
    template_key: str
    code_sha256: str
    template: dict[str, Any] = field(repr=False)


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Logical id → properties of every Lambda function of a packaged template."""
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == FUNCTION_TYPE
    }


def with_code_location(template: dict[str, Any], bucket: str, key: str) -> dict[str, Any]:
    """The template with every function's local CodeUri replaced by the uploaded zip."""
    located = copy.deepcopy(template)
    for name, properties in functions(located).items():
        if properties.get("CodeUri") != LOCAL_CODE:
            raise ValueError(f"{name}: CodeUri {properties.get('CodeUri')!r}, expected {LOCAL_CODE}")
        properties["CodeUri"] = {"Bucket": bucket, "Key": key}
    return located


def _put_once(s3: Any, bucket: str, key: str, body: bytes, content_type: str) -> None:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") not in {"404", "NoSuchKey", "NotFound"}:
            raise
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def upload_package(s3: Any, bucket: str, package_dir: Path) -> UploadedPackage:
    code = (package_dir / "deployment.zip").read_bytes()
    code_sha256 = hashlib.sha256(code).hexdigest()
    code_key = f"{CODE_PREFIX}{code_sha256}.zip"
    _put_once(s3, bucket, code_key, code, "application/zip")
    template = with_code_location(
        json.loads((package_dir / "sam.json").read_text(encoding="utf-8")), bucket, code_key
    )
    body = json.dumps(template, indent=1, sort_keys=True).encode("utf-8")
    template_key = f"{TEMPLATE_PREFIX}{hashlib.sha256(body).hexdigest()}.json"
    _put_once(s3, bucket, template_key, body, "application/json")
    return UploadedPackage(bucket, code_key, template_key, code_sha256, template)


def template_url(bucket: str, key: str, region: str) -> str:
    return f"https://{bucket}.s3.{region}.amazonaws.com/{key}"


def rehearse_functions(clients: dict[str, Any], uploaded: UploadedPackage, prefix: str) -> dict[str, Any]:
    """Create each function of the uploaded template on moto, as the stack would; return what
    GetFunction answers for each."""
    iam, lambda_ = clients["iam"], clients["lambda"]
    stored = json.loads(
        clients["s3"].get_object(Bucket=uploaded.bucket, Key=uploaded.template_key)["Body"].read()
    )
    created = {}
    for name, properties in functions(stored).items():
        role_id = properties["Role"]["Fn::GetAtt"][0]
        role = stored["Resources"][role_id]["Properties"]
        role_name = f"{prefix}-{role_id}"
        arn = iam.create_role(
            RoleName=role_name, AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"])
        )["Role"]["Arn"]
        for policy in role.get("Policies", []):
            iam.put_role_policy(
                RoleName=role_name,
                PolicyName=policy["PolicyName"],
                PolicyDocument=json.dumps(policy["PolicyDocument"]),
            )
        code = properties["CodeUri"]
        lambda_.create_function(
            FunctionName=f"{prefix}-{name}",
            Runtime=properties["Runtime"],
            Role=arn,
            Handler=properties["Handler"],
            Code={"S3Bucket": code["Bucket"], "S3Key": code["Key"]},
            Architectures=properties["Architectures"],
            MemorySize=properties["MemorySize"],
            Timeout=properties["Timeout"],
            Environment=properties["Environment"],
        )
        configuration = lambda_.get_function(FunctionName=f"{prefix}-{name}")["Configuration"]
        created[name] = {
            key: configuration[key]
            for key in ("Runtime", "Architectures", "Handler", "CodeSha256", "CodeSize", "MemorySize")
        }
    return {
        "code_key": uploaded.code_key,
        "template_key": uploaded.template_key,
        "code_sha256": uploaded.code_sha256,
        "functions": created,
    }
