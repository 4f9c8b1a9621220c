"""The console in a real browser (Debian's Chromium, 1,280 x 800) against a real server: uvicorn
in its own process over the test database and Redis, with the demo data committed. Answers
come from an OpenAI-compatible stand-in that writes slowly, so that what a person sees while
the answer is still being written can be observed; in the question test it writes, chunk by
chunk, exactly what the built-in analyst answers."""

import io
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from hawk.analysis.builtin import report_chunks
from hawk.models import AgentRun
from tests.browser import fits_sideways, log_in, page_overflow
from tests.live import PROMPT
from tests.openai_server import API_KEY, OpenAIStandIn
from tests.uvicorn_process import UvicornProcess, uvicorn_process

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis]

PASSWORD = "browser-test-password-1"


@pytest.fixture(scope="module")
def llm() -> Iterator[OpenAIStandIn]:
    standin = OpenAIStandIn()
    standin.start()
    yield standin
    standin.stop()


@pytest.fixture(scope="module")
def server(django_db_setup, llm: OpenAIStandIn) -> Iterator[UvicornProcess]:
    """One server for the module; each test commits its own data (transactional)."""
    env = {"OPENAI_BASE_URL": llm.url, "OPENAI_API_KEY": API_KEY, "OPENAI_READ_TIMEOUT": "10"}
    with uvicorn_process(**env) as process:
        yield process


@pytest.fixture
def standin(llm: OpenAIStandIn) -> OpenAIStandIn:
    """The module's stand-in, reset: a paced answer, a chunk every 0.1 s."""
    llm.mode, llm.answers, llm.delay = "paced", None, 0.1
    return llm


@pytest.fixture
def console(page: Page, server: UvicornProcess, make_user, committed_demo, settings) -> Page:
    """The console, as a plain analyst sees it: not staff, in no other group, signed in through
    the console's own login."""
    settings.DIFY_BASE_URL = settings.OPENAI_BASE_URL = ""  # this process: the built-in analyst
    person = make_user("browser-analyst", "analyst")
    person.set_password(PASSWORD)
    person.save()
    call_command("load_prompt_templates", verbosity=0)
    log_in(page, server.url, "browser-analyst", PASSWORD, "/console/", "/accounts/login/")
    return page


def builtin_report() -> str:
    """The built-in analyst's answer to PROMPT on the committed demo data (asked from a thread
    of its own: this one has Playwright's event loop)."""
    out = io.StringIO()
    with ThreadPoolExecutor(1) as thread:
        thread.submit(call_command, "hawk_ask", PROMPT, "--no-cache", "--json", stdout=out).result()
    events = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    return "".join(event["answer"] for event in events if event["event"] == "message")


def answer_while_streaming(page: Page, words: str) -> str:
    """The Answer region's text at the first moment it shows `words` while the run is still
    going (the Stop button enabled, the region busy)."""
    handle = page.wait_for_function(
        """(words) => {
          const answer = document.getElementById("answer");
          const going = !document.getElementById("stop").disabled
            && answer.getAttribute("aria-busy") === "true";
          return going && answer.textContent.includes(words) ? answer.textContent : null;
        }""",
        arg=words,
        timeout=20_000,
    )
    return handle.json_value()


def wait_for_run(status: str, timeout: float = 10.0) -> AgentRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = AgentRun.objects.order_by("-created_at").first()
        if run is not None and run.status == status:
            return run
        time.sleep(0.1)
    run = AgentRun.objects.order_by("-created_at").first()
    raise AssertionError(f"the run did not end {status}: {run and run.status}")


def test_a_question_streams_its_first_words_then_a_decision_and_table_that_fit_and_a_run_link(
    console: Page, standin: OpenAIStandIn
):
    report = builtin_report()
    standin.answers = report_chunks(report)
    heading, last_line = report.splitlines()[0], report.strip().splitlines()[-1]
    assert heading == "## CNY 150,000.00: PASS"

    console.get_by_role("textbox", name="Question").fill(PROMPT)
    console.get_by_role("button", name="Ask", exact=True).click()

    early = answer_while_streaming(console, "CNY 150,000.00: PASS")
    assert last_line.strip("|# ") not in early  # seen before the answer ended
    answer = console.get_by_role("region", name="Answer")
    expect(console.get_by_role("status")).to_have_text("Done.", timeout=30_000)
    expect(answer.get_by_role("heading", name="CNY 150,000.00: PASS")).to_be_visible()
    tables = answer.locator("table")
    assert tables.count() >= 1
    for index in range(tables.count()):
        assert fits_sideways(tables.nth(index)), f"answer table {index} is cut off at the right"
    assert page_overflow(console) <= 0

    run = AgentRun.objects.get(channel=AgentRun.Channel.HTTP)
    assert (run.status, run.backend) == ("completed", "openai")
    console.get_by_role("link", name="Open the run").click()
    console.wait_for_url(f"**/console/runs/{run.run_id}/")
    expect(console.get_by_text(PROMPT).first).to_be_visible()
    run_answer = console.get_by_role("region", name="Answer")
    expect(run_answer.get_by_role("heading", name="CNY 150,000.00: PASS")).to_be_visible()
    assert page_overflow(console) <= 0


def test_stop_ends_a_slow_answer_and_the_run_is_cancelled(console: Page, standin: OpenAIStandIn):
    standin.mode, standin.delay = "slow", 0.05  # "part 0 part 1 ..." until the client leaves

    console.get_by_role("textbox", name="Question").fill(PROMPT)
    console.get_by_role("button", name="Ask", exact=True).click()
    answer_while_streaming(console, "part 3 ")
    console.get_by_role("button", name="Stop").click()

    expect(console.get_by_role("status")).to_have_text("Stopped.")
    expect(console.get_by_role("button", name="Ask", exact=True)).to_be_enabled()
    assert wait_for_run("cancelled").status == "cancelled"
    stopped_at = console.get_by_role("region", name="Answer").text_content()
    time.sleep(0.5)
    assert console.get_by_role("region", name="Answer").text_content() == stopped_at


def test_a_template_form_with_a_currency_list_and_a_date_picker_runs(
    console: Page, standin: OpenAIStandIn
):
    console.get_by_label("Template").select_option(label="Hedge activity since a date")
    console.get_by_label("Currency").select_option("CNY")
    date = console.get_by_label("Date")
    assert date.get_attribute("type") == "date"
    date.fill("2026-01-01")
    console.get_by_role("button", name="Ask", exact=True).click()

    expect(console.get_by_role("status")).to_have_text("Done.", timeout=30_000)
    expect(console.get_by_role("region", name="Answer")).not_to_be_empty()
    run = AgentRun.objects.get()
    assert run.template is not None and run.template.name == "Hedge activity since a date"
    assert run.prompt.startswith("Summarise CNY hedge activity since 2026-01-01")
    assert page_overflow(console) <= 0


def test_on_a_phone_the_answer_reads_without_scrolling_the_page_sideways(
    console: Page, standin: OpenAIStandIn
):
    standin.answers = report_chunks(builtin_report())
    standin.delay = 0.0
    console.set_viewport_size({"width": 390, "height": 844})

    console.get_by_role("textbox", name="Question").fill(PROMPT)
    console.get_by_role("button", name="Ask", exact=True).click()

    expect(console.get_by_role("status")).to_have_text("Done.", timeout=30_000)
    answer = console.get_by_role("region", name="Answer")
    expect(answer.get_by_role("heading", name="CNY 150,000.00: PASS")).to_be_visible()
    assert page_overflow(console) <= 0
    tables = console.locator("main table")
    for index in range(tables.count()):
        if tables.nth(index).is_visible():
            assert fits_sideways(tables.nth(index)), f"table {index} is cut off on a phone"
