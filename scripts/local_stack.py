"""`make run`: the whole local stack in one process tree, stopped cleanly by Ctrl-C.

moto server (local AWS) → resources from infra/template.yaml → demo data →
`chalice local` (the API) → dev server (site + /api proxy, like CloudFront) →
matching timer (EventBridge stand-in) → sign-in links printed from moto's SES.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
MOTO_PORT = int(os.environ.get("PASSERELLE_MOTO_PORT", "5000"))
API_PORT = int(os.environ.get("PASSERELLE_API_PORT", "8000"))
SITE_PORT = int(os.environ.get("PASSERELLE_SITE_PORT", "8080"))
# One address, or several separated by commas (the e2e tests give each journey its own staff member:
# sign-in links are limited per address and client, and every test browser is 127.0.0.1).
STAFF_EMAILS = tuple(
    address.strip()
    for address in os.environ.get("PASSERELLE_STAFF_EMAIL", "agent@example.org").split(",")
    if address.strip()
)
STAFF_EMAIL = STAFF_EMAILS[0]
MATCHING_INTERVAL_S = int(os.environ.get("PASSERELLE_MATCHING_INTERVAL_S", "300"))
DEMO = os.environ.get("PASSERELLE_DEMO_DATA", "1") != "0"
LOG_DIR = ROOT / ".local"  # moto's request log and the app's JSON logs go there, not to the console
# The console shows readable lines (URLs, sign-in links, « prêt. »); the app's JSON log lines go to
# .local/app.log (this process: workers, timer, demo data) and .local/api.log (chalice local),
# unless PASSERELLE_JSON_LOGS=console.
JSON_LOGS_ON_CONSOLE = os.environ.get("PASSERELLE_JSON_LOGS", "file") == "console"
CONSOLE = sys.stdout


def log(message: str) -> None:
    print(f"[passerelle] {message}", file=CONSOLE, flush=True)


def json_logs_to_file() -> None:
    """The Powertools logger and the metrics (EMF lines printed on stdout) of this process → app.log."""
    if JSON_LOGS_ON_CONSOLE:
        return
    import logging

    from chalicelib.observability import logger

    LOG_DIR.mkdir(exist_ok=True)
    stream = (LOG_DIR / "app.log").open("a", encoding="utf-8", buffering=1)
    sys.stdout = stream
    handler = logger.registered_handler
    if isinstance(handler, logging.StreamHandler):
        handler.setStream(stream)


def region_environment() -> dict[str, str]:
    """PASSERELLE_REGION other than 44: its reference data built into build/refdata/<code> (once, or
    again when the build says it is stale) and named by PASSERELLE_REFDATA_DIR; the site is built
    for the région below (scripts/build_site.py reads PASSERELLE_REGION)."""
    from chalicelib.region import region_code
    from scripts import build_reference_data as refdata

    region = region_code()
    if region == refdata.COMMITTED_REGION:
        return {}
    folder = refdata.region_dir(region)
    if refdata.main(["--region", region, "--check"]) != 0:
        log(f"données de référence de la région {region} : construction dans {folder.relative_to(ROOT)}")
        if refdata.main(["--region", region]) != 0:
            raise SystemExit(f"données de la région {region} impossibles à construire (voir ci-dessus)")
    os.environ["PASSERELLE_REFDATA_DIR"] = str(folder)
    return {"PASSERELLE_REGION": region, "PASSERELLE_REFDATA_DIR": str(folder)}


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(
                f"process exited with {proc.returncode} before {url} answered (journaux : {LOG_DIR}/)"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


class Stack:
    def __init__(self) -> None:
        self.children: list[subprocess.Popen] = []
        self.site_server = None
        self.stopping = threading.Event()

    def spawn(self, args: list[str], env: dict[str, str], log_name: str | None = None) -> subprocess.Popen:
        # Own process group: Ctrl-C in the terminal reaches us only, and we stop children in order.
        output = None
        if log_name:
            LOG_DIR.mkdir(exist_ok=True)
            output = (LOG_DIR / log_name).open("ab")
        proc = subprocess.Popen(args, env=env, cwd=ROOT, start_new_session=True, stdout=output, stderr=output)
        self.children.append(proc)
        return proc

    def start(self) -> None:
        for port in (MOTO_PORT, API_PORT, SITE_PORT):
            if not port_free(port):
                raise SystemExit(
                    f"Le port {port} est déjà utilisé : arrêtez l'autre programme ou changez de port."
                )
        base_env = {
            **os.environ,
            **region_environment(),
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "eu-west-3",
        }
        json_logs_to_file()
        moto_url = f"http://{HOST}:{MOTO_PORT}"
        log(f"moto (AWS local) sur {moto_url}")
        moto = self.spawn(
            [sys.executable, str(ROOT / "scripts" / "moto_server.py"), "-H", HOST, "-p", str(MOTO_PORT)],
            base_env,
            "moto.log",
        )
        wait_http(f"{moto_url}/moto-api/", 30, moto)

        from chalicelib.config import ENV
        from scripts.provision import provision

        started = time.monotonic()
        app_env = provision(moto_url, stage="local", staff_emails=STAFF_EMAILS)
        log(f"ressources créées depuis infra/template.yaml en {time.monotonic() - started:.1f} s")
        env = {
            **base_env,
            **app_env,
            "AWS_ENDPOINT_URL": moto_url,
            ENV["site_url"]: f"http://{HOST}:{SITE_PORT}",
        }
        os.environ.update(env)  # the demo loader and the matching timer run in this process
        if DEMO:
            self.load_demo()

        api = self.spawn(
            [
                str(Path(sys.executable).parent / "chalice"),
                "local",
                "--no-autoreload",
                "--stage",
                "local",
                "--host",
                HOST,
                "--port",
                str(API_PORT),
            ],
            env,
            None if JSON_LOGS_ON_CONSOLE else "api.log",
        )
        wait_http(f"http://{HOST}:{API_PORT}/api/health", 60, api)

        from scripts.build_site import OUTPUT_DIR, build
        from scripts.dev_server import make_server

        build()  # the pages as site/ says now (only what changed is written)
        self.site_server = make_server(SITE_PORT, f"http://{HOST}:{API_PORT}/api", OUTPUT_DIR)
        threading.Thread(target=self.site_server.serve_forever, daemon=True).start()
        threading.Thread(target=self.watch_mail, args=(moto_url,), daemon=True).start()
        threading.Thread(target=self.matching_timer, daemon=True).start()
        self.start_workers()
        self.banner()

    def load_demo(self) -> None:
        try:
            from scripts.demo_data import load_demo_data
        except ImportError:
            return
        summary = load_demo_data()
        log(f"données de démonstration : {summary}")

    def matching_timer(self) -> None:
        """EventBridge stand-in: the same `start_run` as the daily Lambda schedule (more often here, for the demo)."""
        from chalicelib.services.matching_runs import start_run

        delay = 5.0  # a first run soon after start, so the demo data has matches
        while not self.stopping.wait(delay):
            delay = MATCHING_INTERVAL_S
            try:
                log(f"appariement planifié lancé (campagne {start_run('schedule')})")
            except Exception as exc:  # keep the stack up; the error is shown
                log(f"appariement planifié en échec : {exc!r}")

    def queue_worker(self, queue_url: str, handle, what: str) -> None:
        """SQS event source stand-in: feeds a queue's messages to the Lambda handler code."""
        from chalicelib import aws

        sqs = aws.client("sqs")
        while not self.stopping.is_set():
            try:
                batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            except Exception as exc:
                log(f"file {what} injoignable : {exc!r}")
                self.stopping.wait(2)
                continue
            for message in batch.get("Messages", []):
                try:
                    handle(message["Body"])
                except Exception as exc:  # left on the queue: retried, then dead-lettered after 3 tries
                    log(f"message {what} en échec (sera retenté) : {exc!r}")
                    continue
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

    def start_workers(self) -> None:
        from chalicelib.config import get_settings
        from chalicelib.jobs.exports import handle_export_message
        from chalicelib.jobs.matching import handle_message
        from chalicelib.jobs.outbox import handle_outbox_message

        settings = get_settings()
        for url, handle, what in (
            (settings.matching_queue_url, handle_message, "d'appariement"),
            (settings.exports_queue_url, handle_export_message, "d'export"),
            (settings.outbox_queue_url, handle_outbox_message, "d'envoi (e-mail)"),
        ):
            threading.Thread(target=self.queue_worker, args=(url, handle, what), daemon=True).start()

    def watch_mail(self, moto_url: str) -> None:
        from chalicelib.domain.phones import masked
        from scripts.moto_mail import sent_messages, sent_sms, sign_in_tokens

        seen = seen_sms = 0
        while not self.stopping.wait(1.5):
            try:
                messages = sent_messages(moto_url)
                texts = sent_sms(moto_url)
            except OSError:
                continue
            for sms in texts[seen_sms:]:  # the number masked: only its last two digits
                log(f"SMS envoyé au {masked(sms.get('phone_number', ''))} : {sms.get('message', '')}")
            seen_sms = max(seen_sms, len(texts))
            for message in messages[seen:]:
                for token in sign_in_tokens(message):
                    log(
                        f"e-mail envoyé — lien de connexion : http://{HOST}:{SITE_PORT}/connexion.html#token={token}"
                    )
            seen = max(seen, len(messages))

    def banner(self) -> None:
        from chalicelib.region import get_identity

        identity = get_identity()
        log(f"prêt : {identity.service_name}, {identity.region_label} (PASSERELLE_REGION={identity.code}).")
        log(f"  site          http://{HOST}:{SITE_PORT}/")
        log(f"  API           http://{HOST}:{SITE_PORT}/api/health  (chalice local sur le port {API_PORT})")
        log(f"  AWS local     http://{HOST}:{MOTO_PORT}/moto-api/  (e-mails : /moto-api/data.json)")
        log(f"  compte agent  {STAFF_EMAIL} (demandez un lien sur /connexion.html)")
        if not JSON_LOGS_ON_CONSOLE:
            where = LOG_DIR.relative_to(ROOT)
            log(f"  journaux      {where}/app.log, {where}/api.log (PASSERELLE_JSON_LOGS=console : ici)")
        log("  Ctrl-C pour tout arrêter.")

    def stop(self) -> None:
        self.stopping.set()
        if self.site_server is not None:
            self.site_server.shutdown()
            self.site_server.server_close()
        for proc in reversed(self.children):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self.children):
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log("arrêté.")


def main() -> int:
    stack = Stack()
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stack.start()
        while not stop.wait(1):
            for proc in stack.children:
                if proc.poll() is not None:
                    log(f"un processus s'est arrêté (code {proc.returncode}) : arrêt de la pile")
                    stop.set()
    except (RuntimeError, SystemExit) as exc:
        log(str(exc))
        return 1
    finally:
        stack.stop()  # any failure while starting too: no moto server or API left behind
    return 0


if __name__ == "__main__":
    sys.exit(main())
