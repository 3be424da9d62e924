"""The local CloudFront stand-in: static files, `/api` proxy, security headers.

Both the dev server and a tiny fake API run in threads on free ports; requests go through
http.client so that repeated headers (Set-Cookie) and raw paths (traversal attempts) stay visible.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scripts import dev_server

REPO_ROOT = Path(__file__).resolve().parents[2]


class FakeApiHandler(BaseHTTPRequestHandler):
    """Echoes what it received and sets two cookies, like the session endpoint would."""

    protocol_version = "HTTP/1.1"

    def _echo(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        payload = json.dumps(
            {
                "method": self.command,
                "path": self.path,
                "headers": {name.lower(): value for name, value in self.headers.items()},
                "body": body,
            }
        ).encode()
        status = 201 if self.command == "POST" else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Set-Cookie", "session=abc; HttpOnly; SameSite=Lax; Path=/")
        self.send_header("Set-Cookie", "csrf=xyz; SameSite=Lax; Path=/")
        self.send_header("ETag", '"7"')
        self.send_header("Keep-Alive", "timeout=5")
        self.send_header("X-Frame-Options", "SAMEORIGIN")  # must be replaced by the proxy's DENY
        self.end_headers()
        self.wfile.write(payload)

    def do_DELETE(self) -> None:
        if self.path == "/api/candidates/me":
            self.send_response(204)
            self.end_headers()
        else:
            self._echo()

    do_GET = do_POST = do_PATCH = do_PUT = _echo

    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def _stop(server: ThreadingHTTPServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def fake_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApiHandler)
    thread = _serve(server)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _stop(server, thread)


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("dev_server")
    (base / "secret.txt").write_text("ne doit jamais sortir")
    root = base / "site"
    (root / "css").mkdir(parents=True)
    (root / "js").mkdir()
    (root / "candidat").mkdir()
    (root / "empty").mkdir()
    (root / "index.html").write_text("<!doctype html><title>Accueil</title>", encoding="utf-8")
    (root / "404.html").write_text("<!doctype html><title>Page introuvable</title>", encoding="utf-8")
    (root / "candidat" / "index.html").write_text("<!doctype html><title>Candidat</title>", encoding="utf-8")
    (root / "css" / "site.css").write_text("body{}", encoding="utf-8")
    (root / "js" / "page.js").write_text("export {};", encoding="utf-8")
    (root / "js" / "page.mjs").write_text("export {};", encoding="utf-8")
    (root / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (root / "data.json").write_text("{}", encoding="utf-8")
    (root / ".env").write_text("SECRET=1", encoding="utf-8")
    (root / "escape").symlink_to(base / "secret.txt")
    return root


def _start(api_url: str, root: Path) -> tuple[ThreadingHTTPServer, threading.Thread, int]:
    server = dev_server.make_server(0, api_url, root)
    return server, _serve(server), server.server_address[1]


@pytest.fixture(scope="module")
def site(fake_api: str, site_root: Path) -> Iterator[int]:
    server, thread, port = _start(fake_api, site_root)
    yield port
    _stop(server, thread)


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.msg, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/index.html", "text/html; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/js/page.js", "text/javascript; charset=utf-8"),
        ("/js/page.mjs", "text/javascript; charset=utf-8"),
        ("/logo.svg", "image/svg+xml"),
        ("/data.json", "application/json"),
    ],
)
def test_static_files_have_their_content_type(
    site: int, site_root: Path, path: str, content_type: str
) -> None:
    status, headers, body = request(site, "GET", path)

    assert status == 200
    assert headers["Content-Type"] == content_type
    assert body == (site_root / path.lstrip("/")).read_bytes()


def test_html_is_revalidated_every_time(site: int) -> None:
    _, headers, _ = request(site, "GET", "/index.html")

    assert headers["Cache-Control"] == "no-cache"


def test_directory_serves_its_index(site: int) -> None:
    assert request(site, "GET", "/")[2] == b"<!doctype html><title>Accueil</title>"
    assert request(site, "GET", "/candidat/")[2] == b"<!doctype html><title>Candidat</title>"


def test_directory_without_slash_redirects_to_it(site: int) -> None:
    status, headers, _ = request(site, "GET", "/candidat?x=1")

    assert status == 301
    assert headers["Location"] == "/candidat/?x=1"


def test_query_string_is_ignored_for_files(site: int) -> None:
    assert request(site, "GET", "/index.html?token=1")[0] == 200


def test_missing_file_gets_the_french_404_page(site: int) -> None:
    status, headers, body = request(site, "GET", "/nulle-part.html")

    assert status == 404
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"Page introuvable" in body


def test_directory_without_index_is_not_listed(site: int) -> None:
    status, _, body = request(site, "GET", "/empty/")

    assert status == 404
    assert b"Page introuvable" in body


@pytest.mark.parametrize(
    "path",
    [
        "/../secret.txt",
        "/css/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/css/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/escape",
        "/.env",
        "/index.html%00.css",
        "/%ff",
    ],
)
def test_traversal_and_hidden_files_are_refused(site: int, path: str) -> None:
    status, _, body = request(site, "GET", path)

    assert status == 404
    assert b"ne doit jamais sortir" not in body
    assert b"SECRET" not in body


def test_head_sends_headers_without_body(site: int, site_root: Path) -> None:
    status, headers, body = request(site, "HEAD", "/css/site.css")

    assert status == 200
    assert body == b""
    assert headers["Content-Length"] == str(len((site_root / "css" / "site.css").read_bytes()))


def test_writing_to_a_static_path_is_not_allowed(site: int) -> None:
    status, headers, _ = request(site, "POST", "/index.html", body=b"x")

    assert status == 405
    assert headers["Allow"] == "GET, HEAD"


def test_proxy_forwards_method_path_body_and_headers(site: int) -> None:
    payload = json.dumps({"email": "lea@example.org"}).encode()

    status, _, body = request(
        site,
        "POST",
        "/api/candidates?source=site",
        body=payload,
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": "5f0c6c1e-8d1c-4a53-9a53-0c1d2e3f4a5b",
            "Cookie": "session=old",
            "Proxy-Authorization": "Basic secret",
        },
    )

    assert status == 201
    echoed = json.loads(body)
    assert echoed["method"] == "POST"
    assert echoed["path"] == "/api/candidates?source=site"
    assert echoed["body"] == payload.decode()
    assert echoed["headers"]["idempotency-key"] == "5f0c6c1e-8d1c-4a53-9a53-0c1d2e3f4a5b"
    assert echoed["headers"]["cookie"] == "session=old"
    assert echoed["headers"]["content-type"] == "application/json"
    assert echoed["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert "proxy-authorization" not in echoed["headers"]


def test_proxy_forwards_if_match_on_patch(site: int) -> None:
    status, _, body = request(
        site, "PATCH", "/api/candidates/me", body=b'{"mobility_km": 30}', headers={"If-Match": "7"}
    )

    assert status == 200
    echoed = json.loads(body)
    assert echoed["method"] == "PATCH"
    assert echoed["headers"]["if-match"] == "7"
    assert echoed["body"] == '{"mobility_km": 30}'


def test_proxy_returns_every_cookie_and_strips_hop_by_hop_headers(site: int) -> None:
    _, headers, _ = request(site, "GET", "/api/health")

    assert headers.get_all("Set-Cookie") == [
        "session=abc; HttpOnly; SameSite=Lax; Path=/",
        "csrf=xyz; SameSite=Lax; Path=/",
    ]
    assert headers["ETag"] == '"7"'
    assert "Keep-Alive" not in headers
    assert headers.get_all("X-Frame-Options") == ["DENY"]


def test_proxy_passes_an_empty_204(site: int) -> None:
    status, headers, body = request(site, "DELETE", "/api/candidates/me")

    assert status == 204
    assert body == b""
    assert "Content-Length" not in headers


@pytest.mark.parametrize(
    ("api_path", "upstream"),
    [("/api", "/api/referentials/communes?q=metz"), ("/v1/", "/v1/referentials/communes?q=metz")],
)
def test_api_url_path_says_where_the_api_lives(
    fake_api: str, site_root: Path, api_path: str, upstream: str
) -> None:
    server, thread, port = _start(fake_api + api_path, site_root)
    try:
        _, _, body = request(port, "GET", "/api/referentials/communes?q=metz")
    finally:
        _stop(server, thread)

    assert json.loads(body)["path"] == upstream


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_api_down_gives_a_502_in_the_api_error_format(site_root: Path) -> None:
    server, thread, port = _start(f"http://127.0.0.1:{_closed_port()}", site_root)
    try:
        status, headers, body = request(port, "POST", "/api/auth/magic-link", body=b"{}")
    finally:
        _stop(server, thread)

    assert status == 502
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "error": {"code": "bad_gateway", "message": "Le service est momentanément indisponible."}
    }
    assert headers["Content-Security-Policy"] == dev_server.CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("GET", "/css/site.css"), ("GET", "/absent"), ("GET", "/api/health"), ("POST", "/")],
)
def test_every_response_carries_the_security_headers(site: int, method: str, path: str) -> None:
    _, headers, _ = request(site, method, path)

    # The values themselves are compared with production's (infra/) in tests/integration/test_infra.py.
    assert {name: headers[name] for name in dev_server.SECURITY_HEADERS} == dev_server.SECURITY_HEADERS
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]


def test_the_real_site_is_served(fake_api: str) -> None:
    server, thread, port = _start(fake_api, dev_server.DEFAULT_ROOT)
    try:
        home = request(port, "GET", "/")
        missing = request(port, "GET", "/nulle-part")
    finally:
        _stop(server, thread)

    assert home[0] == 200
    assert b'lang="fr"' in home[2]
    assert missing[0] == 404
    assert b"Page introuvable" in missing[2]


def test_bad_api_url_is_refused(site_root: Path) -> None:
    with pytest.raises(ValueError, match="URL de l'API invalide"):
        dev_server.make_server(0, "ftp://example.org", site_root)
