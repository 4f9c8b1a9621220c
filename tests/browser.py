"""Debian's Chromium driven by Playwright, for the browser tests (tests/hawk/console,
tests/hawk/admin) and `make screenshots` (bench/screenshots.py). A support module, not a test
module: tests/conftest.py imports its fixtures.

Playwright's own browser download is never used: the browser is the system's
`/usr/bin/chromium` (`.ci/run` installs Debian's package when it is missing), started headless
with a fresh profile (Playwright gives every launch a new temporary user-data-dir) and without
the background connections a closed network refuses."""

import os
from pathlib import Path
from typing import Any

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}  # as in tests/conftest.py

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}

# What would make the page scroll sideways: the document wider than the window.
PAGE_OVERFLOW_JS = "document.documentElement.scrollWidth - window.innerWidth"

# An element fits when it lies within the window, or inside an ancestor that scrolls it
# sideways itself (overflow-x auto/scroll with its own right edge within the window).
FITS_JS = """(element) => {
  const right = window.innerWidth;
  if (element.getBoundingClientRect().right <= right + 0.5) return true;
  for (let box = element.parentElement; box; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowX;
    if (overflow === "auto" || overflow === "scroll") {
      return box.getBoundingClientRect().right <= right + 0.5;
    }
  }
  return false;
}"""


def launch_options() -> dict[str, Any]:
    """Playwright's chromium.launch() options for the system Chromium."""
    return {"executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}


def page_overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0 or less: no sideways scrolling)."""
    return page.evaluate(PAGE_OVERFLOW_JS)


def fits_sideways(locator: Any) -> bool:
    return locator.evaluate(FITS_JS)


def choose(field: Any, value: str) -> None:
    """Picks `value` in a list, or types it into a text box (a currency list may be either)."""
    if field.evaluate("(element) => element.tagName") == "SELECT":
        field.select_option(value)
    else:
        field.fill(value)


def log_in(
    page: Any,
    base_url: str,
    username: str,
    password: str,
    next_path: str,
    login_path: str = "/admin/login/",
) -> None:
    """A login form (the admin's, or the console's at /accounts/login/), as a person fills it
    in; lands on `next_path`."""
    page.goto(f"{base_url}{login_path}?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}{next_path}")


@pytest.fixture(autouse=True)
def _django_beside_playwright(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch):
    """Playwright's sync API keeps its event loop marked as running in the main thread between
    its calls, which Django takes for an async context: a browser test's own ORM calls (and
    its transactional flush) are allowed there. The browser tests run last (conftest.py)."""
    if request.node.get_closest_marker("browser") is not None:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    yield


@pytest.fixture(scope="session")
def playwright(django_db_setup: None, playwright: Any) -> Any:
    """pytest-playwright's Playwright, started after the test database is set up (which it
    could not be beside Playwright's running loop)."""
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, pointed at the system Chromium. Without it the
    browser tests skip, except in CI, where they fail: CI must run them."""
    if not CHROMIUM.exists():
        message = f"the browser tests need Debian's chromium at {CHROMIUM} (apt install chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, **launch_options()}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Every page at 1,280 x 800, in English."""
    return {**browser_context_args, "viewport": VIEWPORT, "locale": "en-GB"}
