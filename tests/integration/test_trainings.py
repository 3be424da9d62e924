"""Trainings and cohort imports through the API (docs/structures.md): the sample files as Excel and
LibreOffice save them, dry run, real import, idempotency (also concurrent), invitations accepted,
linked and declined, one structure never seeing another's."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from scripts.moto_mail import messages_to
from tests.factories import (
    cohort_csv,
    invitation_acceptance,
    sample_file,
    training_payload,
    unique_email,
)
from tests.integration.helpers import call, new_candidate, new_member

pytestmark = pytest.mark.usefixtures("empty_queues")
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


def writes_during(action):
    """Runs `action` and returns its answer and the DynamoDB writes it made (botocore hooks on the
    app's own clients: the test client serves the request in this process)."""
    from chalicelib.repositories.db import count_requests

    with count_requests() as counts:
        answer = action()
    return answer, {op: n for op, n in counts.items() if op in WRITES}


INVITE = re.compile(r"/invitation\.html#token=([A-Za-z0-9_-]{32,})")


def upload(
    client, member, training_id: str, raw: bytes, dry_run: bool = False, content_type: str = "text/csv"
):
    path = f"/api/trainings/{training_id}/trainees" + ("?dry_run=true" if dry_run else "")
    return call(client, "POST", path, raw, cookie=member.cookie, Content_Type=content_type)


def new_training(client, member, **overrides) -> str:
    answer = call(client, "POST", "/api/trainings", training_payload(**overrides), cookie=member.cookie)
    assert answer.status == 201, answer.body
    return answer.body["id"]


def invitation_token(moto_endpoint: str, email: str) -> str:
    for message in reversed(messages_to(moto_endpoint, email)):
        found = INVITE.findall(message.get("body", ""))
        if found:
            return found[-1]
    raise AssertionError(f"no invitation e-mailed to {email}")


@pytest.fixture
def trainer(client, moto_endpoint):
    return new_member(client, moto_endpoint)


def test_declare_a_training_from_the_catalogue_with_its_rome_codes(client, trainer):
    from chalicelib.domain.certifications import get_catalogue

    certification = next(c for c in get_catalogue().search("cuisine", 20) if c.code_rome)
    body = training_payload(certification_code=certification.code)
    body.pop("code_rome")
    answer = call(client, "POST", "/api/trainings", body, cookie=trainer.cookie)
    assert answer.status == 201, answer.body
    training = call(client, "GET", f"/api/trainings/{answer.body['id']}", cookie=trainer.cookie)
    assert training.status == 200 and training.headers["ETag"] == '"1"'
    assert training.body["certification_title"] == certification.title
    assert training.body["code_rome"] and set(training.body["code_rome"]) <= set(certification.code_rome)
    assert training.body["counts"] == {
        "invited": 0,
        "registered": 0,
        "declined": 0,
        "matched": 0,
        "interested": 0,
        "hired": 0,
    }

    listed = call(client, "GET", "/api/trainings", cookie=trainer.cookie)
    assert [t["id"] for t in listed.body["items"]] == [answer.body["id"]]

    patched = call(
        client,
        "PATCH",
        f"/api/trainings/{answer.body['id']}",
        {"places": 20, "code_rome": ["G1602"]},
        cookie=trainer.cookie,
        If_Match="1",
    )
    assert patched.status == 200 and patched.body["places"] == 20 and patched.body["code_rome"] == ["G1602"]
    stale = call(
        client,
        "PATCH",
        f"/api/trainings/{answer.body['id']}",
        {"places": 5},
        cookie=trainer.cookie,
        If_Match="1",
    )
    assert stale.status == 409


def test_bad_trainings_are_refused_naming_the_field(client, trainer):
    for overrides, field in (
        ({"certification_code": "000000000"}, "certification_code"),
        ({"code_rome": ["Z9999"]}, "code_rome"),
        ({"code_rome": []}, "code_rome"),
        ({"end_date": "2020-01-01"}, "end_date"),
        ({"code_insee": "75056"}, "code_insee"),
        ({"places": 0}, "places"),
    ):
        answer = call(client, "POST", "/api/trainings", training_payload(**overrides), cookie=trainer.cookie)
        assert answer.status == 400, (overrides, answer.body)
        assert field in answer.body["error"]["fields"], answer.body


def test_excel_file_dry_run_reports_every_mistake_and_stores_nothing(client, moto_endpoint, trainer):
    training_id = new_training(client, trainer)
    report, writes = writes_during(
        lambda: upload(
            client, trainer, training_id, sample_file("cohorte_excel_windows1252.csv"), dry_run=True
        )
    )
    assert report.status == 200, report.body
    body = report.body
    assert body["rows"] == 28
    invalid = {(e["line"], e["field"]) for e in body["invalid"]}
    assert (6, "email") in invalid and (11, "last_name") in invalid and (19, "first_name") in invalid
    assert all(e["message"] and e["message"][0].isupper() for e in body["invalid"])
    assert body["duplicates"] == [{"line": 15, "email": "lea.fischer.xl2@exemple.fr"}]
    assert body["valid"] == len(body["trainees"]) == 28 - len({e["line"] for e in body["invalid"]}) - 1
    by_line = {t["line"]: t for t in body["trainees"]}
    assert by_line[23]["email"] == "remi.huber.xl21@exemple.fr"  # spaces trimmed
    assert by_line[2]["first_name"] == "Hélène" and by_line[2]["phone"] == "+33679715373"
    assert by_line[5]["phone"] == "+33768373658"  # 07.68.37.36.58
    assert writes == {}  # nothing stored
    assert messages_to(moto_endpoint, "helene.dupre.xl0@exemple.fr") == []


def test_libreoffice_file_and_a_file_without_email(client, trainer):
    training_id = new_training(client, trainer)
    report = upload(client, trainer, training_id, sample_file("cohorte_utf8_bom_virgules.csv"), dry_run=True)
    assert report.status == 200, report.body
    assert report.body["rows"] == 12 and report.body["invalid"] == [
        {"line": 5, "field": "phone", "message": report.body["invalid"][0]["message"]}
    ]
    assert report.body["trainees"][0]["first_name"] == "Hélène"

    refused = upload(client, trainer, training_id, sample_file("cohorte_sans_email.csv"), dry_run=True)
    assert refused.status == 400 and "email" in refused.body["error"]["fields"]
    assert "email" in refused.body["error"]["message"]


@pytest.mark.parametrize(
    ("raw", "status", "field"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00binary", 400, "file"),
        (b"", 400, "file"),
        (
            "Prénom;Nom;E-mail\r\n".encode() + b"".join(b"A;B;a%d@exemple.fr\r\n" % i for i in range(501)),
            400,
            "file",
        ),
        (b"Prenom;Nom;Email\r\n" + b"x" * (600 * 1024), 413, None),
        (b"Prenom Nom Email\r\nLea Martin lea@exemple.fr\r\n", 400, "file"),
    ],
    ids=["xlsx-zip", "empty", "501-rows", "too-large", "no-separator"],
)
def test_unreadable_files_are_refused_and_nothing_is_stored(client, trainer, raw, status, field):
    training_id = new_training(client, trainer)
    answer, writes = writes_during(lambda: upload(client, trainer, training_id, raw))
    assert answer.status == status, answer.body
    if field:
        assert field in answer.body["error"]["fields"]
    assert writes == {}


def test_import_invites_valid_rows_once_and_twice_invites_nobody(client, moto_endpoint, trainer):
    training_id = new_training(client, trainer)
    raw = sample_file("cohorte_excel_windows1252.csv")
    first, writes = writes_during(lambda: upload(client, trainer, training_id, raw))
    assert first.status == 200, first.body
    assert writes == {"TransactWriteItems": 24}  # the hook sees writes: one per invited line
    valid = first.body["invited"]
    assert valid == 28 - 3 - 1 and first.body["already_invited"] == 0  # 3 wrong lines, 1 duplicate
    assert {e["line"] for e in first.body["invalid"]} >= {6, 11, 19}
    assert len(messages_to(moto_endpoint, "helene.dupre.xl0@exemple.fr")) == 1
    assert messages_to(moto_endpoint, "pas-une-adresse") == []

    second = upload(client, trainer, training_id, raw)
    assert second.body["invited"] == 0 and second.body["already_invited"] == valid
    assert len(messages_to(moto_endpoint, "helene.dupre.xl0@exemple.fr")) == 1

    cohort = call(client, "GET", f"/api/trainings/{training_id}/trainees", cookie=trainer.cookie)
    assert cohort.status == 200 and len(cohort.body["items"]) == valid
    formula = [t for t in cohort.body["items"] if t["first_name"].startswith("=")]
    assert formula == []  # the formula line was refused, never stored
    assert all(t["status"] == "invited" and t["matched"] is None for t in cohort.body["items"])
    counts = call(client, "GET", "/api/trainings", cookie=trainer.cookie).body["items"][0]["counts"]
    assert counts["invited"] == valid


def test_concurrent_imports_of_the_same_rows_invite_each_address_once(client, moto_endpoint, trainer):
    training_id = new_training(client, trainer)
    emails = [unique_email("stagiaire") for _ in range(8)]
    raw = cohort_csv([("Léa", "Martin", e) for e in emails])
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: upload(client, trainer, training_id, raw), range(4)))
    assert all(a.status == 200 for a in answers), [a.body for a in answers]
    assert sum(a.body["invited"] for a in answers) == len(emails)
    assert sum(a.body["already_invited"] for a in answers) == 3 * len(emails)
    assert all(len(messages_to(moto_endpoint, e)) == 1 for e in emails)


def test_json_rows_with_their_line_numbers(client, trainer):
    training_id = new_training(client, trainer)
    body = {
        "trainees": [
            {"line": 7, "first_name": "Léa", "last_name": "Martin", "email": unique_email()},
            {"line": 9, "first_name": "", "last_name": "X", "email": "x"},
        ]
    }
    answer = call(
        client, "POST", f"/api/trainings/{training_id}/trainees?dry_run=true", body, cookie=trainer.cookie
    )
    assert answer.status == 200, answer.body
    assert answer.body["trainees"][0]["line"] == 7
    assert {(e["line"], e["field"]) for e in answer.body["invalid"]} == {(9, "first_name"), (9, "email")}


def test_an_invited_trainee_accepts_with_the_training_filled_in_and_shares(client, moto_endpoint, trainer):
    training_id = new_training(client, trainer)
    email = unique_email("stagiaire")
    assert upload(client, trainer, training_id, cohort_csv([("Inès", "Klein", email)])).body["invited"] == 1
    token = invitation_token(moto_endpoint, email)

    invitation = call(client, "GET", f"/api/invitations/{token}")
    assert invitation.status == 200, invitation.body
    assert invitation.body["email"] == email and invitation.body["first_name"] == "Inès"
    assert invitation.body["structure"] == {"name": trainer.body["name"], "kind": "organisme_formation"}
    assert invitation.body["training"]["title"] == training_payload()["title"]
    assert invitation.body["account_exists"] is False

    missing_consent = call(
        client, "POST", f"/api/invitations/{token}", invitation_acceptance(consent_terms=False)
    )
    assert missing_consent.status == 400 and "consent_terms" in missing_consent.body["error"]["fields"]
    accepted = call(
        client,
        "POST",
        f"/api/invitations/{token}",
        invitation_acceptance(first_name="Inès", last_name="Klein"),
    )
    assert accepted.status == 201, accepted.body
    cookie = accepted.headers["Set-Cookie"].split(";", 1)[0]
    me = call(client, "GET", "/api/candidates/me", cookie=cookie)
    assert me.body["email"] == email and me.body["training"]["title"] == training_payload()["title"]
    assert me.body["training"]["organisation"] == trainer.body["name"]

    assert call(client, "GET", f"/api/invitations/{token}").status == 404  # single use
    assert call(client, "POST", f"/api/invitations/{token}", invitation_acceptance()).status == 404
    cohort = call(client, "GET", f"/api/trainings/{training_id}/trainees", cookie=trainer.cookie).body[
        "items"
    ]
    assert cohort[0]["status"] == "registered" and cohort[0]["shared"] is True
    assert cohort[0]["email"] is None and cohort[0]["matched"] == 0

    # Erasure: the line stays "registered", without any link to the account or its progress.
    assert call(client, "DELETE", "/api/candidates/me", cookie=cookie).status == 204
    cohort = call(client, "GET", f"/api/trainings/{training_id}/trainees", cookie=trainer.cookie).body[
        "items"
    ]
    assert (
        cohort[0]["status"] == "registered" and cohort[0]["shared"] is False and cohort[0]["matched"] is None
    )


def test_a_trainee_who_does_not_share_shows_no_progress(client, moto_endpoint, trainer):
    training_id = new_training(client, trainer)
    email = unique_email("stagiaire")
    upload(client, trainer, training_id, cohort_csv([("Noé", "Roth", email)]))
    token = invitation_token(moto_endpoint, email)
    accepted = call(
        client, "POST", f"/api/invitations/{token}", invitation_acceptance(share_with_structure=False)
    )
    assert accepted.status == 201
    line = call(client, "GET", f"/api/trainings/{training_id}/trainees", cookie=trainer.cookie).body["items"][
        0
    ]
    assert line["status"] == "registered" and line["shared"] is False
    assert line["matched"] is None and line["interested"] is None and line["hired"] is None


def test_declining_is_final_for_that_training(client, moto_endpoint, trainer):
    training_id = new_training(client, trainer)
    email = unique_email("stagiaire")
    raw = cohort_csv([("Zoé", "Weber", email)])
    upload(client, trainer, training_id, raw)
    token = invitation_token(moto_endpoint, email)
    assert call(client, "POST", f"/api/invitations/{token}/decline").status == 204
    assert call(client, "POST", f"/api/invitations/{token}/decline").status == 404
    again = upload(client, trainer, training_id, raw)
    assert again.body["invited"] == 0 and again.body["already_invited"] == 1
    assert len(messages_to(moto_endpoint, email)) == 1
    line = call(client, "GET", f"/api/trainings/{training_id}/trainees", cookie=trainer.cookie).body["items"][
        0
    ]
    assert line["status"] == "declined" and line["email"] is None


def test_an_existing_candidate_is_asked_to_link_instead_of_a_second_account(client, moto_endpoint, trainer):
    candidate = new_candidate(client, moto_endpoint)
    training_id = new_training(client, trainer)
    report = upload(client, trainer, training_id, cohort_csv([("Camille", "Dupont", candidate.email)]))
    assert report.body["invited"] == 0 and report.body["already_registered"] == 1
    token = invitation_token(moto_endpoint, candidate.email)
    invitation = call(client, "GET", f"/api/invitations/{token}")
    assert invitation.body["account_exists"] is True
    assert call(client, "POST", f"/api/invitations/{token}", invitation_acceptance()).status == 409

    other = new_candidate(client, moto_endpoint)
    assert (
        call(
            client,
            "POST",
            f"/api/invitations/{token}/link",
            {"share_with_structure": True},
            cookie=other.cookie,
        ).status
        == 403
    )
    linked = call(
        client,
        "POST",
        f"/api/invitations/{token}/link",
        {"share_with_structure": True},
        cookie=candidate.cookie,
    )
    assert linked.status == 204, linked.body
    me = call(client, "GET", "/api/candidates/me", cookie=candidate.cookie).body
    assert me["training"]["title"] == training_payload()["title"]
    line = call(client, "GET", f"/api/trainings/{training_id}/trainees", cookie=trainer.cookie).body["items"][
        0
    ]
    assert line["status"] == "registered" and line["shared"] is True


def test_another_structures_training_and_cohort_are_not_found(client, moto_endpoint, trainer):
    training_id = new_training(client, trainer)
    other = new_member(client, moto_endpoint)
    for method, path, body in (
        ("GET", f"/api/trainings/{training_id}", None),
        ("PATCH", f"/api/trainings/{training_id}", {"places": 3}),
        ("GET", f"/api/trainings/{training_id}/trainees", None),
    ):
        answer = call(client, method, path, body, cookie=other.cookie, If_Match="1")
        assert answer.status == 404, (method, path, answer.body)
    assert upload(client, other, training_id, cohort_csv([("A", "B", unique_email())])).status == 404
    assert call(client, "GET", "/api/trainings", cookie=other.cookie).body["items"] == []
    advisor = new_member(client, moto_endpoint, "accompagnement")
    assert call(client, "GET", "/api/trainings", cookie=advisor.cookie).status == 403


def test_staff_exports_structures_and_trainings(client, moto_endpoint, trainer):
    import csv
    import io
    import urllib.request

    from chalicelib.jobs.exports import handle_export_message
    from tests.integration.helpers import drain_exports_queue, staff_session

    training_id = new_training(client, trainer, title="Titre professionnel cuisinier export")
    upload(client, trainer, training_id, cohort_csv([("Léa", "Martin", unique_email())]))
    staff = staff_session(client)
    for kind, wanted in (
        ("structures", trainer.body["name"]),
        ("trainings", "Titre professionnel cuisinier export"),
    ):
        queued = call(
            client,
            "POST",
            "/api/staff/exports",
            {"kind": kind, "format": "csv", "bassin": "4410"},
            cookie=staff,
        )
        assert queued.status == 202, queued.body
        for body in drain_exports_queue():
            handle_export_message(body)
        done = call(client, "GET", f"/api/staff/exports/{queued.body['id']}", cookie=staff).body
        assert done["status"] == "done", done
        with urllib.request.urlopen(done["download_url"], timeout=10) as response:
            rows = list(
                csv.reader(io.StringIO(response.read().decode("utf-8-sig"), newline=""), delimiter=";")
            )
        assert rows[0][0] == "Identifiant" and done["rows"] == len(rows) - 1
        mine = [r for r in rows if wanted in r]
        assert mine, (kind, rows[:3])
        if kind == "trainings":
            assert mine[0][-3:] == ["1", "0", "0"]  # invited, registered, declined


def test_a_trainee_withdraws_and_gives_back_their_consent_to_share(client, moto_endpoint, trainer):
    training_id = new_training(client, trainer)
    email = unique_email("stagiaire")
    upload(client, trainer, training_id, cohort_csv([("Inès", "Klein", email)]))
    accepted = call(
        client, "POST", f"/api/invitations/{invitation_token(moto_endpoint, email)}", invitation_acceptance()
    )
    cookie = accepted.headers["Set-Cookie"].split(";", 1)[0]
    mine = call(client, "GET", "/api/candidates/me/sharing", cookie=cookie).body["items"]
    assert mine == [
        {
            "training_id": training_id,
            "training_title": training_payload()["title"],
            "structure_name": trainer.body["name"],
            "shared": True,
            "kind": "training",
        }
    ]

    exported = call(client, "GET", "/api/candidates/me/export", cookie=cookie).body
    assert exported["structures"] == mine  # the RGPD access copy says it too
    stop = call(client, "POST", f"/api/candidates/me/sharing/{training_id}", {"shared": False}, cookie=cookie)
    assert stop.status == 200 and stop.body["shared"] is False
    line = call(client, "GET", f"/api/trainings/{training_id}/trainees", cookie=trainer.cookie).body["items"][
        0
    ]
    assert line["shared"] is False and line["matched"] is None
    other = new_candidate(client, moto_endpoint)
    assert (
        call(
            client, "POST", f"/api/candidates/me/sharing/{training_id}", {"shared": True}, cookie=other.cookie
        ).status
        == 404
    )
    assert (
        call(
            client, "POST", f"/api/candidates/me/sharing/{training_id}", {"shared": True}, cookie=cookie
        ).body["shared"]
        is True
    )


def test_a_candidate_signing_up_alone_may_name_a_certification_of_the_catalogue(client, moto_endpoint):
    from chalicelib.domain.certifications import get_catalogue
    from tests.factories import candidate_payload

    certification = get_catalogue().search("cuisine", 1)[0]
    candidate = new_candidate(client, moto_endpoint, training__certification_code=certification.code)
    me = call(client, "GET", "/api/candidates/me", cookie=candidate.cookie).body
    assert me["training"]["certification_code"] == certification.code
    unknown = call(
        client, "POST", "/api/candidates", candidate_payload(training__certification_code="000000000")
    )
    assert unknown.status == 400 and "training.certification_code" in unknown.body["error"]["fields"]
    free_text = new_candidate(client, moto_endpoint)  # the catalogue stays optional
    assert (
        call(client, "GET", "/api/candidates/me", cookie=free_text.cookie)
        .body["training"]
        .get("certification_code")
        is None
    )


def test_a_second_organismes_invitation_offers_to_link_once_the_first_was_accepted(
    client, moto_endpoint, trainer
):
    other = new_member(client, moto_endpoint)
    email = unique_email("stagiaire")
    first, second = new_training(client, trainer), new_training(client, other)
    upload(client, trainer, first, cohort_csv([("Léa", "Martin", email)]))
    upload(client, other, second, cohort_csv([("Léa", "Martin", email)]))
    tokens = INVITE.findall(" ".join(m["body"] for m in messages_to(moto_endpoint, email)))
    assert len(set(tokens)) == 2
    accepted = call(client, "POST", f"/api/invitations/{tokens[0]}", invitation_acceptance())
    assert accepted.status == 201
    assert call(client, "GET", f"/api/invitations/{tokens[1]}").body["account_exists"] is True
    cookie = accepted.headers["Set-Cookie"].split(";", 1)[0]
    assert (
        call(
            client,
            "POST",
            f"/api/invitations/{tokens[1]}/link",
            {"share_with_structure": False},
            cookie=cookie,
        ).status
        == 204
    )
    assert {
        s["structure_name"]
        for s in call(client, "GET", "/api/candidates/me/sharing", cookie=cookie).body["items"]
    } == {
        trainer.body["name"],
        other.body["name"],
    }
