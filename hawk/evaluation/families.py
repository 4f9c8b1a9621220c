"""Leave-one-family-out scoring of the labelled sets: every wording of a request is held out
together, and a confusion matrix of intents says which intents are taken for which."""

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hawk.evaluation.labelled import LabelledPrompt, UnderstandingScore, score_understanding
from hawk.pipeline.understand import INTENTS, Understanding

Reader = Callable[[str], Understanding]
# Given the training rows (every family but the one held out), a reader of prompts. The rules
# learn nothing from the rows; a trained model would be fitted on them.
ReaderFactory = Callable[[Sequence[LabelledPrompt]], Reader]

# The floors that fail `hawk_eval` on the combined labelled sets (issue 18).
FAMILY_THRESHOLDS = {"intent_accuracy": 0.97, "parameter_accuracy": 0.98}


@dataclass
class FamilyScore:
    score: UnderstandingScore
    families: int
    families_right: int  # families whose every prompt was read as labelled
    confusion: dict[str, Counter[str]] = field(default_factory=dict)  # labelled -> read

    def as_dict(self) -> dict[str, object]:
        return {
            **self.score.as_dict(),
            "families": self.families,
            "families_right": self.families_right,
            "confusion": {intent: dict(row) for intent, row in self.confusion.items()},
        }


def by_family(rows: Sequence[LabelledPrompt]) -> dict[str, list[LabelledPrompt]]:
    families: dict[str, list[LabelledPrompt]] = {}
    for row in rows:
        families.setdefault(row.family, []).append(row)
    return families


def leave_one_family_out(rows: Sequence[LabelledPrompt], reader_for: ReaderFactory) -> FamilyScore:
    """Each family read by a reader made without it; the scores summed over families."""
    total = UnderstandingScore()
    confusion: dict[str, Counter[str]] = {}
    families = by_family(rows)
    right = 0
    for name, members in families.items():
        read = reader_for([row for row in rows if row.family != name])
        readings = {row.prompt: read(row.prompt) for row in members}
        score = score_understanding(members, readings.__getitem__)
        right += not score.misses
        _add(total, score)
        for row in members:
            confusion.setdefault(row.intent, Counter())[readings[row.prompt].intent] += 1
    return FamilyScore(total, len(families), right, confusion)


def _add(total: UnderstandingScore, part: UnderstandingScore) -> None:
    total.total += part.total
    total.intent_right += part.intent_right
    total.parameters_right += part.parameters_right
    total.unclear_total += part.unclear_total
    total.unclear_asked += part.unclear_asked
    total.clear_asked += part.clear_asked
    total.misses.extend(part.misses)


def failed_family_thresholds(result: FamilyScore) -> list[str]:
    scores = {
        "intent_accuracy": result.score.intent_accuracy,
        "parameter_accuracy": result.score.parameter_accuracy,
    }
    return [
        f"leave-one-family-out {name} {scores[name]:.4g} (threshold {limit:g})"
        for name, limit in FAMILY_THRESHOLDS.items()
        if scores[name] < limit
    ]


def confusion_table(confusion: dict[str, Counter[str]]) -> list[str]:
    """The matrix as text lines: a row per labelled intent, a column per intent read."""
    labelled = [intent for intent in INTENTS if intent in confusion]
    read = [i for i in INTENTS if any(row.get(i) for row in confusion.values())]
    width = max(len(intent) for intent in INTENTS)
    corner = "labelled \\ read"
    lines = [f"{corner:<{width}} " + " ".join(f"{intent[:5]:>5}" for intent in read)]
    for intent in labelled:
        cells = " ".join(f"{confusion[intent].get(i, 0) or '.':>5}" for i in read)
        lines.append(f"{intent:<{width}} {cells}")
    return lines
