"""Where the OpenAI-compatible endpoint is, which model it runs and how long to wait (seconds)."""

from dataclasses import dataclass

import httpx
from django.conf import settings

from hawk.analysis.http_clients import stream_timeout


@dataclass(frozen=True)
class OpenAIConfig:
    base_url: str  # up to and including /v1
    model: str
    api_key: str = ""
    auth_header: str = "authorization"  # or "api-key" (Azure OpenAI)
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    first_token_timeout: float = 20.0
    run_deadline: float = 300.0
    max_connections: int = 200

    @classmethod
    def from_settings(cls) -> "OpenAIConfig":
        return cls(
            base_url=settings.OPENAI_BASE_URL,
            model=settings.OPENAI_MODEL,
            api_key=settings.OPENAI_API_KEY,
            auth_header=settings.OPENAI_AUTH_HEADER,
            connect_timeout=settings.OPENAI_CONNECT_TIMEOUT,
            read_timeout=settings.OPENAI_READ_TIMEOUT,
            first_token_timeout=settings.OPENAI_FIRST_TOKEN_TIMEOUT,
            run_deadline=settings.OPENAI_RUN_DEADLINE,
            max_connections=settings.OPENAI_MAX_CONNECTIONS,
        )

    def timeout(self) -> httpx.Timeout:
        return stream_timeout(connect=self.connect_timeout, read=self.read_timeout)

    def headers(self) -> dict[str, str]:
        """The key's header; none for a local server that takes no key."""
        if not self.api_key:
            return {}
        if self.auth_header == "api-key":
            return {"api-key": self.api_key}
        return {"Authorization": f"Bearer {self.api_key}"}
