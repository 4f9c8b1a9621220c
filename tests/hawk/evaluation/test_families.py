"""Leave-one-family-out scoring and the confusion matrix of intents (families.py)."""

from collections.abc import Sequence

from hawk.evaluation.families import (
    confusion_table,
    failed_family_thresholds,
    leave_one_family_out,
)
from hawk.evaluation.labelled import LabelledPrompt, read_with_rules
from hawk.pipeline.understand import Understanding


def row(prompt: str, intent: str, family: str) -> LabelledPrompt:
    return LabelledPrompt(prompt, intent, {}, False, "tuning", family)


ROWS = [
    row("show the dashboard", "monitoring", "a"),
    row("dashboard please", "monitoring", "a"),
    row("what is the dollar offset", "performance", "b"),
]


def test_a_family_is_read_by_a_reader_made_without_any_of_its_wordings():
    seen: list[set[str]] = []

    def reader_for(training: Sequence[LabelledPrompt]):
        seen.append({r.family for r in training})
        return read_with_rules

    leave_one_family_out(ROWS, reader_for)
    assert seen == [{"b"}, {"a"}]


def test_the_confusion_matrix_counts_labelled_against_read_intents():
    def always_monitoring(_training: Sequence[LabelledPrompt]):
        def read(prompt: str) -> Understanding:
            return read_with_rules("show the thresholds")

        return read

    result = leave_one_family_out(ROWS, always_monitoring)
    assert result.confusion == {"monitoring": {"monitoring": 2}, "performance": {"monitoring": 1}}
    assert (result.families, result.families_right) == (2, 1)
    table = [line.split() for line in confusion_table(result.confusion)[1:]]
    assert table == [["performance", "1"], ["monitoring", "2"]]


def test_no_threshold_fails_when_every_family_is_read_right():
    result = leave_one_family_out(ROWS, lambda _training: read_with_rules)
    assert result.score.intent_accuracy == 1.0
    assert failed_family_thresholds(result) == []
