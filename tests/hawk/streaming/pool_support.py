"""Many requests at once against a server with a small connection pool: the bodies and the
concurrent posting shared by the pool tests. A support module, not a test module."""

import asyncio
from typing import Any

import httpx

USERS = 12
POOL_TIMEOUT_MESSAGE = "couldn't get a connection"
# use_cache false: every source is read from Postgres, so every request fans out.
CONTEXT_BODIES = [
    {"user_prompt": "Check if I can hedge 150K CNY today", "use_cache": False},
    {"user_prompt": "Modify order ORD-123 notional to 120M", "use_cache": False},
    {"user_prompt": "Rollover existing HKD hedge", "use_cache": False},
]


async def post_at_once(url: str, token: str, path: str, bodies: list[dict[str, Any]]) -> list[int]:
    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        responses = await asyncio.gather(*(client.post(path, json=body) for body in bodies))
    return [response.status_code for response in responses]


def bodies_for(users: int) -> list[dict[str, Any]]:
    return [CONTEXT_BODIES[user % len(CONTEXT_BODIES)] for user in range(users)]
