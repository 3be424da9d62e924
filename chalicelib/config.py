"""Settings read once from the environment.

Resource names come from the infra/ stack outputs (written into the Lambda
environment at deploy time, or by scripts/provision.py locally): the code never
hard-codes a table, bucket or queue name.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache

from pydantic import BaseModel, ConfigDict, Field


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    stage: str = "local"
    # INSEE code of the région served (chalicelib/regions/<code>.json, its reference data): issue 18.
    region: str = Field(default="44", pattern=r"^[0-9]{2}$")
    table: str = Field(default="passerelle-data", min_length=1)
    idempotency_table: str = "passerelle-idempotency"
    exports_bucket: str = "passerelle-exports"
    site_bucket: str = "passerelle-site"
    matching_queue_url: str = ""
    exports_queue_url: str = ""
    outbox_queue_url: str = ""
    signing_secret: str = "passerelle/local/signing-key"  # noqa: S105 - the secret's name, not its value
    origin_secret: str = "passerelle/local/origin-key"  # noqa: S105 - the secret's name, not its value
    staff_emails_param: str = "/passerelle/local/staff-emails"
    sender: str = "ne-pas-repondre@passerelle.grandest.example"
    # SES configuration set that reports bounces and complaints (none locally: moto has none).
    ses_configuration_set: str = ""
    # Public address of the site, used in the links of e-mails.
    site_url: str = "http://127.0.0.1:8080"
    # Alphanumeric sender of SMS (infra/ parameter SmsSenderId): 3–11 letters or digits.
    sms_sender_id: str = "Passerelle"

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    @property
    def behind_cloudfront(self) -> bool:
        """Outside local, only CloudFront reaches the API (its origin header is checked)."""
        return not self.is_local

    @property
    def cookie_secure(self) -> bool:
        # Browsers refuse Secure cookies over plain http://127.0.0.1; every other stage is HTTPS.
        return not self.is_local


# The one list of the app's environment variables: setting → variable. scripts/provision.py (local)
# and scripts/deploy.py (AWS) write them with `stage_environment`; `get_settings` reads them back.
ENV = {
    "stage": "PASSERELLE_STAGE",
    "region": "PASSERELLE_REGION",
    "table": "PASSERELLE_TABLE",
    "idempotency_table": "PASSERELLE_IDEMPOTENCY_TABLE",
    "exports_bucket": "PASSERELLE_EXPORTS_BUCKET",
    "site_bucket": "PASSERELLE_SITE_BUCKET",
    "matching_queue_url": "PASSERELLE_MATCHING_QUEUE_URL",
    "exports_queue_url": "PASSERELLE_EXPORTS_QUEUE_URL",
    "outbox_queue_url": "PASSERELLE_OUTBOX_QUEUE_URL",
    "signing_secret": "PASSERELLE_SIGNING_SECRET",
    "origin_secret": "PASSERELLE_ORIGIN_SECRET",
    "staff_emails_param": "PASSERELLE_STAFF_EMAILS_PARAM",
    "sender": "PASSERELLE_SENDER",
    "site_url": "PASSERELLE_SITE_URL",
    "sms_sender_id": "PASSERELLE_SMS_SENDER_ID",
    "ses_configuration_set": "PASSERELLE_SES_CONFIGURATION_SET",
}
# Settings that name a resource of the infra/ stack → the stack output that holds the name.
STACK_OUTPUTS = {
    "table": "DataTableName",
    "idempotency_table": "IdempotencyTableName",
    "exports_bucket": "ExportsBucketName",
    "site_bucket": "SiteBucketName",
    "matching_queue_url": "MatchingQueueUrl",
    "exports_queue_url": "ExportsQueueUrl",
    "outbox_queue_url": "OutboxQueueUrl",
    "signing_secret": "SigningSecretName",
    "origin_secret": "OriginSecretName",
    "staff_emails_param": "StaffEmailsParameterName",
    "sms_sender_id": "SmsSenderId",
}


def stage_environment(
    outputs: Mapping[str, str],
    stage: str,
    sender: str,
    site_url: str | None = None,
    region: str | None = None,
) -> dict[str, str]:
    """The app's environment for a stage, from the outputs of its infra/ stack; `region` defaults to
    the PASSERELLE_REGION of this process (44 when unset)."""
    values = {
        "stage": stage,
        "region": region or os.environ.get(ENV["region"]) or "44",
        "sender": sender,
        **{s: outputs[o] for s, o in STACK_OUTPUTS.items()},
    }
    if site_url:
        values["site_url"] = site_url
    if stage != "local" and outputs.get("SesConfigurationSetName"):  # moto's SES has no configuration sets
        values["ses_configuration_set"] = outputs["SesConfigurationSetName"]
    return {ENV[setting]: value for setting, value in values.items()}


@cache
def get_settings() -> Settings:
    values = {field: os.environ[var] for field, var in ENV.items() if os.environ.get(var)}
    return Settings(**values)
