"""Roles as permissions: the table of role x endpoint x method -> status. Viewers read,
analysts edit templates and experiments (without being superusers), operations read
templates, admins do everything; nobody anonymous gets in."""

import pytest

from templates_app.models import Experiment, Variant
from tests.hawk.factories import CurrencyFactory
from tests.templates_app.helpers import CAPACITY, make_template, role_client


@pytest.fixture
def objects(db):
    CurrencyFactory(currency_code="CNY")
    first, second = make_template(), make_template(name="Capacity B")
    experiment = Experiment.objects.create(name="wording")
    Variant.objects.create(experiment=experiment, template=first, label="A")
    Variant.objects.create(experiment=experiment, template=second, label="B")
    return {"template": first.pk, "experiment": experiment.pk}


def new_template(n: int) -> dict:
    return {**CAPACITY, "name": f"Made by a role {n}"}


# (method, path, body): {path} placeholders are filled from `objects`.
ENDPOINTS = {
    "list": ("get", "/api/templates/", None),
    "detail": ("get", "/api/templates/{template}/", None),
    "versions": ("get", "/api/templates/{template}/versions/", None),
    "render": ("post", "/api/templates/{template}/render",
               {"variables": {"amount": "1M", "currency": "CNY"}}),
    "create": ("post", "/api/templates/", "new"),
    "patch": ("patch", "/api/templates/{template}/", {"description": "changed"}),
    "archive": ("delete", "/api/templates/{template}/", None),
    "experiments": ("get", "/api/experiments/", None),
    "experiment patch": ("patch", "/api/experiments/{experiment}/", {"name": "renamed"}),
    "results": ("get", "/api/experiments/{experiment}/results", None),
    "plan": ("post", "/hawk-agent/plan", {"user_prompt": "hedge 150K CNY"}),
}  # fmt: skip

# Expected status per role, in the order of ENDPOINTS.
TABLE = {
    None:         [401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
    "viewer":     [200, 200, 200, 200, 403, 403, 403, 200, 403, 200, 403],
    "analyst":    [200, 200, 200, 200, 201, 200, 200, 200, 200, 200, 200],
    "operations": [200, 200, 200, 200, 403, 403, 403, 403, 403, 403, 200],
    "admin":      [200, 200, 200, 200, 201, 200, 200, 200, 200, 200, 200],
}  # fmt: skip

CASES = [
    (role, name, status)
    for role, statuses in TABLE.items()
    for name, status in zip(ENDPOINTS, statuses, strict=True)
]


@pytest.mark.parametrize(("role", "endpoint", "expected"), CASES)
def test_the_role_table(django_user_model, objects, role, endpoint, expected):
    client = role_client(django_user_model, role)
    method, path, body = ENDPOINTS[endpoint]
    if body == "new":
        body = new_template(len(CASES))

    response = getattr(client, method)(path.format(**objects), body, format="json")

    assert response.status_code == expected, (role, endpoint, response.content[:200])


def test_an_analyst_edits_templates_without_being_superuser_or_named_in_code(
    django_user_model, objects
):
    client = role_client(django_user_model, "analyst")
    user = django_user_model.objects.get(username="analyst-user")

    assert not user.is_superuser
    assert user.has_perm("templates_app.change_prompttemplate")
    assert user.has_perm("templates_app.run_prompts")
    assert not user.has_perm("templates_app.delete_prompttemplate")
    response = client.patch(f"/api/templates/{objects['template']}/", {"description": "x"},
                            format="json")  # fmt: skip
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_a_method_an_endpoint_lacks_is_a_405_whatever_the_role(django_user_model, objects, role):
    client = role_client(django_user_model, role)
    response = client.put(f"/api/templates/{objects['template']}/", CAPACITY, format="json")
    assert response.status_code == 405
