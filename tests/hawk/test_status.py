"""GET /system/status says the business date the runs use, and whether it was set (the demo's
or an operator's date) or is the calendar date (none set)."""

import datetime

import pytest
from django.utils import timezone

from hawk.models import BusinessDate
from tests.conftest import restore_roles
from tests.roles import client_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops_client(django_user_model):
    restore_roles()  # also after a transactional test's flush in a reused database
    return client_with_role(django_user_model, "ops1", "operations")


def test_a_set_business_date_is_reported_as_set(ops_client):
    BusinessDate.set(datetime.date(2026, 11, 20))

    body = ops_client.get("/system/status").json()

    assert body["business_date"] == {"date": "2026-11-20", "source": "set"}


def test_without_a_set_date_the_calendar_date_is_reported(ops_client):
    BusinessDate.objects.all().delete()

    body = ops_client.get("/system/status").json()

    today = timezone.now().date().isoformat()
    assert body["business_date"] == {"date": today, "source": "calendar"}


def test_the_schema_describes_the_business_date(admin_client):
    schema = admin_client.get("/api/schema/?format=json").json()
    status = schema["components"]["schemas"]["SystemStatus"]

    assert "business_date" in status["required"]
    assert status["properties"]["business_date"]["$ref"].endswith("/BusinessDateStatus")
