"""The screenshots in docs/ (shown in README.md), made by a command, not by hand:

    make screenshots   (or: .venv/bin/python bench/screenshots.py [--out docs])

In a throw-away SQLite database with the demo data and templates (like `make eval`; never a
developer's own database or cache), it starts the app under uvicorn on a free loopback port,
then, in Debian's Chromium at 1,280 x 800 driven by Playwright (tests/browser.py):
- docs/console.png: the console after "Check if I can hedge 150K CNY today" was asked and
  answered by the built-in analyst;
- docs/preview.png: the admin's preview of the "Hedge capacity check" template for 150K CNY.
"""

import argparse
import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROMPT = "Check if I can hedge 150K CNY today"
TEMPLATE = "Hedge capacity check"
USERNAME = "screenshots"
MAX_HEIGHT = 1800  # px of a long page kept in the picture


def app_env(database: Path) -> dict[str, str]:
    """The embedded set-up (SQLite, local memory), DEBUG off, the built-in analyst."""
    return {
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        "DIFY_BASE_URL": "",
        "OPENAI_BASE_URL": "",
        "DEBUG": "false",
        "SECRET_KEY": "screenshots-only-" + secrets.token_urlsafe(32),
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def prepare_database(password: str) -> int:
    """Migrated, with the demo bundle, the templates and a staff member of the admin group;
    returns the id of the previewed template."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from hawk.management.commands.bootstrap_local import DEMO_BUNDLE
    from templates_app.models import PromptTemplate

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("import_hedge_data", str(DEMO_BUNDLE), stdout=quiet)
        call_command("load_prompt_templates", stdout=quiet)
    user = get_user_model().objects.create_user(USERNAME, password=password, is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=["admin", "analyst"]))
    return PromptTemplate.objects.get(name=TEMPLATE).pk


def shoot(page, path: Path) -> None:
    """The page from the top, at most MAX_HEIGHT px of it."""
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}
    page.screenshot(path=str(path), full_page=True, clip=clip, animations="disabled")
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def console_shot(page, url: str, out: Path) -> None:
    page.goto(f"{url}/console/")
    page.get_by_role("textbox", name="Question").fill(PROMPT)
    page.get_by_role("button", name="Ask", exact=True).click()
    page.get_by_role("status").filter(has_text="Done.").wait_for(timeout=60_000)
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, out / "console.png")


def preview_shot(page, url: str, template_id: int, out: Path) -> None:
    from tests.browser import choose

    page.goto(f"{url}/admin/templates_app/prompttemplate/{template_id}/preview/")
    page.locator('[name="amount"]').fill("150K")
    choose(page.locator('[name="currency"]'), "CNY")
    page.locator('#content form [type="submit"]').first.click()
    page.get_by_text("CNY 150,000.00: PASS").first.wait_for(timeout=60_000)
    shoot(page, out / "preview.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder of the PNGs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hawk-screenshots-") as folder:
        env = app_env(Path(folder) / "hawk.sqlite3")
        os.environ.update(env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hawk.settings")
        password = secrets.token_urlsafe(16)
        template_id = prepare_database(password)
        run(env, password, template_id, args.out.resolve())


def run(env: dict[str, str], password: str, template_id: int, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, VIEWPORT, launch_options, log_in
    from tests.uvicorn_process import UvicornProcess

    if not CHROMIUM.exists():
        sys.exit(f"screenshots: Debian's chromium is needed at {CHROMIUM} (apt install chromium)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as log:
        server = UvicornProcess({**os.environ, **env}, log)
        try:
            server.wait_until_healthy()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(**launch_options())
                page = browser.new_page(viewport=VIEWPORT, locale="en-GB")
                log_in(page, server.url, USERNAME, password, "/console/")
                console_shot(page, server.url, out)
                preview_shot(page, server.url, template_id, out)
                browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
