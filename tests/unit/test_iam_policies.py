""".chalice/policy-<stage>.json name only the app's own resources of that stage.

The policies are written by hand (Chalice's autogen reads only app.py). These tests hold them to the
names infra/template.yaml gives each resource: no `*` resource, no `service:*` action, and for
DynamoDB, S3, SQS, SES, Secrets Manager, SSM and CloudWatch Logs nothing beyond the stage's own
tables, bucket prefix, queues, sender identity, secret, parameters and log groups. The account
stays a wildcard (`*`, or `????????????` inside an S3 bucket name): the same file serves any account.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from scripts.provision import load_template

ROOT = Path(__file__).resolve().parents[2]
CHALICE = ROOT / ".chalice"
REGION = "eu-west-3"  # the region every stage is deployed to (docs/deploy.md)
ARN = re.compile(
    r"^arn:aws:(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):(?P<account>\*|\d{12}|):(?P<rest>.+)$"
)


def _stages() -> list[str]:
    return sorted(json.loads((CHALICE / "config.json").read_text(encoding="utf-8"))["stages"])


STAGES = _stages()


def _policy(stage: str) -> dict[str, Any]:
    config = json.loads((CHALICE / "config.json").read_text(encoding="utf-8"))
    name = config["stages"][stage]["iam_policy_file"]
    return json.loads((CHALICE / name).read_text(encoding="utf-8"))


def _as_list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _grants(stage: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(action, resource, statement) for every Allow of the stage's policy."""
    return [
        (action, resource, statement)
        for statement in _policy(stage)["Statement"]
        if statement["Effect"] == "Allow"
        for action in _as_list(statement["Action"])
        for resource in _as_list(statement["Resource"])
    ]


@cache
def _template() -> dict[str, Any]:
    return load_template()


def _template_name(logical_id: str, key: str, stage: str, account: str = "*") -> str:
    """A resource's name as the template builds it (`!Sub passerelle-${Stage}-...`) for `stage`."""
    value = _template()["Resources"][logical_id]["Properties"][key]
    pattern = value["Fn::Sub"] if isinstance(value, dict) else value
    return (
        pattern.replace("${Stage}", stage)
        .replace("${AWS::AccountId}", account)
        .replace("${AWS::Region}", REGION)
    )


def _sender() -> str:
    return _template()["Parameters"]["SenderEmail"]["Default"]


def test_every_stage_has_its_own_policy_file() -> None:
    config = json.loads((CHALICE / "config.json").read_text(encoding="utf-8"))

    assert config["autogen_policy"] is False
    assert STAGES == ["local", "prod", "test"]
    for stage in STAGES:
        assert config["stages"][stage]["iam_policy_file"] == f"policy-{stage}.json"
        assert _policy(stage)["Version"] == "2012-10-17"


@pytest.mark.parametrize("stage", STAGES)
def test_no_wildcard_resource_or_action_and_no_negations(stage: str) -> None:
    for statement in _policy(stage)["Statement"]:
        assert statement["Effect"] == "Allow", statement["Sid"]
        assert not {"NotAction", "NotResource", "NotPrincipal"} & set(statement), statement["Sid"]
    for action, resource, statement in _grants(stage):
        if statement["Sid"] == "Sms":
            # SMS go to a phone number, which has no ARN: SNS only accepts Resource "*" for them.
            # The statement grants sns:Publish alone (no topic exists in the stack to publish to).
            assert (action, resource) == ("sns:Publish", "*"), statement
            continue
        assert resource != "*", statement["Sid"]
        assert "*" not in action, f"{statement['Sid']}: {action}"
        match = ARN.match(resource)
        assert match, f"{statement['Sid']}: not an ARN: {resource}"
        assert match["service"] == action.split(":")[0], f"{statement['Sid']}: {action} on {resource}"
        assert match["region"] in {REGION, ""}, resource


@pytest.mark.parametrize("stage", STAGES)
def test_dynamodb_only_on_the_stage_tables(stage: str) -> None:
    data = _template_name("DataTable", "TableName", stage)
    idempotency = _template_name("IdempotencyTable", "TableName", stage)
    allowed = {f"table/{data}", f"table/{data}/index/*", f"table/{idempotency}"}

    resources = {ARN.match(r)["rest"] for a, r, _ in _grants(stage) if a.startswith("dynamodb:")}

    assert resources == allowed


@pytest.mark.parametrize("stage", STAGES)
def test_s3_only_on_the_exports_prefix_of_the_stage_bucket(stage: str) -> None:
    # `?` matches exactly one character: twelve of them are the account id and nothing else.
    bucket = _template_name("ExportsBucket", "BucketName", stage, account="?" * 12)

    resources = {ARN.match(r)["rest"] for a, r, _ in _grants(stage) if a.startswith("s3:")}

    assert resources == {f"{bucket}/exports/*"}
    assert "*" not in bucket


@pytest.mark.parametrize("stage", STAGES)
def test_sqs_only_on_the_stage_queues(stage: str) -> None:
    queues = {_template_name(q, "QueueName", stage) for q in ("MatchingQueue", "ExportsQueue", "OutboxQueue")}

    resources = {ARN.match(r)["rest"] for a, r, _ in _grants(stage) if a.startswith("sqs:")}
    actions = {a for a, _, _ in _grants(stage) if a.startswith("sqs:")}

    assert resources == queues
    # What a Chalice SQS event source needs, plus sending for the scheduler and the API.
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:SendMessage"} <= actions


@pytest.mark.parametrize("stage", STAGES)
def test_ses_only_from_the_sender_identity(stage: str) -> None:
    sender = _sender()
    identities = {f"identity/{sender}", f"identity/{sender.split('@', 1)[1]}"}
    # a send naming the configuration set (bounces and complaints reported) is checked against it too
    identities.add(f"configuration-set/{_template_name('SesConfigurationSet', 'Name', stage)}")

    grants = [(r, s) for a, r, s in _grants(stage) if a.startswith("ses:")]

    assert grants
    for resource, statement in grants:
        assert ARN.match(resource)["rest"] in identities
        assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": sender}}


@pytest.mark.parametrize("stage", STAGES)
def test_secret_parameters_and_logs_only_of_the_stage(stage: str) -> None:
    secrets = {_template_name(name, "Name", stage) for name in ("SigningSecret", "OriginSecret")}
    parameter = _template_name("StaffEmailsParameter", "Name", stage)
    by_service: dict[str, set[str]] = {}
    for action, resource, statement in _grants(stage):
        if statement["Sid"] == "Sms":
            continue  # Resource "*", checked by test_no_wildcard_resource_or_action_and_no_negations
        by_service.setdefault(action.split(":")[0], set()).add(ARN.match(resource)["rest"])

    # Secrets Manager appends `-` and 6 random characters to a secret's name in its ARN.
    assert by_service["secretsmanager"] == {f"secret:{secret}-*" for secret in secrets}
    assert by_service["ssm"] == {f"parameter{parameter.rsplit('/', 1)[0]}/*"}
    assert by_service["logs"] == {f"log-group:/aws/lambda/passerelle-{stage}*"}
    assert set(by_service) == {"logs", "dynamodb", "s3", "sqs", "ses", "secretsmanager", "ssm"}


def test_test_stage_policy_is_the_prod_policy_for_its_own_resources() -> None:
    # The test stage must exercise exactly what production is allowed to do.
    prod = json.dumps(_policy("prod"), sort_keys=True).replace("prod", "test")

    assert json.loads(prod) == _policy("test")


@pytest.mark.parametrize("stage", STAGES)
def test_no_policy_names_another_stage(stage: str) -> None:
    text = json.dumps(_policy(stage))
    for other in set(STAGES) - {stage}:
        assert f"passerelle-{other}" not in text
        assert f"passerelle/{other}/" not in text
