"""Cached answers (30 minutes), keyed so that an answer is never replayed over changed data.

The key holds the normalised prompt, the template (version, A/B variant), the backend, the plan
(intent, parameters, filters, business date) and the generations of every table the plan
read, as they were before its rows were read (Extraction.generations): any write to one of
them makes a different key, also a write that commits while the answer is being written.
"""

import hashlib
import json
import logging
from typing import Any

from django.core.cache import cache

from hawk.datacache.shared import django_redis_client
from hawk.pipeline.plan import Plan

logger = logging.getLogger(__name__)

TTL_SECONDS = 30 * 60


def normalise_prompt(prompt: str) -> str:
    return " ".join(prompt.lower().split())


def answer_key(
    *,
    prompt: str,
    plan: Plan,
    backend: str,
    template: dict[str, Any] | None,
    generations: dict[str, int] | None,
) -> str | None:
    """None when the generations are unknown (the cache was down when the data was read):
    then nothing is cached or replayed. `template` is {id, version, experiment_id, variant}:
    an edited template or another variant never replays an answer."""
    if generations is None:
        return None
    material = json.dumps(
        [normalise_prompt(prompt), template, backend, plan.as_dict(), generations],
        sort_keys=True,
        default=str,
    )
    return "answer:" + hashlib.blake2b(material.encode(), digest_size=16).hexdigest()


def answer_get(key: str | None) -> dict[str, Any] | None:
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception as exc:
        logger.warning("answer cache read failed: %s", exc)
        return None


def answer_put(key: str | None, entry: dict[str, Any]) -> None:
    if key is None:
        return
    try:
        cache.set(key, entry, timeout=TTL_SECONDS)
    except Exception as exc:
        logger.warning("answer cache write failed: %s", exc)


def answer_swap(key: str | None, entry: dict[str, Any]) -> dict[str, Any] | None:
    """Write `entry` and return the entry it replaced (None: there was none, or the cache
    failed), in one round trip on Redis (SET ... GET); a get and a set on other caches."""
    if key is None:
        return None
    try:
        client = django_redis_client()
        if client is None:
            previous = cache.get(key)
            cache.set(key, entry, timeout=TTL_SECONDS)
            return previous
        raw = client.get_client(write=True).set(
            client.make_key(key), client.encode(entry), ex=TTL_SECONDS, get=True
        )
        return None if raw is None else client.decode(raw)
    except Exception as exc:
        logger.warning("answer cache swap failed: %s", exc)
        return None


# A replayed answer waits for nothing: it goes out in a few pieces of about this many
# characters (each piece is a frame to encode, send and parse: at 80 characters a report of
# 3,500 made 44 frames, the run's largest cost after the answer check).
REPLAY_PIECE_CHARS = 1000


def replay_chunks(answer: str, size: int = REPLAY_PIECE_CHARS) -> list[str]:
    """A cached answer streamed again in pieces of at most `size` characters, cut at a line
    end where there is one, else at a space, so that a piece never ends mid-line or mid-word
    when it can help it."""
    pieces, start = [], 0
    while start < len(answer):
        end = min(len(answer), start + size)
        if end < len(answer):
            split = answer.rfind("\n", start, end)
            if split <= start:
                split = answer.rfind(" ", start, end)
            end = split + 1 if split > start else end
        pieces.append(answer[start:end])
        start = end
    return pieces
