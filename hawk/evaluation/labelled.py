"""Labelled prompts: intent, parameters and unclear flag per prompt, and how well the
understanding stage reads them."""

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from hawk.pipeline.understand import Understanding, understand
from hawk.pipeline.vocabulary import Vocabulary, vocabulary_from_rows

# The day the labels' relative dates ("today", "end of last month") were written for.
LABELLED_TODAY = datetime.date(2026, 11, 22)
# The words the sets were labelled with: the demo currencies (code, name, aliases, as the
# currency_configuration rows) and three entities. Pure: no database.
LABELLED_CURRENCIES = [
    ("AUD", "Australian Dollar", ["Aussie", "Australia", "Sydney"]),
    ("CNY", "Chinese Yuan", ["yuan", "renminbi", "RMB", "China", "Shanghai"]),
    ("HKD", "Hong Kong Dollar", ["Hong Kong dollar", "Hong Kong", "HK"]),
    ("IDR", "Indonesian Rupiah", ["rupiah", "Indonesia", "Jakarta"]),
    ("INR", "Indian Rupee", ["rupee", "India", "Mumbai"]),
    ("JPY", "Japanese Yen", ["yen", "Japan", "Tokyo"]),
    ("KRW", "South Korean Won", ["won", "Korean won", "Korea", "Seoul"]),
    ("PHP", "Philippine Peso", ["peso", "Philippines", "Manila"]),
    ("TWD", "New Taiwan Dollar", ["Taiwan dollar", "NT dollar", "Taiwan", "Taipei"]),
    ("USD", "US Dollar", ["US dollar", "dollar", "greenback", "United States"]),
    ("VND", "Vietnamese Dong", ["dong", "Vietnam", "Hanoi"]),
]
LABELLED_ENTITIES = [
    ("ENTITY0001", "Singapore Treasury Centre"),
    ("ENTITY0005", "Shanghai Branch"),
    ("ENTITY0020", "Tokyo Subsidiary KK"),
]
LABELLED_VOCABULARY: Vocabulary = vocabulary_from_rows(LABELLED_CURRENCIES, LABELLED_ENTITIES)

# The parameters scored; one not labelled must be read as None (never a default).
SCORED_PARAMETERS = ("currency", "amount", "nav_type", "order_id", "entity_id", "date")


@dataclass(frozen=True)
class LabelledPrompt:
    prompt: str
    intent: str
    parameters: dict[str, str]
    unclear: bool
    split: str  # "tuning" | "held_out"
    family: str = ""  # the request this prompt is one wording of; its own prompt when alone
    source: str = ""  # where the wording comes from


@dataclass
class UnderstandingScore:
    total: int = 0
    intent_right: int = 0
    parameters_right: int = 0
    unclear_total: int = 0
    unclear_asked: int = 0  # unclear prompts that got a clarification
    clear_asked: int = 0  # clear prompts that got one anyway
    misses: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_right / self.total if self.total else 1.0

    @property
    def parameter_accuracy(self) -> float:
        return self.parameters_right / self.total if self.total else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "prompts": self.total,
            "intent_accuracy": round(self.intent_accuracy, 4),
            "parameter_accuracy": round(self.parameter_accuracy, 4),
            "unclear": self.unclear_total,
            "unclear_asked": self.unclear_asked,
            "clear_asked": self.clear_asked,
            "misses": self.misses,
        }


def load_labelled(paths: Iterable[Path]) -> list[LabelledPrompt]:
    rows = []
    for path in paths:
        for line in path.read_text().splitlines():
            if line.strip():
                data = json.loads(line)
                rows.append(_labelled_prompt(data))
    return rows


def read_with_rules(prompt: str) -> Understanding:
    """The understanding stage as the labels expect it: their vocabulary and their today."""
    return understand(prompt, vocabulary=LABELLED_VOCABULARY, today=LABELLED_TODAY)


def _labelled_prompt(data: dict[str, Any]) -> LabelledPrompt:
    return LabelledPrompt(
        data["prompt"],
        data["intent"],
        data["parameters"],
        data["unclear"],
        data["split"],
        data.get("family") or data["prompt"],
        data.get("source", ""),
    )


def score_understanding(
    rows: Iterable[LabelledPrompt], read: Callable[[str], Understanding]
) -> UnderstandingScore:
    score = UnderstandingScore()
    for row in rows:
        understood = read(row.prompt)
        score.total += 1
        wrong = parameter_differences(row, understood)
        score.intent_right += understood.intent == row.intent
        score.parameters_right += not wrong
        asked = understood.clarification is not None
        score.unclear_total += row.unclear
        score.unclear_asked += row.unclear and asked
        score.clear_asked += (not row.unclear) and asked
        if understood.intent != row.intent or wrong or asked != row.unclear:
            score.misses.append(
                f"{row.prompt!r}: intent {understood.intent} (want {row.intent}), asked {asked}"
                + (f", {'; '.join(wrong)}" if wrong else "")
            )
    return score


def parameter_differences(row: LabelledPrompt, understood: Understanding) -> list[str]:
    found = understood.parameters
    differences = []
    for name in SCORED_PARAMETERS:
        want = _expected(name, row.parameters.get(name))
        got = getattr(found, name)
        if got != want:
            differences.append(f"{name} {got} (want {want})")
    return differences


def _expected(name: str, value: str | None) -> object:
    if value is None:
        return None
    if name == "amount":
        return Decimal(value)
    if name == "date":
        return datetime.date.fromisoformat(value)
    return value
