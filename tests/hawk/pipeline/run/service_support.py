"""Helpers of the run service tests: a run of a prompt, its events collected, their names,
deltas and answer, and the order every answered run keeps."""

from typing import Any

from hawk.pipeline.prepare import PromptInput
from hawk.pipeline.run import RunRequest, run_events
from tests.live import PROMPT

DATA_EVENTS = ["hawk_plan", "hawk_context", "hawk_facts"]


def make_run(prompt: str = PROMPT, user_id: int | None = None, **fields: Any) -> RunRequest:
    use_cache = fields.pop("use_cache", True)
    return RunRequest(PromptInput(prompt, use_cache=use_cache), user_id, **fields)


async def collect(run: RunRequest) -> list[dict[str, Any]]:
    return [event async for event in run_events(run)]


def names(events: list[dict[str, Any]]) -> list[str]:
    return [event["event"] for event in events]


def deltas(events: list[dict[str, Any]]) -> list[str]:
    return [event["answer"] for event in events if event["event"] == "message"]


def answer_of(events: list[dict[str, Any]]) -> str:
    return "".join(deltas(events))


def assert_answered_in_order(events: list[dict[str, Any]], *, notice: bool = False) -> None:
    """hawk_plan, hawk_context, hawk_facts, [hawk_notice], message at least once, message_end."""
    head = [*DATA_EVENTS, "hawk_notice"] if notice else DATA_EVENTS
    assert names(events)[: len(head)] == head
    middle = names(events)[len(head) : -1]
    assert middle and set(middle) == {"message"}, names(events)
    assert names(events)[-1] == "message_end"
