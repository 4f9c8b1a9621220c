"""A/B experiments: the API, sticky per-user assignment by weight, the variant and version on
every run and in hawk_plan, answer-cache keys per variant, and results that count each run once."""

import collections

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from hawk.models import AgentRun
from templates_app.experiments import variant_for_user
from templates_app.models import Experiment, PromptTemplate
from templates_app.results import two_proportion_p_value
from tests.templates_app.helpers import capacity_pair, experiment_of, make_template

VARIABLES = {"amount": "150K", "currency": "CNY"}


@pytest.fixture
def pair(db):
    return capacity_pair()


def test_an_experiment_is_created_and_read_through_the_api(api_client, pair):
    body = {"name": "wording", "status": "running", "variants": [
        {"template_id": pair[0].pk, "label": "A", "weight": 3},
        {"template_id": pair[1].pk, "label": "B", "weight": 1},
    ]}  # fmt: skip

    created = api_client.post("/api/experiments/", body, format="json")
    listed = api_client.get("/api/experiments/").json()

    assert created.status_code == 201, created.json()
    assert [v["weight"] for v in created.json()["variants"]] == [3, 1]
    assert listed["count"] == 1 and listed["results"][0]["status"] == "running"


def test_a_template_runs_in_one_experiment_at_a_time(api_client, pair):
    experiment_of(*pair)
    body = {"name": "second", "status": "running", "variants": [
        {"template_id": pair[0].pk, "label": "X"}, {"template_id": pair[1].pk, "label": "Y"},
    ]}  # fmt: skip

    response = api_client.post("/api/experiments/", body, format="json")

    assert response.status_code == 409
    assert not Experiment.objects.filter(name="second").exists()


def test_one_variant_or_duplicate_labels_are_a_400(api_client, pair):
    one = {"name": "one", "variants": [{"template_id": pair[0].pk, "label": "A"}]}
    twins = {"name": "twins", "variants": [{"template_id": pair[0].pk, "label": "A"},
                                           {"template_id": pair[1].pk, "label": "A"}]}  # fmt: skip

    assert api_client.post("/api/experiments/", one, format="json").status_code == 400
    assert api_client.post("/api/experiments/", twins, format="json").status_code == 400


def test_variants_of_a_running_experiment_cannot_change(api_client, pair):
    experiment = experiment_of(*pair)
    body = {"variants": [{"template_id": pair[0].pk, "label": "A", "weight": 9},
                         {"template_id": pair[1].pk, "label": "B"}]}  # fmt: skip

    response = api_client.patch(f"/api/experiments/{experiment.pk}/", body, format="json")

    assert response.status_code == 409


def test_assignment_is_sticky_and_follows_the_weights_over_many_users(pair):
    experiment = experiment_of(*pair, weights=(3, 1))

    labels = [variant_for_user(experiment=experiment, user_id=user).label for user in range(4000)]
    again = [variant_for_user(experiment=experiment, user_id=user).label for user in range(4000)]

    assert labels == again
    assert abs(labels.count("A") / 4000 - 0.75) < 0.03


def test_the_plan_names_the_users_variant_and_version(api_client, user, pair):
    experiment = experiment_of(*pair)
    expected = variant_for_user(experiment=experiment, user_id=user.pk)
    body = {"user_prompt": "x", "template_id": pair[0].pk, "template_variables": VARIABLES}

    plan = api_client.post("/hawk-agent/plan", body, format="json").json()

    assert plan["template"] == {
        "id": expected.template_id,
        "version": 1,
        "experiment_id": experiment.pk,
        "variant": expected.label,
    }


def test_a_stopped_experiment_no_longer_assigns(api_client, pair):
    experiment_of(*pair, status="stopped")
    body = {"user_prompt": "x", "template_id": pair[1].pk, "template_variables": VARIABLES}

    plan = api_client.post("/hawk-agent/plan", body, format="json").json()

    assert plan["template"] == {"id": pair[1].pk, "version": 1, "experiment_id": None,
                                "variant": None}  # fmt: skip


def test_p_value_of_the_two_proportion_test():
    # 60/100 vs 40/100: z = 2.828, two-sided p = 0.00468.
    assert two_proportion_p_value(60, 100, 40, 100) == pytest.approx(0.004678, abs=1e-5)
    assert two_proportion_p_value(5, 10, 5, 10) == pytest.approx(1.0)
    assert two_proportion_p_value(0, 0, 3, 4) is None


# --- real runs (committed data: the run reads on its own database threads) -------------------


def client_of(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def run(client, template_id: int) -> dict:
    body = {"user_prompt": "x", "template_id": template_id, "template_variables": VARIABLES,
            "stream": False}  # fmt: skip
    response = client.post("/hawk-agent/process-prompt", body, format="json")
    assert response.status_code == 200, response.content[:300]
    return response.json()


@pytest.fixture
def running_pair(committed_demo):
    second_text = "Can I hedge {{amount}} {{currency}} right now?"
    first, second = make_template(), make_template(name="Capacity B", prompt_text=second_text)
    return experiment_of(first, second), first, second


def test_40_users_keep_one_variant_the_split_follows_weights_and_results_count_each_run_once(
    running_pair, make_user
):
    experiment, first, second = running_pair
    seen: dict[int, set[str]] = collections.defaultdict(set)
    clients = {}
    for n in range(40):
        user = make_user(f"ab-user-{n}", "analyst")
        clients[user.pk] = client_of(user)
    for _round in range(2):
        for user_id, client in clients.items():
            run(client, first.pk)
            seen[user_id] |= set(AgentRun.objects.filter(user_id=user_id)
                                 .values_list("variant", flat=True))  # fmt: skip

    assert all(len(variants) == 1 for variants in seen.values())
    split = collections.Counter(next(iter(v)) for v in seen.values())
    assert 12 <= split["A"] <= 28, split  # 1:1 over 40 users: 20 +- 2.5 standard deviations
    runs = AgentRun.objects.filter(experiment=experiment)
    assert runs.count() == 80
    assert set(runs.values_list("template_version", flat=True)) == {1}
    for row in runs:
        assert row.template_id == (first.pk if row.variant == "A" else second.pk)
    AgentRun.objects.filter(pk__in=list(runs.values_list("pk", flat=True)[:10])).update(
        feedback_rating="like"
    )
    results = (
        client_of(make_user("reader", "viewer"))
        .get(f"/api/experiments/{experiment.pk}/results")
        .json()
    )
    by_label = {v["variant"]: v for v in results["variants"]}
    assert by_label["A"]["runs"] + by_label["B"]["runs"] == 80
    assert by_label["A"]["runs"] == 2 * split["A"]
    assert by_label["A"]["completed"] + by_label["B"]["completed"] == 80
    assert by_label["A"]["likes"] + by_label["B"]["likes"] == 10
    assert by_label["A"]["total_ms_p50"] is not None
    assert results["comparison"]["metric"] == "like_rate"
    assert results["comparison"]["winner"] is None  # 10 likes, no dislikes: nothing to test


def test_usage_is_counted_once_per_run_also_when_the_answer_comes_from_the_cache(
    committed_demo, make_user
):
    template = make_template()
    client = client_of(make_user("counter", "analyst"))

    first, second = run(client, template.pk), run(client, template.pk)
    client.post("/hawk-agent/plan", {"user_prompt": "x", "template_id": template.pk},
                format="json")  # fmt: skip

    template.refresh_from_db()
    assert (first["answer_cache"], second["answer_cache"]) == ("miss", "hit")
    assert template.usage_count == 2
    assert AgentRun.objects.filter(template=template).count() == 2


def test_variants_and_versions_have_their_own_answer_cache_entries(committed_demo, make_user):
    template = make_template()
    client = client_of(make_user("cacher", "analyst"))

    before = run(client, template.pk)
    template.analysis_instructions = "Be brief."
    from templates_app.services import template_update

    template_update(template=PromptTemplate.objects.get(pk=template.pk),
                    values={"analysis_instructions": "Be brief."})  # fmt: skip
    after = run(client, template.pk)

    assert (before["answer_cache"], after["answer_cache"]) == ("miss", "miss")


def test_an_archived_template_cannot_be_run(committed_demo, make_user):
    template = make_template(status="archived")
    client = client_of(make_user("late", "analyst"))
    body = {"user_prompt": "x", "template_id": template.pk, "stream": False}

    response = client.post("/hawk-agent/process-prompt", body, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert not AgentRun.objects.exists()
