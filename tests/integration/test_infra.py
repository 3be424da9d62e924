"""infra/template.yaml created on an in-process moto server by scripts/provision.py.

Asserts the resources the app relies on exist and are configured as the template declares,
including the settings moto's CloudFormation skips and provision.py applies itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from scripts.provision import (
    MOTO_UNSUPPORTED_TYPES,
    TEMPLATE_PATH,
    load_template,
    main,
    provision,
)

REGION = "eu-west-3"
REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED_ENV_KEYS = {
    "PASSERELLE_REGION",
    "PASSERELLE_TABLE",
    "PASSERELLE_IDEMPOTENCY_TABLE",
    "PASSERELLE_EXPORTS_BUCKET",
    "PASSERELLE_SITE_BUCKET",
    "PASSERELLE_MATCHING_QUEUE_URL",
    "PASSERELLE_EXPORTS_QUEUE_URL",
    "PASSERELLE_OUTBOX_QUEUE_URL",
    "PASSERELLE_SIGNING_SECRET",
    "PASSERELLE_ORIGIN_SECRET",
    "PASSERELLE_STAFF_EMAILS_PARAM",
    "PASSERELLE_SENDER",
    "PASSERELLE_STAGE",
    "PASSERELLE_SMS_SENDER_ID",
}


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", REGION)
        env.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture(scope="module")
def app_env(moto_endpoint: str) -> dict[str, str]:
    return provision(moto_endpoint)


@pytest.fixture(scope="module")
def aws(moto_endpoint: str) -> Callable[[str], Any]:
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = boto3.client(service, endpoint_url=moto_endpoint, region_name=REGION)
        return clients[service]

    return client


def test_provision_returns_the_app_environment(app_env: dict[str, str]) -> None:
    assert set(app_env) == EXPECTED_ENV_KEYS
    assert all(app_env.values())
    assert app_env["PASSERELLE_STAGE"] == "local"
    assert app_env["PASSERELLE_REGION"] == "44"  # the tests' région (none set in their environment)
    assert app_env["PASSERELLE_TABLE"] == "passerelle-local-data"
    assert app_env["PASSERELLE_SIGNING_SECRET"] == "passerelle/local/signing-key"
    assert app_env["PASSERELLE_STAFF_EMAILS_PARAM"] == "/passerelle/local/staff-emails"
    assert app_env["PASSERELLE_SENDER"] == "ne-pas-repondre@passerelle.grandest.example"
    assert app_env["PASSERELLE_SMS_SENDER_ID"] == "Passerelle"


def test_sms_settings_come_from_the_stack_parameters(app_env, aws) -> None:
    attributes = aws("sns").get_sms_attributes()["attributes"]
    assert attributes["DefaultSenderID"] == "Passerelle"
    assert attributes["MonthlySpendLimit"] == "50"
    assert attributes["DefaultSMSType"] == "Transactional"


def test_data_table_has_the_single_table_keys_and_three_indexes(app_env, aws) -> None:
    table = aws("dynamodb").describe_table(TableName=app_env["PASSERELLE_TABLE"])["Table"]

    assert table["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"GSI1", "GSI2", "GSI3"}
    for name, index in indexes.items():
        assert index["KeySchema"] == [
            {"AttributeName": f"{name}PK", "KeyType": "HASH"},
            {"AttributeName": f"{name}SK", "KeyType": "RANGE"},
        ]
        assert index["Projection"] == {"ProjectionType": "ALL"}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


def test_idempotency_table_matches_powertools_defaults(app_env, aws) -> None:
    table = aws("dynamodb").describe_table(TableName=app_env["PASSERELLE_IDEMPOTENCY_TABLE"])["Table"]

    assert table["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize(
    ("env_key", "ttl_attribute"),
    [("PASSERELLE_TABLE", "ttl"), ("PASSERELLE_IDEMPOTENCY_TABLE", "expiration")],
)
def test_tables_have_ttl_and_point_in_time_recovery(app_env, aws, env_key, ttl_attribute) -> None:
    dynamodb = aws("dynamodb")
    name = app_env[env_key]

    ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
    backups = dynamodb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]

    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": ttl_attribute}
    assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"


@pytest.mark.parametrize("env_key", ["PASSERELLE_SITE_BUCKET", "PASSERELLE_EXPORTS_BUCKET"])
def test_buckets_are_encrypted_and_private(app_env, aws, env_key) -> None:
    s3 = aws("s3")
    bucket = app_env[env_key]

    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    public_access = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    ownership = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]

    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert public_access == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert ownership["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_site_bucket_is_versioned(app_env, aws) -> None:
    versioning = aws("s3").get_bucket_versioning(Bucket=app_env["PASSERELLE_SITE_BUCKET"])

    assert versioning["Status"] == "Enabled"


def test_exports_expire_after_seven_days(app_env, aws) -> None:
    rules = aws("s3").get_bucket_lifecycle_configuration(Bucket=app_env["PASSERELLE_EXPORTS_BUCKET"])["Rules"]

    assert len(rules) == 1
    assert rules[0]["Status"] == "Enabled"
    assert rules[0]["Expiration"] == {"Days": 7}
    assert rules[0]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}


@pytest.mark.parametrize(
    ("env_key", "dead_letter_name", "visibility_timeout", "tries"),
    [
        ("PASSERELLE_MATCHING_QUEUE_URL", "passerelle-local-matching-dlq", "360", 3),
        ("PASSERELLE_EXPORTS_QUEUE_URL", "passerelle-local-exports-dlq", "720", 3),
        # e-mails: SES throttling passes within seconds, more tries before giving up
        ("PASSERELLE_OUTBOX_QUEUE_URL", "passerelle-local-outbox-dlq", "180", 5),
    ],
)
def test_queues_redrive_to_their_dead_letter_queue(
    app_env, aws, env_key, dead_letter_name, visibility_timeout, tries
) -> None:
    sqs = aws("sqs")
    attributes = sqs.get_queue_attributes(QueueUrl=app_env[env_key], AttributeNames=["All"])["Attributes"]
    dead_letter_url = sqs.get_queue_url(QueueName=dead_letter_name)["QueueUrl"]
    dead_letter_arn = sqs.get_queue_attributes(QueueUrl=dead_letter_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]

    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": dead_letter_arn,
        "maxReceiveCount": tries,
    }
    assert attributes["VisibilityTimeout"] == visibility_timeout
    assert attributes["SqsManagedSseEnabled"] == "true"


def test_a_message_received_three_times_lands_in_the_dead_letter_queue(app_env, aws) -> None:
    sqs = aws("sqs")
    queue_url = app_env["PASSERELLE_MATCHING_QUEUE_URL"]
    dead_letter_url = sqs.get_queue_url(QueueName="passerelle-local-matching-dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=queue_url, MessageBody='{"bassin": "4406"}')

    received = [
        sqs.receive_message(QueueUrl=queue_url, VisibilityTimeout=0).get("Messages", []) for _ in range(4)
    ]
    dead_letters = sqs.receive_message(QueueUrl=dead_letter_url).get("Messages", [])

    assert [len(messages) for messages in received] == [1, 1, 1, 0]
    assert [message["Body"] for message in dead_letters] == ['{"bassin": "4406"}']


def test_signing_secret_and_staff_emails_exist(app_env, aws) -> None:
    secret = aws("secretsmanager").get_secret_value(SecretId=app_env["PASSERELLE_SIGNING_SECRET"])
    parameter = aws("ssm").get_parameter(Name=app_env["PASSERELLE_STAFF_EMAILS_PARAM"])["Parameter"]

    assert len(secret["SecretString"]) >= 64
    assert parameter["Type"] == "StringList"
    assert "agent@example.org" in parameter["Value"].split(",")  # the suite adds a colleague


def test_sender_identity_is_verified(app_env, aws) -> None:
    identities = aws("ses").list_identities(IdentityType="EmailAddress")["Identities"]

    assert app_env["PASSERELLE_SENDER"] in identities


def test_provisioning_twice_reuses_the_stack_and_keeps_the_secret(moto_endpoint, app_env, aws) -> None:
    secret_id = app_env["PASSERELLE_SIGNING_SECRET"]
    secret_before = aws("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]

    again = provision(moto_endpoint)

    stacks = aws("cloudformation").describe_stacks()["Stacks"]
    assert again == app_env
    assert [stack["StackName"] for stack in stacks] == ["passerelle-local"]
    assert aws("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"] == secret_before
    ttl = aws("dynamodb").describe_time_to_live(TableName=app_env["PASSERELLE_TABLE"])
    assert ttl["TimeToLiveDescription"]["TimeToLiveStatus"] == "ENABLED"


def test_cli_prints_the_environment_as_key_value_lines(moto_endpoint, app_env, capsys) -> None:
    exit_code = main(["--endpoint", moto_endpoint, "--stage", "local"])

    lines = capsys.readouterr().out.splitlines()
    assert exit_code == 0
    assert dict(line.split("=", 1) for line in lines) == app_env


def test_only_types_moto_cannot_create_are_left_out() -> None:
    # If a moto upgrade implements one of these types, provision.py must stop removing it.
    from moto.cloudformation.parsing import get_model_map

    template = load_template()
    types_moto_would_create = {
        resource["Type"] for resource in template["Resources"].values() if "Condition" not in resource
    }

    assert types_moto_would_create - set(get_model_map()) == MOTO_UNSUPPORTED_TYPES


@pytest.mark.parametrize("logical_id", ["DataTable", "IdempotencyTable"])
def test_tables_declare_encryption_at_rest(logical_id) -> None:
    # Checked on the template: moto reads the CloudFormation `SSEEnabled` key as the API's `Enabled`
    # and so never reports SSE for a table created by a stack.
    properties = load_template()["Resources"][logical_id]["Properties"]

    assert properties["SSESpecification"] == {"SSEEnabled": True}


def test_cloudfront_exists_only_once_the_api_domain_is_known() -> None:
    template = load_template()
    cloudfront = {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"].startswith("AWS::CloudFront::")
    }

    assert set(cloudfront) == {
        "Distribution",
        "SiteOriginAccessControl",
        "SecurityHeadersPolicy",
        "ApiOriginRequestPolicy",
    }
    assert all(resource["Condition"] == "HasApi" for resource in cloudfront.values())


def test_cloudfront_sends_the_security_headers_of_the_dev_server() -> None:
    """One list of security headers (scripts/dev_server.py), served the same locally and by CloudFront."""
    from scripts.dev_server import SECURITY_HEADERS

    config = load_template()["Resources"]["SecurityHeadersPolicy"]["Properties"][
        "ResponseHeadersPolicyConfig"
    ]
    security = config["SecurityHeadersConfig"]
    assert all(header["Override"] for header in security.values())
    served = {
        "Content-Security-Policy": security["ContentSecurityPolicy"]["ContentSecurityPolicy"],
        "X-Content-Type-Options": "nosniff" if security["ContentTypeOptions"] else None,
        "Referrer-Policy": security["ReferrerPolicy"]["ReferrerPolicy"],
        "X-Frame-Options": security["FrameOptions"]["FrameOption"],
        **{item["Header"]: item["Value"] for item in config["CustomHeadersConfig"]["Items"]},
    }
    assert served == SECURITY_HEADERS
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000  # HTTPS only: not local


def test_signing_secret_value_is_generated_not_written() -> None:
    properties = load_template()["Resources"]["SigningSecret"]["Properties"]

    assert "SecretString" not in properties
    assert properties["GenerateSecretString"]["PasswordLength"] >= 64


def test_template_passes_cfn_lint() -> None:
    cfn_lint = Path(sys.executable).with_name("cfn-lint")

    result = subprocess.run(
        [str(cfn_lint), str(TEMPLATE_PATH)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
