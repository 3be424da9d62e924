"""Every e-mail the services queue on the outbox (`outbox.email(to, template, **data)`) names a
template of chalicelib/emails.TEMPLATES whose parameters are exactly the keywords given, and each
template renders from values that went through JSON as the worker receives them (a tuple becomes a
list). A mistake here would only show as a poison message in the dead-letter queue."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import pytest

from chalicelib import emails

ROOT = Path(__file__).resolve().parents[2]


def _queued_emails() -> list[tuple[str, int, str, set[str]]]:
    """(file, line, template, keywords) of each `outbox.email(...)` / `_send(..., "template", ...)`."""
    found = []
    for path in sorted((ROOT / "chalicelib" / "services").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            owner = getattr(node.func, "value", None)
            is_outbox = name == "email" and isinstance(owner, ast.Name) and owner.id == "outbox"
            is_wrapper = name == "_send" and path.name == "cohort_import.py"
            template = node.args[1]
            if (is_outbox or is_wrapper) and isinstance(template, ast.Constant):
                keywords = {k.arg for k in node.keywords if k.arg}
                found.append((path.name, node.lineno, template.value, keywords))
    return found


QUEUED = _queued_emails()


def test_the_daily_jobs_digests_and_invitations_queue_their_e_mails():
    files = {file for file, *_ in QUEUED}
    assert {
        "housekeeping.py",
        "employer_responsiveness.py",
        "notify_matches.py",
        "followup_survey.py",
        "cohort_import.py",
        "candidate_matches.py",
    } <= files


@pytest.mark.parametrize(("file", "line", "template", "keywords"), QUEUED, ids=lambda v: str(v))
def test_each_queued_e_mail_names_a_template_with_its_parameters(file, line, template, keywords):
    assert template in emails.TEMPLATES, f"{file}:{line}"
    parameters = inspect.signature(emails.TEMPLATES[template]).parameters
    required = {n for n, p in parameters.items() if p.default is inspect.Parameter.empty}
    assert required <= keywords <= set(parameters), f"{file}:{line}"


SAMPLES = {
    "plain": {"subject": "Sujet", "paragraphs": ["Bonjour,", "Texte."], "link": ("Voir", "https://x/a")},
    "digest": {
        "lines": ["• Boulanger"],
        "unsubscribe_url": "https://x/p",
        "intro": "1 offre",
        "space": "https://x/o",
    },
    "invitation": {
        "first_name": "Léa",
        "structure_name": "AFPA",
        "training_title": "Cuisinier",
        "token": "t" * 32,
    },
    "invitation_existing_account": {
        "structure_name": "AFPA",
        "training_title": "Cuisinier",
        "token": "t" * 32,
    },
    "followup_question": {
        "first_name": "Léa",
        "training_title": "Cuisinier",
        "due_words": "un mois",
        "url": "https://x/suivi.html#token=abc",
        "last_day": "1er mars 2027",
    },
}


@pytest.mark.parametrize("template", sorted(SAMPLES))
def test_a_template_renders_from_what_the_queue_carries(template):
    data = json.loads(json.dumps(SAMPLES[template]))  # what the worker reads back
    subject, text, html = emails.render(template, data)
    assert subject and text and html.startswith("<")
    for value in SAMPLES[template].values():
        if isinstance(value, str) and value.startswith("https://"):
            assert value in text
