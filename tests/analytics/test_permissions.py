"""Who may read /api/analytics: the hedge figures need the view permission of the tables they
come from (every role has it, a user without a role does not); usage needs a role, and
`user=` names only yourself unless you are operations or admin."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.roles import client_with_role

pytestmark = pytest.mark.postgres
ENDPOINTS = ["capacity", "thresholds", "effectiveness", "exceptions", "usage"]


@pytest.fixture
def roleless_client(db, django_user_model):
    member = django_user_model.objects.create_user("nobody", password="irrelevant-9")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")
    return client


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_user_without_a_role_is_refused_every_endpoint(roleless_client, endpoint):
    response = roleless_client.get(f"/api/analytics/{endpoint}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_viewer_reads_every_endpoint(db, django_user_model, endpoint):
    viewer = client_with_role(django_user_model, "viewer1", "viewer")
    assert viewer.get(f"/api/analytics/{endpoint}").status_code == 200


def test_usage_of_another_user_is_refused_to_a_viewer(db, django_user_model, user):
    viewer = client_with_role(django_user_model, "viewer1", "viewer")
    response = viewer.get("/api/analytics/usage", {"user": user.username})
    assert response.status_code == 403
    assert "user" in response.json()["error"]["message"]


def test_a_viewer_reads_their_own_usage(db, django_user_model):
    viewer = client_with_role(django_user_model, "viewer1", "viewer")
    assert viewer.get("/api/analytics/usage", {"user": "viewer1"}).status_code == 200


def test_operations_read_the_usage_of_anyone(db, django_user_model, user):
    ops = client_with_role(django_user_model, "ops1", "operations")
    assert ops.get("/api/analytics/usage", {"user": user.username}).status_code == 200
