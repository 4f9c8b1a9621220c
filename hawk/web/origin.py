"""The Origin check of WebSocket connections, for browsers only.

Browsers always send Origin with a WebSocket handshake, and a page of another site could
otherwise open a socket that carries the user's session cookie (cross-site WebSocket
hijacking): a browser's Origin must be a whole origin of ours, scheme, host and port: this
service's own (the handshake's scheme and Host, a host of ALLOWED_HOSTS) or one of
CORS_ALLOWED_ORIGINS (the Angular app). A host name alone would let any port of that host in.
A handshake without Origin comes from a server-side client, which no web page can make on a
user's behalf; it is let through, marked in the scope so that the consumer accepts only a
token from it, never a cookie.
"""

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

WITHOUT_ORIGIN = "hawk_without_origin"
DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def normalized_origin(origin: str) -> str | None:
    """scheme://host:port in lower case, with the scheme's default port; None if malformed."""
    try:
        parts = urlsplit(origin.strip().lower())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return f"{parts.scheme}://{parts.hostname}:{port}"


def own_origin(scope: dict[str, Any]) -> str | None:
    """The origin a page of this service has: the handshake's scheme and Host header."""
    host = _header(scope, b"host") or ""
    if not validate_host(split_domain_port(host)[0], settings.ALLOWED_HOSTS):
        return None
    scheme = "https" if scope.get("scheme") in ("wss", "https") else "http"
    return normalized_origin(f"{scheme}://{host}")


def origin_allowed(scope: dict[str, Any], origin: str) -> bool:
    wanted = normalized_origin(origin)
    allowed = {normalized_origin(o) for o in settings.CORS_ALLOWED_ORIGINS} | {own_origin(scope)}
    return wanted is not None and wanted in allowed


class BrowserOriginValidator:
    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.application(scope, receive, send)
        origin = _header(scope, b"origin")
        if origin is None:
            return await self.application({**scope, WITHOUT_ORIGIN: True}, receive, send)
        if origin_allowed(scope, origin):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
