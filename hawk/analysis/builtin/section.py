"""How one section of the facts is reported: its Markdown, its title, summary and next steps."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Facts = dict[str, Any]
Lines = list[str]


def no_steps(section: Any, facts: Facts) -> Lines:
    return []


@dataclass(frozen=True)
class SectionReport:
    """The renderers of one facts section; each gets the section and the whole facts."""

    render: Callable[[Any, Facts], Lines]
    next_steps: Callable[[Any, Facts], Lines] = no_steps
    title: Callable[[Any, Facts], str] | None = None  # when this section leads the report
    summary: Callable[[Any, Facts], str] | None = None  # one line in a review's summary


def currency_of(facts: Facts) -> str:
    return facts.get("currency") or ""


def entity_label(entity_id: Any, facts: Facts) -> str:
    """An entity by name with its id ("Bank Shanghai Branch (ENTITY0005)"), or the id alone
    when the facts hold no name for it."""
    name = (facts.get("entity_names") or {}).get(entity_id)
    if entity_id in (None, ""):
        return "n/a"
    return f"{name} ({entity_id})" if name else str(entity_id)
