"""The Origin check of WebSocket connections, for browsers only.

Browsers always send Origin with a WebSocket handshake, and a page of another site could
otherwise open a socket that carries the user's session cookie (cross-site WebSocket
hijacking): a browser's Origin must be one of ours. A handshake without Origin comes from a
server-side client, which no web page can make on a user's behalf; it is let through, marked
in the scope so that the consumer accepts only a token from it, never a cookie.
"""

from typing import Any

from channels.security.websocket import OriginValidator

WITHOUT_ORIGIN = "hawk_without_origin"


def _sends_origin(scope: dict[str, Any]) -> bool:
    return any(name == b"origin" for name, _ in scope.get("headers", []))


class BrowserOriginValidator(OriginValidator):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and not _sends_origin(scope):
            return await self.application({**scope, WITHOUT_ORIGIN: True}, receive, send)
        return await super().__call__(scope, receive, send)
