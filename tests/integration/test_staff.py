"""Staff back office through the API: access, exports built by the worker and downloaded, the
audit log, figures per bassin, matching runs started and followed.

Data is seeded through the repositories. The table is shared with the other modules, so each
export is narrowed to what this module alone seeds (a period in January 2024, or bassin 4418
Saint-Louis that no other test uses), and figures are compared before and after seeding.
"""

from __future__ import annotations

import csv
import io
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from openpyxl import load_workbook

from chalicelib.domain.calendar import paris_today
from chalicelib.domain.export_columns import CANDIDATE_HEADER, MATCH_HEADER, OFFER_HEADER, OUTCOME_HEADER
from tests.factories import (
    METZ,
    NANCY,
)
from tests.integration.helpers import (
    COLLEAGUE_EMAIL,
    STAFF_EMAIL,
    call,
    drain_exports_queue,
    drain_matching_queue,
    record_outcome,
    say_interest,
    seed_candidate,
    seed_match,
    session_for,
    sign_in,
    staff_session,
)
from tests.integration.helpers import seed_offer as _seed_offer

SAINT_LOUIS = "68297"  # bassin 4418
JANUARY_2024 = {"from": "2024-01-01", "to": "2024-01-31"}
STAMP_2024 = "2024-01-15T09:30:00+00:00"


pytestmark = [pytest.mark.usefixtures("empty_queues"), pytest.mark.own_table]


@pytest.fixture(scope="module")
def staff(app, moto_endpoint) -> tuple[str, str]:
    """(cookie, staff id) of the agent whose address is in SSM, signed in with the e-mailed link."""
    from chalice.test import Client

    with Client(app, stage_name="local") as client:
        cookie = sign_in(client, moto_endpoint, STAFF_EMAIL)
        me = call(client, "GET", "/api/auth/me", cookie=cookie)
    assert me.body["role"] == "staff" and me.body["id"].startswith("staff-")
    return cookie, me.body["id"]


def run_exports_worker() -> list[str | None]:
    """What the SQS event source does in AWS: each message of the exports queue to the handler."""
    from chalicelib.jobs.exports import handle_export_message

    return [handle_export_message(body) for body in drain_exports_queue()]


def request_export(client, cookie: str, **body) -> str:
    answer = call(client, "POST", "/api/staff/exports", body, cookie=cookie)
    assert answer.status == 202, answer.body
    return answer.body["id"]


def finished(client, cookie: str, export_id: str) -> dict:
    answer = call(client, "GET", f"/api/staff/exports/{export_id}", cookie=cookie)
    assert answer.status == 200, answer.body
    body = answer.body
    assert body["status"] == "done" and body["progress"] == 100, body
    query = parse_qs(urlparse(body["download_url"]).query)
    assert int(query["X-Amz-Expires"][0]) <= 900
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(0) < expires - datetime.now(UTC) <= timedelta(seconds=900)
    return body


def download(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read(), response.headers.get("Content-Disposition", "")


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def seed_offer(code_insee: str, status: str = "open", created_at: str | None = None, **overrides):
    return _seed_offer(code_insee=code_insee, status=status, created_at=created_at, **overrides)


def record(offer_id: str, candidate_id: str, *, interested: bool | None = None, status=None, at=None) -> None:
    if interested is not None:
        say_interest(offer_id, candidate_id, interested, at)
    if status:
        record_outcome(offer_id, candidate_id, status, at)


# --- access ---------------------------------------------------------------------------------
def test_every_staff_route_refuses_anonymous_candidates_and_employers(client):
    from chalicelib.api.routing import ROUTES, Role

    staff_routes = [spec for spec in ROUTES if spec.path.startswith("/staff/")]
    assert len(staff_routes) >= 7 and all(spec.access == {Role.STAFF} for spec in staff_routes)
    candidate = session_for(client, "cand-" + uuid.uuid4().hex, "candidate")
    employer = session_for(client, "emp-" + uuid.uuid4().hex, "employer")
    for spec in staff_routes:
        path = "/api" + spec.path.replace("{run_id}", "x").replace("{export_id}", "x").replace(
            "{employer_id}", "x"
        )
        body = {"kind": "offers", "format": "csv"} if spec.method == "POST" else None
        assert call(client, spec.method, path, body).status == 401, spec.path
        for cookie in (candidate, employer):
            answer = call(client, spec.method, path, body, cookie=cookie)
            assert answer.status == 403 and answer.body["error"]["code"] == "forbidden", spec.path


# --- exports ------------------------------------------------------------------------------------
def test_candidates_csv_export_is_built_in_the_background_and_downloaded(client, staff):
    cookie, _ = staff
    old = {"created_at": STAMP_2024, "updated_at": STAMP_2024}
    consenting = seed_candidate(first_name="Léa", last_name="Müller; Dupré", **old)
    silent = seed_candidate(consent_contact=False, first_name="Noé", **old)
    paused = seed_candidate(visible=False, **old)
    seed_candidate(code_insee=NANCY, bassin="4412", **old)  # another bassin
    seed_candidate()  # this bassin, signed up today: outside the period

    export_id = request_export(client, cookie, kind="candidates", format="csv", bassin="4410", **JANUARY_2024)
    pending = call(client, "GET", f"/api/staff/exports/{export_id}", cookie=cookie).body
    assert pending["status"] == "pending" and pending["download_url"] is None and pending["rows"] == 0

    assert run_exports_worker() == ["done"]
    body = finished(client, cookie, export_id)
    assert body["rows"] == 3 and body["filters"] == {"bassin": "4410", **JANUARY_2024}
    filename = f"passerelle-candidats-4410-{paris_today().isoformat()}.csv"
    assert body["filename"] == filename

    data, disposition = download(body["download_url"])
    assert filename in disposition and disposition.startswith("attachment")
    header, *rows = csv_rows(data)
    assert header == list(CANDIDATE_HEADER)
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_id) == {consenting.id, silent.id, paused.id}
    row = by_id[consenting.id]
    assert (row["Nom"], row["E-mail"], row["Téléphone"]) == (
        "Müller; Dupré",
        consenting.email,
        "06 12 34 56 78",
    )
    assert (
        row["Inscrit(e) le"] == "15/01/2024"
        and row["Commune"] == "Metz"
        and row["Accepte d'être contacté(e)"] == "oui"
    )
    # no consent to be contacted: neither identity nor contact details
    assert [by_id[silent.id][k] for k in ("Prénom", "Nom", "E-mail", "Téléphone")] == ["", "", "", ""]
    assert by_id[paused.id]["Profil visible"] == "non" and by_id[paused.id]["E-mail"] == paused.email

    # the link is signed at each read: its X-Amz-Date is the moment of the GET
    again = call(client, "GET", f"/api/staff/exports/{export_id}", cookie=cookie).body
    signed = parse_qs(urlparse(again["download_url"]).query)["X-Amz-Date"][0]
    signed_at = datetime.strptime(signed, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - signed_at) < timedelta(seconds=5)


def test_offers_xlsx_export_of_the_whole_region_through_the_lambda_handler(client, staff):
    cookie, _ = staff
    open_metz = seed_offer(METZ, created_at=STAMP_2024, title="=Commis; cuisine")
    closed_nancy = seed_offer(NANCY, status="closed", created_at=STAMP_2024)
    seed_offer(METZ)  # published today: outside the period

    export_id = request_export(client, cookie, kind="offers", format="xlsx", **JANUARY_2024)
    # The function the SQS event source invokes in AWS, with the queue's real message.
    [body] = drain_exports_queue()
    event = client.events.generate_sqs_event(message_bodies=[body], queue_name="passerelle-local-exports")
    client.lambda_.invoke("exports_worker", event)

    answer = finished(client, cookie, export_id)
    assert answer["rows"] == 2 and answer["filename"].startswith("passerelle-offres-region-")
    data, _ = download(answer["download_url"])
    sheet = load_workbook(io.BytesIO(data), read_only=True)["Offres"]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(header) == OFFER_HEADER
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_id) == {open_metz.id, closed_nancy.id}
    assert by_id[open_metz.id]["Intitulé"] == "=Commis; cuisine"  # a text cell, not a formula
    assert by_id[open_metz.id]["Publiée le"] == datetime(2024, 1, 15) and by_id[open_metz.id]["Postes"] == 1
    assert (
        by_id[closed_nancy.id]["État"] == "clôturée" and by_id[closed_nancy.id]["Bassin d'emploi"] == "Nancy"
    )
    assert "Nom" not in header and "E-mail" not in header  # ids only outside the candidates export


def test_matches_and_outcomes_exports_carry_ids_and_what_people_said(client, staff):
    cookie, _ = staff
    offer = seed_offer(SAINT_LOUIS)
    keen, shy = seed_candidate(), seed_candidate()
    seed_match(offer.id, keen.id, offer.employer_id, 88, bassin="4418")
    seed_match(offer.id, shy.id, offer.employer_id, 61, bassin="4418")
    record(offer.id, keen.id, interested=True, status="hired")

    matches_id = request_export(client, cookie, kind="matches", format="csv", bassin="4418")
    outcomes_id = request_export(client, cookie, kind="outcomes", format="xlsx", bassin="4418")
    assert run_exports_worker() == ["done", "done"]

    header, *rows = csv_rows(download(finished(client, cookie, matches_id)["download_url"])[0])
    assert header == list(MATCH_HEADER) and len(rows) == 2
    by_candidate = {row[2]: dict(zip(header, row, strict=True)) for row in rows}
    # The offer and the company by name, as people read them; the person stays an id.
    assert by_candidate[keen.id]["Intitulé de l'offre"] == offer.title
    assert by_candidate[keen.id]["Entreprise"] == ""  # seeded offer: its employer has no account
    assert by_candidate[keen.id]["Score"] == "88" and by_candidate[keen.id]["Distance (km)"] == "4,2"
    assert by_candidate[keen.id]["Intérêt du candidat"] == "intéressé(e)"
    assert (
        by_candidate[keen.id]["Suite donnée"] == "recruté(e)" and by_candidate[shy.id]["Suite donnée"] == ""
    )
    assert by_candidate[keen.id]["Bassin d'emploi"] == "Saint-Louis"

    outcomes = finished(client, cookie, outcomes_id)
    assert outcomes["rows"] == 1
    sheet = load_workbook(io.BytesIO(download(outcomes["download_url"])[0]), read_only=True).active
    header, row = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert tuple(header) == OUTCOME_HEADER
    line = dict(zip(header, row, strict=True))
    assert (line["Identifiant du candidat"], line["Suite donnée"]) == (keen.id, "recruté(e)")
    assert line["Intitulé de l'offre"] == offer.title
    assert line["Historique"].startswith("recruté(e) le ")


def test_progress_is_saved_as_the_items_are_read(client, staff, monkeypatch):
    from chalicelib.repositories import exports

    cookie, _ = staff
    seeded = [seed_candidate(code_insee=SAINT_LOUIS, bassin="4418") for _ in range(8)]
    saved: list[tuple[int, int]] = []
    real = exports.set_progress

    def spy(export_id: str, progress: int, rows: int) -> None:
        saved.append((progress, rows))
        real(export_id, progress, rows)

    monkeypatch.setattr(exports, "set_progress", spy)
    export_id = request_export(client, cookie, kind="candidates", format="csv", bassin="4418")
    run_exports_worker()
    body = finished(client, cookie, export_id)
    total = body["rows"]
    assert total >= len(seeded)
    percents = [p for p, _ in saved]
    assert percents == sorted(set(percents)) and percents[0] > 0 and percents[-1] == 99  # 100 once done
    assert len(saved) == len({min(99, i * 100 // total) for i in range(1, total + 1)} - {0})
    assert all(rows < total for _, rows in saved)


def test_same_idempotency_key_same_export_and_bad_requests(client, staff):
    cookie, _ = staff
    key = "export-" + uuid.uuid4().hex
    body = {"kind": "outcomes", "format": "csv", "bassin": "4418"}
    first = call(client, "POST", "/api/staff/exports", body, cookie=cookie, Idempotency_Key=key)
    second = call(client, "POST", "/api/staff/exports", body, cookie=cookie, Idempotency_Key=key)
    assert first.status == second.status == 202 and first.body == second.body
    assert len(drain_exports_queue()) == 1  # asked once

    for bad, field in (
        ({"kind": "everything", "format": "csv"}, "kind"),
        ({"kind": "offers", "format": "pdf"}, "format"),
        ({"kind": "offers", "format": "csv", "bassin": "7501"}, "bassin"),
        ({"kind": "offers", "format": "csv", "from": "2024-02-01", "to": "2024-01-01"}, "to"),
        ({"kind": "offers", "format": "csv", "from": "01/02/2024"}, "from"),
        ({"kind": "offers", "format": "csv", "owner": "me"}, "owner"),
    ):
        answer = call(client, "POST", "/api/staff/exports", bad, cookie=cookie)
        assert answer.status == 400 and field in answer.body["error"]["fields"], (bad, answer.body)
    assert call(client, "GET", "/api/staff/exports/nope", cookie=cookie).status == 404
    assert call(client, "GET", "/api/staff/exports/..%2F..", cookie=cookie).status == 404


def test_a_failed_export_is_marked_failed_and_its_upload_aborted(client, staff, monkeypatch):
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.domain import export_columns

    cookie, _ = staff
    seed_offer(SAINT_LOUIS)

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(export_columns, "offer_row", broken)
    export_id = request_export(client, cookie, kind="offers", format="csv", bassin="4418")
    assert run_exports_worker() == ["failed"]
    body = call(client, "GET", f"/api/staff/exports/{export_id}", cookie=cookie).body
    assert body["status"] == "failed" and body["download_url"] is None and "Relancez" in body["error"]
    uploads = aws.client("s3").list_multipart_uploads(
        Bucket=get_settings().exports_bucket, Prefix=f"exports/{export_id}/"
    )
    assert not uploads.get("Uploads")


def test_the_writer_streams_parts_of_5_mib_at_least_and_the_object_is_whole(stack_env):
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.gateways.exports_store import MiB, MultipartWriter

    key = f"exports/test/{uuid.uuid4().hex}.csv"
    line = ("é;" * 40 + "\r\n").encode()  # 122 bytes
    count = (11 * MiB) // len(line) + 1
    with MultipartWriter(key, "text/csv; charset=utf-8", part_bytes=5 * MiB) as out:
        for _ in range(count):
            out.write(line)
    s3 = aws.client("s3")
    stored = s3.get_object(Bucket=get_settings().exports_bucket, Key=key)
    assert stored["ContentLength"] == out.size == count * len(line)
    assert stored["ETag"].strip('"').endswith("-3")  # 5 MiB + 5 MiB + the rest
    assert stored["Body"].read() == line * count


def test_the_audit_log_says_who_exported_what_and_when(client, staff):
    cookie, staff_id = staff
    colleague = staff_session(client, COLLEAGUE_EMAIL)
    mine = request_export(client, cookie, kind="candidates", format="xlsx", bassin="4418")
    theirs = request_export(client, colleague, kind="offers", format="csv")
    run_exports_worker()

    log = call(client, "GET", "/api/staff/exports?limit=100", cookie=cookie)
    assert log.status == 200
    entries = {e["id"]: e for e in log.body["items"]}
    assert [e["id"] for e in log.body["items"][:2]] == [theirs, mine]  # newest first
    entry = entries[mine]
    assert entry["staff_id"] == staff_id and entry["kind"] == "candidates" and entry["format"] == "xlsx"
    assert entry["filters"] == {"bassin": "4418", "from": None, "to": None}
    assert entry["status"] == "done" and isinstance(entry["rows"], int) and entry["created_at"]
    assert entries[theirs]["staff_id"] != staff_id
    # People read who: the agent's address, not an id (staff sessions exist only for listed agents).
    assert entry["staff_email"] == STAFF_EMAIL and entries[theirs]["staff_email"] == COLLEAGUE_EMAIL

    only_mine = call(client, "GET", "/api/staff/exports?mine=true&limit=100", cookie=cookie).body["items"]
    assert mine in {e["id"] for e in only_mine} and theirs not in {e["id"] for e in only_mine}

    page = call(client, "GET", "/api/staff/exports?limit=1", cookie=cookie).body
    assert [e["id"] for e in page["items"]] == [theirs] and page["next"]
    following = call(client, "GET", f"/api/staff/exports?limit=1&next={page['next']}", cookie=cookie).body
    assert [e["id"] for e in following["items"]] == [mine]
    bad = call(client, "GET", "/api/staff/exports?next=bm9wZQ", cookie=cookie)
    assert bad.status == 400 and "next" in bad.body["error"]["fields"]


# --- figures ------------------------------------------------------------------------------------
def figures(client, cookie: str, query: str = "bassin=4410") -> dict:
    answer = call(client, "GET", f"/api/staff/stats?{query}", cookie=cookie)
    assert answer.status == 200, answer.body
    return answer.body


def test_figures_of_bassin_4410_count_what_was_seeded(client, staff):
    from chalicelib.domain.calendar import paris_today
    from chalicelib.services.staff_stats import add_months, refresh_stats

    cookie, _ = staff
    today = paris_today()
    refresh_stats("4410", today)
    before = figures(client, cookie)["bassins"][0]

    def ended(months: int, days: int = 0):
        return seed_candidate(training=_training(add_months(today, -months) - timedelta(days=days)))

    quick = ended(2)  # hired 20 days after the training's end: in a job within 1 month
    slow = ended(8)  # hired 3 months after: within 6 months, not 1
    waiting = ended(1, days=10)  # not hired (yet)
    fresh = ended(0)  # ended today: too early to count
    seed_candidate(consent_contact=False)
    offer = seed_offer(METZ)
    for candidate in (quick, slow, waiting, fresh):
        seed_match(offer.id, candidate.id, offer.employer_id, 70)
    hires = [
        (quick, quick.training.end_date + timedelta(days=20)),
        (slow, add_months(slow.training.end_date, 3)),
    ]
    for candidate, day in hires:
        record(
            offer.id, candidate.id, interested=True, status="hired", at=f"{day.isoformat()}T10:00:00+00:00"
        )
    record(offer.id, waiting.id, interested=True)

    refresh_stats("4410", today)
    after = figures(client, cookie)["bassins"][0]
    delta = {
        k: after[k] - before[k] for k in ("candidates", "candidates_matchable", "open_offers", "matches")
    }
    assert delta == {"candidates": 5, "candidates_matchable": 4, "open_offers": 1, "matches": 4}
    assert after["interested"] - before["interested"] == 3 and after["hires"] - before["hires"] == 2
    one, six = after["placed_1_month"], after["placed_6_months"]
    assert one["eligible"] - before["placed_1_month"]["eligible"] == 3  # quick, slow, waiting
    assert one["placed"] - before["placed_1_month"]["placed"] == 1  # quick
    assert six["eligible"] - before["placed_6_months"]["eligible"] == 1  # slow
    assert six["placed"] - before["placed_6_months"]["placed"] == 1
    assert (
        after["code"] == "4410"
        and after["label"] == "Metz"
        and after["refreshed_at"] > before["refreshed_at"]
    )

    # A period holding only the month of `slow`'s training end: just that cohort and nothing else.
    month = slow.training.end_date
    period = figures(client, cookie, f"bassin=4410&from={month.isoformat()}&to={month.isoformat()}")
    assert period["period"] == {
        "from": month.replace(day=1).isoformat(),
        "to": (add_months(month.replace(day=1), 1) - timedelta(days=1)).isoformat(),
    }
    cohort = period["bassins"][0]["placed_6_months"]
    assert cohort["placed"] >= 1 and cohort["rate"] == round(100 * cohort["placed"] / cohort["eligible"], 1)

    region = figures(client, cookie, "")
    assert len(region["bassins"]) == 27 and region["region"]["candidates"] >= after["candidates"]
    bad = call(client, "GET", "/api/staff/stats?bassin=9999", cookie=cookie)
    assert bad.status == 400 and "bassin" in bad.body["error"]["fields"]


def _training(end: date):
    return {"title": "CAP Cuisine", "code_rome": ["G1609"], "end_date": end, "certification_obtained": True}


# --- matching runs --------------------------------------------------------------------------------
def test_a_staff_member_starts_a_matching_run_and_follows_it(client, staff):
    from chalicelib import aws
    from chalicelib.config import get_settings
    from chalicelib.jobs.matching import handle_message

    cookie, _ = staff
    drain_matching_queue()
    started = call(client, "POST", "/api/staff/matching-runs", cookie=cookie)
    assert started.status == 202
    run_id = started.body["id"]
    run = call(client, "GET", f"/api/staff/matching-runs/{run_id}", cookie=cookie).body
    assert (run["status"], run["progress"], run["bassins_total"], run["trigger"]) == (
        "running",
        0,
        27,
        "staff",
    )

    sqs, url = aws.client("sqs"), get_settings().matching_queue_url
    handled = 0
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            handle_message(message["Body"])
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            handled += 1
            if handled == 1:
                run = call(client, "GET", f"/api/staff/matching-runs/{run_id}", cookie=cookie).body
                assert run["bassins_done"] == 1 and run["progress"] == 3  # 1 of 27
    run = call(client, "GET", f"/api/staff/matching-runs/{run_id}", cookie=cookie).body
    assert (run["status"], run["progress"], run["bassins_done"]) == ("done", 100, 27) and run["finished_at"]
    assert run["counts"]["offers"] >= 1 and set(run["counts"]) >= {"candidates", "kept", "written", "digests"}

    recent = call(client, "GET", "/api/staff/matching-runs?limit=5", cookie=cookie).body
    assert recent[0]["id"] == run_id
    # the run refreshed the figures of every bassin
    assert all(
        b["refreshed_at"] and b["refreshed_at"] >= run["created_at"]
        for b in figures(client, cookie, "")["bassins"]
    )
    assert call(client, "GET", "/api/staff/matching-runs/unknown", cookie=cookie).status == 404
