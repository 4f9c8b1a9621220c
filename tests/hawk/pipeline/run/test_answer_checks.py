"""Answers checked whatever wrote them: the OpenAI-compatible stand-in's wrong answers are each
caught (risk in message_end and on the run, a quality_warning notice after the answer), its
correct answer and every built-in answer of the golden set are low risk, and an answer that
contradicts the previous one to the same question is flagged."""

import pytest
from prometheus_client import REGISTRY

from hawk.evaluation.golden import GOLDEN
from tests.hawk.pipeline.run.service_support import collect, make_run, names
from tests.live import stored_run

pytestmark = pytest.mark.usefixtures("committed_demo")


def quality_of(events: list[dict]) -> dict:
    return events[-1]["quality"]


@pytest.mark.parametrize(
    ("mode", "risk", "kind"),
    [
        ("wrong_decision", "critical", "decision"),
        ("wrong_total", "high", "number"),
        ("unknown_entity", "high", "entity"),
    ],
)
async def test_a_wrong_claim_is_flagged_with_a_warning_after_the_answer(
    openai_server, mode, risk, kind
):
    openai_server.mode = mode
    run = make_run()
    events = await collect(run)
    assert names(events)[-2:] == ["hawk_notice", "message_end"]
    assert names(events)[-3] == "message"
    warning = events[-2]
    assert (warning["code"], warning["risk"]) == ("quality_warning", risk)
    quality = quality_of(events)
    assert quality["risk"] == risk
    assert [finding["kind"] for finding in quality["findings"]] == [kind]
    assert quality["findings"][0]["message"] in warning["message"]
    assert (await stored_run(run.run_id)).quality["risk"] == risk


async def test_hedging_language_is_caught_as_medium_risk_without_a_warning(openai_server):
    openai_server.mode = "hedging"
    events = await collect(make_run())
    quality = quality_of(events)
    assert quality["risk"] == "medium"
    assert {finding["layer"] for finding in quality["findings"]} == {"uncertainty"}
    assert "hawk_notice" not in names(events)


async def test_a_correct_answer_is_low_risk(openai_server):
    risky = REGISTRY.get_sample_value(
        "hawk_answer_risk_total", {"backend": "openai", "risk": "low"}
    )
    events = await collect(make_run())
    quality = quality_of(events)
    assert (quality["risk"], quality["findings"]) == ("low", [])
    assert quality["layers"] == {"facts": 0.0, "consistency": 0.0, "uncertainty": 0.0}
    after = REGISTRY.get_sample_value(
        "hawk_answer_risk_total", {"backend": "openai", "risk": "low"}
    )
    assert after == (risky or 0) + 1


async def test_an_answer_contradicting_the_previous_one_is_flagged(openai_server):
    await collect(make_run())
    openai_server.mode = "wrong_decision"
    events = await collect(make_run(use_cache=False))
    layers = {finding["layer"] for finding in quality_of(events)["findings"]}
    assert layers == {"facts", "consistency"}


async def test_every_builtin_answer_of_the_golden_set_passes():
    for case in GOLDEN:
        events = await collect(make_run(case.prompt))
        quality = quality_of(events)
        assert (case.prompt, quality["risk"], quality["findings"]) == (case.prompt, "low", [])
