"""`manage.py set_business_date`: the business date is the product's own (never routed to the
HAWK database), set or cleared by an operator, and the next run uses it at once."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from hawk.database.routers import HAWK_ALIAS, HawkRouter
from hawk.database.threads import in_db_thread
from hawk.models import BusinessDate, Entity
from hawk.pipeline.prepare import PromptInput
from hawk.pipeline.run import RunRequest, run_events

UNDATED_PROMPT = "What is the CNY hedge capacity?"


def set_business_date(*args: str) -> str:
    out = io.StringIO()
    call_command("set_business_date", *args, stdout=out)
    return out.getvalue()


async def planned_business_date() -> str:
    async for event in run_events(RunRequest(PromptInput(UNDATED_PROMPT), None)):
        if event["event"] == "hawk_plan":
            return event["business_date"]
    raise AssertionError("the run planned nothing")


@pytest.mark.django_db
def test_a_date_is_stored_and_the_date_in_force_printed():
    out = set_business_date("2026-11-20")

    assert BusinessDate.current() == datetime.date(2026, 11, 20)
    assert out == "business date: 2026-11-20 (set)\n"


@pytest.mark.django_db
def test_clear_goes_back_to_today():
    BusinessDate.set(datetime.date(2026, 11, 20))

    out = set_business_date("--clear")

    assert BusinessDate.stored() is None
    assert out == f"business date: {timezone.now().date().isoformat()} (today, none set)\n"


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["2026-02-30", "20-11-2026", "tomorrow"])
def test_a_bad_date_is_an_error_naming_it(text):
    with pytest.raises(CommandError, match=f"not a date \\(YYYY-MM-DD\\): '{text}'"):
        set_business_date(text)
    assert BusinessDate.stored() is None


@pytest.mark.django_db
@pytest.mark.parametrize("args", [(), ("2026-11-20", "--clear")], ids=["neither", "both"])
def test_a_date_or_clear_is_required_but_not_both(args):
    with pytest.raises(CommandError, match="either a date"):
        set_business_date(*args)


def test_the_business_date_stays_in_the_products_database_in_live_mode(settings):
    settings.HAWK_DATABASE_URL = "postgres://platform.invalid/hawk"
    router = HawkRouter()

    assert router.db_for_read(BusinessDate) is None  # default
    assert router.db_for_write(BusinessDate) is None
    assert router.db_for_read(Entity) == HAWK_ALIAS
    assert router.allow_migrate(HAWK_ALIAS, "hawk", model_name="businessdate") is False


@pytest.mark.redis
@pytest.mark.usefixtures("committed_demo")
async def test_the_next_run_plans_for_the_date_just_set():
    assert await planned_business_date() == "2026-11-20"  # the demo data's

    await command_in_db_thread("2026-12-31")
    assert await planned_business_date() == "2026-12-31"

    await command_in_db_thread("--clear")
    assert await planned_business_date() == timezone.now().date().isoformat()


async def command_in_db_thread(*args: str) -> None:
    await in_db_thread(set_business_date, *args)
