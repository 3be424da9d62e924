"""Create Passerelle's shared resources on a moto server from infra/template.yaml.

The stack goes through moto's CloudFormation so that local runs and tests use the same
template as production. moto's CloudFormation skips part of a template (see docs/infra.md);
what the app relies on is applied here with direct API calls, read from the same template so the
two cannot drift apart silently.

Local use only: the client always signs with the dummy `testing` credentials, so pointing this at
real AWS fails instead of touching an account.

    python scripts/provision.py --endpoint http://127.0.0.1:5000 --stage local
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import boto3
import yaml
from botocore.exceptions import ClientError

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: `chalicelib` must be importable
    sys.path.insert(0, str(ROOT))

from chalicelib.config import stage_environment  # noqa: E402 - the one list of the app's variables

TEMPLATE_PATH = ROOT / "infra" / "template.yaml"
DEFAULT_SENDER = "ne-pas-repondre@passerelle.grandest.example"
DEFAULT_STAFF_EMAILS = ("agent@example.org",)

# Resource types moto 5.2.5's CloudFormation does not implement. They are removed from the body
# sent to moto because moto reports each one with a UserWarning raised inside the server: under
# pytest's "warnings as errors" that warning becomes an exception and create_stack answers 500.
# tests/integration/test_infra.py checks this list against moto's own model map.
MOTO_UNSUPPORTED_TYPES = frozenset(
    {
        "AWS::S3::BucketPolicy",
        "AWS::CloudWatch::Alarm",
        "AWS::SES::EmailIdentity",
        "AWS::SecretsManager::Secret",
        "AWS::SNS::TopicPolicy",
        "AWS::SES::ConfigurationSet",
        "AWS::SES::ConfigurationSetEventDestination",
    }
)

_REUSABLE_STATUSES = {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE"}


class _CloudFormationLoader(yaml.SafeLoader):
    """YAML loader that turns the short intrinsic tags (!Ref, !Sub, ...) into their JSON form."""


def _construct_intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    key = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {key: value}


_CloudFormationLoader.add_multi_constructor("!", _construct_intrinsic)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as stream:
        loader = _CloudFormationLoader(stream)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()


def moto_template_body(template: dict[str, Any]) -> str:
    resources = {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] not in MOTO_UNSUPPORTED_TYPES
    }
    return json.dumps({**template, "Resources": resources})


def provision(
    endpoint_url: str,
    stage: str = "local",
    region: str = "eu-west-3",
    stack_name: str | None = None,
    staff_emails: Sequence[str] = DEFAULT_STAFF_EMAILS,
    sender: str = DEFAULT_SENDER,
) -> dict[str, str]:
    """Create (or reuse) the stack on moto, apply what moto skips, return the app's env vars."""
    stack_name = stack_name or f"passerelle-{stage}"
    session = boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's dummy credentials, on purpose
        region_name=region,
    )

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=endpoint_url)

    template = load_template()
    cloudformation = client("cloudformation")
    _ensure_stack(cloudformation, stack_name, template, stage, sender, staff_emails)
    outputs = _stack_outputs(cloudformation, stack_name)
    physical_ids = _physical_ids(cloudformation, stack_name)

    _apply_table_settings(client("dynamodb"), template, physical_ids)
    _apply_bucket_settings(client("s3"), template, physical_ids)
    client("ses").verify_email_identity(EmailAddress=sender)
    _ensure_signing_secret(client("secretsmanager"), outputs["SigningSecretName"])
    _ensure_signing_secret(client("secretsmanager"), outputs["OriginSecretName"])  # same kind of value
    _ensure_staff_emails(client("ssm"), outputs["StaffEmailsParameterName"], staff_emails)
    apply_sms_settings(client("sns"), outputs)

    return stage_environment(outputs, stage, sender)


def apply_sms_settings(sns: Any, outputs: dict[str, str]) -> None:
    """The account's SMS settings CloudFormation cannot hold: sender ID, type, monthly spend limit."""
    sns.set_sms_attributes(
        attributes={
            "DefaultSenderID": outputs["SmsSenderId"],
            "DefaultSMSType": "Transactional",
            "MonthlySpendLimit": str(outputs["SmsMonthlySpendLimit"]),
        }
    )


def _ensure_stack(
    cloudformation: Any,
    stack_name: str,
    template: dict[str, Any],
    stage: str,
    sender: str,
    staff_emails: Sequence[str],
) -> None:
    status = _stack_status(cloudformation, stack_name)
    if status in _REUSABLE_STATUSES:
        return
    if status is not None:
        raise RuntimeError(f"stack {stack_name} is in state {status}; delete it or restart moto")
    parameters = {
        "Stage": stage,
        "SenderEmail": sender,
        "StaffEmails": ",".join(staff_emails),
    }
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=moto_template_body(template),
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
    )
    # moto creates the stack synchronously, so the first poll already succeeds.
    cloudformation.get_waiter("stack_create_complete").wait(
        StackName=stack_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )


def _stack_status(cloudformation: Any, stack_name: str) -> str | None:
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        if "does not exist" in error.response["Error"].get("Message", ""):
            return None
        raise
    return stacks[0]["StackStatus"]


def _stack_outputs(cloudformation: Any, stack_name: str) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def _physical_ids(cloudformation: Any, stack_name: str) -> dict[str, str]:
    paginator = cloudformation.get_paginator("list_stack_resources")
    return {
        summary["LogicalResourceId"]: summary["PhysicalResourceId"]
        for page in paginator.paginate(StackName=stack_name)
        for summary in page["StackResourceSummaries"]
    }


def _resources_of_type(template: dict[str, Any], resource_type: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (logical_id, resource.get("Properties", {}))
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    ]


def _apply_table_settings(dynamodb: Any, template: dict[str, Any], physical_ids: dict[str, str]) -> None:
    """TTL and point-in-time recovery: moto's CloudFormation ignores both properties."""
    for logical_id, properties in _resources_of_type(template, "AWS::DynamoDB::Table"):
        table = physical_ids[logical_id]
        ttl = properties.get("TimeToLiveSpecification")
        if ttl and ttl.get("Enabled"):
            current = dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
            # AWS rejects enabling TTL twice, so only ask when it is not already as declared.
            if (
                current.get("TimeToLiveStatus") != "ENABLED"
                or current.get("AttributeName") != (ttl["AttributeName"])
            ):
                dynamodb.update_time_to_live(
                    TableName=table,
                    TimeToLiveSpecification={
                        "AttributeName": ttl["AttributeName"],
                        "Enabled": True,
                    },
                )
        pitr = properties.get("PointInTimeRecoverySpecification")
        if pitr and pitr.get("PointInTimeRecoveryEnabled"):
            dynamodb.update_continuous_backups(
                TableName=table,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )


def _apply_bucket_settings(s3: Any, template: dict[str, Any], physical_ids: dict[str, str]) -> None:
    """moto's CloudFormation applies only BucketEncryption and Tags; the rest is set here."""
    for logical_id, properties in _resources_of_type(template, "AWS::S3::Bucket"):
        bucket = physical_ids[logical_id]
        if "PublicAccessBlockConfiguration" in properties:
            s3.put_public_access_block(
                Bucket=bucket,
                PublicAccessBlockConfiguration=properties["PublicAccessBlockConfiguration"],
            )
        if "OwnershipControls" in properties:
            s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=properties["OwnershipControls"])
        if "VersioningConfiguration" in properties:
            s3.put_bucket_versioning(
                Bucket=bucket,
                VersioningConfiguration={"Status": properties["VersioningConfiguration"]["Status"]},
            )
        if "LifecycleConfiguration" in properties:
            rules = [_lifecycle_rule(rule) for rule in properties["LifecycleConfiguration"]["Rules"]]
            s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """Translate a CloudFormation lifecycle rule to the S3 API shape (the subset the template uses)."""
    known = {
        "Id",
        "Status",
        "Prefix",
        "ExpirationInDays",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    }
    unknown = set(rule) - known
    if unknown:
        # Failing here beats a local bucket that silently differs from production.
        raise NotImplementedError(f"lifecycle properties not translated for moto: {sorted(unknown)}")
    api_rule: dict[str, Any] = {
        "ID": rule["Id"],
        "Status": rule["Status"],
        "Filter": {"Prefix": rule.get("Prefix", "")},
    }
    if "ExpirationInDays" in rule:
        api_rule["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "NoncurrentVersionExpiration" in rule:
        days = int(rule["NoncurrentVersionExpiration"]["NoncurrentDays"])
        api_rule["NoncurrentVersionExpiration"] = {"NoncurrentDays": days}
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
        api_rule["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    return api_rule


def _ensure_signing_secret(secretsmanager: Any, name: str) -> None:
    try:
        secretsmanager.describe_secret(SecretId=name)
    except secretsmanager.exceptions.ResourceNotFoundException:
        # 48 random bytes, like the 64-character key Secrets Manager generates in AWS.
        secretsmanager.create_secret(Name=name, SecretString=secrets.token_urlsafe(48))


def _ensure_staff_emails(ssm: Any, name: str, staff_emails: Sequence[str]) -> None:
    try:
        ssm.get_parameter(Name=name)
    except ssm.exceptions.ParameterNotFound:
        ssm.put_parameter(Name=name, Type="StringList", Value=",".join(staff_emails))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create Passerelle's resources on a moto server.")
    parser.add_argument(
        "--endpoint",
        default=os.environ.get("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
    )
    parser.add_argument("--stage", default="local", choices=["local", "test", "prod"])
    parser.add_argument("--region", default="eu-west-3")
    parser.add_argument("--stack-name", default=None)
    parser.add_argument(
        "--staff-email",
        action="append",
        dest="staff_emails",
        help="repeat for several addresses (default: agent@example.org)",
    )
    parser.add_argument("--sender", default=DEFAULT_SENDER)
    args = parser.parse_args(argv)
    env = provision(
        args.endpoint,
        stage=args.stage,
        region=args.region,
        stack_name=args.stack_name,
        staff_emails=tuple(args.staff_emails or DEFAULT_STAFF_EMAILS),
        sender=args.sender,
    )
    sys.stdout.write("".join(f"{key}={value}\n" for key, value in env.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
