"""Order and entity ids in a prompt, and which order is the one being replaced."""

import re
from collections.abc import Sequence

from hawk.pipeline.understand.spans import Span

ORDER_ID = re.compile(r"\bORD-\d+(?:-\d+)*\b", re.IGNORECASE)
ENTITY_ID = re.compile(r"\bENTITY\d+\b", re.IGNORECASE)
# An order named after one of these words is the order being replaced (rollover, amendment).
_PREVIOUS_CUE = re.compile(
    r"\b(?:previous|prior|original|old|replac(?:e|es|ed|ing)|supersed(?:e|es|ing)|from)\s+"
    r"(?:(?:order|hedge|instruction|deal)\s+)?(?:id\s+)?$",
    re.IGNORECASE,
)
_PREVIOUS_ORDER_INTENTS = ("rollover", "amendment")


def split_orders(
    prompt: str, orders: Sequence[Span], intent: str
) -> tuple[Span | None, Span | None]:
    """(previous order, order): an order after "previous"/"replacing"/"from" in a rollover or
    amendment is the one being replaced."""
    previous = [
        order
        for order in orders
        if intent in _PREVIOUS_ORDER_INTENTS and _PREVIOUS_CUE.search(prompt, 0, order.start)
    ]
    current = [order for order in orders if order not in previous]
    return (previous[0] if previous else None), (current[0] if current else None)
