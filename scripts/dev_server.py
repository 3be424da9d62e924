"""Local stand-in for CloudFront: serves the static site and proxies `/api/*` to `chalice local`.

    python scripts/dev_server.py --port 8080 --api http://127.0.0.1:8000 --root build/site

It serves the built site (scripts/build_site.py writes build/site from site/), what CloudFront serves.

Like the production distribution, it answers every request with the same security headers
(CSP included), so a page that works here does not break behind CloudFront because of an
inline script or a third-party asset.

Paths go to the API unchanged: `/api/health` is asked as `/api/health`. The path of `--api`, if
any, says where the API's `/api` lives upstream: `http://127.0.0.1:8000` and
`http://127.0.0.1:8000/api` both mean the same; `http://127.0.0.1:8000/v1` would send
`/api/health` to `/v1/health`.

Standard library only, so the local runner and the tests need nothing beyond Python.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "build" / "site"
API_PREFIX = "/api"
UPSTREAM_TIMEOUT_S = 60

# The security headers of the site and the API, in one place: CloudFront's response headers policy
# in infra/template.yaml sends the same (tests/integration/test_infra.py compares them), plus HSTS.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
}
_SECURITY_HEADER_NAMES = {name.lower() for name in SECURITY_HEADERS}

# Our own table rather than `mimetypes`, whose answers depend on the machine's /etc/mime.types.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".pdf": "application/pdf",
}

# RFC 9110 §7.6.1: meaningful for one connection only, never forwarded by a proxy.
HOP_BY_HOP_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "trailers",
    "transfer-encoding",
    "upgrade",
}

NOT_FOUND_FALLBACK = (
    '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Page introuvable — Passerelle</title>'
    '<h1>Page introuvable</h1><p><a href="/">Retour à l\'accueil</a></p></html>'
)


def api_error_body(code: str, message: str) -> bytes:
    """An error in the API's own format, so the site's error handling works for proxy failures too."""
    return json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()


class SiteHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 keeps connections open between the many small files of a page; every response
    # below therefore carries an exact Content-Length.
    protocol_version = "HTTP/1.1"
    server_version = "PasserelleDev"
    # Idle keep-alive connections are dropped after this many seconds instead of pinning a thread.
    timeout = 30

    server: DevServer

    def version_string(self) -> str:
        return self.server_version  # no Python version in the Server header

    # --- dispatch -------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch(send_body=True)

    def do_HEAD(self) -> None:
        self._dispatch(send_body=False)

    def do_POST(self) -> None:
        self._dispatch(send_body=True)

    def do_PUT(self) -> None:
        self._dispatch(send_body=True)

    def do_PATCH(self) -> None:
        self._dispatch(send_body=True)

    def do_DELETE(self) -> None:
        self._dispatch(send_body=True)

    def do_OPTIONS(self) -> None:
        self._dispatch(send_body=True)

    def _dispatch(self, send_body: bool) -> None:
        raw_path = urlsplit(self.path).path
        if raw_path == API_PREFIX or raw_path.startswith(API_PREFIX + "/"):
            self._proxy()
        elif self.command in ("GET", "HEAD"):
            self._serve_static(raw_path, send_body)
        else:
            self._send(405, b"", "text/plain; charset=utf-8", extra={"Allow": "GET, HEAD"})

    # --- every response -------------------------------------------------------------------
    def end_headers(self) -> None:
        # Here rather than in each branch, so that the errors BaseHTTPRequestHandler writes
        # itself (400, 414, 501) carry the headers too.
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        super().end_headers()

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        *,
        send_body: bool = True,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body and self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log_requests:
            super().log_message(format, *args)

    # --- static files ---------------------------------------------------------------------
    def _serve_static(self, raw_path: str, send_body: bool) -> None:
        target = self._resolve(raw_path)
        if target is None:
            self._send_not_found(send_body)
            return
        if target.is_dir():
            if not raw_path.endswith("/"):
                # Relative URLs inside an index page only work below a trailing slash.
                location = raw_path + "/"
                query = urlsplit(self.path).query
                self._send(
                    301,
                    b"",
                    "text/plain; charset=utf-8",
                    extra={
                        "Location": location + ("?" + query if query else ""),
                    },
                )
                return
            target = target / "index.html"
            if not target.is_file():
                self._send_not_found(send_body)  # never a directory listing
                return
        self._send_file(200, target, send_body)

    def _resolve(self, raw_path: str) -> Path | None:
        """The file under the root that the URL path names, or None if it names nothing we serve."""
        try:
            path = unquote(raw_path, errors="strict")
        except UnicodeDecodeError:
            return None
        if "\x00" in path or "\\" in path:
            return None
        segments = [segment for segment in path.split("/") if segment]
        # Refusing "..", "." and hidden names outright is simpler to trust than normalising them.
        if any(segment.startswith(".") for segment in segments):
            return None
        root = self.server.site_root
        candidate = root.joinpath(*segments).resolve() if segments else root
        if candidate != root and not candidate.is_relative_to(root):
            return None  # a symlink pointing out of the site
        if not candidate.exists():
            return None
        return candidate

    def _send_file(self, status: int, path: Path, send_body: bool) -> None:
        try:
            body = path.read_bytes()
        except OSError:
            self._send_not_found(send_body)
            return
        content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
        # no-cache = "revalidate every time": edits show up on reload while developing.
        self._send(status, body, content_type, send_body=send_body, extra={"Cache-Control": "no-cache"})

    def _send_not_found(self, send_body: bool) -> None:
        page = self.server.site_root / "404.html"
        if page.is_file():
            self._send_file(404, page, send_body)
        else:
            self._send(
                404,
                NOT_FOUND_FALLBACK.encode(),
                CONTENT_TYPES[".html"],
                send_body=send_body,
                extra={"Cache-Control": "no-cache"},
            )

    # --- proxy to the API -----------------------------------------------------------------
    def _read_request_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers: dropped, they are hop-by-hop for us
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _forwarded_request_headers(self, body: bytes) -> list[tuple[str, str]]:
        connection_tokens = {
            token.strip().lower() for token in self.headers.get("Connection", "").split(",") if token.strip()
        }
        # Expect: 100-continue was already answered here; the body is sent whole upstream.
        # Like CloudFront, the viewer address is written here, never taken from the client.
        dropped = (
            HOP_BY_HOP_HEADERS
            | connection_tokens
            | {
                "host",
                "content-length",
                "expect",
                "x-forwarded-for",
                "cloudfront-viewer-address",
            }
        )
        headers = [(name, value) for name, value in self.headers.items() if name.lower() not in dropped]
        client_ip = self.client_address[0]
        previous = self.headers.get("X-Forwarded-For")
        headers.append(("X-Forwarded-For", f"{previous}, {client_ip}" if previous else client_ip))
        headers.append(("X-Forwarded-Host", self.headers.get("Host", "")))
        headers.append(("CloudFront-Viewer-Address", f"{client_ip}:{self.client_address[1]}"))
        headers.append(("X-Forwarded-Proto", "http"))
        headers.append(("Host", self.server.api_netloc))
        if body or self.command in ("POST", "PUT", "PATCH"):
            headers.append(("Content-Length", str(len(body))))
        return headers

    def _proxy(self) -> None:
        try:
            body = self._read_request_body()
        except ValueError:
            self._send(400, api_error_body("bad_request", "Requête invalide."), "application/json")
            return
        split = urlsplit(self.path)
        upstream_path = self.server.api_base_path + split.path[len(API_PREFIX) :]
        if not upstream_path.startswith("/"):
            upstream_path = "/" + upstream_path
        if split.query:
            upstream_path += "?" + split.query

        connection = http.client.HTTPConnection(
            self.server.api_host, self.server.api_port, timeout=UPSTREAM_TIMEOUT_S
        )
        try:
            connection.putrequest(self.command, upstream_path, skip_host=True, skip_accept_encoding=True)
            for name, value in self._forwarded_request_headers(body):
                connection.putheader(name, value)
            connection.endheaders(body or None)
            response = connection.getresponse()
            response_body = response.read()
            response_headers = response.getheaders()  # keeps repeated headers such as Set-Cookie
            status, reason = response.status, response.reason
        except TimeoutError:
            self._send(
                504,
                api_error_body(
                    "gateway_timeout", "Le service met trop de temps à répondre. Réessayez dans un instant."
                ),
                "application/json",
            )
            return
        except (OSError, http.client.HTTPException):
            self._send(
                502,
                api_error_body("bad_gateway", "Le service est momentanément indisponible."),
                "application/json",
            )
            return
        finally:
            connection.close()

        connection_tokens = {
            token.strip().lower()
            for name, value in response_headers
            if name.lower() == "connection"
            for token in value.split(",")
        }
        # Our security headers replace the API's (like a CloudFront response headers policy
        # with override), so a header is never sent twice with two values.
        dropped = HOP_BY_HOP_HEADERS | connection_tokens | _SECURITY_HEADER_NAMES | {"date", "server"}
        if self.command != "HEAD":
            dropped.add("content-length")  # recomputed below: the body was de-chunked
        self.send_response(status, reason)
        for name, value in response_headers:
            if name.lower() not in dropped:
                self.send_header(name, value)
        # RFC 9110 §8.6: no Content-Length on 1xx and 204; a 304 has no body to measure.
        if self.command != "HEAD" and status not in (204, 304) and status >= 200:
            self.send_header("Content-Length", str(len(response_body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response_body)


class DevServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], api_url: str, root: Path, log_requests: bool) -> None:
        api = urlsplit(api_url)
        if api.scheme != "http" or not api.hostname:
            raise ValueError(f"URL de l'API invalide (http://hôte:port attendu) : {api_url!r}")
        self.api_host = api.hostname
        self.api_port = api.port or 80
        self.api_netloc = api.netloc
        self.api_base_path = api.path.rstrip("/") or API_PREFIX
        self.site_root = Path(root).resolve()
        if not self.site_root.is_dir():
            raise ValueError(f"Dossier du site introuvable : {self.site_root}")
        self.log_requests = log_requests
        super().__init__(address, SiteHandler)


def make_server(
    port: int, api_url: str, root: str | Path, *, host: str = "127.0.0.1", log_requests: bool = False
) -> ThreadingHTTPServer:
    """Build (and bind) the server without serving: call serve_forever(), possibly in a thread.

    Port 0 picks a free port; read it back from `server.server_address[1]`.
    """
    return DevServer((host, port), api_url, Path(root), log_requests)


def _port_from_env(name: str, default: int) -> int:
    value = os.environ.get(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise SystemExit(f"{name} doit être un numéro de port, pas {value!r}") from None


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # ends serve_forever() in the main thread, same path as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    site_port = _port_from_env("PASSERELLE_SITE_PORT", 8080)
    api_port = _port_from_env("PASSERELLE_API_PORT", 8000)
    parser = argparse.ArgumentParser(
        description="Serveur local du site Passerelle (site statique + proxy /api)."
    )
    parser.add_argument("--host", default="127.0.0.1", help="adresse d'écoute (défaut : 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=site_port, help="port du site (défaut : PASSERELLE_SITE_PORT ou 8080)"
    )
    parser.add_argument(
        "--api",
        default=f"http://127.0.0.1:{api_port}",
        help="URL de `chalice local` (défaut : http://127.0.0.1:PASSERELLE_API_PORT, port 8000)",
    )
    parser.add_argument(
        "--root", default=str(DEFAULT_ROOT), help="dossier du site construit (défaut : build/site du dépôt)"
    )
    parser.add_argument("--quiet", action="store_true", help="ne pas journaliser chaque requête")
    args = parser.parse_args(argv)

    try:
        server = make_server(args.port, args.api, args.root, host=args.host, log_requests=not args.quiet)
    except (OSError, ValueError) as error:
        print(f"dev_server : {error}", file=sys.stderr)
        return 1
    if not (server.site_root / "vendor").is_dir():
        print(
            "dev_server : build/site/vendor absent — lancez `npm ci && python scripts/build_site.py`.",
            file=sys.stderr,
        )
    signal.signal(signal.SIGTERM, _stop)
    host, port = server.server_address[:2]
    print(f"Passerelle : site sur http://{host}:{port}/ (API → {args.api})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("Passerelle : serveur arrêté.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
