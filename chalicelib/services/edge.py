"""What CloudFront tells the API: that a request came through it, and from which client.

Outside the local stage CloudFront adds X-Passerelle-Origin (a secret of the stack) to every
request it sends to the API: a request without it went to the regional API Gateway endpoint
directly and is refused, so the client address CloudFront writes (CloudFront-Viewer-Address,
which a viewer cannot set) is the one the rate limits count. Locally scripts/dev_server.py plays
CloudFront and sends the viewer address the same way.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping

from chalicelib.config import get_settings
from chalicelib.gateways import secrets

ORIGIN_HEADER = "x-passerelle-origin"
VIEWER_ADDRESS = "cloudfront-viewer-address"


def from_cloudfront(headers: Mapping[str, str]) -> bool:
    """`headers` with lower-case names."""
    if not get_settings().behind_cloudfront:
        return True
    given = headers.get(ORIGIN_HEADER) or ""
    return bool(given) and hmac.compare_digest(given.encode(), secrets.origin_key().encode())


def client_address(headers: Mapping[str, str], source_ip: str | None) -> str:
    """The viewer's IP: `198.51.100.10:46532` or `2001:db8::1:46532` (the port after the last colon)."""
    viewer = (headers.get(VIEWER_ADDRESS) or "").strip()
    if viewer:
        return viewer.rsplit(":", 1)[0].strip("[]") if ":" in viewer else viewer
    return source_ip or "inconnu"
