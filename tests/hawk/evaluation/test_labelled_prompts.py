"""The labelled prompts (tests/hawk/evaluation/data): how well the understanding stage reads
prompts as operations staff write them. The held-out part was written before any tuning and is
only measured; its thresholds are the issue's."""

from pathlib import Path

import pytest

from hawk.evaluation.labelled import (
    LabelledPrompt,
    load_labelled,
    read_with_rules,
    score_understanding,
)

DATA = Path(__file__).parent / "data"
TUNING = load_labelled([DATA / "labelled_prompts_tuning.jsonl"])
HELD_OUT = load_labelled([DATA / "labelled_prompts_held_out.jsonl"])
PLATFORM = load_labelled([DATA / "platform_prompts.jsonl"])
PLATFORM_TUNING = [row for row in PLATFORM if row.split == "tuning"]
PLATFORM_HELD_OUT = [row for row in PLATFORM if row.split == "held_out"]


def test_the_labelled_set_has_at_least_300_prompts_in_two_parts():
    assert len(TUNING) + len(HELD_OUT) >= 300
    assert {row.split for row in TUNING} == {"tuning"}
    assert {row.split for row in HELD_OUT} == {"held_out"}
    assert not {row.prompt for row in TUNING} & {row.prompt for row in HELD_OUT}
    assert sum(row.unclear for row in HELD_OUT) >= 15


def test_the_platform_set_has_200_prompts_in_families_each_with_its_source():
    assert len(PLATFORM) >= 200
    assert all(row.source.startswith("hawk-agentic-ai/agent-hawk@") for row in PLATFORM)
    families = {row.family for row in PLATFORM}
    assert len(families) >= 30
    held_out = {row.family for row in PLATFORM_HELD_OUT}
    assert held_out and not held_out & {row.family for row in PLATFORM_TUNING}


@pytest.mark.parametrize(
    ("rows", "intent_floor", "parameter_floor"),
    [
        (HELD_OUT, 0.97, 0.98),
        (TUNING, 0.97, 0.98),
        (PLATFORM_HELD_OUT, 0.97, 0.98),
        (PLATFORM_TUNING, 0.97, 0.98),
    ],
    ids=["held_out", "tuning", "platform_held_out", "platform_tuning"],
)
def test_prompts_are_read_as_labelled(rows: list[LabelledPrompt], intent_floor, parameter_floor):
    score = score_understanding(rows, read_with_rules)
    report = "\n".join(score.misses)
    print(f"\n{rows[0].split}: {score.as_dict() | {'misses': len(score.misses)}}\n{report}")
    assert score.intent_accuracy >= intent_floor, report
    assert score.parameter_accuracy >= parameter_floor, report
    assert score.unclear_asked == score.unclear_total, report
    assert score.clear_asked == 0, report
