"""A région other than Grand Est as its own stage (issue 18): `prod` of région 32 is `prod-r32`.

Every resource name of infra/template.yaml carries the stage (`passerelle-${Stage}-data`, buckets
`passerelle-${Stage}-site-<account>-<aws region>`, secrets `passerelle/${Stage}/…`), so two régions
deployed in one account never share a stack, a table, a bucket, a queue or a secret. The Chalice
stage of a région gets the settings of its base stage (memory, timeouts, concurrency) and an IAM
policy derived from the base stage's by renaming its resources, so a région's functions reach only
their own stage's resources. `scripts/deploy.py --region-code 32` writes both into `.chalice/` (commit
them, as for the environment); the rehearsal writes them into a copy.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DEFAULT_REGION_CODE = "44"
_CODE = re.compile(r"[0-9]{2}")


def region_stage(stage: str, region_code: str = DEFAULT_REGION_CODE) -> str:
    if not _CODE.fullmatch(region_code):
        raise ValueError(f"code de région INSEE attendu (deux chiffres) : {region_code!r}")
    return stage if region_code == DEFAULT_REGION_CODE else f"{stage}-r{region_code}"


def derived_policy(policy: dict, base: str, stage: str, base_sender: str, sender: str) -> dict:
    """The base stage's policy with its resource names moved to `stage` (and its sender's)."""
    text = json.dumps(policy)
    text = text.replace(f"passerelle-{base}", f"passerelle-{stage}").replace(
        f"passerelle/{base}/", f"passerelle/{stage}/"
    )
    if sender != base_sender:
        text = text.replace(base_sender, sender).replace(
            base_sender.split("@", 1)[1], sender.split("@", 1)[1]
        )
    return json.loads(text)


def prepare(config_path: Path, base: str, stage: str, base_sender: str, sender: str) -> bool:
    """Add the Chalice stage `stage` (from `base`) and its policy file next to `config_path`;
    True when something was written."""
    if stage == base:
        return False
    config = json.loads(config_path.read_text(encoding="utf-8"))
    base_config = config["stages"][base]
    policy_name = f"policy-{stage}.json"
    wanted = {
        **{k: v for k, v in base_config.items() if k != "environment_variables"},
        "iam_policy_file": policy_name,
        "environment_variables": config["stages"].get(stage, {}).get("environment_variables", {}),
    }
    base_policy = json.loads(
        (config_path.parent / base_config["iam_policy_file"]).read_text(encoding="utf-8")
    )
    policy_text = json.dumps(derived_policy(base_policy, base, stage, base_sender, sender), indent=2) + "\n"
    policy_path = config_path.parent / policy_name
    changed = False
    if config["stages"].get(stage) != wanted:
        config["stages"][stage] = wanted
        config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
        changed = True
    if not policy_path.is_file() or policy_path.read_text(encoding="utf-8") != policy_text:
        policy_path.write_text(policy_text, encoding="utf-8")
        changed = True
    return changed
