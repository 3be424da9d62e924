"""Benchmark of a cohort import: a 500-row CSV (Windows-1252, ;) checked, imported, then imported
again, through the API on a moto server over HTTP (the integration tests' set-up).

    .venv/bin/python scripts/bench_cohort_import.py [--rows 500]

Prints, for each step, the wall time, the DynamoDB requests by operation (botocore hooks,
`repositories/db.count_requests`) and the e-mails sent (moto's SES). moto is slower than DynamoDB
per request, so the times are an upper bound of the requests' own cost; the request counts are
what production pays.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
for var, value in {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-west-3",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(var, value)


def cohort(rows: int) -> bytes:
    def letters(n: int) -> str:  # names have no digits: 0 → "A", 27 → "Ch"…
        return "".join("abcdefghij"[int(d)] for d in str(n)).title()

    lines = ["Prénom;Nom;E-mail;Téléphone"]
    lines += [
        f"Léa;Müller-{letters(i)};lea.muller.{i}@exemple.fr;06 12 34 {i // 100 % 100:02d} {i % 100:02d}"
        for i in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=500)
    args = parser.parse_args()

    from moto.server import ThreadedMotoServer

    from scripts.moto_mail import sent_messages
    from scripts.moto_server import patch_moto
    from scripts.provision import provision

    patch_moto()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        os.environ.update(provision(endpoint, stage="local", staff_emails=("agent@example.org",)))
        import random

        from chalice.test import Client

        from app import app
        from chalicelib.domain.calendar import utc_timestamp
        from chalicelib.domain.identity import new_id
        from chalicelib.repositories import structures, trainings
        from chalicelib.repositories.db import count_requests
        from chalicelib.schemas.structures_store import MemberRecord, StructureRecord
        from chalicelib.schemas.trainings_store import TrainingSessionRecord
        from chalicelib.services import sessions
        from scripts.demo_data import _siret

        now = utc_timestamp()
        sid = new_id()
        record = StructureRecord(
            id=sid,
            kind="organisme_formation",
            siret=_siret(random.Random(1)),
            name="Banc d'essai",
            code_insee="57463",
            bassin="4410",
            contact_name="Banc Essai",
            email="banc@exemple.fr",
            created_at=now,
            updated_at=now,
        )
        member = MemberRecord(
            id=new_id(),
            structure_id=sid,
            name="Banc Essai",
            email="banc@exemple.fr",
            role="trainer",
            created_at=now,
        )
        structures.create(record, member)
        structures.save_decision(record.model_copy(update={"status": "active", "version": 2}), 1)
        training = TrainingSessionRecord(
            id=new_id(),
            structure_id=sid,
            title="Banc d'essai",
            code_rome=["G1609"],
            code_insee="57463",
            bassin="4410",
            start_date="2026-09-01",
            end_date="2027-01-31",
            created_at=now,
            updated_at=now,
        )
        trainings.create(training)
        raw = cohort(args.rows)
        print(f"cohort file: {args.rows} rows, {len(raw) / 1024:.1f} kB (Windows-1252, ;)")
        with Client(app, stage_name="local") as client:
            answer = client.http.post(
                "/api/auth/session",
                body=f'{{"token": "{sessions.issue_token(member.id, "trainer")}"}}',
                headers={"Content-Type": "application/json"},
            )
            cookie = answer.headers["Set-Cookie"].split(";", 1)[0]
            headers = {"Content-Type": "text/csv", "Cookie": cookie}
            for label, path in (
                ("dry run", f"/api/trainings/{training.id}/trainees?dry_run=true"),
                ("import", f"/api/trainings/{training.id}/trainees"),
                ("same file again", f"/api/trainings/{training.id}/trainees"),
            ):
                mails_before = len(sent_messages(endpoint))
                with count_requests() as counts:
                    start = time.perf_counter()
                    response = client.http.post(path, body=raw, headers=headers)
                    elapsed = time.perf_counter() - start
                assert response.status_code == 200, response.body
                mails = len(sent_messages(endpoint)) - mails_before
                total = sum(counts.values())
                print(
                    f"{label:>16}: {elapsed:6.2f} s, {total} DynamoDB requests {dict(sorted(counts.items()))}, "
                    f"{mails} e-mails — {response.body.decode()[:90]}"
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
