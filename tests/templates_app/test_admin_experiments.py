"""The experiment page in the admin: results in words and percentages, never raw keys or None."""

from decimal import Decimal

import pytest

from hawk.models import AgentRun
from tests.hawk.admin.support import change_url
from tests.templates_app.helpers import capacity_pair, experiment_of


def rated_runs(experiment, variant: str, likes: int, dislikes: int, unrated: int = 0) -> None:
    ratings = ["like"] * likes + ["dislike"] * dislikes + [""] * unrated
    for rating in ratings:
        AgentRun.objects.create(
            prompt="hedge 150K CNY", status="completed", experiment=experiment, variant=variant,
            feedback_rating=rating, timings={"total_ms": 1234.5, "first_token_ms": 80.0},
            prompt_tokens=1200, completion_tokens=300, total_price=Decimal("0.0012"),
            price_currency="USD",
        )  # fmt: skip


def results_block(admin_client, experiment) -> str:
    page = admin_client.get(change_url(experiment)).content.decode()
    return page.split('hawk-results"')[1].split("</fieldset>")[0]


@pytest.fixture
def experiment(db):
    return experiment_of(*capacity_pair(), weights=(3, 1))


def test_a_new_experiment_says_it_has_not_enough_runs_yet(admin_client, experiment):
    block = results_block(admin_client, experiment)

    assert "Not enough rated runs yet to tell the variants apart" in block
    for raw in ("None", "like_rate", "p_value", "total_ms_p50", "p = "):
        assert raw not in block, raw
    assert "75 %" in block and "25 %" in block  # the share of traffic from the weights


def test_results_read_as_percentages_and_a_sentence(admin_client, experiment):
    rated_runs(experiment, "A", likes=2, dislikes=1, unrated=1)
    rated_runs(experiment, "B", likes=1, dislikes=2)

    block = results_block(admin_client, experiment)

    assert "66.7 % (2 of 3)" in block and "33.3 % (1 of 3)" in block
    assert "1.2 s" in block  # the median time, in seconds
    assert "4,800" in block  # tokens in, with a separator
    assert "No clear winner yet" in block and "p = 0.4" in block
    assert "None" not in block


def test_a_significant_difference_names_the_winner(admin_client, experiment):
    rated_runs(experiment, "A", likes=30, dislikes=2)
    rated_runs(experiment, "B", likes=5, dislikes=25)

    block = results_block(admin_client, experiment)

    assert "A is better liked" in block and "93.8 % (30 of 32)" in block


def test_the_results_table_scrolls_rather_than_being_clipped(admin_client, experiment):
    block = results_block(admin_client, experiment)

    assert '<div class="hawk-scroll"' in block
