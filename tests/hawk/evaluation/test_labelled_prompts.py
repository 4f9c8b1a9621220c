"""The labelled prompts (tests/hawk/evaluation/data): how well the understanding stage reads
prompts as operations staff write them. The held-out part was written before any tuning and is
only measured; its thresholds are the issue's."""

import datetime
from pathlib import Path

import pytest

from hawk.evaluation.labelled import LabelledPrompt, load_labelled, score_understanding
from hawk.pipeline.understand import Understanding, understand
from tests.hawk.pipeline.understand.support import VOCABULARY

DATA = Path(__file__).parent / "data"
TODAY = datetime.date(2026, 11, 22)
TUNING = load_labelled([DATA / "labelled_prompts_tuning.jsonl"])
HELD_OUT = load_labelled([DATA / "labelled_prompts_held_out.jsonl"])


def read(prompt: str) -> Understanding:
    return understand(prompt, vocabulary=VOCABULARY, today=TODAY)


def test_the_labelled_set_has_at_least_300_prompts_in_two_parts():
    assert len(TUNING) + len(HELD_OUT) >= 300
    assert {row.split for row in TUNING} == {"tuning"}
    assert {row.split for row in HELD_OUT} == {"held_out"}
    assert not {row.prompt for row in TUNING} & {row.prompt for row in HELD_OUT}
    assert sum(row.unclear for row in HELD_OUT) >= 15


@pytest.mark.parametrize(
    ("rows", "intent_floor", "parameter_floor"),
    [(HELD_OUT, 0.97, 0.98), (TUNING, 0.97, 0.98)],
    ids=["held_out", "tuning"],
)
def test_prompts_are_read_as_labelled(rows: list[LabelledPrompt], intent_floor, parameter_floor):
    score = score_understanding(rows, read)
    report = "\n".join(score.misses)
    print(f"\n{rows[0].split}: {score.as_dict() | {'misses': len(score.misses)}}\n{report}")
    assert score.intent_accuracy >= intent_floor, report
    assert score.parameter_accuracy >= parameter_floor, report
    assert score.unclear_asked == score.unclear_total, report
    assert score.clear_asked == 0, report
