"""Rules that keep an experiment from breaking its templates: variants share their input
fields, a template in a running experiment cannot be archived, the status only moves forward
(draft -> running -> stopped), and a run shows its experiment and variant."""

import pytest

from hawk.models import AgentRun
from templates_app.models import Experiment, PromptTemplate
from tests.templates_app.helpers import CAPACITY, capacity_pair, experiment_of, make_template

pytestmark = pytest.mark.postgres


@pytest.fixture
def pair(db):
    return capacity_pair()


def body_of(first, second) -> dict:
    variants = [{"template_id": first.pk, "label": "A"}, {"template_id": second.pk, "label": "B"}]
    return {"name": "rules", "status": "running", "variants": variants}


def test_variants_with_different_input_fields_are_a_400(api_client, pair):
    fields = [*CAPACITY["input_fields"], {"name": "note", "label": "Note", "type": "text"}]
    other = make_template(
        name="With a note", prompt_text="{{amount}} {{currency}} {{note}}", input_fields=fields
    )
    response = api_client.post("/api/experiments/", body_of(pair[0], other), format="json")
    assert response.status_code == 400
    assert "variants" in response.json()["error"]["fields"]


def test_a_template_in_a_running_experiment_cannot_be_archived(api_client, pair):
    experiment_of(*pair)
    response = api_client.delete(f"/api/templates/{pair[0].pk}/")
    assert response.status_code == 409
    assert PromptTemplate.objects.get(pk=pair[0].pk).status != "archived"


@pytest.mark.parametrize(
    ("start", "to"), [("running", "draft"), ("stopped", "draft"), ("stopped", "running")]
)
def test_the_status_never_moves_back(api_client, pair, start, to):
    experiment = experiment_of(*pair, status=start)
    url = f"/api/experiments/{experiment.pk}/"
    response = api_client.patch(url, {"status": to}, format="json")
    assert response.status_code == 409
    assert Experiment.objects.get(pk=experiment.pk).status == start


def test_the_status_moves_forward(api_client, pair):
    experiment = experiment_of(*pair, status="draft")
    url = f"/api/experiments/{experiment.pk}/"
    assert api_client.patch(url, {"status": "running"}, format="json").status_code == 200
    assert api_client.patch(url, {"status": "stopped"}, format="json").status_code == 200


def test_a_run_shows_its_experiment_and_variant(api_client, user, pair):
    experiment = experiment_of(*pair)
    run = AgentRun.objects.create(
        user=user, prompt="p", template=pair[0], experiment=experiment, variant="A"
    )
    body = api_client.get(f"/hawk-agent/runs/{run.run_id}").json()
    assert (body["experiment"], body["variant"]) == (experiment.pk, "A")
    listed = api_client.get("/hawk-agent/runs").json()["results"][0]
    assert (listed["experiment"], listed["variant"]) == (experiment.pk, "A")
