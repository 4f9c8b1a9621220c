"""Token authentication without a query per request: a token's user, roles and permissions
are cached in Redis for HAWK_AUTH_CACHE_SECONDS, with each worker's memory in front for
HAWK_AUTH_LOCAL_SECONDS. Deleting a token or changing a user through the ORM forgets the
entries at once (auth_signals); a change made around the ORM ages out within the bound.

The entry is keyed by a digest of the token, never the token itself, and holds what a request
needs of the user: id, username, flags, role names and Django permissions.
"""

import hashlib
import json
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from hawk.web.blocking import on_request_thread
from hawk.web.redis_clients import REDIS_ERRORS, async_redis, blocking_redis
from hawk.web.roles import remember_roles

KEY_PREFIX = "hawk:auth:token:"
Entry = dict[str, Any]

# token digest -> (monotonic time it expires, entry)
_local: dict[str, tuple[float, Entry]] = {}


def token_digest(token_key: str) -> str:
    return hashlib.sha256(token_key.encode()).hexdigest()[:40]


def entry_of(user: Any) -> Entry:
    """What is cached of an active user (a superuser's permissions are all, never listed)."""
    return {
        "id": user.pk,
        "username": user.get_username(),
        "is_superuser": user.is_superuser,
        "is_staff": user.is_staff,
        "roles": sorted(user.groups.values_list("name", flat=True)),
        "permissions": [] if user.is_superuser else sorted(user.get_all_permissions()),
    }


def user_of(entry: Entry) -> Any:
    """A user object that answers has_perm and the role checks without a query."""
    user = get_user_model()(
        id=entry["id"],
        username=entry["username"],
        is_active=True,
        is_superuser=entry["is_superuser"],
        is_staff=entry["is_staff"],
    )
    user._perm_cache = set(entry["permissions"])  # type: ignore[attr-defined]
    remember_roles(user, set(entry["roles"]))
    return user


def load_entry(token_key: str) -> Entry:
    """The entry from the database; DRF's messages for a token that does not pass."""
    token = Token.objects.select_related("user").filter(key=token_key).first()
    if token is None:
        raise AuthenticationFailed("Invalid token.")
    if not token.user.is_active:
        raise AuthenticationFailed("User inactive or deleted.")
    return entry_of(token.user)


def _local_get(digest: str) -> Entry | None:
    held = _local.get(digest)
    if held is None or held[0] <= time.monotonic():
        return None
    return held[1]


def _local_put(digest: str, entry: Entry) -> None:
    _local[digest] = (time.monotonic() + settings.HAWK_AUTH_LOCAL_SECONDS, entry)


def cached_entry(token_key: str) -> Entry:
    """The entry, from memory, Redis or the database, in that order (blocking)."""
    digest = token_digest(token_key)
    if (entry := _local_get(digest)) is not None:
        return entry
    client = blocking_redis()
    raw = _call_quietly(lambda: client.get(KEY_PREFIX + digest)) if client else None
    if raw is None:
        entry = load_entry(token_key)
        if client:
            _call_quietly(lambda: client.set(KEY_PREFIX + digest, json.dumps(entry), px=_ttl()))
    else:
        entry = json.loads(raw)
    _local_put(digest, entry)
    return entry


async def acached_entry(token_key: str) -> Entry:
    """cached_entry on the event loop: Redis by its asyncio client, the database on the
    request's thread (its connection given back at once: the run needs the pool)."""
    digest = token_digest(token_key)
    if (entry := _local_get(digest)) is not None:
        return entry
    client = async_redis()
    raw = await _acall_quietly(client.get(KEY_PREFIX + digest)) if client else None
    if raw is None:
        entry = await on_request_thread(load_entry, token_key)
        if client:
            await _acall_quietly(client.set(KEY_PREFIX + digest, json.dumps(entry), px=_ttl()))
    else:
        entry = json.loads(raw)
    _local_put(digest, entry)
    return entry


def _ttl() -> int:
    """The Redis entry's lifetime in milliseconds: the bound of HAWK_AUTH_CACHE_SECONDS."""
    return max(1, int(settings.HAWK_AUTH_CACHE_SECONDS * 1000))


def _call_quietly(call: Any) -> Any:
    """Redis down: read the database instead (the answer is the same, only slower)."""
    try:
        return call()
    except REDIS_ERRORS:
        return None


async def _acall_quietly(awaitable: Any) -> Any:
    try:
        return await awaitable
    except REDIS_ERRORS:
        return None


def forget_tokens(token_keys: Iterable[str]) -> None:
    """Drop the entries of these tokens here and in Redis (other workers' memory ages out)."""
    digests = [token_digest(key) for key in token_keys]
    for digest in digests:
        _local.pop(digest, None)
    client = blocking_redis()
    if digests and client:
        _call_quietly(lambda: client.delete(*(KEY_PREFIX + digest for digest in digests)))


def forget_everything_local() -> None:
    _local.clear()


def token_in_header(request: HttpRequest) -> str | None:
    """The key of an `Authorization: Token <key>` header; None without one (DRF's rules)."""
    words = request.headers.get("Authorization", "").split()
    if not words or words[0].lower() != "token":
        return None
    if len(words) != 2:
        raise AuthenticationFailed("Invalid token header.")
    return words[1]


async def user_for_request(request: HttpRequest) -> Any:
    """The user of a token request (cached), else of the session (read on the request's
    thread, uncached), else anonymous."""
    token_key = token_in_header(request)
    if token_key is not None:
        return user_of(await acached_entry(token_key))
    entry = await on_request_thread(session_entry, request)
    return AnonymousUser() if entry is None else user_of(entry)


def session_entry(request: HttpRequest) -> Entry | None:
    """The entry of the session's user, None without one: blocking (the session, the user,
    the roles and permissions are read in one go)."""
    user = get_user(request)
    return entry_of(user) if user.is_authenticated else None


class CachedTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, reading the cache first."""

    def authenticate_credentials(self, key: str) -> tuple[Any, str]:
        return user_of(cached_entry(key)), key
