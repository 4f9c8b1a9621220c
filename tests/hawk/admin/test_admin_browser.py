"""The admin pages people work in, in a real browser (Debian's Chromium at 1,280 x 800) against
a real server (uvicorn in its own process, the built-in analyst, the demo data committed): the
template preview, the version diff, a run's page and a configuration edit show their content
without the page scrolling sideways (a wide table scrolls inside its own box, if at all)."""

from collections.abc import Iterator

import httpx
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import Page, expect
from rest_framework.authtoken.models import Token

from hawk.models import AgentRun, ThresholdConfiguration
from templates_app.models import PromptTemplate
from templates_app.services import template_update
from tests.browser import choose, fits_sideways, log_in, page_overflow
from tests.live import PROMPT
from tests.uvicorn_process import UvicornProcess, uvicorn_process

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "browser-admin-password-1"
TEMPLATE = "Hedge capacity check"


@pytest.fixture(scope="module")
def server(django_db_setup) -> Iterator[UvicornProcess]:
    with uvicorn_process() as process:
        yield process


@pytest.fixture
def person(make_user, committed_demo):
    """A member of the admin group (staff, not a superuser), with the demo templates."""
    call_command("load_prompt_templates", verbosity=0)
    member = make_user("browser-admin", "admin")
    member.groups.add(Group.objects.get(name="analyst"))
    member.is_staff = True
    member.set_password(PASSWORD)
    member.save()
    return member


@pytest.fixture
def admin_page(page: Page, server: UvicornProcess, person) -> Page:
    log_in(page, server.url, person.username, PASSWORD, "/admin/")
    return page


def assert_no_sideways_scrolling(page: Page) -> None:
    """The page is no wider than the window, and each table in the content is either within
    the window or inside a box that scrolls it sideways."""
    assert page_overflow(page) <= 0, f"{page.url} scrolls sideways by {page_overflow(page)} px"
    tables = page.locator("#content table")
    for index in range(tables.count()):
        if tables.nth(index).is_visible():
            assert fits_sideways(tables.nth(index)), f"{page.url}: table {index} is cut off"


def test_the_template_preview_shows_the_answer_without_scrolling_sideways(
    admin_page: Page, server: UvicornProcess
):
    template = PromptTemplate.objects.get(name=TEMPLATE)
    admin_page.goto(f"{server.url}/admin/templates_app/prompttemplate/{template.pk}/preview/")
    admin_page.locator('[name="amount"]').fill("150K")
    choose(admin_page.locator('[name="currency"]'), "CNY")
    admin_page.locator('#content form [type="submit"]').first.click()

    expect(admin_page.get_by_text("CNY 150,000.00: PASS").first).to_be_visible()
    assert_no_sideways_scrolling(admin_page)


def test_the_version_diff_shows_the_change_without_scrolling_sideways(
    admin_page: Page, server: UvicornProcess, person
):
    template = PromptTemplate.objects.get(name=TEMPLATE)
    changed = "Can we hedge {{amount}} {{currency}} today? Say the headroom in words, please."
    template_update(template=template, values={"prompt_text": changed}, user=person)
    before, after = template.version - 1, template.version

    admin_page.goto(
        f"{server.url}/admin/templates_app/prompttemplate/{template.pk}/diff/?a={before}&b={after}"
    )

    expect(admin_page.locator("#content")).to_contain_text("headroom")
    assert_no_sideways_scrolling(admin_page)


def test_a_run_page_shows_the_answer_and_its_tables_without_scrolling_sideways(
    admin_page: Page, server: UvicornProcess, person
):
    token = Token.objects.create(user=person).key
    answered = httpx.post(
        f"{server.url}/hawk-agent/process-prompt",
        json={"user_prompt": PROMPT, "stream": False},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert answered.status_code == 200, answered.text
    run = AgentRun.objects.get()

    admin_page.goto(f"{server.url}/admin/hawk/agentrun/{run.run_id}/change/")

    expect(admin_page.get_by_text("CNY 150,000.00: PASS").first).to_be_visible()
    assert_no_sideways_scrolling(admin_page)


def test_a_configuration_edit_form_shows_without_scrolling_sideways(
    admin_page: Page, server: UvicornProcess
):
    row = ThresholdConfiguration.objects.order_by("pk").first()
    assert row is not None
    admin_page.goto(f"{server.url}/admin/hawk/thresholdconfiguration/{row.pk}/change/")

    save = admin_page.locator('#content [type="submit"][name="_save"]')
    expect(save).to_be_visible()
    assert_no_sideways_scrolling(admin_page)
    save.click()

    expect(admin_page.locator("#content")).to_be_visible()
    assert_no_sideways_scrolling(admin_page)
